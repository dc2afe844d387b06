-- identity-service schema: issued robot IDs with their certificates, the issuance batches that
-- made them, the per-(model, year, site) sequence counters, and the public signing keys.

-- The last sequence handed out per (model, year, site). Bumped with an upsert whose row lock
-- makes concurrent batches for the same triple take consecutive, disjoint ranges.
create table sequence_counter (
    model_code      char(6)  not null,
    production_year smallint not null,
    site_code       char(2)  not null,
    last_sequence   bigint   not null,
    primary key (model_code, production_year, site_code)
);

-- One row per IssueIdentities request. RESERVED: its range and issue time are fixed (so a retry
-- after a crash re-signs the very same certificates: Ed25519 is deterministic); COMPLETE: its
-- identities are stored. IDs become visible all at once, when the batch completes.
create table issuance_batch (
    request_id        uuid primary key,
    request_sha256    bytea    not null,
    manufacturer_code char(4)  not null,
    origin            char(2)  not null,
    model_code        char(6)  not null,
    site_code         char(2)  not null,
    production_year   smallint not null,
    first_sequence    bigint   not null,
    count             integer  not null,
    issued_at         timestamptz not null,
    key_id            text     not null,
    state             text     not null,
    subject           text        not null,
    role              text        not null,
    organisation      text        not null,
    at                timestamptz not null,
    trace_id          text        not null
);

create table identity (
    robot_id          char(29) primary key,
    manufacturer_code char(4)  not null,
    model_code        char(6)  not null,
    site_code         char(2)  not null,
    production_year   smallint not null,
    sequence          bigint   not null,
    hardware_serial   text,
    batch_request_id  uuid     not null references issuance_batch (request_id),
    key_id            text     not null,
    issued_at         timestamptz not null,
    signature         bytea    not null,
    status            text     not null default 'ACTIVE',
    constraint identity_sequence_uk unique (model_code, production_year, site_code, sequence)
);

create index identity_batch_idx on identity (batch_request_id, sequence);
create index identity_model_idx on identity (model_code, robot_id);

-- Public halves of every key that ever signed; private keys never enter the database.
create table signing_key (
    key_id        text primary key,
    algorithm     text        not null,
    public_key    bytea       not null,
    valid_from    timestamptz not null,
    signing_until timestamptz
);
