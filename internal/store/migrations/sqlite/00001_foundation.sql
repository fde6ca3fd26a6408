-- +goose Up
-- Foundation schema (SQLite). Keep version numbers and meaning in step with ../postgres.

CREATE TABLE roles (
    name  TEXT PRIMARY KEY,
    label TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    role          TEXT NOT NULL REFERENCES roles (name),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));

-- Sessions: only a SHA-256 of the token is stored. Times are Unix seconds.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    flash        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Fixed-window counters shared by every instance (rate limits).
CREATE TABLE rate_counters (
    key          TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counters_window ON rate_counters (window_start);

-- Consecutive failed logins per account key (lower-cased e-mail, existing or not).
CREATE TABLE login_failures (
    account         TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at BIGINT NOT NULL
);

CREATE TABLE garage (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    street      TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    legal_name  TEXT NOT NULL DEFAULT '',
    siret       TEXT NOT NULL DEFAULT '',
    host        TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMP NOT NULL
);

-- One row per weekday (0 = Monday ... 6 = Sunday); minutes since midnight; NULL range = absent.
CREATE TABLE opening_hours (
    weekday INTEGER PRIMARY KEY CHECK (weekday BETWEEN 0 AND 6),
    open1   INTEGER,
    close1  INTEGER,
    open2   INTEGER,
    close2  INTEGER,
    CHECK ((open1 IS NULL) = (close1 IS NULL)),
    CHECK ((open2 IS NULL) = (close2 IS NULL)),
    CHECK (open2 IS NULL OR open1 IS NOT NULL)
);

CREATE TABLE services (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    visible     BOOLEAN NOT NULL DEFAULT TRUE,
    price_from  INTEGER CHECK (price_from IS NULL OR price_from >= 0),
    image       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX services_position ON services (position, id);

-- Append-only audit log: the triggers refuse any change to a written row.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER,
    actor_email TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    target      TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_log;
DROP TABLE services;
DROP TABLE opening_hours;
DROP TABLE garage;
DROP TABLE login_failures;
DROP TABLE rate_counters;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE roles;
