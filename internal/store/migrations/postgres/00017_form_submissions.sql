-- +goose Up
-- One row per public form submission stored (contact message, review, and any form that adopts it):
-- the key is the hex SHA-256 of the form's purpose, its signed stamp (jeton) and its normalised fields
-- (garage.SubmissionKey). It is inserted in the transaction that stores the submission, so a retried POST
-- (same stamp, same content) finds the key taken and stores nothing twice, even when both arrive at once.
-- Rows older than two days are deleted by the janitor (a stamp is refused after 24 hours anyway).
-- Keep in step with the other engine's folder.

CREATE TABLE form_submissions (
    key        TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);
CREATE INDEX form_submissions_created ON form_submissions (created_at);

-- +goose Down
DROP TABLE form_submissions;
