#include "oms-server/market/metered_market_data.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/metrics.h"

namespace betteroms::market {

absl::StatusOr<std::map<std::string, domain::Book>> MeteredMarketData::GetBooks(
    const std::vector<std::string>& tokens) {
  metrics::Stopwatch watch;
  absl::StatusOr<std::map<std::string, domain::Book>> books = inner_->GetBooks(tokens);
  std::string result =
      books.ok() ? "ok" : absl::AsciiStrToLower(absl::StatusCodeToString(books.status().code()));
  metrics::ObserveBookFetch(source_, result, static_cast<int64_t>(tokens.size()), watch.Seconds());
  return books;
}

}  // namespace betteroms::market
