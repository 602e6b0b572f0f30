// Checks shared by the fault suite: what "nothing half-written" means in the database, read with
// plain SQL so that a bug in the store cannot hide itself.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "store/db.h"

namespace betteroms::test {

// The first column of the first row of `sql`, an integer, on the database at `url`.
inline int64_t CountRows(const std::string& url, const std::string& sql) {
  auto conn = store::Connection::Open(url);
  if (!conn.ok()) {
    ADD_FAILURE() << "cannot connect: " << conn.status().message();
    return -1;
  }
  auto result = (*conn)->Exec("fault check", sql);
  if (!result.ok()) {
    ADD_FAILURE() << sql << ": " << result.status().message();
    return -1;
  }
  return result->Row(0).Int(0);
}

// Every paper run is either absent or completed with all of its orders, every order's filled
// shares and notional are the sum of its fills, and nothing is left running.
inline void ExpectNothingHalfWritten(const std::string& db) {
  EXPECT_EQ(CountRows(db,
                      "SELECT count(*) FROM execution_history WHERE mode = 'paper' AND "
                      "status = 'running'"),
            0)
      << "a paper run was left running";
  EXPECT_EQ(CountRows(db,
                      "SELECT count(*) FROM orders o JOIN execution_history r USING "
                      "(plan_id) WHERE o.mode = 'paper' AND r.status <> 'completed'"),
            0)
      << "orders of a paper run that did not complete";
  EXPECT_EQ(CountRows(db,
                      "SELECT count(*) FROM execution_history r WHERE r.mode = 'paper' AND "
                      "r.status = 'completed' AND r.trade_count <> (SELECT count(*) FROM "
                      "orders o WHERE o.plan_id = r.plan_id)"),
            0)
      << "a completed paper run without all of its orders";
  EXPECT_EQ(CountRows(db,
                      "SELECT count(*) FROM orders o WHERE o.filled_shares <> COALESCE(("
                      "SELECT sum(e.shares) FROM executions e WHERE e.order_id = o.id), 0) "
                      "OR o.filled_notional <> COALESCE((SELECT sum(e.notional) FROM "
                      "executions e WHERE e.order_id = o.id), 0)"),
            0)
      << "an order whose filled amounts are not the sum of its fills";
  EXPECT_EQ(CountRows(db,
                      "SELECT count(*) FROM executions e JOIN orders o ON o.id = e.order_id "
                      "WHERE e.book_snapshot_id IS NULL AND o.mode = 'paper'"),
            0)
      << "a paper fill without its book snapshot";
}

}  // namespace betteroms::test
