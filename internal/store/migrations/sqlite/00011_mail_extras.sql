-- +goose Up
-- Extra headers (e.g. List-Unsubscribe) and attachments (e.g. an .ics
-- invitation, a quote's PDF) of outbox mails, each as JSON; '' means none.
-- Keep in step with the other engine's folder.
ALTER TABLE mail_outbox ADD COLUMN headers TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_outbox ADD COLUMN attachments TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE mail_outbox DROP COLUMN attachments;
ALTER TABLE mail_outbox DROP COLUMN headers;
