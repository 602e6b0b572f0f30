// orders, executions and book_snapshots: what a run placed and how it filled. Batch statements
// keep round trips constant however many rows a plan has.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/db.h"

namespace betteroms::store {

struct OrderRow {
  int64_t id = 0;
  std::string plan_id;
  int trade_index = 0;
  std::string mode;
  std::string token_id;
  std::string outcome;
  std::string side;
  std::string order_type;
  std::string time_in_force;
  bool post_only = false;
  std::optional<int64_t> limit_price;
  int64_t size_shares = 0;
  int64_t maker_amount = 0;
  int64_t taker_amount = 0;
  int64_t filled_shares = 0;
  int64_t filled_notional = 0;
  std::string status;
  std::optional<std::string> reason;
  std::optional<std::string> expires_at;  // RFC 3339
  std::string created_at;
};

struct ExecutionRow {
  int64_t order_id = 0;
  std::string mode;
  std::string token_id;
  std::string side;
  int64_t shares = 0;
  int64_t price = 0;
  int64_t notional = 0;
  int64_t fee = 0;
  std::string liquidity;  // maker | taker
  std::optional<int64_t> book_snapshot_id;
  std::string executed_at;  // RFC 3339; empty on insert means now()
  std::string book_hash;    // filled in when read
  std::string outcome;      // filled in when read
};

struct SnapshotRow {
  std::string token_id;
  std::string hash;
  std::string book_json;
};

struct OrderFilter {
  std::string plan_id;
  std::string status;
  std::string mode;
  std::vector<std::string> statuses;  // any of; empty = all
  int limit = 100;
};

// Stores book snapshots (once per token and hash); returns their ids by token.
absl::StatusOr<std::map<std::string, int64_t>> InsertSnapshots(
    Connection& conn, const std::vector<SnapshotRow>& rows);

// Inserts orders in one statement; returns their ids in the order given.
absl::StatusOr<std::vector<int64_t>> InsertOrders(Connection& conn,
                                                  const std::vector<OrderRow>& rows);

// Inserts executions in one statement.
absl::Status InsertExecutions(Connection& conn, const std::vector<ExecutionRow>& rows);

// Writes new fill totals and statuses for many orders in one statement.
absl::Status UpdateOrderStates(Connection& conn, const std::vector<OrderRow>& rows);

absl::StatusOr<std::vector<OrderRow>> ListOrders(Connection& conn, const OrderFilter& filter);

// NotFound when there is no such order. `for_update` locks the row until the transaction ends.
absl::StatusOr<OrderRow> GetOrder(Connection& conn, int64_t id, bool for_update);

// Fills of the given orders, oldest first.
absl::StatusOr<std::vector<ExecutionRow>> ListExecutionsForOrders(Connection& conn,
                                                                  const std::vector<int64_t>& ids);

// Fills of `mode` (both modes when empty), oldest first, for position keeping; only of `tokens`
// unless it is empty.
absl::StatusOr<std::vector<ExecutionRow>> ListExecutionsForPositions(
    Connection& conn, const std::string& mode, const std::vector<std::string>& tokens = {});

// Shares a SELL may use now, per token: net shares held minus the unfilled part of resting SELL
// orders.
absl::StatusOr<std::map<std::string, int64_t>> SharesAvailable(
    Connection& conn, const std::string& mode, const std::vector<std::string>& tokens);

}  // namespace betteroms::store
