-- +goose Up
-- The back office lists cars last edited first (with or without a status filter): without these indexes
-- every visit sorted the whole table (40 ms and a large sorter on 10 000 cars, measured in
-- docs/performance.md). Keep in step with ../postgres.

CREATE INDEX cars_updated ON cars (updated_at DESC, id DESC);
CREATE INDEX cars_status_updated ON cars (status, updated_at DESC, id DESC);

-- +goose Down
DROP INDEX cars_status_updated;
DROP INDEX cars_updated;
