-- Evidence anyone can check (EVIDENCE.md sections 7 and 8).
--
-- The policy log: every write of a zone or grant appends the record as written, sealed
-- (robotid-zone-policy-v1) and linked to the change before it. The zone and zone_grant tables are its
-- projections (the latest change of each zone and grant, with the columns they are listed by); the
-- policy a check decides with is read from the log, whose chain is checked when it is loaded.
create table policy_change (
    seq           bigint primary key,
    version       bigint      not null,
    kind          text        not null,
    entity_id     uuid        not null,
    body          bytea       not null,
    previous_hash char(64)    not null,
    hash          char(64)    not null
);
create index policy_change_entity_idx on policy_change (entity_id, seq);
create index policy_change_version_idx on policy_change (version);

-- Denials are sealed (robotid-denial-v1) when written.
alter table denial add column record_hash char(64);

-- The feed projections now keep each feed entry whole, with its seal, and are checked when loaded.
-- Those stored before held only the certificate or re-validation (unsealed): they are dropped and the
-- feeds followed again from the start, which rebuilds them from sealed entries.
delete from robot_status;
delete from certificate;
delete from revalidation;
delete from feed_position;
