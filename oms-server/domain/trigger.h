// Price triggers (a trade's `trigger` in a plan): the pure rules that decide, on the book read
// now, whether an armed trade fires, waits or expires. Pure: a trigger, a book and the time come
// in, a verdict comes out; the tick that watches and the store that remembers live elsewhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "oms-server/domain/book.h"
#include "oms-server/domain/plan.h"

namespace betteroms::domain {

// "bestBid", "bestAsk" or "mid": the spelling of plans, listings and the store.
const char* Name(TriggerPrice price);

// The inverse of Name(); nullopt for anything else (exact spelling, case matters).
std::optional<TriggerPrice> ParseTriggerPrice(std::string_view text);

// The price a trigger watches on `book` (best-first, as NormaliseBook leaves it): the best bid,
// the best ask, or the midpoint (best bid + best ask) / 2 rounded down to the micro-unit.
// nullopt when the side it needs is empty; for the midpoint, when either side is (a one-sided
// book has no midpoint to cross).
std::optional<int64_t> TriggerPriceOf(const Book& book, TriggerPrice price);

// Whether `price` has crossed the trigger's level: `below` fires at or below it, `above` at or
// above it. A price exactly at the level fires: "below 0.30" means "once it is 0.30 or less".
bool Crosses(const Trigger& t, int64_t price);

struct TriggerVerdict {
  enum Kind { kWait, kFire, kExpire };
  Kind kind = kWait;
  std::optional<int64_t> price;  // the watched price read on the book, when there was one
  std::string reason;            // one plain sentence for logs and listings
};

// The verdict on `t` at `now` against `book` (nullptr: no book could be read):
//   - kExpire when `until` is set and now >= until, whatever the price (expiry wins at the
//     instant itself, and over a price that crosses);
//   - kWait when there is no book, or the watched price is missing (an empty side), or it has
//     not crossed;
//   - kFire when it crosses (ties at the level fire).
TriggerVerdict EvaluateTrigger(const Trigger& t, const Book* book, absl::Time now);

// One line for listings: "bestBid ≤ 0.30 until 2026-12-01T00:00:00Z", "mid ≥ 0.655" (the level at
// least to 2 decimals, the time in UTC).
std::string DescribeTrigger(const Trigger& t);

}  // namespace betteroms::domain
