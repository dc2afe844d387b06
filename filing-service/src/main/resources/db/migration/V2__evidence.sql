-- Evidence anyone can check (EVIDENCE.md section 13): every filing write is sealed when it is made, in
-- its transaction, and its sealed bytes are kept here, keyed by the record's key in filing-service's
-- transparency log (whose leaf, written in the same transaction, commits to SHA-256 of `sealed`).
-- Append-only: a record is never updated or deleted. Writes made before this migration have no record.
create table filing_record (
    record_key  text        primary key,
    kind        text        not null,
    sealed      bytea       not null,
    record_hash char(64)    not null,
    created_at  timestamptz not null default now()
);
