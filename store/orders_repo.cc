#include "store/orders_repo.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace betteroms::store {
namespace {

constexpr char kOrderColumns[] =
    "id, plan_id, trade_index, mode, token_id, outcome, side, order_type, time_in_force, "
    "post_only, limit_price, size_shares, maker_amount, taker_amount, filled_shares, "
    "filled_notional, status, reason, oms_rfc3339(expires_at), oms_rfc3339(created_at)";

OrderRow ReadOrder(const Result& r, int row) {
  OrderRow o;
  o.id = r.Int(row, 0);
  o.plan_id = r.Text(row, 1);
  o.trade_index = static_cast<int>(r.Int(row, 2));
  o.mode = r.Text(row, 3);
  o.token_id = r.Text(row, 4);
  o.outcome = r.Text(row, 5);
  o.side = r.Text(row, 6);
  o.order_type = r.Text(row, 7);
  o.time_in_force = r.Text(row, 8);
  o.post_only = r.Bool(row, 9);
  o.limit_price = r.OptInt(row, 10);
  o.size_shares = r.Int(row, 11);
  o.maker_amount = r.Int(row, 12);
  o.taker_amount = r.Int(row, 13);
  o.filled_shares = r.Int(row, 14);
  o.filled_notional = r.Int(row, 15);
  o.status = r.Text(row, 16);
  o.reason = r.OptText(row, 17);
  o.expires_at = r.OptText(row, 18);
  o.created_at = r.Text(row, 19);
  return o;
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

absl::StatusOr<std::vector<ExecutionRow>> ReadExecutions(Connection& conn, const std::string& where,
                                                         const Params& params) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("list executions",
                absl::StrCat("SELECT e.order_id, e.mode, e.token_id, e.side, e.shares, e.price, "
                             "e.notional, e.fee, e.liquidity, e.book_snapshot_id, "
                             "oms_rfc3339(e.executed_at), coalesce(s.hash, ''), o.outcome "
                             "FROM executions e JOIN orders o ON o.id = e.order_id "
                             "LEFT JOIN book_snapshots s ON s.id = e.book_snapshot_id WHERE ",
                             where, " ORDER BY e.executed_at, e.id"),
                params));
  std::vector<ExecutionRow> out;
  out.reserve(res.rows());
  for (int r = 0; r < res.rows(); ++r) {
    ExecutionRow e;
    e.order_id = res.Int(r, 0);
    e.mode = res.Text(r, 1);
    e.token_id = res.Text(r, 2);
    e.side = res.Text(r, 3);
    e.shares = res.Int(r, 4);
    e.price = res.Int(r, 5);
    e.notional = res.Int(r, 6);
    e.fee = res.Int(r, 7);
    e.liquidity = res.Text(r, 8);
    e.book_snapshot_id = res.OptInt(r, 9);
    e.executed_at = res.Text(r, 10);
    e.book_hash = res.Text(r, 11);
    e.outcome = res.Text(r, 12);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::map<std::string, int64_t>> InsertSnapshots(
    Connection& conn, const std::vector<SnapshotRow>& rows) {
  std::map<std::string, int64_t> ids;
  if (rows.empty()) return ids;
  // The no-op update makes RETURNING report rows that already existed.
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec(
          "insert book snapshots",
          "INSERT INTO book_snapshots (token_id, hash, book_json) "
          "SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[]) "
          "ON CONFLICT (token_id, hash) DO UPDATE SET token_id = EXCLUDED.token_id "
          "RETURNING id, token_id",
          Params()
              .Add(TextArray(Column(rows, [](const SnapshotRow& r) { return r.token_id; })))
              .Add(TextArray(Column(rows, [](const SnapshotRow& r) { return r.hash; })))
              .Add(TextArray(Column(rows, [](const SnapshotRow& r) { return r.book_json; })))));
  for (int r = 0; r < res.rows(); ++r) ids[res.Text(r, 1)] = res.Int(r, 0);
  return ids;
}

absl::StatusOr<std::vector<int64_t>> InsertOrders(Connection& conn,
                                                  const std::vector<OrderRow>& rows) {
  if (rows.empty()) return std::vector<int64_t>{};
  std::vector<std::optional<std::string>> limits, reasons, expiries;
  for (const OrderRow& o : rows) {
    limits.push_back(o.limit_price ? std::optional(std::to_string(*o.limit_price)) : std::nullopt);
    reasons.push_back(o.reason);
    expiries.push_back(o.expires_at);
  }
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec(
          "insert orders",
          "INSERT INTO orders (plan_id, trade_index, mode, token_id, outcome, side, order_type, "
          "time_in_force, post_only, limit_price, size_shares, maker_amount, taker_amount, "
          "filled_shares, filled_notional, status, reason, expires_at) "
          "SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], "
          "$6::text[], $7::text[], $8::text[], $9::bool[], $10::bigint[], $11::bigint[], "
          "$12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::text[], $17::text[], "
          "$18::timestamptz[]) RETURNING id, trade_index",
          Params()
              .Add(TextArray(Column(rows, [](const OrderRow& o) { return o.plan_id; })))
              .Add(IntArray(IntColumn(rows, [](const OrderRow& o) { return o.trade_index; })))
              .Add(TextArray(Column(rows, [](const OrderRow& o) { return o.mode; })))
              .Add(TextArray(Column(rows, [](const OrderRow& o) { return o.token_id; })))
              .Add(TextArray(Column(rows, [](const OrderRow& o) { return o.outcome; })))
              .Add(TextArray(Column(rows, [](const OrderRow& o) { return o.side; })))
              .Add(TextArray(Column(rows, [](const OrderRow& o) { return o.order_type; })))
              .Add(TextArray(Column(rows, [](const OrderRow& o) { return o.time_in_force; })))
              .Add(TextArray(Column(
                  rows,
                  [](const OrderRow& o) { return std::string(o.post_only ? "true" : "false"); })))
              .Add(NullableTextArray(limits))
              .Add(IntArray(IntColumn(rows, [](const OrderRow& o) { return o.size_shares; })))
              .Add(IntArray(IntColumn(rows, [](const OrderRow& o) { return o.maker_amount; })))
              .Add(IntArray(IntColumn(rows, [](const OrderRow& o) { return o.taker_amount; })))
              .Add(IntArray(IntColumn(rows, [](const OrderRow& o) { return o.filled_shares; })))
              .Add(IntArray(IntColumn(rows, [](const OrderRow& o) { return o.filled_notional; })))
              .Add(TextArray(Column(rows, [](const OrderRow& o) { return o.status; })))
              .Add(NullableTextArray(reasons))
              .Add(NullableTextArray(expiries))));
  // RETURNING order is not promised: map back through the (plan, index) key.
  std::map<int, int64_t> by_index;
  for (int r = 0; r < res.rows(); ++r) by_index[static_cast<int>(res.Int(r, 1))] = res.Int(r, 0);
  std::vector<int64_t> ids;
  ids.reserve(rows.size());
  for (const OrderRow& o : rows) ids.push_back(by_index[o.trade_index]);
  return ids;
}

