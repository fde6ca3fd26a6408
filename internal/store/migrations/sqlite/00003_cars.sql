-- +goose Up
-- Used cars, their photos and the shared equipment vocabulary (SQLite).
-- Keep version numbers and meaning in step with ../postgres.
--
-- Whole numbers that a draft may leave empty (price, mileage, registration,
-- power, doors, seats) are 0 when unknown; publication rules refuse the
-- missing ones. published_at and sold_at are Unix seconds (compared in SQL).

CREATE TABLE cars (
    id                 INTEGER PRIMARY KEY,
    slug               TEXT NOT NULL DEFAULT '',
    title              TEXT NOT NULL DEFAULT '',
    make               TEXT NOT NULL DEFAULT '',
    model              TEXT NOT NULL DEFAULT '',
    version            TEXT NOT NULL DEFAULT '',
    price              INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
    reg_month          INTEGER NOT NULL DEFAULT 0 CHECK (reg_month BETWEEN 0 AND 12),
    reg_year           INTEGER NOT NULL DEFAULT 0 CHECK (reg_year >= 0),
    mileage            INTEGER NOT NULL DEFAULT 0 CHECK (mileage >= 0),
    mileage_unverified BOOLEAN NOT NULL DEFAULT FALSE,
    fuel               TEXT NOT NULL DEFAULT '',
    gearbox            TEXT NOT NULL DEFAULT '',
    power_hp           INTEGER NOT NULL DEFAULT 0 CHECK (power_hp >= 0),
    fiscal_hp          INTEGER NOT NULL DEFAULT 0 CHECK (fiscal_hp >= 0),
    doors              INTEGER NOT NULL DEFAULT 0 CHECK (doors >= 0),
    seats              INTEGER NOT NULL DEFAULT 0 CHECK (seats >= 0),
    colour             TEXT NOT NULL DEFAULT '',
    body_type          TEXT NOT NULL DEFAULT '',
    crit_air           TEXT NOT NULL DEFAULT '',
    ct_date            TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD of the last contrôle technique, '' when none
    description        TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'sold', 'archived')),
    created_by         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    published_at       BIGINT NOT NULL DEFAULT 0,
    sold_at            BIGINT NOT NULL DEFAULT 0,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
-- The public filter always fixes status first, then ranges or a sort key.
CREATE INDEX cars_status_price ON cars (status, price);
CREATE INDEX cars_status_mileage ON cars (status, mileage);
CREATE INDEX cars_status_year ON cars (status, reg_year);
CREATE INDEX cars_status_published ON cars (status, published_at);
CREATE INDEX cars_status_make ON cars (status, make);
CREATE INDEX cars_status_fuel ON cars (status, fuel);
CREATE INDEX cars_status_gearbox ON cars (status, gearbox);
CREATE INDEX cars_sold_at ON cars (sold_at);

CREATE TABLE equipment (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE UNIQUE INDEX equipment_name_lower ON equipment (lower(name));

CREATE TABLE car_equipment (
    car_id       INTEGER NOT NULL REFERENCES cars (id) ON DELETE CASCADE,
    equipment_id INTEGER NOT NULL REFERENCES equipment (id) ON DELETE CASCADE,
    PRIMARY KEY (car_id, equipment_id)
);
CREATE INDEX car_equipment_equipment ON car_equipment (equipment_id);

-- Photo files live in the photo store under key; the first by position is the main photo.
CREATE TABLE car_photos (
    id         INTEGER PRIMARY KEY,
    car_id     INTEGER NOT NULL REFERENCES cars (id) ON DELETE CASCADE,
    key        TEXT NOT NULL UNIQUE,
    position   INTEGER NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX car_photos_car ON car_photos (car_id, position);

-- +goose Down
DROP TABLE car_photos;
DROP TABLE car_equipment;
DROP TABLE equipment;
DROP TABLE cars;
