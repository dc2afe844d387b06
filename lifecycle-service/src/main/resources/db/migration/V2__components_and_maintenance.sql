-- The current components of every robot, for FindRobots and recall criteria by part number and lot.
create table robot_component (
    robot_id    char(29) not null references robot (robot_id),
    part_number text     not null,
    lot         text     not null,
    serial      text     not null
);

create index robot_component_part_idx on robot_component (part_number, lot);
create index robot_component_robot_idx on robot_component (robot_id);

alter table robot add column maintenance_due boolean not null default false;
create index robot_ai_model_idx on robot (ai_model_version);
