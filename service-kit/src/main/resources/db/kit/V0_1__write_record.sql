-- Created by robotid-service-kit in every service's database (Flyway location db/kit).
-- One row per mutating request: the audit trail (who, role, organisation, when, trace) and the
-- idempotency record (request hash and stored response) in one, written in the write's transaction.
-- Kit migrations are numbered V0_x so that they sort before every service's own V1+ migrations.
create table write_record (
    request_id     uuid primary key,
    operation      text        not null,
    subject        text        not null,
    role           text        not null,
    organisation   text        not null,
    recorded_at    timestamptz not null,
    trace_id       text        not null,
    request_sha256 bytea       not null,
    response       bytea
);

create index write_record_subject_idx on write_record (subject, recorded_at);
