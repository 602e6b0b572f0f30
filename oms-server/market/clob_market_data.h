// Market data from the Polymarket CLOB REST API: /book, /books in batches, /tick-size,
// /neg-risk, /midpoint, markets by token (cached), with bounded retries and errors a trader
// understands.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "oms-server/market/http.h"
#include "oms-server/market/market_data.h"

namespace betteroms::market {

struct RetryPolicy {
  int attempts = 3;                                        // in all, the first included
  absl::Duration first_backoff = absl::Milliseconds(200);  // doubles each retry
};

class ClobMarketData : public MarketData {
 public:
  // `transport` must outlive this object. Market metadata is kept for `market_ttl`.
  ClobMarketData(std::string base_url, HttpTransport& transport, RetryPolicy retry = {},
                 absl::Duration market_ttl = kMarketTtl);

  // GET /book for one token, POST /books for more. A book is refused (Unknown, naming the venue
  // and the token) when its answer is not JSON, is larger than kMaxAnswerBytes, breaks the limits
  // of ParseBookJson, or is about another token than the one asked for (its `asset_id`); a batch
  // with one refused book is refused whole, so the caller may read its tokens one by one.
  absl::StatusOr<std::map<std::string, domain::Book>> GetBooks(
      const std::vector<std::string>& tokens) override;
  // GET /markets-by-token/{token} for the condition id, then GET /clob-markets/{conditionId}
  // once per market; the market's answer lists its sibling tokens, which then need no lookup of
  // their own. Answers are cached (see kMarketTtl); a token the venue does not know (404) is
  // absent from the result and not cached. InvalidArgument for a token that is not a token id.
  absl::StatusOr<std::map<std::string, domain::MarketInfo>> GetMarkets(
      const std::vector<std::string>& tokens) override;
  // The condition id as GetMarkets finds it (cached), then GET /markets/{conditionId} once per
  // market: its answer lists the sibling tokens, which need no lookup of their own. Resolutions
  // are never cached, since a market can close at any moment. A token the venue does not know
  // (404 on either call) is absent. InvalidArgument for a token that is not a token id; Unknown,
  // naming the endpoint, when an answer does not parse.
  absl::StatusOr<std::map<std::string, domain::MarketResolution>> GetResolutions(
      const std::vector<std::string>& tokens) override;
  std::string Describe() const override { return "clob " + base_url_; }

  // GET /book: errors as GetBooks.
  absl::StatusOr<domain::Book> GetBook(const std::string& token);
  absl::StatusOr<int64_t> GetTickSize(const std::string& token);
  absl::StatusOr<bool> GetNegRisk(const std::string& token);
  absl::StatusOr<int64_t> GetMidpoint(const std::string& token);

  static constexpr size_t kBooksPerRequest = 50;
  // The largest answer taken from the venue: 50 full books at a 0.0001 tick stay well below it.
  // Larger ones are refused (Unknown), and the transport MakeMarketData builds stops reading there.
  static constexpr size_t kMaxAnswerBytes = 8 << 20;
  // Which tokens make a market and what their outcomes are called does not change once listed;
  // a few minutes keep a busy plan to a handful of requests without holding on for ever.
  static constexpr absl::Duration kMarketTtl = absl::Minutes(5);

 private:
  // GET or POST with retries on 425/429/5xx and transport errors; maps final failures. An answer
  // larger than kMaxAnswerBytes is Unknown, not retried.
  absl::StatusOr<std::string> Call(const std::string& method, const std::string& path,
                                   const std::string& body, const std::string& token);

  // The cached market of `token`, if fresh.
  std::optional<domain::MarketInfo> CachedMarket(const std::string& token);
  // Fetches /clob-markets/{condition_id} and caches it under each of its tokens and `token`;
  // nullopt when the venue does not know the condition.
  absl::StatusOr<std::optional<domain::MarketInfo>> FetchMarket(const std::string& condition_id,
                                                                const std::string& token);

  // GET /markets/{condition_id} for the resolution, never cached; its tokens' condition ids are.
  // nullopt when the venue does not know the condition.
  absl::StatusOr<std::optional<ClobMarketState>> FetchMarketState(const std::string& condition_id,
                                                                  const std::string& token);
  // The condition id of `token`: from the cached market, the cached lookup, or GET
  // /markets-by-token/{token} (then cached); nullopt when the venue does not know the token.
  absl::StatusOr<std::optional<std::string>> ConditionOf(const std::string& token);
  // Caches `condition_id` as the condition of each of `tokens`.
  void CacheCondition(const std::vector<std::string>& tokens, const std::string& condition_id);

  // Unknown: the venue's book for `token` is not one to trade on, and why.
  absl::Status RefusedBook(const std::string& token, absl::string_view why) const;
  // Checks that `book` is `token`'s (by asset_id); sets its token id to `token`.
  absl::Status CheckBookToken(const std::string& token, domain::Book& book) const;

  struct CachedEntry {
    domain::MarketInfo market;
    absl::Time expires;
  };

  std::string base_url_;
  HttpTransport& transport_;
  RetryPolicy retry_;
  absl::Duration market_ttl_;
  std::mutex cache_mu_;  // guards markets_ and conditions_; never held across a request
  std::map<std::string, CachedEntry> markets_;  // by token id
  // Condition ids by token id (a token never changes market; the expiry only bounds memory).
  std::map<std::string, std::pair<std::string, absl::Time>> conditions_;
};

}  // namespace betteroms::market
