-- +goose Up
-- Outgoing e-mail, stored before it is sent (the outbox), and single-use
-- account tokens (invitations, password resets). Keep in step with ../sqlite.

CREATE TABLE mail_outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT NOT NULL,              -- e.g. "contact.notify", "account.invite", "account.reset"
    to_addr         TEXT NOT NULL,
    to_name         TEXT NOT NULL DEFAULT '',
    reply_to        TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,            -- Unix seconds
    locked_until    BIGINT NOT NULL DEFAULT 0,  -- Unix seconds; a worker's lease
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);

-- Only a SHA-256 of the token is stored; used_at makes it single-use.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX account_tokens_user ON account_tokens (user_id);

-- +goose Down
DROP TABLE account_tokens;
DROP TABLE mail_outbox;
