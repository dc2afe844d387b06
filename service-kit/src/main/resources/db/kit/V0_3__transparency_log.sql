-- Created by robotid-service-kit in every service's database (Flyway location db/kit): the service's
-- transparency log (EVIDENCE.md section 11, c2sp.org/tlog-tiles). A leaf is written in the transaction
-- of the record it commits to; the integrator gives it its index later, in batches, under an advisory
-- lock, so writers never wait for the tree.
create table tlog_leaf (
    seq         bigint generated always as identity primary key,
    kind        text        not null,
    record_key  text        not null,
    salt        bytea       not null,
    record_hash bytea       not null,
    entry       bytea       not null,
    leaf_index  bigint      unique,
    created_at  timestamptz not null default now()
);
create index tlog_leaf_pending on tlog_leaf (seq) where leaf_index is null;
create index tlog_leaf_record on tlog_leaf (record_key);

-- The tree as tlog-tiles serves it: 256 hashes a full tile; the rightmost tile of each level grows.
create table tlog_tile (
    level  int    not null,
    idx    bigint not null,
    hashes bytea  not null,
    primary key (level, idx)
);

-- Every checkpoint the log signed; cosigned_note once the witness quorum cosigned it.
create table tlog_checkpoint (
    size          bigint primary key,
    root          bytea       not null,
    note          text        not null,
    cosigned_note text,
    cosigned_at   timestamptz,
    created_at    timestamptz not null default now()
);

-- What each witness last cosigned, so the next submission proves consistency from there.
create table tlog_witness (
    witness       text primary key,
    cosigned_size bigint      not null default 0,
    last_error    text,
    updated_at    timestamptz not null default now()
);
