// Market data from the Polymarket CLOB REST API: /book, /books in batches, /tick-size,
// /neg-risk, /midpoint, with bounded retries and errors a trader understands.
#pragma once

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
  // `transport` must outlive this object.
  ClobMarketData(std::string base_url, HttpTransport& transport, RetryPolicy retry = {});

  absl::StatusOr<std::map<std::string, domain::Book>> GetBooks(
      const std::vector<std::string>& tokens) override;
  std::string Describe() const override { return "clob " + base_url_; }

  absl::StatusOr<domain::Book> GetBook(const std::string& token);
  absl::StatusOr<int64_t> GetTickSize(const std::string& token);
  absl::StatusOr<bool> GetNegRisk(const std::string& token);
  absl::StatusOr<int64_t> GetMidpoint(const std::string& token);

  static constexpr size_t kBooksPerRequest = 50;

 private:
  // GET or POST with retries on 425/429/5xx and transport errors; maps final failures.
  absl::StatusOr<std::string> Call(const std::string& method, const std::string& path,
                                   const std::string& body, const std::string& token);

  std::string base_url_;
  HttpTransport& transport_;
  RetryPolicy retry_;
};

}  // namespace betteroms::market
