-- Columns added to schema.sql's tables after databases were first made, and what needs them, and an
-- index since dropped. Run in order after schema.sql on every start (db.add_columns): an ADD COLUMN
-- whose column is there is skipped.

-- The hash key's id (D-059); NULL: a hash made before the hash key, keyed by its salt alone.
ALTER TABLE webhooks ADD COLUMN hash_key_id TEXT;
-- The password a rotation replaced, valid until previous_password_until (D-060).
ALTER TABLE webhooks ADD COLUMN previous_password_salt BLOB;
ALTER TABLE webhooks ADD COLUMN previous_password_hash BLOB;
ALTER TABLE webhooks ADD COLUMN previous_hash_key_id TEXT;
ALTER TABLE webhooks ADD COLUMN previous_password_until TEXT;
-- Which of the webhook's passwords the request gave, once it gave a valid one (D-060).
ALTER TABLE signal_log ADD COLUMN matched_password TEXT CHECK (matched_password IN ('current', 'previous'));
-- A replay's original, and the digest of an accepted original's body that finds it (D-055).
ALTER TABLE signal_log ADD COLUMN replay_of TEXT;
ALTER TABLE signal_log ADD COLUMN body_digest BLOB;
CREATE INDEX IF NOT EXISTS signal_log_originals ON signal_log (webhook_uuid, body_digest, log_id)
    WHERE body_digest IS NOT NULL;
-- The signal log's index by webhook and time, gone: a write per signal that only listings read (D-094).
DROP INDEX IF EXISTS signal_log_by_webhook;
