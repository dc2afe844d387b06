-- Evidence anyone can check (EVIDENCE.md sections 4 and 5).
--
-- Events recorded from now on are sealed as robotid-lifecycle-event-v2: `body` holds the sealed record
-- (header fields, previous hash, commitments), and beside it the payload bytes and who recorded it, each
-- with the salt of its commitment. Events recorded before keep seal_version 1 (`body` is the
-- LifecycleEvent) and keep verifying as v1.
alter table event add column seal_version smallint not null default 1;
alter table event add column payload bytea;
alter table event add column payload_salt bytea;
alter table event add column recorder_subject text;
alter table event add column recorder_organisation text;
alter table event add column recorder_salt bytea;

-- Feed entries are sealed (robotid-lifecycle-feed-v1) with the hash of the event that caused them.
-- Entries written before are sealed once at start-up (service/EvidenceMigration, recorded in
-- evidence_migration).
alter table status_feed add column event_hash char(64);
alter table status_feed add column entry_hash char(64);

-- Recall campaigns are sealed (robotid-recall-campaign-v1); those created before are sealed at start-up.
alter table recall_campaign add column record_hash char(64);
