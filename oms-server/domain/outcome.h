// Outcome labels against the venue: a plan's `outcome` must name its token's outcome as the
// venue lists it, case and surrounding blanks aside (DESIGN §3). Markets come in, violations out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oms-server/domain/plan.h"

namespace betteroms::domain {

struct TokenOutcome {
  std::string token_id;  // decimal uint256, normalised
  std::string outcome;   // as the venue writes it: "Yes", "No", "Trump", ...
};

// One market (a condition) and its outcome tokens, as /clob-markets/{conditionId} lists them.
struct MarketInfo {
  std::string condition_id;  // "0x…"
  std::vector<TokenOutcome> tokens;
  bool neg_risk = false;                 // `nr`: orders are signed for the Neg Risk exchange
  std::optional<bool> accepting_orders;  // `ao`, when the venue says
};

// Where a market stands once it may have closed.
struct MarketResolution {
  bool closed = false;
  std::optional<std::string> winner_token;  // when the venue names the winning outcome's token
  std::string condition_id;                 // the market's, when the source says; else ""
};

// What one share of `token` pays out once its market closed: 1 (kMicro) when `token` is the
// winner, 0 when the venue names another winner, nullopt when it names none (or the market is not
// closed).
std::optional<int64_t> PayoutOf(const std::string& token, const MarketResolution& resolution);

// Checks every trade whose token has a market in `markets` (keyed by token id) that lists the
// token: a label that differs from the venue's outcome, compared case-insensitively after
// trimming ASCII whitespace, is a violation at `trades[i].outcome`. Tokens without a market are
// not checked; the caller reports them. Violations come in trade order.
std::vector<Violation> CheckOutcomeLabels(const Plan& plan,
                                          const std::map<std::string, MarketInfo>& markets);

// The venue's name for `token`'s outcome ("Yes"), or "" when `markets` does not list it.
std::string VenueOutcome(const std::map<std::string, MarketInfo>& markets,
                         const std::string& token);

// Renames each trade's outcome to the venue's spelling where the venue lists its token, so orders
// and positions show the venue's name ("Yes" for a plan's "YES"). Call after CheckOutcomeLabels.
void UseVenueOutcomes(Plan& plan, const std::map<std::string, MarketInfo>& markets);

// A note per trade whose token has no market in `markets`: its label could not be checked.
std::vector<Violation> UncheckedOutcomes(const Plan& plan,
                                         const std::map<std::string, MarketInfo>& markets);

}  // namespace betteroms::domain
