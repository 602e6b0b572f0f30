#include "oms-server/market/endpoint.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace betteroms::market {
namespace {

// Every endpoint the market data and venue clients call (clob_market_data.cc, clob_venue*.cc).
constexpr std::array<absl::string_view, 21> kKnown = {"/book",
                                                      "/books",
                                                      "/tick-size",
                                                      "/neg-risk",
                                                      "/midpoint",
                                                      "/clob-markets/{id}",
                                                      "/markets-by-token/{id}",
                                                      "/markets/{id}",
                                                      "/order",
                                                      "/orders",
                                                      "/data/order/{id}",
                                                      "/data/orders",
                                                      "/data/trades",
                                                      "/balance-allowance",
                                                      "/cancel-all",
                                                      "/auth/derive-api-key",
                                                      "/auth/api-key",
                                                      "/time",
                                                      "/fee-rate",
                                                      "/balance-allowance/update",
                                                      "/prices-history"};

// A segment that names one thing (token id, condition id, order hash) rather than an endpoint.
bool IsId(absl::string_view segment) {
  if (absl::StartsWithIgnoreCase(segment, "0x")) return true;
  return !segment.empty() && std::all_of(segment.begin(), segment.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

}  // namespace

std::string EndpointTemplate(const std::string& url) {
  absl::string_view path = url;
  if (size_t scheme = path.find("://"); scheme != absl::string_view::npos) {
    path.remove_prefix(scheme + 3);
    size_t slash = path.find('/');
    path = slash == absl::string_view::npos ? absl::string_view("/") : path.substr(slash);
  }
  path = path.substr(0, path.find_first_of("?#"));
  std::vector<std::string> parts;
  for (absl::string_view segment : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    parts.push_back(IsId(segment) ? "{id}" : std::string(segment));
  }
  std::string templated = "/" + absl::StrJoin(parts, "/");
  if (std::find(kKnown.begin(), kKnown.end(), templated) == kKnown.end()) return "other";
  return templated;
}

}  // namespace betteroms::market
