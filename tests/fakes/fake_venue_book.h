// How a taker order walks a /book document (PROTOCOL §6, §7.0): the opposing side from its best
// level, each level at its own price, up to the order's limit, consuming the liquidity it takes.
// Pure: a document in, fills and the document without the taken liquidity out.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace betteroms::test {

struct Taker {
  bool buy = true;
  // The limit price is maker/taker for a BUY and taker/maker for a SELL (base units).
  int64_t maker_amount = 0;
  int64_t taker_amount = 0;
  // What is left to fill: collateral to spend for a market BUY (spend_budget), else shares.
  int64_t remaining = 0;
  bool spend_budget = false;
};

struct Fill {
  int64_t price = 0;       // micro-units
  int64_t shares = 0;      // base units
  int64_t collateral = 0;  // base units: paid by a BUY (rounded up), received by a SELL (down)
};

struct Walk {
  std::vector<Fill> fills;
  int64_t shares = 0;
  int64_t collateral = 0;
  int64_t remaining = 0;  // Taker::remaining after the fills
};

// The fills `taker` gets from `book` (a /book document, best level last on each side), and the
// book with that liquidity taken (levels that reach zero removed). The input is not changed.
Walk WalkBook(const nlohmann::ordered_json& book, const Taker& taker,
              nlohmann::ordered_json* consumed);

// Whether the best opposing level of `book` is within `taker`'s limit.
bool Crosses(const nlohmann::ordered_json& book, const Taker& taker);

}  // namespace betteroms::test
