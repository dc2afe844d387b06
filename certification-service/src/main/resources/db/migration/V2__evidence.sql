-- Evidence anyone can check (EVIDENCE.md section 6): every certification record is sealed when it is
-- written, in the transaction that writes it. Each sealed row keeps its record (`sealed`: the exact bytes
-- whose SHA-256 is the row's hash, so VerifyRecords can name the column that no longer agrees with it)
-- and the hash (64 lower-case hex characters). Rows stored before this migration are sealed once, at
-- the first start with it (service/EvidenceMigration, recorded in evidence_migration).

-- The accreditation in force: robotid-certification-body-v1.
alter table certification_body
    add column sealed      bytea,
    add column record_hash char(64);

-- robotid-test-result-v1 (6.2).
alter table test_result
    add column sealed      bytea,
    add column record_hash char(64);

-- robotid-certificate-v1 (6.3): names its test result by hash. head_hash: the hash of the last link of
-- the certificate's chain of actions (its own record_hash before any action).
alter table certificate
    add column sealed      bytea,
    add column record_hash char(64),
    add column head_hash   char(64);

-- robotid-certificate-action-v1 (6.4): each action links to the certificate's record before it
-- (previous_hash: the certificate for the first action, else the previous action).
alter table certificate_action
    add column previous_hash char(64),
    add column sealed        bytea,
    add column record_hash   char(64);

-- VerifyRecords walks a certificate's chain by its links.
create index certificate_action_previous_idx on certificate_action (previous_hash);

-- robotid-revalidation-mark-v1 and robotid-revalidation-clearing-v1 (6.5). lifecycle_event_hash: the
-- hash of the lifecycle event that caused the mark, from the lifecycle feed entry; marks made before
-- feed entries carried event hashes are sealed with 64 zeros there (the event is named by its sequence).
alter table revalidation_mark
    add column lifecycle_event_hash char(64),
    add column mark_sealed          bytea,
    add column mark_hash            char(64),
    add column clearing_sealed      bytea,
    add column clearing_hash        char(64);

-- VerifyRecords finds a robot's marks also through the certificates that cleared them.
create index revalidation_mark_cleared_by_idx on revalidation_mark (cleared_by_certificate);

-- robotid-certification-feed-v1 (6.6), over sequence, kind, certificate_id, robot_id, changed_at and body
-- as stored. Sequences are assigned explicitly under the feed's advisory lock, so the seal can cover them.
alter table certification_feed add column entry_hash char(64);

-- VerifyRecords reads the entries about a subject's certificates and a robot.
create index certification_feed_certificate_idx on certification_feed (certificate_id);
create index certification_feed_robot_idx on certification_feed (robot_id);
