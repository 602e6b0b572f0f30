// Positions and P&L by the average-cost method, fees included. Each token's position depends
// only on that token's own fills, in the order they happened.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "oms-server/domain/book.h"
#include "oms-server/domain/order.h"
#include "oms-server/domain/types.h"

namespace betteroms::domain {

struct PositionState {
  int64_t net_shares = 0;
  int64_t cost = 0;      // cost basis of the shares held, collateral micro-units
  int64_t realized = 0;  // realized P&L

  // Applies one fill. A SELL beyond the held shares is the caller's bug: it is clamped.
  void Apply(Side side, int64_t shares, int64_t notional, int64_t fee);
  // Average cost per share in micro-units, 0 when flat.
  int64_t AvgPrice() const;
};

struct Marks {
  std::optional<int64_t> mark_price;         // midpoint
  std::optional<int64_t> unrealized;         // net × mark − cost
  std::optional<int64_t> liquidation_value;  // selling the shares into the bids now
};

// Marks a position against a book (no book: no marks).
Marks MarkPosition(const PositionState& pos, const Book* book);

// Marks a position whose market closed at what each share pays out: `payout` (kMicro for the
// winning token, 0 for the others) is the mark, net × payout the value and net × payout − cost
// the unrealized P&L. An unknown payout (the venue named no winner) gives no marks.
Marks MarkResolved(const PositionState& pos, std::optional<int64_t> payout);

// A position as the trader sees it.
struct Position {
  Mode mode = Mode::kPaper;
  std::string token_id;
  std::string outcome;
  PositionState state;
  Marks marks;
  // Of net_shares, the net of fills not yet CONFIRMED on chain (MATCHED, MINED, RETRYING): the
  // rest is confirmed.
  int64_t pending_shares = 0;
  // The market closed: marked at `payout` (1 or 0) when the venue named a winner, else flagged.
  bool resolved = false;
  std::optional<int64_t> payout;
  // Live, when checked: the venue's balance of the token, or why it could not be read.
  std::optional<int64_t> venue_shares;
  std::string venue_error;
};

struct PositionKey {
  Mode mode = Mode::kPaper;
  std::string token_id;
  bool operator<(const PositionKey& other) const {
    return std::tie(mode, token_id) < std::tie(other.mode, other.token_id);
  }
};
struct HeldPosition {
  std::string outcome;  // of the first fill
  PositionState state;
  int64_t pending_shares = 0;  // see Position
};
using PositionBook = std::map<PositionKey, HeldPosition>;

// Folds fills, oldest first, into positions by (mode, token). Voided (FAILED) fills count nowhere.
PositionBook FoldPositions(const std::vector<Execution>& fills);
// Applies more fills to positions already folded.
void ApplyFills(PositionBook& positions, const std::vector<Execution>& fills);

}  // namespace betteroms::domain
