// Where order books come from: the live CLOB, or recorded /book files for offline runs.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/json.h"
#include "oms-server/domain/book.h"

namespace betteroms::market {

class MarketData {
 public:
  virtual ~MarketData() = default;
  // Current books for `tokens` (distinct ids), normalised best-first, in as few requests as the
  // source allows. NotFound names a token without a book; Unavailable when the source is down;
  // PermissionDenied when a firewall blocks it.
  virtual absl::StatusOr<std::map<std::string, domain::Book>> GetBooks(
      const std::vector<std::string>& tokens) = 0;
  // A short description for logs and errors ("clob https://clob.polymarket.com").
  virtual std::string Describe() const = 0;
};

// Parses a /book JSON document (string or number prices, either array order).
absl::StatusOr<domain::Book> ParseBookJson(const std::string& text);

// Reads one book object already parsed; `raw` is kept as the snapshot text.
absl::StatusOr<domain::Book> BookFromJson(const JsonValue& doc, std::string raw);

// Builds a source from BETTEROMS_MARKET_DATA ("clob" or "snapshots:DIR") and the CLOB URL.
absl::StatusOr<std::unique_ptr<MarketData>> MakeMarketData(const std::string& spec,
                                                           const std::string& clob_url);

}  // namespace betteroms::market
