#include "store/orders_repo.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time.h"
#include "store/sql_enums.h"

namespace betteroms::store {
namespace {

using domain::Execution;
using domain::Order;

constexpr int kPositionLockKey = 0x6f6d7370;  // "omsp", with the mode as second key

constexpr char kOrderColumns[] =
    "id, plan_id, trade_index, mode, token_id, outcome, side, order_type, time_in_force, "
    "post_only, limit_price, size_shares, maker_amount, taker_amount, filled_shares, "
    "filled_notional, status, reason, oms_rfc3339(expires_at) AS expires_at, "
    "oms_rfc3339(created_at) AS created_at, intent_id, exchange, salt, maker, signer, "
    "signature_type, order_time_ms, expiration, metadata, builder, order_hash, signature, "
    "venue_status, venue_error, oms_rfc3339(submitted_at) AS submitted_at, post_attempts, "
    "oms_rfc3339(trades_read_at) AS trades_read_at, "
    "twin_status, twin_filled_shares, twin_filled_notional, "
    "(SELECT b.hash FROM book_snapshots b WHERE b.id = twin_book_snapshot_id) AS twin_book_hash";

absl::StatusOr<Order> ReadOrder(const Result& res, int row) {
  RowReader r = res.Row(row);
  Order o;
  o.id = r.Int("id");
  o.plan_id = r.Text("plan_id");
  o.trade_index = static_cast<int>(r.Int("trade_index"));
  o.mode = r.Enum("mode", &ParseModeSql);
  o.token_id = r.Text("token_id");
  o.outcome = r.Text("outcome");
  o.side = r.Enum("side", &ParseSideSql);
  o.type = r.Enum("order_type", &ParseOrderTypeSql);
  o.tif = r.Enum("time_in_force", &ParseTimeInForceSql);
  o.post_only = r.Bool("post_only");
  o.limit_price = r.OptInt("limit_price");
  o.size_shares = r.Int("size_shares");
  o.maker_amount = r.Int("maker_amount");
  o.taker_amount = r.Int("taker_amount");
  o.filled_shares = r.Int("filled_shares");
  o.filled_notional = r.Int("filled_notional");
  o.status = r.Enum("status", &ParseOrderStatusSql);
  o.reason = r.OptText("reason").value_or("");
  o.expires_at = r.OptTime("expires_at");
  o.created_at = r.Time("created_at");
  if (o.mode == domain::Mode::kLive) {
    domain::LiveFields& l = o.live;
    l.intent_id = r.Text("intent_id");
    l.exchange = r.Text("exchange");
    l.salt = r.Text("salt");
    l.maker = r.Text("maker");
    l.signer = r.Text("signer");
    l.signature_type = static_cast<int>(r.Int("signature_type"));
    l.order_time_ms = r.Int("order_time_ms");
    l.expiration = r.Int("expiration");
    l.metadata = r.Text("metadata");
    l.builder = r.Text("builder");
    l.order_hash = r.OptText("order_hash").value_or("");
    l.signature = r.OptText("signature").value_or("");
    l.venue_status = r.OptText("venue_status").value_or("");
    l.venue_error = r.OptText("venue_error").value_or("");
    l.submitted_at = r.OptTime("submitted_at");
    l.post_attempts = static_cast<int>(r.Int("post_attempts"));
    l.trades_read_at = r.OptTime("trades_read_at");
    l.stored_status = o.status;
    if (r.OptText("twin_status")) {
      domain::PaperTwin t;
      t.status = r.Enum("twin_status", &ParseOrderStatusSql);
      t.filled_shares = r.Int("twin_filled_shares");
      t.filled_notional = r.Int("twin_filled_notional");
      t.book_hash = r.OptText("twin_book_hash").value_or("");
      o.twin = std::move(t);
    }
  }
  OMS_RETURN_IF_ERROR(r.status());
  return o;
}

absl::StatusOr<std::vector<Order>> ReadOrders(const Result& res) {
  std::vector<Order> out;
  out.reserve(res.rows());
  for (int r = 0; r < res.rows(); ++r) {
    OMS_ASSIGN_OR_RETURN(Order o, ReadOrder(res, r));
    out.push_back(std::move(o));
  }
  return out;
}

std::optional<std::string> NonEmpty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional(text);
}

std::vector<std::string> StatusTexts(const std::vector<domain::OrderStatus>& statuses) {
  std::vector<std::string> out;
  out.reserve(statuses.size());
  for (domain::OrderStatus s : statuses) out.emplace_back(SqlText(s));
  return out;
}

template <typename T, typename F>
std::vector<std::string> Column(const std::vector<T>& rows, F f) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const T& r : rows) out.push_back(f(r));
  return out;
}

