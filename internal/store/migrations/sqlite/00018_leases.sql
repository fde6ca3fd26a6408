-- +goose Up
-- Named leases: one instance at a time does a shared chore (the scheduled backup). A lease is taken
-- by one atomic upsert that only succeeds when the row is free or expired (Unix seconds, so both
-- engines compare the same). Not part of a backup. Keep in step with ../postgres.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE leases;
