-- +goose Up
-- The workshop (issue 17): bookable services and their workshop time, the workshop's settings, the
-- appointments, the blocked periods and the occupancy cells. The cells are the no-overbooking
-- guarantee: a job holds one row per bay and per 5 minutes (Unix seconds / 300) it touches, so a
-- second job on the same bay at the same time breaks the primary key. Times compared in SQL are
-- Unix seconds. Keep in step with ../postgres.
ALTER TABLE services ADD COLUMN bookable BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE services ADD COLUMN workshop_minutes INTEGER NOT NULL DEFAULT 0 CHECK (workshop_minutes >= 0);

CREATE TABLE workshop_settings (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    bays           INTEGER NOT NULL CHECK (bays BETWEEN 1 AND 5),
    step_minutes   INTEGER NOT NULL CHECK (step_minutes BETWEEN 5 AND 60),
    notice_hours   INTEGER NOT NULL CHECK (notice_hours >= 0),
    horizon_days   INTEGER NOT NULL CHECK (horizon_days >= 1),
    auto_confirm   BOOLEAN NOT NULL,
    multi_day      BOOLEAN NOT NULL,
    retention_days INTEGER NOT NULL CHECK (retention_days >= 1),
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE appointments (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT UNIQUE,
    start_at    BIGINT NOT NULL,
    end_at      BIGINT NOT NULL CHECK (end_at > start_at),
    bay         INTEGER NOT NULL CHECK (bay BETWEEN 1 AND 5),
    status      TEXT NOT NULL CHECK (status IN ('demande', 'confirme', 'arrive', 'en_cours', 'pret', 'restitue', 'annule', 'absent')),
    service_ids TEXT NOT NULL DEFAULT '',
    services    TEXT NOT NULL DEFAULT '',
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    name        TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    plate       TEXT NOT NULL DEFAULT '',
    make        TEXT NOT NULL DEFAULT '',
    model       TEXT NOT NULL DEFAULT '',
    mileage     INTEGER NOT NULL DEFAULT 0,
    comment     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT 'web',
    reminded_at BIGINT NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX appointments_start ON appointments (start_at);
CREATE INDEX appointments_email ON appointments (lower(email));
CREATE INDEX appointments_plate ON appointments (plate);

CREATE TABLE workshop_blocks (
    id         INTEGER PRIMARY KEY,
    bay        INTEGER NOT NULL CHECK (bay BETWEEN 0 AND 5),
    start_at   BIGINT NOT NULL,
    end_at     BIGINT NOT NULL CHECK (end_at > start_at),
    label      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX workshop_blocks_start ON workshop_blocks (start_at);

CREATE TABLE workshop_cells (
    bay            INTEGER NOT NULL,
    cell           BIGINT NOT NULL,
    appointment_id BIGINT REFERENCES appointments (id) ON DELETE CASCADE,
    block_id       BIGINT REFERENCES workshop_blocks (id) ON DELETE CASCADE,
    PRIMARY KEY (bay, cell)
);
CREATE INDEX workshop_cells_cell ON workshop_cells (cell);
CREATE INDEX workshop_cells_appointment ON workshop_cells (appointment_id);
CREATE INDEX workshop_cells_block ON workshop_cells (block_id);

-- +goose Down
DROP TABLE workshop_cells;
DROP TABLE workshop_blocks;
DROP TABLE appointments;
DROP TABLE workshop_settings;
ALTER TABLE services DROP COLUMN workshop_minutes;
ALTER TABLE services DROP COLUMN bookable;
