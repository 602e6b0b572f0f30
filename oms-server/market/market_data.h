// Where order books and market metadata come from: the live CLOB, or recorded /book and
// /clob-markets files for offline runs.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/decimal.h"
#include "common/json.h"
#include "oms-server/domain/book.h"
#include "oms-server/domain/outcome.h"

namespace betteroms::market {

class MarketData {
 public:
  virtual ~MarketData() = default;
  // Current books for `tokens` (distinct ids), normalised best-first, in as few requests as the
  // source allows. NotFound names a token without a book; Unavailable when the source is down;
  // PermissionDenied when a firewall blocks it.
  virtual absl::StatusOr<std::map<std::string, domain::Book>> GetBooks(
      const std::vector<std::string>& tokens) = 0;
  // The market (condition id and outcome tokens) of each of `tokens` (normalised decimal ids)
  // that the source knows, keyed by token; a token the venue does not know is simply absent, so
  // the caller decides what an unchecked token means. Unavailable or DeadlineExceeded when the
  // source is down (after retries); PermissionDenied when a firewall blocks it; Unknown when its
  // answer does not parse.
  virtual absl::StatusOr<std::map<std::string, domain::MarketInfo>> GetMarkets(
      const std::vector<std::string>& tokens) = 0;
  // Whether each of `tokens`' markets is closed, and its winning token when the venue names one
  // (GET /markets-by-token/{token}, then /markets/{conditionId}: `closed`, `tokens[].winner`).
  // A token whose market the source does not know is absent. Errors as GetMarkets.
  virtual absl::StatusOr<std::map<std::string, domain::MarketResolution>> GetResolutions(
      const std::vector<std::string>& tokens) = 0;
  // A short description for logs and errors ("clob https://clob.polymarket.com").
  virtual std::string Describe() const = 0;
};

// What a book from the venue must be, since it is untrusted input: both `bids` and `asks` present
// as arrays (either may be empty) of at most kMaxBookLevels levels, each with a price inside
// (0, 1) and a size above 0 and at most kMaxLevelShares (so that a side's sum cannot overflow);
// `tick_size`, when given, one of the venue's ticks (PROTOCOL §5.1); `min_order_size`, when
// given, from 0 to kMaxMinOrderShares. A level off the tick's grid is kept: the venue moves a
// market to a finer tick as its price nears 0 or 1, and levels rest at the old grid meanwhile.
inline constexpr size_t kMaxBookLevels = 10'000;
inline constexpr int64_t kMaxLevelShares = 100'000'000 * kMicro;
inline constexpr int64_t kMaxMinOrderShares = 1'000'000 * kMicro;
// Whether `tick` (micro-units) is one of the venue's ticks: 0.1, 0.01, 0.005, 0.0025, 0.001,
// 0.0001.
bool IsVenueTick(int64_t tick);

// Parses a /book JSON document (string or number prices, either array order). InvalidArgument,
// saying what is wrong, when it is not JSON or not such a book (see the limits above).
absl::StatusOr<domain::Book> ParseBookJson(const std::string& text);

// Reads one book object already parsed; `raw` is kept as the snapshot text. Errors as
// ParseBookJson. The book's token is its `asset_id` as written ("" when absent): the caller checks
// it is the token it asked for.
absl::StatusOr<domain::Book> BookFromJson(const JsonValue& doc, std::string raw);

// Parses a /clob-markets/{conditionId} answer (compact: `c`, `t:[{t, o}]`, ...); token ids may be
// strings or numbers, decimal or 0x hex, and come out normalised. InvalidArgument when malformed.
absl::StatusOr<domain::MarketInfo> ParseClobMarketJson(const std::string& text);

// A /markets/{conditionId} answer as far as resolution goes: whether the market is `closed`, the
// tokens it lists (`tokens[].token_id`, strings or numbers, decimal or 0x hex, normalised) and
// the one whose `winner` is true, if any.
struct ClobMarketState {
  std::string condition_id;  // as the answer names it ("" when it does not)
  std::vector<std::string> tokens;
  domain::MarketResolution resolution;
};

// Parses a /markets/{conditionId} answer. InvalidArgument when it is not an object, `closed` is
// not a boolean, `tokens` is not an array of {token_id, winner?}, or more than one token wins.
absl::StatusOr<ClobMarketState> ParseMarketStateJson(const std::string& text);

// Builds a source from BETTEROMS_MARKET_DATA ("clob" or "snapshots:DIR") and the CLOB URL.
absl::StatusOr<std::unique_ptr<MarketData>> MakeMarketData(const std::string& spec,
                                                           const std::string& clob_url);

}  // namespace betteroms::market
