// In-memory market data and clock for service tests that need a database but no HTTP.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "common/time.h"
#include "oms-server/market/market_data.h"

namespace betteroms::test {

class StaticMarketData : public market::MarketData {
 public:
  void Set(domain::Book book) {
    std::lock_guard<std::mutex> lock(mu_);
    domain::NormaliseBook(book);
    if (book.hash.empty()) book.hash = "hash-" + std::to_string(++version_);
    if (book.raw_json.empty()) book.raw_json = "{}";
    books_[book.token_id] = std::move(book);
  }
  // Removes `token`'s book: GetBooks answers NotFound for it, as the CLOB does once a market
  // closed.
  void Remove(const std::string& token) {
    std::lock_guard<std::mutex> lock(mu_);
    books_.erase(token);
  }
  absl::StatusOr<std::map<std::string, domain::Book>> GetBooks(
      const std::vector<std::string>& tokens) override {
    // A copy, outside the lock: the hook may Set() books or clear itself.
    if (std::function<void()> hook = on_read) hook();
    std::lock_guard<std::mutex> lock(mu_);
    ++requests;
    if (!books_error_.ok()) return books_error_;
    std::map<std::string, domain::Book> out;
    for (const auto& t : tokens) {
      if (auto bad = refused_.find(t); bad != refused_.end()) return bad->second;
      auto it = books_.find(t);
      if (it == books_.end()) return absl::NotFoundError("no order book for token " + t);
      out[t] = it->second;
    }
    return out;
  }
  // Every GetBooks answers `error` (the venue down) until it is reset with absl::OkStatus().
  void FailBooks(absl::Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    books_error_ = std::move(error);
  }
  // Every GetBooks that asks for `token` answers `error` (a book the venue serves malformed),
  // until it is reset with absl::OkStatus().
  void FailBook(const std::string& token, absl::Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error.ok()) {
      refused_.erase(token);
    } else {
      refused_[token] = std::move(error);
    }
  }
  // Makes `token` belong to `market` for GetMarkets; tokens never set are unknown (absent).
  void SetMarket(const std::string& token, domain::MarketInfo market) {
    std::lock_guard<std::mutex> lock(mu_);
    markets_[token] = std::move(market);
  }
  absl::StatusOr<std::map<std::string, domain::MarketInfo>> GetMarkets(
      const std::vector<std::string>& tokens) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++market_requests;
    if (!markets_error_.ok()) return markets_error_;
    std::map<std::string, domain::MarketInfo> out;
    for (const auto& t : tokens) {
      auto it = markets_.find(t);
      if (it != markets_.end()) out[t] = it->second;
    }
    return out;
  }
  // Every GetMarkets answers `error` until it is reset with absl::OkStatus().
  void FailMarkets(absl::Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    markets_error_ = std::move(error);
  }
  // Gives `token`'s market a resolution for GetResolutions; tokens never set are unknown (absent).
  void SetResolution(const std::string& token, domain::MarketResolution resolution) {
    std::lock_guard<std::mutex> lock(mu_);
    resolutions_[token] = std::move(resolution);
  }
  absl::StatusOr<std::map<std::string, domain::MarketResolution>> GetResolutions(
      const std::vector<std::string>& tokens) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++resolution_requests;
    std::map<std::string, domain::MarketResolution> out;
    for (const auto& t : tokens) {
      auto it = resolutions_.find(t);
      if (it != resolutions_.end()) out[t] = it->second;
    }
    return out;
  }
  std::string Describe() const override { return "static"; }
  std::atomic<int> requests{0};             // GetBooks calls
  std::atomic<int> market_requests{0};      // GetMarkets calls
  std::atomic<int> resolution_requests{0};  // GetResolutions calls
  // Runs at every read, before the books are copied: lets a test act while a request is between
  // its reads and its transaction.
  std::function<void()> on_read;

 private:
  std::mutex mu_;
  std::map<std::string, domain::Book> books_;
  std::map<std::string, domain::MarketInfo> markets_;
  std::map<std::string, domain::MarketResolution> resolutions_;
  absl::Status markets_error_;
  absl::Status books_error_;
  std::map<std::string, absl::Status> refused_;  // by token
  int version_ = 0;
};

class ManualClock : public Clock {
 public:
  absl::Time Now() const override { return now_.load(); }
  void Advance(absl::Duration d) { now_ = now_.load() + d; }
  void Set(absl::Time t) { now_ = t; }

 private:
  std::atomic<absl::Time> now_{absl::Now()};
};

}  // namespace betteroms::test
