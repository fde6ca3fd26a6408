-- +goose Up
-- The content version: a counter that every change to what the public pages show bumps, in the same
-- transaction as the change (by triggers, so no code path can forget it). The web layer keys its page
-- cache on it, so that every instance sees a change at its next request. Keep in step with ../postgres.

CREATE TABLE content_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO content_version (id, n) VALUES (1, 1);
-- +goose StatementBegin
CREATE TRIGGER garage_content_insert AFTER INSERT ON garage
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER garage_content_update AFTER UPDATE ON garage
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER garage_content_delete AFTER DELETE ON garage
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opening_hours_content_insert AFTER INSERT ON opening_hours
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opening_hours_content_update AFTER UPDATE ON opening_hours
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opening_hours_content_delete AFTER DELETE ON opening_hours
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opening_exceptions_content_insert AFTER INSERT ON opening_exceptions
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opening_exceptions_content_update AFTER UPDATE ON opening_exceptions
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER opening_exceptions_content_delete AFTER DELETE ON opening_exceptions
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER services_content_insert AFTER INSERT ON services
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER services_content_update AFTER UPDATE ON services
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER services_content_delete AFTER DELETE ON services
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cars_content_insert AFTER INSERT ON cars
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cars_content_update AFTER UPDATE ON cars
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cars_content_delete AFTER DELETE ON cars
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER equipment_content_insert AFTER INSERT ON equipment
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER equipment_content_update AFTER UPDATE ON equipment
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER equipment_content_delete AFTER DELETE ON equipment
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER car_equipment_content_insert AFTER INSERT ON car_equipment
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER car_equipment_content_update AFTER UPDATE ON car_equipment
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER car_equipment_content_delete AFTER DELETE ON car_equipment
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER car_photos_content_insert AFTER INSERT ON car_photos
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER car_photos_content_update AFTER UPDATE ON car_photos
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER car_photos_content_delete AFTER DELETE ON car_photos
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER testimonials_content_insert AFTER INSERT ON testimonials
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER testimonials_content_update AFTER UPDATE ON testimonials
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER testimonials_content_delete AFTER DELETE ON testimonials
BEGIN
    UPDATE content_version SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER garage_content_insert;
DROP TRIGGER garage_content_update;
DROP TRIGGER garage_content_delete;
DROP TRIGGER opening_hours_content_insert;
DROP TRIGGER opening_hours_content_update;
DROP TRIGGER opening_hours_content_delete;
DROP TRIGGER opening_exceptions_content_insert;
DROP TRIGGER opening_exceptions_content_update;
DROP TRIGGER opening_exceptions_content_delete;
DROP TRIGGER services_content_insert;
DROP TRIGGER services_content_update;
DROP TRIGGER services_content_delete;
DROP TRIGGER cars_content_insert;
DROP TRIGGER cars_content_update;
DROP TRIGGER cars_content_delete;
DROP TRIGGER equipment_content_insert;
DROP TRIGGER equipment_content_update;
DROP TRIGGER equipment_content_delete;
DROP TRIGGER car_equipment_content_insert;
DROP TRIGGER car_equipment_content_update;
DROP TRIGGER car_equipment_content_delete;
DROP TRIGGER car_photos_content_insert;
DROP TRIGGER car_photos_content_update;
DROP TRIGGER car_photos_content_delete;
DROP TRIGGER testimonials_content_insert;
DROP TRIGGER testimonials_content_update;
DROP TRIGGER testimonials_content_delete;
DROP TABLE content_version;
