-- Live trading: the journal of each live order (DESIGN §6) and the trading kill switch.
-- A live order is durable in each state before the next step: new (intent and exact fields) →
-- signed (hash and signature) → submitting (may be at the venue) → the venue's answer, or unknown.

ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN (
  'new', 'signed', 'submitting', 'unknown', 'delayed', 'open', 'partially_filled', 'filled',
  'cancelled', 'expired', 'rejected', 'not_sent'));

ALTER TABLE orders
  ADD COLUMN intent_id      text UNIQUE,
  ADD COLUMN exchange       text CHECK (exchange IN ('ctf-v2', 'neg-risk-v2', 'v3')),
  ADD COLUMN maker          text,
  ADD COLUMN signer         text,
  ADD COLUMN signature_type smallint CHECK (signature_type BETWEEN 0 AND 3),
  ADD COLUMN order_time_ms  bigint,
  ADD COLUMN expiration     bigint CHECK (expiration >= 0),
  ADD COLUMN metadata       text,
  ADD COLUMN builder        text,
  ADD COLUMN venue_status   text,
  ADD COLUMN venue_error    text,
  ADD COLUMN submitted_at   timestamptz,
  ADD COLUMN post_attempts  integer NOT NULL DEFAULT 0;

-- A live order carries everything its signature covers from the moment it exists.
ALTER TABLE orders ADD CONSTRAINT orders_live_fields_check CHECK (
  mode = 'paper' OR (intent_id IS NOT NULL AND salt IS NOT NULL AND exchange IS NOT NULL AND
                     maker IS NOT NULL AND signer IS NOT NULL AND signature_type IS NOT NULL AND
                     order_time_ms IS NOT NULL AND expiration IS NOT NULL AND
                     metadata IS NOT NULL AND builder IS NOT NULL));
-- Past 'signed', the hash and the signature are stored.
ALTER TABLE orders ADD CONSTRAINT orders_signed_check CHECK (
  mode = 'paper' OR status IN ('new', 'not_sent') OR
  (order_hash IS NOT NULL AND signature IS NOT NULL));

CREATE INDEX orders_journal_idx ON orders (created_at)
  WHERE status IN ('new', 'signed', 'submitting', 'unknown', 'delayed');

-- One row: whether live trading is halted, why, and since when.
CREATE TABLE trading_controls (
  id         integer PRIMARY KEY CHECK (id = 1),
  halted     boolean NOT NULL,
  reason     text NOT NULL DEFAULT '',
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO trading_controls (id, halted) VALUES (1, false);
