-- filing-service schema: manufacturers, their contacts and production sites, model filings and
-- their numbered revisions. Every row carries the audit stamp of the write that created it
-- (subject, role, organisation, at, request_id, trace_id); write_record (kit migration V0_1)
-- holds one row per mutating request.

-- Registry codes come from sequences: unique and never reused, also under concurrent registration
-- (a sequence value is never handed out twice, even when the transaction that drew it rolls back).
create sequence manufacturer_code_seq start 1;
create sequence model_code_seq start 1;

create table manufacturer (
    code                char(4) primary key,
    legal_name          text    not null,
    country             char(2) not null,
    registration_number text    not null,
    -- counter for the manufacturer's 2-character site codes; bumped under a row lock
    sites_registered    integer not null default 0,
    subject             text        not null,
    role                text        not null,
    organisation        text        not null,
    at                  timestamptz not null,
    request_id          uuid        not null,
    trace_id            text        not null,
    constraint manufacturer_registration_uk unique (country, registration_number)
);

create table manufacturer_contact (
    id                bigint generated always as identity primary key,
    manufacturer_code char(4) not null references manufacturer (code),
    position          integer not null,
    purpose           text    not null,
    name              text    not null,
    email             text    not null,
    phone             text    not null,
    constraint manufacturer_contact_position_uk unique (manufacturer_code, position)
);

create table production_site (
    id                bigint generated always as identity primary key,
    manufacturer_code char(4) not null references manufacturer (code),
    site_code         char(2) not null,
    name              text    not null,
    address           text    not null,
    country           char(2) not null,
    subject           text        not null,
    role              text        not null,
    organisation      text        not null,
    at                timestamptz not null,
    request_id        uuid        not null,
    trace_id          text        not null,
    constraint production_site_code_uk unique (manufacturer_code, site_code)
);

create table model_filing (
    id                 uuid primary key,
    -- insertion order, for stable newest-first paging
    seq                bigint generated always as identity unique,
    manufacturer_code  char(4) not null references manufacturer (code),
    model_code         char(6) unique,
    status             text    not null,
    -- the revision in effect: the accepted one, else the latest
    current_revision   integer not null,
    pending_revision   integer not null default 0,
    latest_revision    integer not null,
    status_reason      text    not null default '',
    -- copied from the current revision for filtering
    name               text    not null,
    family             text    not null,
    intelligence_level text    not null,
    subject            text        not null,
    role               text        not null,
    organisation       text        not null,
    at                 timestamptz not null,
    request_id         uuid        not null,
    trace_id           text        not null,
    changed_subject      text        not null,
    changed_role         text        not null,
    changed_organisation text        not null,
    changed_at           timestamptz not null,
    changed_request_id   uuid        not null,
    changed_trace_id     text        not null
);

create index model_filing_manufacturer_idx on model_filing (manufacturer_code, seq);
create index model_filing_family_idx on model_filing (family, seq);

create table model_revision (
    id                 bigint generated always as identity primary key,
    filing_id          uuid    not null references model_filing (id),
    revision           integer not null,
    reason             text    not null,
    -- the ModelSpecification document as canonical proto3 JSON (readable and queryable with ::jsonb)
    specification      text    not null,
    intelligence_level text    not null,
    state              text    not null,
    review_reason      text    not null default '',
    subject            text        not null,
    role               text        not null,
    organisation       text        not null,
    at                 timestamptz not null,
    request_id         uuid        not null,
    trace_id           text        not null,
    reviewed_subject      text,
    reviewed_role         text,
    reviewed_organisation text,
    reviewed_at           timestamptz,
    reviewed_request_id   uuid,
    reviewed_trace_id     text,
    constraint model_revision_number_uk unique (filing_id, revision)
);
