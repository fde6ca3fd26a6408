-- +goose Up
-- The owner's back office (SQLite): dated exceptions to the weekly opening
-- hours. Keep in step with ../postgres.

-- A closure or special hours from first_day to last_day included. Days are
-- 'YYYY-MM-DD' strings (calendar days in Europe/Paris), which compare in
-- order on both engines. Minutes since midnight; no range = closed.
CREATE TABLE opening_exceptions (
    id         INTEGER PRIMARY KEY,
    first_day  TEXT NOT NULL,
    last_day   TEXT NOT NULL,
    label      TEXT NOT NULL DEFAULT '',
    open1      INTEGER,
    close1     INTEGER,
    open2      INTEGER,
    close2     INTEGER,
    created_at TIMESTAMP NOT NULL,
    CHECK (length(first_day) = 10 AND length(last_day) = 10 AND last_day >= first_day),
    CHECK ((open1 IS NULL) = (close1 IS NULL)),
    CHECK ((open2 IS NULL) = (close2 IS NULL)),
    CHECK (open2 IS NULL OR open1 IS NOT NULL)
);
CREATE INDEX opening_exceptions_days ON opening_exceptions (last_day, first_day);

-- +goose Down
DROP TABLE opening_exceptions;
