-- +goose Up
-- Buyer tools (issue 19): search alerts by e-mail, the price drops they announce, the feeds' secret.
-- Keep version numbers and meaning in step with ../sqlite.
--
-- A search alert is a visitor's e-mail and a car-list query (the list's own normalised parameters).
-- Times compared in SQL are Unix seconds. An alert unconfirmed after 7 days, or unsubscribed, is deleted
-- with its links: nothing personal is kept.
CREATE TABLE search_alerts (
    id           BIGSERIAL PRIMARY KEY,
    email        TEXT NOT NULL,
    query        TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    confirmed_at BIGINT NOT NULL DEFAULT 0,
    last_sent_at BIGINT NOT NULL DEFAULT 0,
    seen_until   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX search_alerts_email ON search_alerts (lower(email));
CREATE INDEX search_alerts_due ON search_alerts (confirmed_at, last_sent_at);

-- The personal links of an alert: only the SHA-256 of each token.
CREATE TABLE search_alert_links (
    token_hash TEXT PRIMARY KEY,
    alert_id   BIGINT NOT NULL REFERENCES search_alerts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX search_alert_links_alert ON search_alert_links (alert_id);

-- Price drops of published cars, written by a trigger whatever changes the price.
CREATE TABLE car_price_drops (
    id        BIGSERIAL PRIMARY KEY,
    car_id    BIGINT NOT NULL REFERENCES cars (id) ON DELETE CASCADE,
    old_price INTEGER NOT NULL,
    new_price INTEGER NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX car_price_drops_at ON car_price_drops (at);

-- +goose StatementBegin
CREATE FUNCTION record_price_drop() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO car_price_drops (car_id, old_price, new_price, at) VALUES (NEW.id, OLD.price, NEW.price, NEW.updated_at);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER cars_price_drop AFTER UPDATE OF price ON cars
    FOR EACH ROW WHEN (NEW.price < OLD.price AND NEW.price > 0 AND NEW.status = 'published')
    EXECUTE FUNCTION record_price_drop();

-- The secret of the feed URLs (/flux/{token}/…): one row, shown to the owner, rotated by them.
CREATE TABLE feed_secret (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    token      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE feed_secret;
DROP TRIGGER cars_price_drop ON cars;
DROP FUNCTION record_price_drop();
DROP TABLE car_price_drops;
DROP TABLE search_alert_links;
DROP TABLE search_alerts;