absl::Status InsertExecutions(Connection& conn, const std::vector<ExecutionRow>& rows) {
  if (rows.empty()) return absl::OkStatus();
  std::vector<std::optional<std::string>> snapshots, executed;
  for (const ExecutionRow& e : rows) {
    snapshots.push_back(e.book_snapshot_id ? std::optional(std::to_string(*e.book_snapshot_id))
                                           : std::nullopt);
    executed.push_back(e.executed_at.empty() ? std::nullopt : std::optional(e.executed_at));
  }
  return conn
      .Exec(
          "insert executions",
          "INSERT INTO executions (order_id, mode, token_id, side, shares, price, notional, fee, "
          "liquidity, book_snapshot_id, executed_at) SELECT u.o, u.m, u.t, u.s, u.sh, u.p, u.n, "
          "u.f, u.l, u.b, coalesce(u.at, now()) FROM unnest($1::bigint[], $2::text[], "
          "$3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], "
          "$9::text[], $10::bigint[], $11::timestamptz[]) AS u(o, m, t, s, sh, p, n, f, l, b, at)",
          Params()
              .Add(IntArray(IntColumn(rows, [](const ExecutionRow& e) { return e.order_id; })))
              .Add(TextArray(Column(rows, [](const ExecutionRow& e) { return e.mode; })))
              .Add(TextArray(Column(rows, [](const ExecutionRow& e) { return e.token_id; })))
              .Add(TextArray(Column(rows, [](const ExecutionRow& e) { return e.side; })))
              .Add(IntArray(IntColumn(rows, [](const ExecutionRow& e) { return e.shares; })))
              .Add(IntArray(IntColumn(rows, [](const ExecutionRow& e) { return e.price; })))
              .Add(IntArray(IntColumn(rows, [](const ExecutionRow& e) { return e.notional; })))
              .Add(IntArray(IntColumn(rows, [](const ExecutionRow& e) { return e.fee; })))
              .Add(TextArray(Column(rows, [](const ExecutionRow& e) { return e.liquidity; })))
              .Add(NullableTextArray(snapshots))
              .Add(NullableTextArray(executed)))
      .status();
}

