-- lifecycle at national scale (docs/lifecycle.md, "Scaling"): the indexes the queries use and only
-- those, and room for HOT updates of the robot row.

-- Every append rewrites its robot's row (state, last hash, sequence). With free space left on each page
-- the new version goes on the same page and, when no indexed column changed (maintenance, telemetry,
-- software and most events), none of the robot's seven indexes is written: a HOT update. New pages only;
-- `vacuum full robot` or pg_repack applies it to rows already stored.
alter table robot set (fillfactor = 70);

-- VerifyChain and the public history read one robot's feed entries: without this, a scan of the whole feed.
create index status_feed_robot_idx on status_feed (robot_id, feed_sequence);

-- ListEvents by type reads one robot's chain through the primary key (robot_id, sequence) and filters:
-- at most a few thousand rows of one robot, while this index cost a second index write on every append.
drop index event_type_idx;

-- FindRobots for an operator or owner ("owner_org_id = x or operator_org_id = x"): a bitmap OR of two
-- indexes instead of a scan of every robot.
create index robot_owner_idx on robot (owner_org_id);
