-- +goose Up
-- Messages sent by visitors through the contact forms (the lead inbox).
-- Keep in step with ../sqlite.
--
-- car_id is a plain column without a foreign key on purpose: the cars
-- table arrives in another migration; the link is added when both meet.

CREATE TABLE messages (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    last_name  TEXT NOT NULL,
    first_name TEXT NOT NULL,
    email      TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    car_id     BIGINT,
    status     TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done', 'spam')),
    note       TEXT NOT NULL DEFAULT '',
    read_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX messages_status ON messages (status, id);
CREATE INDEX messages_car ON messages (car_id);

-- +goose Down
DROP TABLE messages;
