-- +goose Up
-- The lead desk: a message is a lead with a kind, the fields of its kind
-- (JSON), who handles it, when its first answer is due and when it came;
-- the staff's replies; the owner's response target. Keep in step with
-- ../sqlite.
ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message'
    CHECK (kind IN ('message', 'essai', 'reprise', 'financement', 'devis'));
ALTER TABLE messages ADD COLUMN details TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN assignee_id BIGINT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE messages ADD COLUMN due_at TIMESTAMPTZ;
ALTER TABLE messages ADD COLUMN first_answer_at TIMESTAMPTZ;
CREATE INDEX messages_kind ON messages (kind, id);
CREATE INDEX messages_assignee ON messages (assignee_id);

CREATE TABLE message_replies (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    author_id  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    author     TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX message_replies_message ON message_replies (message_id, id);

CREATE TABLE lead_settings (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    response_hours INTEGER NOT NULL CHECK (response_hours BETWEEN 1 AND 72),
    updated_at     TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE lead_settings;
DROP TABLE message_replies;
DROP INDEX messages_assignee;
DROP INDEX messages_kind;
ALTER TABLE messages DROP COLUMN first_answer_at;
ALTER TABLE messages DROP COLUMN due_at;
ALTER TABLE messages DROP COLUMN assignee_id;
ALTER TABLE messages DROP COLUMN details;
ALTER TABLE messages DROP COLUMN kind;
