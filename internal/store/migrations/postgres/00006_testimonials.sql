-- +goose Up
-- Customer reviews (testimonials), moderated before publication.
-- Keep in step with ../sqlite.

CREATE TABLE testimonials (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            TEXT NOT NULL,
    comment         TEXT NOT NULL,
    rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    experience_date TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD, or '' when not given
    email           TEXT NOT NULL DEFAULT '',   -- only to tell the author of a refusal; never shown
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reject_ground   TEXT NOT NULL DEFAULT '',
    reject_reason   TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT 'visitor' CHECK (source IN ('visitor', 'staff')),
    created_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    moderated_by    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    published_at    BIGINT,                     -- Unix seconds; compared in SQL (retention)
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX testimonials_status ON testimonials (status, published_at);

-- +goose Down
DROP TABLE testimonials;
