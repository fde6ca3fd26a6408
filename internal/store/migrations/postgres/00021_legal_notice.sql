-- +goose Up
-- The legal notice a company must show (issue 20): legal form and share capital (euros), the RCS
-- registration (city and SIREN), the VAT number, the publication director and the host's address and
-- phone (host keeps its name). Keep in step with ../sqlite.
ALTER TABLE garage ADD COLUMN legal_form TEXT NOT NULL DEFAULT '';
ALTER TABLE garage ADD COLUMN share_capital BIGINT NOT NULL DEFAULT 0;
ALTER TABLE garage ADD COLUMN rcs_city TEXT NOT NULL DEFAULT '';
ALTER TABLE garage ADD COLUMN rcs_number TEXT NOT NULL DEFAULT '';
ALTER TABLE garage ADD COLUMN vat_number TEXT NOT NULL DEFAULT '';
ALTER TABLE garage ADD COLUMN publication_director TEXT NOT NULL DEFAULT '';
ALTER TABLE garage ADD COLUMN host_address TEXT NOT NULL DEFAULT '';
ALTER TABLE garage ADD COLUMN host_phone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE garage DROP COLUMN host_phone;
ALTER TABLE garage DROP COLUMN host_address;
ALTER TABLE garage DROP COLUMN publication_director;
ALTER TABLE garage DROP COLUMN vat_number;
ALTER TABLE garage DROP COLUMN rcs_number;
ALTER TABLE garage DROP COLUMN rcs_city;
ALTER TABLE garage DROP COLUMN share_capital;
ALTER TABLE garage DROP COLUMN legal_form;
