-- Price triggers (DESIGN §9): a plan's trade that waits for a price of its token's book to cross a
-- level, armed when the plan runs and watched by every tick. A trigger leaves `armed` once, by a
-- statement conditional on it still being armed: fired (its trade then placed, or refused with the
-- reason), cancelled (by the trader, by its OCO partner firing, or because its market closed), or
-- expired (unfired past `until`).

CREATE TABLE triggers (
  id               bigserial PRIMARY KEY,
  plan_id          text NOT NULL REFERENCES execution_history (plan_id),
  trade_index      integer NOT NULL CHECK (trade_index >= 0),
  mode             text NOT NULL CHECK (mode IN ('paper', 'live')),
  token_id         text NOT NULL,
  outcome          text NOT NULL,
  side             text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  description      text NOT NULL,  -- the trade and its condition, for people
  price_source     text NOT NULL CHECK (price_source IN ('bestBid', 'bestAsk', 'mid')),
  direction        text NOT NULL CHECK (direction IN ('below', 'above')),
  level            bigint NOT NULL CHECK (level > 0 AND level < 1000000),
  until            timestamptz,
  oco_group        text CHECK (oco_group <> ''),
  status           text NOT NULL DEFAULT 'armed'
                     CHECK (status IN ('armed', 'fired', 'cancelled', 'expired')),
  reason           text,
  fired_at         timestamptz,
  fired_price      bigint CHECK (fired_price > 0 AND fired_price < 1000000),
  fired_book_snapshot_id bigint REFERENCES book_snapshots (id),
  order_id         bigint UNIQUE REFERENCES orders (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (plan_id, trade_index),
  -- A fired trigger says when and at what price; nothing else ever carries them.
  CHECK ((status = 'fired') = (fired_at IS NOT NULL AND fired_price IS NOT NULL)),
  CHECK (order_id IS NULL OR status = 'fired')
);
-- What every tick reads: the armed triggers, by the token whose book they watch.
CREATE INDEX triggers_armed_idx ON triggers (token_id, created_at, id) WHERE status = 'armed';
CREATE INDEX triggers_status_idx ON triggers (status, created_at DESC);

CREATE VIEW triggers_view AS
  SELECT id, plan_id, trade_index, mode, token_id, outcome, side, description, price_source,
         direction, level / 1e6 AS level, until, oco_group, status, reason, fired_at,
         fired_price / 1e6 AS fired_price, fired_book_snapshot_id, order_id, created_at, updated_at
    FROM triggers;
