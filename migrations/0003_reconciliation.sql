-- After the POST (DESIGN §6, PROTOCOL §13): live fills by venue trade and their settlement, the
-- paper twin of every live order, closed markets, and where the last reconciliation read trades.

-- A live fill comes from a venue trade, keyed by (trade id, order): one trade can fill several of
-- our orders. A fill without a trade id is provisional: what the POST's answer said matched, until
-- the order's trades are read. Settlement: MATCHED → MINED → CONFIRMED, or RETRYING → FAILED
-- (the fill did not happen: it counts nowhere).
ALTER TABLE executions DROP CONSTRAINT executions_settlement_status_check;
ALTER TABLE executions ADD CONSTRAINT executions_settlement_status_check CHECK (
  settlement_status IN ('MATCHED', 'MATCHED_NOT_BROADCASTED', 'MINED', 'CONFIRMED', 'RETRYING',
                        'FAILED'));
ALTER TABLE executions
  ADD COLUMN transaction_hash text,
  ADD COLUMN fee_rate_bps     integer CHECK (fee_rate_bps >= 0),
  ADD COLUMN updated_at       timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX executions_trade_idx ON executions (venue_trade_id, order_id)
  WHERE venue_trade_id IS NOT NULL;
CREATE INDEX executions_unsettled_idx ON executions (order_id)
  WHERE mode = 'live' AND (venue_trade_id IS NULL OR
                           settlement_status NOT IN ('CONFIRMED', 'FAILED'));

-- The paper twin: the paper engine's simulation of the live order against the book read just
-- before it was sent (twin_book_snapshot_id), kept beside what the venue did.
ALTER TABLE orders
  ADD COLUMN twin_status           text CHECK (twin_status IN ('open', 'partially_filled', 'filled',
                                                               'cancelled', 'expired', 'rejected')),
  ADD COLUMN twin_filled_shares    bigint CHECK (twin_filled_shares >= 0),
  ADD COLUMN twin_filled_notional  bigint CHECK (twin_filled_notional >= 0),
  ADD COLUMN twin_book_snapshot_id bigint REFERENCES book_snapshots (id);
ALTER TABLE orders ADD CONSTRAINT orders_twin_check CHECK (
  twin_status IS NULL OR (mode = 'live' AND twin_filled_shares IS NOT NULL AND
                          twin_filled_notional IS NOT NULL));

-- Markets the venue reports closed, by token: positions are marked at the payout (1 for the
-- winner, 0 for the others) when the venue names a winner, and flagged when it does not.
CREATE TABLE market_resolutions (
  token_id     text PRIMARY KEY,
  condition_id text NOT NULL DEFAULT '',
  payout       bigint CHECK (payout IN (0, 1000000)),
  resolved_at  timestamptz NOT NULL DEFAULT now()
);

-- Per live order: when the last reading of the venue's trades that covered it began. The next
-- reading starts a margin before it, and a final order is reconciled until a reading that began
-- after it became final (its trades can be listed after the cancel) has covered it.
ALTER TABLE orders ADD COLUMN trades_read_at timestamptz;
