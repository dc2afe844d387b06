-- certification-service schema: accredited bodies, test results, certificates and their state
-- changes, re-validation marks from lifecycle changes, the feed of certification changes, and the
-- position of the lifecycle feed follower. Rows carry the audit stamp of the write that created
-- them (subject, role, organisation, at, request_id, trace_id); write_record (kit migration V0_1)
-- holds one row per mutating request.

create table certification_body (
    body_id               text primary key,
    name                  text      not null,
    country               char(2)   not null,
    tiers                 text[]    not null,
    standards             text[]    not null,
    accreditation_version integer   not null,
    -- the accreditation in force (the last AccreditBody)
    subject               text        not null,
    role                  text        not null,
    organisation          text        not null,
    at                    timestamptz not null,
    request_id            uuid        not null,
    trace_id              text        not null
);

-- Operating conditions are stored as columns; has_conditions false means none were given (no limits).
create table test_result (
    id                    uuid primary key,
    -- insertion order, for stable paging
    seq                   bigint generated always as identity unique,
    certified_subject     text      not null,
    subject_kind          text      not null,
    model_code            char(6)   not null,
    manufacturer_code     char(4)   not null,
    body_id               text      not null references certification_body (body_id),
    tier                  text      not null,
    standards             text[]    not null,
    test_date             timestamptz not null,
    outcome               text      not null,
    has_conditions        boolean   not null,
    max_speed_m_per_s     double precision,
    max_payload_kg        double precision,
    environment           text,
    people_nearby_allowed boolean,
    task_categories       text[],
    report_uri            text      not null,
    report_sha256         char(64)  not null,
    valid_from            timestamptz,
    valid_until           timestamptz,
    certificate_id        uuid,
    subject               text        not null,
    role                  text        not null,
    organisation          text        not null,
    at                    timestamptz not null,
    request_id            uuid        not null,
    trace_id              text        not null
);

create index test_result_subject_idx on test_result (certified_subject, seq);
create index test_result_manufacturer_idx on test_result (manufacturer_code, seq);
create index test_result_body_idx on test_result (body_id, seq);

create table certificate (
    id                    uuid primary key,
    seq                   bigint generated always as identity unique,
    result_id             uuid      not null unique references test_result (id),
    certified_subject     text      not null,
    subject_kind          text      not null,
    model_code            char(6)   not null,
    manufacturer_code     char(4)   not null,
    body_id               text      not null references certification_body (body_id),
    tier                  text      not null,
    standards             text[]    not null,
    test_date             timestamptz not null,
    outcome               text      not null,
    has_conditions        boolean   not null,
    max_speed_m_per_s     double precision,
    max_payload_kg        double precision,
    environment           text,
    people_nearby_allowed boolean,
    task_categories       text[],
    report_uri            text      not null,
    report_sha256         char(64)  not null,
    valid_from            timestamptz not null,
    valid_until           timestamptz not null,
    state                 text      not null,
    state_reason          text      not null default '',
    -- role of whoever suspended it (a regulator's suspension is lifted only by a regulator)
    suspended_by_role     text,
    -- issued
    subject               text        not null,
    role                  text        not null,
    organisation          text        not null,
    at                    timestamptz not null,
    request_id            uuid        not null,
    trace_id              text        not null,
    -- last suspension, reinstatement or revocation
    changed_subject       text,
    changed_role          text,
    changed_organisation  text,
    changed_at            timestamptz,
    changed_request_id    uuid,
    changed_trace_id      text,
    constraint certificate_validity_ck check (valid_from < valid_until)
);

create index certificate_subject_idx on certificate (certified_subject, seq);
create index certificate_body_idx on certificate (body_id, seq);

-- Every suspension, reinstatement and revocation: the state of a certificate at any instant.
create table certificate_action (
    id                    bigint generated always as identity primary key,
    certificate_id        uuid      not null references certificate (id),
    action                text      not null,
    state_after           text      not null,
    reason                text      not null,
    subject               text        not null,
    role                  text        not null,
    organisation          text        not null,
    at                    timestamptz not null,
    request_id            uuid        not null,
    trace_id              text        not null
);

create index certificate_action_certificate_idx on certificate_action (certificate_id, at);

-- A unit's tier needing re-validation since a configuration change (lifecycle feed); cleared by a
-- passing unit-level test of the tier with a test date at or after `since`.
create table revalidation_mark (
    id                       bigint generated always as identity primary key,
    robot_id                 char(29)    not null,
    tier                     text        not null,
    since                    timestamptz not null,
    cause                    text        not null,
    lifecycle_event_sequence bigint      not null,
    lifecycle_feed_sequence  bigint      not null,
    marked_at                timestamptz not null,
    cleared_at               timestamptz,
    cleared_by_certificate   uuid,
    -- a feed entry is applied once, whatever happens
    constraint revalidation_mark_once_uk unique (robot_id, tier, lifecycle_feed_sequence)
);

create index revalidation_mark_open_idx on revalidation_mark (robot_id) where cleared_at is null;

-- The feed of certification changes (WatchCertificationChanges). Appends take an advisory lock, so
-- sequence numbers follow commit order. body: the WatchCertificationChangesResponse without its sequence.
create table certification_feed (
    sequence       bigint generated always as identity primary key,
    kind           text        not null,
    certificate_id uuid,
    robot_id       text,
    body           bytea       not null,
    changed_at     timestamptz not null
);

-- Where each feed follower is: the last sequence whose effect is stored. Updated in the transaction
-- of the effect, only forwards, so a restart misses nothing and applies nothing twice.
create table feed_position (
    consumer      text primary key,
    last_sequence bigint      not null,
    updated_at    timestamptz not null
);

insert into feed_position (consumer, last_sequence, updated_at) values ('lifecycle', 0, now());
