-- +goose Up
-- Prices and quotes (issue 18). Keep version numbers and meaning in step with the other engine's folder.
--
-- The price board: every change is a new row valid from its time (Unix seconds), never an update, so the
-- board in force on any date can be found again: for each (kind, code), the latest row valid from that
-- date or before; active = FALSE withdraws the item from then on. Amounts are integer cents TTC.
CREATE TABLE price_items (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('taux', 'forfait')),
    code       TEXT NOT NULL,
    label      TEXT NOT NULL,
    contents   TEXT NOT NULL DEFAULT '',
    cents_ttc  BIGINT NOT NULL CHECK (cents_ttc BETWEEN 0 AND 10000000),
    position   INTEGER NOT NULL DEFAULT 0,
    active     BOOLEAN NOT NULL,
    valid_from BIGINT NOT NULL
);
CREATE INDEX price_items_version ON price_items (kind, code, valid_from);

-- The quote policy, versioned the same way.
CREATE TABLE quote_policies (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    free          BOOLEAN NOT NULL,
    fee_cents     BIGINT NOT NULL CHECK (fee_cents BETWEEN 0 AND 100000),
    validity_days INTEGER NOT NULL CHECK (validity_days BETWEEN 1 AND 365),
    vat_bp        INTEGER NOT NULL CHECK (vat_bp BETWEEN 0 AND 10000),
    valid_from    BIGINT NOT NULL
);

-- One counter per year: the numbering transaction increments it (the row lock serialises concurrent
-- senders on PostgreSQL; SQLite transactions take the write lock up front), so numbers have no gap.
CREATE TABLE quote_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

-- Quotes. A draft has no number; sending gives it one (D-YYYY-NNNN). Lines are JSON (garage.QuoteLine),
-- totals are recomputed by the server. Only the SHA-256 of the customer's link token is kept.
CREATE TABLE quotes (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year           INTEGER,
    seq            INTEGER,
    number         TEXT UNIQUE,
    previous_id    BIGINT REFERENCES quotes (id) ON DELETE SET NULL,
    message_id     BIGINT REFERENCES messages (id) ON DELETE SET NULL,
    status         TEXT NOT NULL CHECK (status IN ('brouillon', 'envoye', 'accepte', 'refuse')),
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    phone          TEXT NOT NULL DEFAULT '',
    plate          TEXT NOT NULL DEFAULT '',
    vehicle        TEXT NOT NULL DEFAULT '',
    notes          TEXT NOT NULL DEFAULT '',
    lines          TEXT NOT NULL,
    vat_bp         INTEGER NOT NULL CHECK (vat_bp BETWEEN 0 AND 10000),
    total_ht       BIGINT NOT NULL,
    total_vat      BIGINT NOT NULL,
    total_ttc      BIGINT NOT NULL,
    valid_until    TEXT NOT NULL,
    token_hash     TEXT UNIQUE,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    sent_at        TIMESTAMPTZ,
    answered_at    TIMESTAMPTZ,
    accepted_name  TEXT NOT NULL DEFAULT '',
    answer_ip      TEXT NOT NULL DEFAULT '',
    answer_agent   TEXT NOT NULL DEFAULT '',
    content_hash   TEXT NOT NULL DEFAULT '',
    refusal_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (year, seq),
    CHECK (total_ht + total_vat = total_ttc)
);
CREATE INDEX quotes_status ON quotes (status, id);

-- +goose Down
DROP TABLE quotes;
DROP TABLE quote_counters;
DROP TABLE quote_policies;
DROP TABLE price_items;
