-- Created by robotid-service-kit in every service's database (Flyway location db/kit).
-- Records stored before their format was sealed (EVIDENCE.md section 10) are sealed once, when the
-- service first starts with the format; each such migration is written here: what, how many, when.
-- A change made to such a record before its migration is not detectable by its seal.
create table evidence_migration (
    id          bigint generated always as identity primary key,
    what        text        not null,
    records     bigint      not null,
    migrated_at timestamptz not null
);
