-- Where identity-service is in lifecycle-service's feed (service/RetirementFollower): the last
-- feed sequence whose effect (retiring an ID) is applied. Moves only forward.
create table feed_position (
    consumer      text primary key,
    last_sequence bigint      not null,
    updated_at    timestamptz not null default now()
);

insert into feed_position (consumer, last_sequence) values ('lifecycle', 0);