template <typename T, typename F>
std::vector<int64_t> IntColumn(const std::vector<T>& rows, F f) {
  std::vector<int64_t> out;
  out.reserve(rows.size());
  for (const T& r : rows) out.push_back(f(r));
  return out;
}

absl::StatusOr<std::vector<Execution>> ReadExecutions(Connection& conn, const std::string& where,
                                                      const Params& params) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("list executions",
                absl::StrCat("SELECT e.id, e.order_id, e.mode, e.token_id, e.side, e.shares, "
                             "e.price, e.notional, e.fee, e.liquidity, "
                             "oms_rfc3339(e.executed_at) AS executed_at, "
                             "coalesce(s.hash, '') AS book_hash, o.outcome, e.venue_trade_id, "
                             "e.settlement_status, e.transaction_hash, e.fee_rate_bps "
                             "FROM executions e JOIN orders o ON o.id = e.order_id "
                             "LEFT JOIN book_snapshots s ON s.id = e.book_snapshot_id WHERE ",
                             where, " ORDER BY e.executed_at, e.id"),
                params));
  std::vector<Execution> out;
  out.reserve(res.rows());
  for (int row = 0; row < res.rows(); ++row) {
    RowReader r = res.Row(row);
    Execution e;
    e.order_id = r.Int("order_id");
    e.mode = r.Enum("mode", &ParseModeSql);
    e.token_id = r.Text("token_id");
    e.side = r.Enum("side", &ParseSideSql);
    e.shares = r.Int("shares");
    e.price = r.Int("price");
    e.notional = r.Int("notional");
    e.fee = r.Int("fee");
    e.liquidity = r.Enum("liquidity", &ParseLiquiditySql);
    e.executed_at = r.Time("executed_at");
    e.book_hash = r.Text("book_hash");
    e.outcome = r.Text("outcome");
    e.id = r.Int("id");
    e.trade_id = r.OptText("venue_trade_id").value_or("");
    e.settlement = r.Text("settlement_status");
    e.transaction_hash = r.OptText("transaction_hash").value_or("");
    e.fee_rate_bps = r.OptInt("fee_rate_bps");
    OMS_RETURN_IF_ERROR(r.status());
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

absl::Status InsertSnapshots(Connection& conn, const std::vector<const domain::Book*>& books) {
  if (books.empty()) return absl::OkStatus();
  return conn
      .Exec("insert book snapshots",
            "INSERT INTO book_snapshots (token_id, hash, book_json) "
            "SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[]) "
            "ON CONFLICT (token_id, hash) DO NOTHING",
            Params()
                .Add(TextArray(Column(books, [](const domain::Book* b) { return b->token_id; })))
                .Add(TextArray(Column(books, [](const domain::Book* b) { return b->hash; })))
                .Add(TextArray(Column(books, [](const domain::Book* b) { return b->raw_json; }))))
      .status();
}

absl::StatusOr<std::vector<StoredSnapshot>> GetSnapshots(
    Connection& conn, const std::vector<std::pair<std::string, std::string>>& token_hashes) {
  std::vector<StoredSnapshot> out;
  if (token_hashes.empty()) return out;
  std::vector<std::string> tokens, hashes;
  for (const auto& [token, hash] : token_hashes) {
    tokens.push_back(token);
    hashes.push_back(hash);
  }
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("get book snapshots",
                "SELECT b.token_id, b.hash, b.book_json::text AS book_json, "
                "oms_rfc3339(b.taken_at) AS taken_at FROM book_snapshots b "
                "JOIN unnest($1::text[], $2::text[]) AS u(t, h) ON b.token_id = u.t AND "
                "b.hash = u.h ORDER BY b.taken_at, b.id",
                Params().Add(TextArray(tokens)).Add(TextArray(hashes))));
  out.reserve(res.rows());
  for (int row = 0; row < res.rows(); ++row) {
    RowReader r = res.Row(row);
    StoredSnapshot s{r.Text("token_id"), r.Text("hash"), r.Text("book_json"), r.Time("taken_at")};
    OMS_RETURN_IF_ERROR(r.status());
    out.push_back(std::move(s));
  }
  return out;
}

