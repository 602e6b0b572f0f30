// A MarketData that counts book fetches (metrics::ObserveBookFetch) and passes everything to the
// source it wraps, so neither the CLOB client nor the recorded snapshots know about metrics.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "oms-server/market/market_data.h"

namespace betteroms::market {

class MeteredMarketData : public MarketData {
 public:
  // `source` labels the fetches ("clob", "snapshots").
  MeteredMarketData(std::unique_ptr<MarketData> inner, std::string source)
      : inner_(std::move(inner)), source_(std::move(source)) {}

  absl::StatusOr<std::map<std::string, domain::Book>> GetBooks(
      const std::vector<std::string>& tokens) override;
  absl::StatusOr<std::map<std::string, domain::MarketInfo>> GetMarkets(
      const std::vector<std::string>& tokens) override {
    return inner_->GetMarkets(tokens);
  }
  absl::StatusOr<std::map<std::string, domain::MarketResolution>> GetResolutions(
      const std::vector<std::string>& tokens) override {
    return inner_->GetResolutions(tokens);
  }
  std::string Describe() const override { return inner_->Describe(); }

 private:
  std::unique_ptr<MarketData> inner_;
  std::string source_;
};

}  // namespace betteroms::market
