// Trade plans: the JSON the trader writes, parsed exactly and checked statically (DESIGN §3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "oms-server/domain/types.h"

namespace betteroms::domain {

inline constexpr int kMaxTrades = 10'000;
inline constexpr size_t kMaxNotesBytes = 4096;
inline constexpr int kSizeDecimals = 2;  // the venue's precision for shares and USDC amounts
inline constexpr int64_t kMaxSizeMicros = int64_t{10'000'000} * 1'000'000;  // 10M units
// Bounds on a plan's JSON beyond its size (common/plan_text.h), so that parsing stays linear and
// its memory bounded whatever the document's shape: a plan nests 4 levels (plan, trades, trade,
// trigger) and a full 10,000-trade plan holds about 200,000 values.
inline constexpr int kMaxPlanDepth = 16;
inline constexpr size_t kMaxPlanValues = 500'000;
// At most this many violations are listed; one more entry says how many were left out.
inline constexpr size_t kMaxViolations = 10'000;

// Which price of the book a trigger watches.
enum class TriggerPrice { kBestBid, kBestAsk, kMid };

// "Place this trade the first time `price` crosses `level`": at or below it (`below`), or at or
// above it. Unfired past `until`, it expires.
struct Trigger {
  TriggerPrice price = TriggerPrice::kBestBid;
  bool below = true;
  int64_t level = 0;       // micro-units, inside (0, 1); past 6 decimals rounded where that
                           // changes no crossing (down for below, up for above)
  std::string level_text;  // as written
  std::optional<absl::Time> until;
};

struct Trade {
  std::string token_id;  // decimal uint256, normalised
  std::string outcome;
  Side side = Side::kBuy;
  OrderType type = OrderType::kMarket;
  int64_t size = 0;  // micro-units of `unit`
  SizeUnit unit = SizeUnit::kUsdc;
  std::optional<int64_t> price;  // micro-units; LIMIT only (float noise rounded in the trader's
                                 // favour; the market's tick applies later)
  std::string price_text;        // as written, for warnings about rounding
  bool price_exact = true;       // false when reading it rounded the text
  TimeInForce tif = TimeInForce::kFok;
  std::optional<absl::Time> expires_at;        // GTD
  std::optional<absl::Duration> cancel_after;  // GTC: cancel the resting order after this
  std::optional<int64_t> worst_price;          // MARKET protection, micro-units
  std::string worst_price_text;                // as written
  bool worst_price_exact = true;
  bool post_only = false;
  std::string notes;
  std::optional<Trigger> trigger;  // none: the trade runs when the plan is submitted
  std::string oco;                 // one-cancels-other group: the two triggered trades naming it
};

struct Plan {
  std::string plan_id;
  Mode mode = Mode::kPaper;
  std::string notes;
  // When the server is to run the plan (the first tick at or after it); none: at once. Not part
  // of CanonicalPlanText: when a plan runs does not change what it does.
  std::optional<absl::Time> run_at;
  std::vector<Trade> trades;
};

// A problem with a plan, or (as a warning) an adjustment made to it.
struct Violation {
  std::string path;  // "trades[2].price", or "" for the document
  std::string message;
};

struct PlanParseResult {
  Plan plan;                          // meaningful only when violations is empty
  std::vector<Violation> violations;  // every problem found, in document order
  std::vector<Violation> warnings;    // every value adjusted (a size rounded to the venue's 2
                                      // decimals), in document order
  bool ok() const { return violations.empty(); }
};

// "`title` (N problems):" and one indented "path: message" line per violation, for messages.
// Past `max_bytes` the lines stop, and a last one says how many were left out.
std::string ViolationsText(const std::string& title, const std::vector<Violation>& violations,
                           size_t max_bytes = static_cast<size_t>(-1));

// A status of `code` that carries its violations as data, for the gRPC edge to send as
// google.rpc.BadRequest: its message is ViolationsText cut to 1 KiB (so it fits in any header),
// and every violation is in its payload.
absl::Status ViolationsError(absl::StatusCode code, const std::string& title,
                             const std::vector<Violation>& violations);

// The violations a ViolationsError carries; empty for any other status.
std::vector<Violation> ViolationsOf(const absl::Status& status);

// Parses and statically validates a plan's JSON text. Never fails on malformed input: every
// problem becomes a violation. Text that fails CheckPlanText (too large, not UTF-8) is refused
// before it is parsed; past that, kMaxPlanDepth, kMaxPlanValues and kMaxViolations bound the work.
// A trade's `trigger` is {"price": "bestBid" | "bestAsk" | "mid", "below" | "above": a level
// strictly inside (0, 1), read like `price`, "until": RFC 3339}; its `oco` is a name of 1 to 64
// [A-Za-z0-9_-] that exactly two triggered trades of the plan share. A trigger with any invalid
// part is left unset (the violation says why).
PlanParseResult ParsePlan(std::string_view json_text);

// A canonical text of the plan's meaning (normalised ids, exact decimals, triggers and OCO
// groups), for content hashing: reformatting the JSON does not change it.
std::string CanonicalPlanText(const Plan& plan);

// Normalises a token id (decimal, or 0x hex) to decimal; nullopt when invalid or above 2^256-1.
std::optional<std::string> NormaliseTokenId(std::string_view text);

}  // namespace betteroms::domain