absl::Status InsertOrders(Connection& conn, std::vector<Order>& rows) {
  if (rows.empty()) return absl::OkStatus();
  std::vector<std::optional<std::string>> limits, reasons, expiries;
  // Live columns, NULL for paper orders: intent, exchange, salt, maker, signer, signature type,
  // order time, expiration, metadata, builder.
  std::vector<std::vector<std::optional<std::string>>> live(10);
  std::vector<std::optional<std::string>> twin_statuses, twin_shares, twin_notionals, twin_hashes;
  for (const Order& o : rows) {
    limits.push_back(o.limit_price ? std::optional(std::to_string(*o.limit_price)) : std::nullopt);
    reasons.push_back(NonEmpty(o.reason));
    expiries.push_back(o.expires_at ? std::optional(FormatRfc3339(*o.expires_at)) : std::nullopt);
    bool is_live = o.mode == domain::Mode::kLive;
    const domain::LiveFields& l = o.live;
    std::string values[10] = {l.intent_id,
                              l.exchange,
                              l.salt,
                              l.maker,
                              l.signer,
                              std::to_string(l.signature_type),
                              std::to_string(l.order_time_ms),
                              std::to_string(l.expiration),
                              l.metadata,
                              l.builder};
    for (size_t c = 0; c < live.size(); ++c) {
      live[c].push_back(is_live ? std::optional(values[c]) : std::nullopt);
    }
    // The paper twin, NULL for paper orders and for live orders without one.
    bool has_twin = is_live && o.twin.has_value();
    twin_statuses.push_back(has_twin ? std::optional(std::string(SqlText(o.twin->status)))
                                     : std::nullopt);
    twin_shares.push_back(has_twin ? std::optional(std::to_string(o.twin->filled_shares))
                                   : std::nullopt);
    twin_notionals.push_back(has_twin ? std::optional(std::to_string(o.twin->filled_notional))
                                      : std::nullopt);
    twin_hashes.push_back(has_twin ? NonEmpty(o.twin->book_hash) : std::nullopt);
  }
  auto text = [&](auto field) {
    return TextArray(Column(rows, [&](const Order& o) { return std::string(SqlText(o.*field)); }));
  };
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec(
          "insert orders",
          "INSERT INTO orders (plan_id, trade_index, mode, token_id, outcome, side, order_type, "
          "time_in_force, post_only, limit_price, size_shares, maker_amount, taker_amount, "
          "filled_shares, filled_notional, status, reason, expires_at, intent_id, exchange, salt, "
          "maker, signer, signature_type, order_time_ms, expiration, metadata, builder, "
          "twin_status, twin_filled_shares, twin_filled_notional, twin_book_snapshot_id) "
          "SELECT u.pl, u.ix, u.mo, u.tk, u.oc, u.sd, u.ot, u.tf, u.po, u.lp, u.sz, u.ma, u.ta, "
          "u.fs, u.fn, u.st, u.re, u.ex, u.ii, u.xc, u.sa, u.mk, u.sg, u.sy, u.tm, u.xp, u.md, "
          "u.bd, u.ws, u.wf, u.wn, "
          "(SELECT b.id FROM book_snapshots b WHERE b.token_id = u.tk AND b.hash = u.wh) "
          "FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], "
          "$6::text[], $7::text[], $8::text[], $9::bool[], $10::bigint[], $11::bigint[], "
          "$12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::text[], $17::text[], "
          "$18::timestamptz[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], "
          "$24::smallint[], $25::bigint[], $26::bigint[], $27::text[], $28::text[], $29::text[], "
          "$30::bigint[], $31::bigint[], $32::text[]) "
          "AS u(pl, ix, mo, tk, oc, sd, ot, tf, po, lp, sz, ma, ta, fs, fn, st, re, ex, ii, xc, "
          "sa, mk, sg, sy, tm, xp, md, bd, ws, wf, wn, wh) "
          "RETURNING id, trade_index, oms_rfc3339(created_at) AS created_at",
          Params()
              .Add(TextArray(Column(rows, [](const Order& o) { return o.plan_id; })))
              .Add(IntArray(IntColumn(rows, [](const Order& o) { return o.trade_index; })))
              .Add(text(&Order::mode))
              .Add(TextArray(Column(rows, [](const Order& o) { return o.token_id; })))
              .Add(TextArray(Column(rows, [](const Order& o) { return o.outcome; })))
              .Add(text(&Order::side))
              .Add(text(&Order::type))
              .Add(text(&Order::tif))
              .Add(TextArray(Column(
                  rows,
                  [](const Order& o) { return std::string(o.post_only ? "true" : "false"); })))
              .Add(NullableTextArray(limits))
              .Add(IntArray(IntColumn(rows, [](const Order& o) { return o.size_shares; })))
              .Add(IntArray(IntColumn(rows, [](const Order& o) { return o.maker_amount; })))
              .Add(IntArray(IntColumn(rows, [](const Order& o) { return o.taker_amount; })))
              .Add(IntArray(IntColumn(rows, [](const Order& o) { return o.filled_shares; })))
              .Add(IntArray(IntColumn(rows, [](const Order& o) { return o.filled_notional; })))
              .Add(text(&Order::status))
              .Add(NullableTextArray(reasons))
              .Add(NullableTextArray(expiries))
              .Add(NullableTextArray(live[0]))
              .Add(NullableTextArray(live[1]))
              .Add(NullableTextArray(live[2]))
              .Add(NullableTextArray(live[3]))
              .Add(NullableTextArray(live[4]))
              .Add(NullableTextArray(live[5]))
              .Add(NullableTextArray(live[6]))
              .Add(NullableTextArray(live[7]))
              .Add(NullableTextArray(live[8]))
              .Add(NullableTextArray(live[9]))
              .Add(NullableTextArray(twin_statuses))
              .Add(NullableTextArray(twin_shares))
              .Add(NullableTextArray(twin_notionals))
              .Add(NullableTextArray(twin_hashes))));
  // RETURNING order is not promised: map back through the (plan, index) key.
  std::map<int, Order*> by_index;
  for (Order& o : rows) by_index[o.trade_index] = &o;
  for (int r = 0; r < res.rows(); ++r) {
    RowReader row = res.Row(r);
    auto it = by_index.find(static_cast<int>(row.Int("trade_index")));
    if (it == by_index.end()) return absl::InternalError("store: insert orders: unknown row back");
    it->second->id = row.Int("id");
    it->second->created_at = row.Time("created_at");
    OMS_RETURN_IF_ERROR(row.status());
  }
  return absl::OkStatus();
}

