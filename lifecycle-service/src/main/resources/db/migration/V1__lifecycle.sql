-- lifecycle-service schema: each robot's hash-chained events, its current projection, and the
-- ordered feed of status changes that other services follow.

-- The current state of a robot, derived from its events. `state` is the RobotState message; the
-- other columns are copies for locking, filtering and chaining.
create table robot (
    robot_id                 char(29) primary key,
    manufacturer_code        char(4)  not null,
    model_code               char(6)  not null,
    status                   text     not null,
    status_before_suspension text,
    last_sequence            bigint   not null,
    last_hash                char(64) not null,
    owner_org_id             text     not null default '',
    operator_org_id          text     not null default '',
    firmware_version         text     not null default '',
    ai_model_version         text     not null default '',
    state                    bytea    not null,
    updated_at               timestamptz not null
);

create index robot_model_idx on robot (model_code);
create index robot_status_idx on robot (status);
create index robot_operator_idx on robot (operator_org_id);
create index robot_firmware_idx on robot (firmware_version);

-- The chain. `body` is the sealed LifecycleEvent message (deterministic encoding) and is the
-- source of truth; type and occurred_at are copies for filtering.
create table event (
    robot_id      char(29) not null references robot (robot_id),
    sequence      bigint   not null,
    type          text     not null,
    occurred_at   timestamptz not null,
    previous_hash char(64) not null,
    hash          char(64) not null,
    body          bytea    not null,
    primary key (robot_id, sequence)
);

create index event_type_idx on event (robot_id, type, sequence);

-- Status changes in commit order (writers take an advisory lock before appending, so a consumer
-- resuming after feed_sequence N never misses a change committed later with a smaller number).
create table status_feed (
    feed_sequence         bigint generated always as identity primary key,
    robot_id              char(29) not null,
    status                text     not null,
    suspended             boolean  not null,
    open_stop_use_recalls text[]   not null,
    cause                 text     not null,
    changed_at            timestamptz not null
);
