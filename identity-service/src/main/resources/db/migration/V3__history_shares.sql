-- Time-limited links to a robot's history report (EVIDENCE.md section 12), made by the organisation that
-- owns the robot for someone without an account (a prospective buyer, an insurer). Only the SHA-256 of
-- the link's token is kept: a leaked table opens nothing. A link works until it expires, and only while
-- the organisation that made it still owns the robot.
create table history_share (
    token_sha256  char(64)    primary key,
    robot_id      char(29)    not null references identity (robot_id),
    owner_org_id  text        not null,
    created_by    text        not null,
    recipient     text        not null default '',
    created_at    timestamptz not null default now(),
    expires_at    timestamptz not null,
    check (expires_at > created_at)
);
create index history_share_robot on history_share (robot_id);