absl::Status InsertExecutions(Connection& conn, const std::vector<Execution>& rows) {
  if (rows.empty()) return absl::OkStatus();
  auto text = [&](auto field) {
    return TextArray(
        Column(rows, [&](const Execution& e) { return std::string(SqlText(e.*field)); }));
  };
  std::vector<std::optional<std::string>> trades, tx_hashes, fee_rates;
  for (const Execution& e : rows) {
    trades.push_back(NonEmpty(e.trade_id));
    tx_hashes.push_back(NonEmpty(e.transaction_hash));
    fee_rates.push_back(e.fee_rate_bps ? std::optional(std::to_string(*e.fee_rate_bps))
                                       : std::nullopt);
  }
  return conn
      .Exec("insert executions",
            "INSERT INTO executions (order_id, mode, token_id, side, shares, price, notional, fee, "
            "liquidity, book_snapshot_id, executed_at, venue_trade_id, settlement_status, "
            "transaction_hash, fee_rate_bps) SELECT u.o, u.m, u.t, u.s, u.sh, u.p, u.n, u.f, u.l, "
            "(SELECT b.id FROM book_snapshots b WHERE b.token_id = u.t AND b.hash = u.h), u.at, "
            "u.tr, u.st, u.tx, u.fr FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], "
            "$5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], "
            "$11::timestamptz[], $12::text[], $13::text[], $14::text[], $15::int[]) "
            "AS u(o, m, t, s, sh, p, n, f, l, h, at, tr, st, tx, fr) "
            "ON CONFLICT (venue_trade_id, order_id) WHERE venue_trade_id IS NOT NULL DO UPDATE SET "
            "settlement_status = EXCLUDED.settlement_status, "
            "transaction_hash = EXCLUDED.transaction_hash, fee = EXCLUDED.fee, "
            "fee_rate_bps = EXCLUDED.fee_rate_bps, updated_at = now()",
            Params()
                .Add(IntArray(IntColumn(rows, [](const Execution& e) { return e.order_id; })))
                .Add(text(&Execution::mode))
                .Add(TextArray(Column(rows, [](const Execution& e) { return e.token_id; })))
                .Add(text(&Execution::side))
                .Add(IntArray(IntColumn(rows, [](const Execution& e) { return e.shares; })))
                .Add(IntArray(IntColumn(rows, [](const Execution& e) { return e.price; })))
                .Add(IntArray(IntColumn(rows, [](const Execution& e) { return e.notional; })))
                .Add(IntArray(IntColumn(rows, [](const Execution& e) { return e.fee; })))
                .Add(text(&Execution::liquidity))
                .Add(TextArray(Column(rows, [](const Execution& e) { return e.book_hash; })))
                .Add(TextArray(
                    Column(rows, [](const Execution& e) { return FormatRfc3339(e.executed_at); })))
                .Add(NullableTextArray(trades))
                .Add(TextArray(Column(rows, [](const Execution& e) { return e.settlement; })))
                .Add(NullableTextArray(tx_hashes))
                .Add(NullableTextArray(fee_rates)))
      .status();
}

