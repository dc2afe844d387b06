-- Recall campaigns and the robots each one covers.
alter table robot add column production_date date;
create index robot_production_date_idx on robot (production_date);

create table recall_campaign (
    campaign_id  uuid primary key,
    title        text  not null,
    description  text  not null,
    severity     text  not null,
    criteria     bytea not null,
    created_at   timestamptz not null,
    subject      text  not null,
    role         text  not null,
    organisation text  not null,
    request_id   uuid  not null,
    trace_id     text  not null
);

create table recall_robot (
    campaign_id uuid     not null references recall_campaign (campaign_id),
    robot_id    char(29) not null references robot (robot_id),
    remedied_at timestamptz,
    primary key (campaign_id, robot_id)
);

create index recall_robot_robot_idx on recall_robot (robot_id);
