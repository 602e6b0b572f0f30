// orders, executions and book_snapshots: what a run placed and how it filled. Batch statements
// keep round trips constant however many rows a plan has.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "oms-server/domain/book.h"
#include "oms-server/domain/order.h"
#include "store/db.h"

namespace betteroms::store {

struct OrderFilter {
  std::vector<int64_t> ids;                   // empty: any order
  std::string plan_id;                        // empty: any plan
  std::optional<domain::Mode> mode;           // nullopt: both modes
  std::vector<domain::OrderStatus> statuses;  // any of; empty = all
  int limit = 100;
  bool oldest_first = false;  // newest first unless set
};

// Stores each book the fills were priced on, once per token and hash.
absl::Status InsertSnapshots(Connection& conn, const std::vector<const domain::Book*>& books);

// A stored book snapshot as the venue sent it.
struct StoredSnapshot {
  std::string token_id;
  std::string hash;
  std::string book_json;
  absl::Time taken_at;
};

// The stored snapshots of the given (token, hash) pairs, in one statement; pairs never stored are
// left out.
absl::StatusOr<std::vector<StoredSnapshot>> GetSnapshots(
    Connection& conn, const std::vector<std::pair<std::string, std::string>>& token_hashes);

// Inserts orders in one statement, setting each one's id and created_at as stored.
absl::Status InsertOrders(Connection& conn, std::vector<domain::Order>& orders);

// Inserts executions in one statement, each linked to the stored snapshot of its book_hash. A
// live fill whose (trade, order) is stored already updates its settlement, transaction and fee:
// a trade applied twice counts once.
absl::Status InsertExecutions(Connection& conn, const std::vector<domain::Execution>& fills);

// Deletes provisional fills (those without a venue trade), by id, once the trades they stood for
// have been read.
absl::Status DeleteProvisionalFills(Connection& conn, const std::vector<int64_t>& fill_ids);

// Live orders at the venue that are not final, oldest first: open or partially filled; final but
// not yet covered by a trades reading that began `margin` after their last change (a trade can be
// listed after the cancel); or with a fill that is provisional or not yet settled.
absl::StatusOr<std::vector<domain::Order>> ListLiveOrdersToReconcile(Connection& conn,
                                                                     absl::Duration margin,
                                                                     int limit);

// Records that a reading of the venue's trades that began at `read_at` covered these orders.
absl::Status MarkTradesRead(Connection& conn, const std::vector<int64_t>& order_ids,
                            absl::Time read_at);

// An order's new state, and the state it was computed from.
struct OrderChange {
  domain::Order next;                 // the new status, fill totals and reason
  domain::OrderStatus read_status{};  // the status the caller read
  int64_t read_filled_shares = 0;     // the filled shares the caller read
};

// The change from `read` to `next` (the same order, as read and as it should become).
OrderChange ChangeOf(const domain::Order& read, domain::Order next);

// Writes new fill totals, statuses and reasons for many orders in one statement, each only while
// the row still has the status and filled shares it was read with: a change made meanwhile (a
// cancel, another tick's fill) is never overwritten. Returns the ids of the orders left as they
// are because they changed (or vanished) meanwhile, for the caller to report and to drop
// whatever it computed from the stale state.
absl::StatusOr<std::vector<int64_t>> UpdateOrderStates(Connection& conn,
                                                       const std::vector<OrderChange>& changes);

// Writes live orders' journal state: status, reason, fill totals, hash, signature, the venue's
// status and error, first submission time and attempts. Each row is written only while its
// status is still the order's `live.stored_status`; Aborted, writing nothing the caller keeps,
// when any row changed (or vanished) meanwhile.
absl::Status UpdateJournal(Connection& conn, const std::vector<domain::Order>& orders);

// Collateral committed by live orders created since `since` (BUY: paid, SELL: received), less
// orders the venue refused or that were never sent: the daily risk limit's count.
absl::StatusOr<int64_t> LiveNotionalSince(Connection& conn, absl::Time since);

absl::StatusOr<std::vector<domain::Order>> ListOrders(Connection& conn, const OrderFilter& filter);

// Like ListOrders, locking the rows until the transaction ends (FOR UPDATE).
absl::StatusOr<std::vector<domain::Order>> LockOrders(Connection& conn, const OrderFilter& filter);

// NotFound when there is no such order. `for_update` locks the row until the transaction ends.
absl::StatusOr<domain::Order> GetOrder(Connection& conn, int64_t id, bool for_update);

// Fills of the given orders, oldest first.
absl::StatusOr<std::vector<domain::Execution>> ListExecutionsForOrders(
    Connection& conn, const std::vector<int64_t>& ids);

// Fills of `mode` (both modes when nullopt), oldest first, for position keeping; only of
// `tokens` unless it is empty.
absl::StatusOr<std::vector<domain::Execution>> ListExecutionsForPositions(
    Connection& conn, std::optional<domain::Mode> mode,
    const std::vector<std::string>& tokens = {});

// Shares a SELL may use now, per token: net shares held minus the unfilled part of resting SELL
// orders.
absl::StatusOr<std::map<std::string, int64_t>> SharesAvailable(
    Connection& conn, domain::Mode mode, const std::vector<std::string>& tokens);

// Makes runs of `mode` take turns until the transaction ends, so two plans cannot sell the same
// shares (pg_advisory_xact_lock).
absl::Status LockPositions(Connection& conn, domain::Mode mode);

}  // namespace betteroms::store
