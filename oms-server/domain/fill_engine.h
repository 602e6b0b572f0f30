// Paper fills: walks the opposing side of a book from the best price, as the venue matches.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "oms-server/domain/book.h"
#include "oms-server/domain/plan.h"

namespace betteroms::domain {

enum class FillModel {
  kBook,  // depth walk from the best level (default)
  kTop,   // everything at the best price, no depth: the earlier implementation, for comparison
};

struct Fill {
  int64_t shares = 0;
  int64_t price = 0;
  int64_t notional = 0;  // collateral: BUY cost rounded up, SELL proceeds rounded down
};

struct WalkSpec {
  Side side = Side::kBuy;
  int64_t limit = 0;                  // BUY: highest acceptable ask; SELL: lowest acceptable bid
  bool budget_in_collateral = false;  // a budget of collateral to spend (BUY) or receive (SELL)
  int64_t budget = 0;                 // micro-units of collateral or shares
  bool fill_at_limit = false;         // resting orders fill at their own limit price
};

struct WalkResult {
  std::vector<Fill> fills;
  int64_t shares = 0;
  int64_t notional = 0;
  bool complete = false;  // the whole budget was used (to within one micro-share)
};

// Walks `book` for `spec`. Pure; the book is not changed.
WalkResult WalkBook(const WalkSpec& spec, const Book& book, FillModel model = FillModel::kBook);

// Removes what `fills` consumed from the book's opposing side, so later orders of the same run
// see the depth that is left.
void ConsumeLiquidity(Book& book, Side side, const std::vector<Fill>& fills);

// Collateral for `shares` at `price`: rounded up when paid, down when received.
int64_t CostOf(int64_t shares, int64_t price);
int64_t ProceedsOf(int64_t shares, int64_t price);

}  // namespace betteroms::domain