absl::Status DeleteProvisionalFills(Connection& conn, const std::vector<int64_t>& fill_ids) {
  if (fill_ids.empty()) return absl::OkStatus();
  return conn
      .Exec("delete provisional fills",
            "DELETE FROM executions WHERE id = ANY($1::bigint[]) AND mode = 'live' "
            "AND venue_trade_id IS NULL",
            Params().Add(IntArray(fill_ids)))
      .status();
}

absl::StatusOr<std::vector<Order>> ListLiveOrdersToReconcile(Connection& conn,
                                                             absl::Duration margin, int limit) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec(
          "live orders to reconcile",
          absl::StrCat("SELECT ", kOrderColumns,
                       " FROM orders o WHERE o.mode = 'live' AND o.order_hash IS NOT NULL AND ("
                       "o.status IN ('open', 'partially_filled') OR "
                       "(o.status IN ('filled', 'cancelled', 'expired') AND "
                       " (o.trades_read_at IS NULL OR "
                       "  o.trades_read_at < o.updated_at + make_interval(secs => $1))) OR "
                       "EXISTS (SELECT 1 FROM executions e WHERE e.order_id = o.id AND "
                       " e.mode = 'live' AND (e.venue_trade_id IS NULL OR "
                       " e.settlement_status NOT IN ('CONFIRMED', 'FAILED')))) "
                       "ORDER BY o.created_at, o.id LIMIT $2"),
          Params().Add(absl::ToInt64Seconds(margin)).Add(limit)));
  return ReadOrders(res);
}

absl::Status MarkTradesRead(Connection& conn, const std::vector<int64_t>& order_ids,
                            absl::Time read_at) {
  if (order_ids.empty()) return absl::OkStatus();
  return conn
      .Exec("mark trades read",
            "UPDATE orders SET trades_read_at = $2::timestamptz WHERE id = ANY($1::bigint[]) "
            "AND mode = 'live'",
            Params().Add(IntArray(order_ids)).Add(FormatRfc3339(read_at)))
      .status();
}

OrderChange ChangeOf(const Order& read, Order next) {
  return OrderChange{std::move(next), read.status, read.filled_shares};
}

