-- FindRobots by model + part + lot at 1,000,000 robots (docs/lifecycle.md, "Indexes, and only those"): the
-- search read every robot of the model and every component of the part and lot from the heap (3,000-8,000
-- random pages, p99 348 ms cold) to return a page of 100. With the robot ID in both indexes, the page's IDs are
-- found from the indexes alone (index-only scans) and only the page's robots are read: 13-19 ms cold.
-- Each replaces the index it extends, so the table has no more indexes than before.
create index robot_component_part_robot_idx on robot_component (part_number, lot, robot_id);
drop index robot_component_part_idx;
create index robot_model_robot_idx on robot (model_code, robot_id);
drop index robot_model_idx;
