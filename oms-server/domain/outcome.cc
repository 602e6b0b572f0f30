#include "oms-server/domain/outcome.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/decimal.h"

namespace betteroms::domain {

std::vector<Violation> CheckOutcomeLabels(const Plan& plan,
                                          const std::map<std::string, MarketInfo>& markets) {
  std::vector<Violation> violations;
  for (size_t i = 0; i < plan.trades.size(); ++i) {
    const Trade& trade = plan.trades[i];
    std::string venue = VenueOutcome(markets, trade.token_id);
    // An empty venue outcome gives nothing to compare against: the token is treated as unknown.
    if (venue.empty()) continue;
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(trade.outcome),
                               absl::StripAsciiWhitespace(venue))) {
      continue;
    }
    violations.push_back(
        {absl::StrCat("trades[", i, "].outcome"),
         absl::StrCat("outcome \"", trade.outcome, "\" does not match token ", trade.token_id,
                      "'s outcome on the venue, \"", venue, "\"")});
  }
  return violations;
}

std::string VenueOutcome(const std::map<std::string, MarketInfo>& markets,
                         const std::string& token) {
  auto it = markets.find(token);
  if (it == markets.end()) return "";
  for (const TokenOutcome& t : it->second.tokens) {
    if (t.token_id == token) return t.outcome;
  }
  return "";
}

void UseVenueOutcomes(Plan& plan, const std::map<std::string, MarketInfo>& markets) {
  for (Trade& t : plan.trades) {
    std::string name = VenueOutcome(markets, t.token_id);
    if (!name.empty()) t.outcome = std::move(name);
  }
}

std::vector<Violation> UncheckedOutcomes(const Plan& plan,
                                         const std::map<std::string, MarketInfo>& markets) {
  std::vector<Violation> out;
  for (size_t i = 0; i < plan.trades.size(); ++i) {
    const Trade& t = plan.trades[i];
    if (!VenueOutcome(markets, t.token_id).empty()) continue;
    out.push_back({absl::StrCat("trades[", i, "].outcome"),
                   absl::StrCat("not checked: no market metadata for token ", t.token_id,
                                ", so the label \"", t.outcome, "\" is taken as written")});
  }
  return out;
}

std::optional<int64_t> PayoutOf(const std::string& token, const MarketResolution& resolution) {
  if (!resolution.closed || !resolution.winner_token) return std::nullopt;
  return *resolution.winner_token == token ? kMicro : 0;
}

}  // namespace betteroms::domain