absl::StatusOr<std::vector<int64_t>> UpdateOrderStates(Connection& conn,
                                                       const std::vector<OrderChange>& changes) {
  std::vector<int64_t> stale;
  if (changes.empty()) return stale;
  std::vector<std::optional<std::string>> reasons;
  reasons.reserve(changes.size());
  for (const OrderChange& c : changes) reasons.push_back(NonEmpty(c.next.reason));
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec(
          "update orders",
          "UPDATE orders SET filled_shares = u.filled_shares, filled_notional = u.filled_notional,"
          " status = u.status, reason = u.reason, updated_at = now() FROM unnest($1::bigint[], "
          "$2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[]) AS u(id, "
          "filled_shares, filled_notional, status, reason, read_status, read_filled) "
          "WHERE orders.id = u.id AND orders.status = u.read_status "
          "AND orders.filled_shares = u.read_filled RETURNING orders.id",
          Params()
              .Add(IntArray(IntColumn(changes, [](const OrderChange& c) { return c.next.id; })))
              .Add(IntArray(
                  IntColumn(changes, [](const OrderChange& c) { return c.next.filled_shares; })))
              .Add(IntArray(
                  IntColumn(changes, [](const OrderChange& c) { return c.next.filled_notional; })))
              .Add(TextArray(
                  Column(changes,
                         [](const OrderChange& c) { return std::string(SqlText(c.next.status)); })))
              .Add(NullableTextArray(reasons))
              .Add(TextArray(
                  Column(changes,
                         [](const OrderChange& c) { return std::string(SqlText(c.read_status)); })))
              .Add(IntArray(
                  IntColumn(changes, [](const OrderChange& c) { return c.read_filled_shares; })))));
  std::set<int64_t> written;
  for (int row = 0; row < res.rows(); ++row) {
    RowReader r = res.Row(row);
    written.insert(r.Int("id"));
    OMS_RETURN_IF_ERROR(r.status());
  }
  for (const OrderChange& c : changes) {
    if (written.count(c.next.id) == 0) stale.push_back(c.next.id);
  }
  return stale;
}

absl::Status UpdateJournal(Connection& conn, const std::vector<Order>& rows) {
  if (rows.empty()) return absl::OkStatus();
  std::vector<std::optional<std::string>> reasons, hashes, signatures, venue_status, venue_error,
      submitted;
  for (const Order& o : rows) {
    reasons.push_back(NonEmpty(o.reason));
    hashes.push_back(NonEmpty(o.live.order_hash));
    signatures.push_back(NonEmpty(o.live.signature));
    venue_status.push_back(NonEmpty(o.live.venue_status));
    venue_error.push_back(NonEmpty(o.live.venue_error));
    submitted.push_back(o.live.submitted_at ? std::optional(FormatRfc3339(*o.live.submitted_at))
                                            : std::nullopt);
  }
  absl::StatusOr<Result> res = conn.Exec(
      "update journal",
      "UPDATE orders SET status = u.status, reason = u.reason, filled_shares = u.fs, "
      "filled_notional = u.fn, order_hash = u.h, signature = u.sig, venue_status = u.vs, "
      "venue_error = u.ve, submitted_at = u.sub, post_attempts = u.pa, updated_at = now() "
      "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], "
      "$6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::int[], "
      "$12::text[]) "
      "AS u(id, status, reason, fs, fn, h, sig, vs, ve, sub, pa, prev) "
      "WHERE orders.id = u.id AND orders.mode = 'live' AND orders.status = u.prev",
      Params()
          .Add(IntArray(IntColumn(rows, [](const Order& o) { return o.id; })))
          .Add(TextArray(
              Column(rows, [](const Order& o) { return std::string(SqlText(o.status)); })))
          .Add(NullableTextArray(reasons))
          .Add(IntArray(IntColumn(rows, [](const Order& o) { return o.filled_shares; })))
          .Add(IntArray(IntColumn(rows, [](const Order& o) { return o.filled_notional; })))
          .Add(NullableTextArray(hashes))
          .Add(NullableTextArray(signatures))
          .Add(NullableTextArray(venue_status))
          .Add(NullableTextArray(venue_error))
          .Add(NullableTextArray(submitted))
          .Add(IntArray(IntColumn(rows, [](const Order& o) { return o.live.post_attempts; })))
          .Add(TextArray(Column(
              rows, [](const Order& o) { return std::string(SqlText(o.live.stored_status)); }))));
  OMS_RETURN_IF_ERROR(res.status());
  if (res->affected() != static_cast<int64_t>(rows.size())) {
    return absl::AbortedError(absl::StrCat(
        "journal: ", static_cast<int64_t>(rows.size()) - res->affected(), " of ", rows.size(),
        " live orders changed (or vanished) meanwhile; nothing was written or sent"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> LiveNotionalSince(Connection& conn, absl::Time since) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("live notional",
                "SELECT coalesce(sum(CASE WHEN side = 'BUY' THEN maker_amount "
                "ELSE taker_amount END), 0) AS notional FROM orders WHERE mode = 'live' "
                "AND created_at >= $1::timestamptz AND status NOT IN ('rejected', 'not_sent')",
                Params().Add(FormatRfc3339(since))));
  RowReader r = res.Row(0);
  int64_t notional = r.Int("notional");
  OMS_RETURN_IF_ERROR(r.status());
  return notional;
}

namespace {

absl::StatusOr<std::vector<Order>> SelectOrders(Connection& conn, const OrderFilter& f,
                                                bool for_update) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec(for_update ? "lock orders" : "list orders",
                absl::StrCat("SELECT ", kOrderColumns,
                             " FROM orders WHERE ($1 = '' OR plan_id = $1)"
                             " AND ($2 = '' OR mode = $2)"
                             " AND (cardinality($4::text[]) = 0 OR status = ANY($4::text[]))"
                             " AND (cardinality($5::bigint[]) = 0 OR id = ANY($5::bigint[]))",
                             f.oldest_first ? " ORDER BY created_at, id"
                                            : " ORDER BY created_at DESC, id DESC",
                             " LIMIT $3", for_update ? " FOR UPDATE" : ""),
                Params()
                    .Add(f.plan_id)
                    .Add(f.mode ? SqlText(*f.mode) : "")
                    .Add(f.limit)
                    .Add(TextArray(StatusTexts(f.statuses)))
                    .Add(IntArray(f.ids))));
  return ReadOrders(res);
}

}  // namespace

