-- geofence-service: the policy (zones, grants), the projections of the lifecycle and certification
-- feeds with the positions they were read to, the audit log of denials, and the signing keys.

-- Every policy change takes the next version under a transaction-scoped advisory lock, so versions
-- commit in order and a reader that saw version v has seen every change up to v.
create sequence policy_version;

create table zone (
    zone_id          uuid primary key,
    authority        text        not null,
    kind             text        not null,
    -- outdoor zones: the envelope, for listing by box; indoor zones: the venue
    min_lat          double precision,
    min_lon          double precision,
    max_lat          double precision,
    max_lon          double precision,
    venue            text,
    -- robotid.geofence.v1.Zone, the record as answered
    body             bytea       not null,
    version          bigint      not null,
    deleted          boolean     not null default false
);
create index zone_version_idx on zone (version);
create index zone_authority_idx on zone (authority, zone_id);

create table zone_grant (
    grant_id         uuid primary key,
    zone_id          uuid        not null references zone (zone_id),
    robot_id         text,
    operator_org_id  text,
    -- robotid.geofence.v1.Grant
    body             bytea       not null,
    version          bigint      not null,
    revoked          boolean     not null default false
);
create index zone_grant_version_idx on zone_grant (version);
create index zone_grant_zone_idx on zone_grant (zone_id, grant_id);
create index zone_grant_robot_idx on zone_grant (robot_id);
create index zone_grant_operator_idx on zone_grant (operator_org_id);

-- How far each feed was applied; moved in the same transaction as what the entries changed.
create table feed_position (
    feed          text primary key,
    last_sequence bigint not null
);

-- The last lifecycle feed entry of each robot (robotid.lifecycle.v1.WatchStatusChangesResponse):
-- it carries the robot's whole status projection.
create table robot_status (
    robot_id  text primary key,
    entry     bytea  not null,
    sequence  bigint not null
);

-- Each certificate as the certification feed last showed it (robotid.certification.v1.Certificate).
create table certificate (
    certificate_id uuid primary key,
    subject        text   not null,
    body           bytea  not null,
    sequence       bigint not null
);
create index certificate_subject_idx on certificate (subject);

-- A unit's tiers waiting for re-validation (robotid.certification.v1.UnitRevalidation).
create table revalidation (
    robot_id  text primary key,
    body      bytea  not null,
    sequence  bigint not null
);

-- Intelligence level of each model (filing-service), looked up when a robot of it first appears.
create table model_level (
    model_code          text primary key,
    intelligence_level  text not null,
    fetched_at          timestamptz not null
);

-- Denied checks (robotid.geofence.v1.Denial), written in batches off the check path.
create table denial (
    denial_id   bigserial primary key,
    robot_id    text        not null,
    zone_ids    text[]      not null,
    organisation text       not null,
    decided_at  timestamptz not null,
    body        bytea       not null
);
create index denial_robot_idx on denial (robot_id, denial_id desc);
create index denial_zones_idx on denial using gin (zone_ids);

-- Public halves of the receipt and bundle signing keys (service-kit SigningKeyRing).
create table signing_key (
    key_id        text primary key,
    algorithm     text        not null,
    public_key    bytea       not null,
    valid_from    timestamptz not null,
    signing_until timestamptz
);
