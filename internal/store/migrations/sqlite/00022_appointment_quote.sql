-- +goose Up
-- An appointment planned from an accepted quote keeps the quote's id (issue 18). No foreign key:
-- quotes are never deleted (a sent quote is a legal record), and SQLite cannot drop a column that
-- carries one. Keep in step with ../postgres.
ALTER TABLE appointments ADD COLUMN quote_id BIGINT;
CREATE INDEX appointments_quote ON appointments (quote_id) WHERE quote_id IS NOT NULL;

-- +goose Down
DROP INDEX appointments_quote;
ALTER TABLE appointments DROP COLUMN quote_id;
