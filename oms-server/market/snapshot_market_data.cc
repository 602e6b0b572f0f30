#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file.h"
#include "common/status_macros.h"
#include "oms-server/domain/plan.h"
#include "oms-server/market/clob_market_data.h"
#include "oms-server/market/market_data.h"

namespace betteroms::market {
namespace {

// Recorded /book responses, one file per token: DIR/<token_id>.json; and recorded
// /clob-markets/{conditionId} answers, one file per token: DIR/markets/<token_id>.json.
class SnapshotMarketData : public MarketData {
 public:
  explicit SnapshotMarketData(std::string dir) : dir_(std::move(dir)) {}

  absl::StatusOr<std::map<std::string, domain::Book>> GetBooks(
      const std::vector<std::string>& tokens) override {
    std::map<std::string, domain::Book> books;
    for (const std::string& token : tokens) {
      std::filesystem::path path = std::filesystem::path(dir_) / (token + ".json");
      absl::StatusOr<std::string> text = ReadFileText(path.string());
      if (!text.ok() && text.status().code() != absl::StatusCode::kNotFound) return text.status();
      if (!text.ok()) {
        return absl::NotFoundError(absl::StrCat("no order book for token ", token,
                                                " (no recorded book ", path.string(), ")"));
      }
      // A recorded book is venue data too: a bad one is refused as such (Unknown), not blamed on
      // the plan, and one recorded for another token is not this token's.
      auto book = ParseBookJson(*text);
      if (!book.ok()) {
        return absl::UnknownError(absl::StrCat("market data: refused the book for token ", token,
                                               " from ", path.string(), ": ",
                                               book.status().message()));
      }
      if (!book->token_id.empty() && domain::NormaliseTokenId(book->token_id) != token) {
        return absl::UnknownError(
            absl::StrCat("market data: refused the book for token ", token, " from ", path.string(),
                         ": it is the book of asset_id ", book->token_id.substr(0, 100)));
      }
      book->token_id = token;
      books[token] = std::move(*book);
    }
    return books;
  }
  absl::StatusOr<std::map<std::string, domain::MarketInfo>> GetMarkets(
      const std::vector<std::string>& tokens) override {
    std::map<std::string, domain::MarketInfo> markets;
    for (const std::string& token : tokens) {
      std::filesystem::path path = std::filesystem::path(dir_) / "markets" / (token + ".json");
      absl::StatusOr<std::string> text = ReadFileText(path.string());
      // No recording: the token is as unknown as one the venue has never listed.
      if (!text.ok() && text.status().code() == absl::StatusCode::kNotFound) continue;
      if (!text.ok()) return text.status();
      absl::StatusOr<domain::MarketInfo> market = ParseClobMarketJson(*text);
      if (!market.ok()) {
        return absl::UnknownError(
            absl::StrCat(path.string(), ": ", std::string(market.status().message())));
      }
      markets[token] = std::move(*market);
    }
    return markets;
  }
  absl::StatusOr<std::map<std::string, domain::MarketResolution>> GetResolutions(
      const std::vector<std::string>& /*tokens*/) override {
    return std::map<std::string, domain::MarketResolution>{};
  }
  std::string Describe() const override { return "snapshots " + dir_; }

 private:
  std::string dir_;
};

// Owns the transport the CLOB client borrows.
class OwningClob : public MarketData {
 public:
  explicit OwningClob(const std::string& url) : clob_(url, transport_) {}
  absl::StatusOr<std::map<std::string, domain::Book>> GetBooks(
      const std::vector<std::string>& tokens) override {
    return clob_.GetBooks(tokens);
  }
  absl::StatusOr<std::map<std::string, domain::MarketInfo>> GetMarkets(
      const std::vector<std::string>& tokens) override {
    return clob_.GetMarkets(tokens);
  }
  absl::StatusOr<std::map<std::string, domain::MarketResolution>> GetResolutions(
      const std::vector<std::string>& tokens) override {
    return clob_.GetResolutions(tokens);
  }
  std::string Describe() const override { return clob_.Describe(); }

 private:
  CurlTransport transport_{CurlOptions{.max_body_bytes = ClobMarketData::kMaxAnswerBytes}};
  ClobMarketData clob_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<MarketData>> MakeMarketData(const std::string& spec,
                                                           const std::string& clob_url) {
  if (spec.empty() || spec == "clob") return std::make_unique<OwningClob>(clob_url);
  if (absl::StartsWith(spec, "snapshots:")) {
    std::string dir = spec.substr(10);
    if (!std::filesystem::is_directory(dir)) {
      return absl::InvalidArgumentError(
          absl::StrCat("BETTEROMS_MARKET_DATA: ", dir, " is not a directory"));
    }
    return std::make_unique<SnapshotMarketData>(dir);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "BETTEROMS_MARKET_DATA must be \"clob\" or \"snapshots:DIR\", got \"", spec, "\""));
}

}  // namespace betteroms::market