absl::StatusOr<std::vector<Order>> ListOrders(Connection& conn, const OrderFilter& f) {
  return SelectOrders(conn, f, /*for_update=*/false);
}

absl::StatusOr<std::vector<Order>> LockOrders(Connection& conn, const OrderFilter& f) {
  return SelectOrders(conn, f, /*for_update=*/true);
}

absl::StatusOr<Order> GetOrder(Connection& conn, int64_t id, bool for_update) {
  OMS_ASSIGN_OR_RETURN(
      Result res, conn.Exec("get order",
                            absl::StrCat("SELECT ", kOrderColumns, " FROM orders WHERE id = $1",
                                         for_update ? " FOR UPDATE" : ""),
                            Params().Add(id)));
  if (res.rows() == 0) return absl::NotFoundError(absl::StrCat("no order with id ", id));
  return ReadOrder(res, 0);
}

absl::StatusOr<std::vector<Execution>> ListExecutionsForOrders(Connection& conn,
                                                               const std::vector<int64_t>& ids) {
  return ReadExecutions(conn, "e.order_id = ANY($1::bigint[])", Params().Add(IntArray(ids)));
}

absl::StatusOr<std::vector<Execution>> ListExecutionsForPositions(
    Connection& conn, std::optional<domain::Mode> mode, const std::vector<std::string>& tokens) {
  return ReadExecutions(conn,
                        "($1 = '' OR e.mode = $1) AND "
                        "(cardinality($2::text[]) = 0 OR e.token_id = ANY($2::text[]))",
                        Params().Add(mode ? SqlText(*mode) : "").Add(TextArray(tokens)));
}

absl::StatusOr<std::map<std::string, int64_t>> SharesAvailable(
    Connection& conn, domain::Mode mode, const std::vector<std::string>& tokens) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("shares available",
                "SELECT t.token_id, "
                " coalesce((SELECT sum(CASE WHEN e.side = 'BUY' THEN e.shares ELSE -e.shares END)"
                "   FROM executions e WHERE e.mode = $1 AND e.token_id = t.token_id), 0) - "
                " coalesce((SELECT sum(o.maker_amount - o.filled_shares) FROM orders o "
                "   WHERE o.mode = $1 AND o.token_id = t.token_id AND o.side = 'SELL' "
                "   AND o.status IN ('open', 'partially_filled') "
                "   AND o.time_in_force IN ('GTC', 'GTD')), 0) AS available "
                "FROM unnest($2::text[]) AS t(token_id)",
                Params().Add(SqlText(mode)).Add(TextArray(tokens))));
  std::map<std::string, int64_t> out;
  for (int row = 0; row < res.rows(); ++row) {
    RowReader r = res.Row(row);
    std::string token = r.Text("token_id");
    out[token] = r.Int("available");
    OMS_RETURN_IF_ERROR(r.status());
  }
  return out;
}

absl::Status LockPositions(Connection& conn, domain::Mode mode) {
  return conn
      .Exec("position lock", "SELECT pg_advisory_xact_lock($1, $2)",
            Params().Add(kPositionLockKey).Add(mode == domain::Mode::kPaper ? 0 : 1))
      .status();
}

}  // namespace betteroms::store