absl::Status UpdateOrderStates(Connection& conn, const std::vector<OrderRow>& rows) {
  if (rows.empty()) return absl::OkStatus();
  std::vector<std::optional<std::string>> reasons;
  for (const OrderRow& o : rows) reasons.push_back(o.reason);
  return conn
      .Exec(
          "update orders",
          "UPDATE orders SET filled_shares = u.filled_shares, filled_notional = u.filled_notional,"
          " status = u.status, reason = u.reason, updated_at = now() FROM unnest($1::bigint[], "
          "$2::bigint[], $3::bigint[], $4::text[], $5::text[]) AS u(id, filled_shares, "
          "filled_notional, status, reason) WHERE orders.id = u.id",
          Params()
              .Add(IntArray(IntColumn(rows, [](const OrderRow& o) { return o.id; })))
              .Add(IntArray(IntColumn(rows, [](const OrderRow& o) { return o.filled_shares; })))
              .Add(IntArray(IntColumn(rows, [](const OrderRow& o) { return o.filled_notional; })))
              .Add(TextArray(Column(rows, [](const OrderRow& o) { return o.status; })))
              .Add(NullableTextArray(reasons)))
      .status();
}

absl::StatusOr<std::vector<OrderRow>> ListOrders(Connection& conn, const OrderFilter& f) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("list orders",
                absl::StrCat("SELECT ", kOrderColumns,
                             " FROM orders WHERE ($1 = '' OR plan_id = $1)"
                             " AND ($2 = '' OR status = $2) AND ($3 = '' OR mode = $3)"
                             " AND (cardinality($5::text[]) = 0 OR status = ANY($5::text[]))"
                             " ORDER BY created_at DESC, id DESC LIMIT $4"),
                Params().Add(f.plan_id).Add(f.status).Add(f.mode).Add(f.limit).Add(
                    TextArray(f.statuses))));
  std::vector<OrderRow> out;
  for (int r = 0; r < res.rows(); ++r) out.push_back(ReadOrder(res, r));
  return out;
}

absl::StatusOr<OrderRow> GetOrder(Connection& conn, int64_t id, bool for_update) {
  OMS_ASSIGN_OR_RETURN(
      Result res, conn.Exec("get order",
                            absl::StrCat("SELECT ", kOrderColumns, " FROM orders WHERE id = $1",
                                         for_update ? " FOR UPDATE" : ""),
                            Params().Add(id)));
  if (res.rows() == 0) return absl::NotFoundError(absl::StrCat("no order with id ", id));
  return ReadOrder(res, 0);
}

absl::StatusOr<std::vector<ExecutionRow>> ListExecutionsForOrders(Connection& conn,
                                                                  const std::vector<int64_t>& ids) {
  return ReadExecutions(conn, "e.order_id = ANY($1::bigint[])", Params().Add(IntArray(ids)));
}

absl::StatusOr<std::vector<ExecutionRow>> ListExecutionsForPositions(
    Connection& conn, const std::string& mode, const std::vector<std::string>& tokens) {
  return ReadExecutions(conn,
                        "($1 = '' OR e.mode = $1) AND "
                        "(cardinality($2::text[]) = 0 OR e.token_id = ANY($2::text[]))",
                        Params().Add(mode).Add(TextArray(tokens)));
}

absl::StatusOr<std::map<std::string, int64_t>> SharesAvailable(
    Connection& conn, const std::string& mode, const std::vector<std::string>& tokens) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("shares available",
                "SELECT t.token_id, "
                " coalesce((SELECT sum(CASE WHEN e.side = 'BUY' THEN e.shares ELSE -e.shares END)"
                "   FROM executions e WHERE e.mode = $1 AND e.token_id = t.token_id), 0) - "
                " coalesce((SELECT sum(o.maker_amount - o.filled_shares) FROM orders o "
                "   WHERE o.mode = $1 AND o.token_id = t.token_id AND o.side = 'SELL' "
                "   AND o.status IN ('open', 'partially_filled') "
                "   AND o.time_in_force IN ('GTC', 'GTD')), 0) "
                "FROM unnest($2::text[]) AS t(token_id)",
                Params().Add(mode).Add(TextArray(tokens))));
  std::map<std::string, int64_t> out;
  for (int r = 0; r < res.rows(); ++r) out[res.Text(r, 0)] = res.Int(r, 1);
  return out;
}

}  // namespace betteroms::store
