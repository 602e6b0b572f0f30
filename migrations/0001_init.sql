-- BetterOMS schema: runs, orders, fills, book snapshots and ticks.
-- Money, prices and shares are BIGINT micro-units (1e-6); the *_view views show decimals.

CREATE TABLE execution_history (
  plan_id       text PRIMARY KEY CHECK (plan_id ~ '^[A-Za-z0-9_-]{1,128}$'),
  plan_json     text NOT NULL,
  plan_hash     text NOT NULL,
  mode          text NOT NULL CHECK (mode IN ('paper', 'live')),
  status        text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  trade_count   integer NOT NULL CHECK (trade_count >= 0),
  attempts      integer NOT NULL DEFAULT 1,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  summary_json  jsonb,
  error_message text
);
CREATE INDEX execution_history_started_at_idx ON execution_history (started_at DESC);
CREATE INDEX execution_history_status_idx ON execution_history (status, started_at DESC);

CREATE TABLE book_snapshots (
  id        bigserial PRIMARY KEY,
  token_id  text NOT NULL,
  hash      text NOT NULL,
  book_json jsonb NOT NULL,
  taken_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (token_id, hash)
);
CREATE INDEX book_snapshots_taken_at_idx ON book_snapshots (taken_at);

CREATE TABLE orders (
  id              bigserial PRIMARY KEY,
  plan_id         text NOT NULL REFERENCES execution_history (plan_id),
  trade_index     integer NOT NULL CHECK (trade_index >= 0),
  mode            text NOT NULL CHECK (mode IN ('paper', 'live')),
  token_id        text NOT NULL,
  outcome         text NOT NULL,
  side            text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  order_type      text NOT NULL CHECK (order_type IN ('MARKET', 'LIMIT')),
  time_in_force   text NOT NULL CHECK (time_in_force IN ('GTC', 'GTD', 'FOK', 'FAK')),
  post_only       boolean NOT NULL DEFAULT false,
  limit_price     bigint CHECK (limit_price > 0 AND limit_price < 1000000),
  size_shares     bigint NOT NULL CHECK (size_shares >= 0),
  maker_amount    bigint NOT NULL CHECK (maker_amount >= 0),
  taker_amount    bigint NOT NULL CHECK (taker_amount >= 0),
  filled_shares   bigint NOT NULL DEFAULT 0 CHECK (filled_shares >= 0),
  filled_notional bigint NOT NULL DEFAULT 0 CHECK (filled_notional >= 0),
  status          text NOT NULL CHECK (status IN ('signing', 'submitting', 'open',
                    'partially_filled', 'filled', 'cancelled', 'expired', 'rejected', 'unknown')),
  reason          text,
  expires_at      timestamptz,
  salt            text,
  order_hash      text UNIQUE,
  signature       text,
  venue_order_id  text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (plan_id, trade_index)
);
CREATE INDEX orders_status_idx ON orders (status, created_at);
CREATE INDEX orders_token_status_idx ON orders (token_id, status);
CREATE INDEX orders_mode_status_idx ON orders (mode, status);
CREATE INDEX orders_created_at_idx ON orders (created_at);

CREATE TABLE executions (
  id                bigserial PRIMARY KEY,
  order_id          bigint NOT NULL REFERENCES orders (id),
  mode              text NOT NULL CHECK (mode IN ('paper', 'live')),
  token_id          text NOT NULL,
  side              text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  shares            bigint NOT NULL CHECK (shares > 0),
  price             bigint NOT NULL CHECK (price > 0 AND price < 1000000),
  notional          bigint NOT NULL CHECK (notional >= 0),
  fee               bigint NOT NULL DEFAULT 0 CHECK (fee >= 0),
  liquidity         text NOT NULL CHECK (liquidity IN ('maker', 'taker')),
  executed_at       timestamptz NOT NULL DEFAULT now(),
  book_snapshot_id  bigint REFERENCES book_snapshots (id),
  venue_trade_id    text,
  settlement_status text NOT NULL DEFAULT 'CONFIRMED'
                      CHECK (settlement_status IN ('MATCHED', 'MINED', 'CONFIRMED', 'RETRYING', 'FAILED'))
);
CREATE INDEX executions_order_id_idx ON executions (order_id);
CREATE INDEX executions_mode_token_idx ON executions (mode, token_id, executed_at, id);
CREATE INDEX executions_executed_at_idx ON executions (executed_at);

CREATE TABLE ticks (
  id          bigserial PRIMARY KEY,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  report_json jsonb
);
CREATE INDEX ticks_started_at_idx ON ticks (started_at);

CREATE VIEW orders_view AS
  SELECT id, plan_id, trade_index, mode, token_id, outcome, side, order_type, time_in_force,
         limit_price / 1e6 AS limit_price, size_shares / 1e6 AS size_shares,
         filled_shares / 1e6 AS filled_shares, filled_notional / 1e6 AS filled_notional,
         status, reason, expires_at, created_at, updated_at
    FROM orders;

CREATE VIEW executions_view AS
  SELECT id, order_id, mode, token_id, side, shares / 1e6 AS shares, price / 1e6 AS price,
         notional / 1e6 AS notional, fee / 1e6 AS fee, liquidity, executed_at, book_snapshot_id,
         settlement_status
    FROM executions;

-- Times as the API shows them: RFC 3339 in UTC with milliseconds.
CREATE FUNCTION oms_rfc3339(t timestamptz) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
