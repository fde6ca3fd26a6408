-- +goose Up
-- The content version: a counter that every change to what the public pages show bumps, in the same
-- transaction as the change (by triggers, so no code path can forget it). The web layer keys its page
-- cache on it, so that every instance sees a change at its next request. Keep in step with ../sqlite.

CREATE TABLE content_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO content_version (id, n) VALUES (1, 1);

-- A deferred constraint trigger runs at commit, after every other lock of the transaction is held, so two
-- transactions never wait for each other through the counter; the transaction-local setting makes it one
-- UPDATE per transaction however many rows change.
-- +goose StatementBegin
CREATE FUNCTION bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('garage.content_bumped', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('garage.content_bumped', 'on', true);
        UPDATE content_version SET n = n + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER garage_content AFTER INSERT OR UPDATE OR DELETE ON garage
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE CONSTRAINT TRIGGER opening_hours_content AFTER INSERT OR UPDATE OR DELETE ON opening_hours
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE CONSTRAINT TRIGGER opening_exceptions_content AFTER INSERT OR UPDATE OR DELETE ON opening_exceptions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE CONSTRAINT TRIGGER services_content AFTER INSERT OR UPDATE OR DELETE ON services
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE CONSTRAINT TRIGGER cars_content AFTER INSERT OR UPDATE OR DELETE ON cars
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE CONSTRAINT TRIGGER equipment_content AFTER INSERT OR UPDATE OR DELETE ON equipment
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE CONSTRAINT TRIGGER car_equipment_content AFTER INSERT OR UPDATE OR DELETE ON car_equipment
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE CONSTRAINT TRIGGER car_photos_content AFTER INSERT OR UPDATE OR DELETE ON car_photos
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE CONSTRAINT TRIGGER testimonials_content AFTER INSERT OR UPDATE OR DELETE ON testimonials
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();

-- +goose Down
DROP TRIGGER garage_content ON garage;
DROP TRIGGER opening_hours_content ON opening_hours;
DROP TRIGGER opening_exceptions_content ON opening_exceptions;
DROP TRIGGER services_content ON services;
DROP TRIGGER cars_content ON cars;
DROP TRIGGER equipment_content ON equipment;
DROP TRIGGER car_equipment_content ON car_equipment;
DROP TRIGGER car_photos_content ON car_photos;
DROP TRIGGER testimonials_content ON testimonials;
DROP FUNCTION bump_content_version();
DROP TABLE content_version;
