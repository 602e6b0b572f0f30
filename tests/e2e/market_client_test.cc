// The CLOB market-data client against the fake CLOB over real HTTP on loopback.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oms-server/market/clob_market_data.h"
#include "tests/fakes/fake_clob.h"
#include "tests/support/status_matchers.h"

namespace betteroms::market {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::Eq;
using ::testing::HasSubstr;

class MarketClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(clob_.Start());
    client_ = std::make_unique<ClobMarketData>(clob_.url(), transport_,
                                               RetryPolicy{3, absl::Milliseconds(5)});
  }
  test::FakeClob clob_;
  CurlTransport transport_{CurlOptions{absl::Milliseconds(500), absl::Milliseconds(800)}};
  std::unique_ptr<ClobMarketData> client_;
};

TEST_F(MarketClientTest, NormalisesTheVenuesWorstFirstBook) {
  clob_.SetBook("7", test::VenueBookJson("7", {{"0.48", "10"}, {"0.40", "5"}},
                                         {{"0.50", "3"}, {"0.60", "9"}}, "0.01", "5"));
  auto book = client_->GetBook("7");
  ASSERT_THAT(book, IsOk());
  EXPECT_EQ(*book->BestBid(), 480'000);
  EXPECT_EQ(*book->BestAsk(), 500'000);
  EXPECT_EQ(book->min_order_size, 5'000'000);
  EXPECT_EQ(*client_->GetTickSize("7"), 10'000);
  EXPECT_FALSE(*client_->GetNegRisk("7"));
  EXPECT_EQ(*client_->GetMidpoint("7"), 490'000);
}

TEST_F(MarketClientTest, FetchesManyBooksInBatches) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 120; ++i) {
    tokens.push_back(std::to_string(1000 + i));
    clob_.SetBook(tokens.back(),
                  test::VenueBookJson(tokens.back(), {{"0.4", "1"}}, {{"0.6", "1"}}));
  }
  auto books = client_->GetBooks(tokens);
  ASSERT_THAT(books, IsOk());
  EXPECT_EQ(books->size(), 120u);
  EXPECT_EQ(clob_.Count("books"), 3);  // 50 + 50 + 20
  EXPECT_EQ(clob_.Count("book"), 0);
}

TEST_F(MarketClientTest, RetriesTransientFailuresThenSucceeds) {
  clob_.SetBook("7", test::VenueBookJson("7", {{"0.4", "1"}}, {{"0.6", "1"}}));
  clob_.FailNext(503, 2);
  auto book = client_->GetBook("7");
  ASSERT_THAT(book, IsOk());
  EXPECT_EQ(clob_.Count("book"), 3);
  clob_.FailNext(429, 5);
  auto down = client_->GetBook("7");
  EXPECT_THAT(down, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("after 3 attempts")));
}

TEST_F(MarketClientTest, ExplainsUnknownTokensAndFirewalls) {
  auto missing = client_->GetBook("404404");
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound, Eq("no order book for token 404404")));
  auto missing_batch = client_->GetBooks({"1", "2"});
  EXPECT_THAT(missing_batch, StatusIs(absl::StatusCode::kNotFound));
  clob_.FailNext(403, 1, /*html=*/true);
  auto blocked = client_->GetBook("7");
  EXPECT_THAT(blocked, StatusIs(absl::StatusCode::kPermissionDenied,
                                HasSubstr("blocked by the venue's firewall (HTTP 403)")));
}

TEST_F(MarketClientTest, TimeoutsAndRefusedConnectionsAreUnavailable) {
  clob_.SetBook("7", test::VenueBookJson("7", {{"0.4", "1"}}, {{"0.6", "1"}}));
  clob_.SetDelayMs(2000);
  auto slow = client_->GetBook("7");
  EXPECT_THAT(slow, StatusIs(absl::StatusCode::kDeadlineExceeded));
  clob_.SetDelayMs(0);
  ClobMarketData nowhere("http://127.0.0.1:1", transport_, RetryPolicy{2, absl::Milliseconds(1)});
  auto refused = nowhere.GetBook("7");
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kUnavailable,
                                HasSubstr("the Polymarket CLOB at http://127.0.0.1:1")));
}

// Market metadata: /markets-by-token/{token} for the condition, /clob-markets/{condition} for
// its outcome tokens.

constexpr char kCondition[] = "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1";

TEST_F(MarketClientTest, TwoTokensOfOneMarketCostOneLookupAndOneMarketRequest) {
  ASSERT_TRUE(clob_.SetMarket(test::VenueClobMarketJson(kCondition, {{"7", "Yes"}, {"8", "No"}})));
  auto markets = client_->GetMarkets({"7", "8"});
  ASSERT_THAT(markets, IsOk());
  ASSERT_EQ(markets->size(), 2u);
  EXPECT_EQ(markets->at("7").condition_id, kCondition);
  EXPECT_EQ(domain::VenueOutcome(*markets, "7"), "Yes");
  EXPECT_EQ(domain::VenueOutcome(*markets, "8"), "No");
  // The market's answer lists token 8 too, so 8 needs no lookup of its own.
  EXPECT_EQ(clob_.Count("markets-by-token"), 1);
  EXPECT_EQ(clob_.Count("clob-markets"), 1);
}

TEST_F(MarketClientTest, ASecondCallIsServedFromTheCache) {
  ASSERT_TRUE(clob_.SetMarket(test::VenueClobMarketJson(kCondition, {{"7", "Yes"}, {"8", "No"}})));
  ASSERT_THAT(client_->GetMarkets({"7"}), IsOk());
  auto again = client_->GetMarkets({"8", "7"});
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(domain::VenueOutcome(*again, "8"), "No");
  EXPECT_EQ(clob_.Count("markets-by-token"), 1);
  EXPECT_EQ(clob_.Count("clob-markets"), 1);
}

TEST_F(MarketClientTest, AnExpiredCacheAsksTheVenueAgain) {
  ClobMarketData no_cache(clob_.url(), transport_, RetryPolicy{3, absl::Milliseconds(5)},
                          absl::ZeroDuration());
  ASSERT_TRUE(clob_.SetMarket(test::VenueClobMarketJson(kCondition, {{"7", "Yes"}, {"8", "No"}})));
  ASSERT_THAT(no_cache.GetMarkets({"7"}), IsOk());
  ASSERT_TRUE(clob_.SetMarket(test::VenueClobMarketJson(kCondition, {{"7", "Up"}, {"8", "Down"}})));
  auto renamed = no_cache.GetMarkets({"7"});
  ASSERT_THAT(renamed, IsOk());
  EXPECT_EQ(domain::VenueOutcome(*renamed, "7"), "Up");
  EXPECT_EQ(clob_.Count("clob-markets"), 2);
}

TEST_F(MarketClientTest, ATokenTheVenueDoesNotKnowIsAbsent) {
  ASSERT_TRUE(clob_.SetMarket(test::VenueClobMarketJson(kCondition, {{"7", "Yes"}, {"8", "No"}})));
  auto markets = client_->GetMarkets({"404404", "7"});
  ASSERT_THAT(markets, IsOk());
  EXPECT_EQ(markets->count("404404"), 0u);
  EXPECT_EQ(markets->count("7"), 1u);
  // Not cached: a token may be listed any minute.
  ASSERT_THAT(client_->GetMarkets({"404404"}), IsOk());
  EXPECT_EQ(clob_.Count("markets-by-token"), 3);
}

TEST_F(MarketClientTest, AcceptsTokenIdsWrittenAsNumbers) {
  ASSERT_TRUE(clob_.SetMarket(
      R"({"c": "0xabc", "t": [{"t": 7, "o": "Yes"}, {"t": 8, "o": "No"}], "mts": 0.01})"));
  auto markets = client_->GetMarkets({"8"});
  ASSERT_THAT(markets, IsOk());
  EXPECT_EQ(domain::VenueOutcome(*markets, "8"), "No");
}

TEST_F(MarketClientTest, RetriesATransientFailureOfTheMarketEndpoints) {
  ASSERT_TRUE(clob_.SetMarket(test::VenueClobMarketJson(kCondition, {{"7", "Yes"}, {"8", "No"}})));
  clob_.FailNext(503, 1);
  auto markets = client_->GetMarkets({"7"});
  ASSERT_THAT(markets, IsOk());
  EXPECT_EQ(domain::VenueOutcome(*markets, "7"), "Yes");
  EXPECT_EQ(clob_.Count("markets-by-token"), 2);
  clob_.FailNext(503, 5);
  EXPECT_THAT(client_->GetMarkets({"404404"}),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("after 3 attempts")));
}

TEST_F(MarketClientTest, AMalformedAnswerIsAnErrorNamingTheEndpoint) {
  ASSERT_TRUE(clob_.SetMarket(test::VenueClobMarketJson(kCondition, {{"7", "Yes"}, {"8", "No"}})));
  clob_.GarbleNext(1);
  EXPECT_THAT(client_->GetMarkets({"7"}),
              StatusIs(absl::StatusCode::kUnknown,
                       HasSubstr("market data: malformed answer from /markets-by-token/7")));
  ASSERT_TRUE(clob_.SetMarket(
      R"({"c": "0xabc", "t": [{"t": "12", "o": "Yes"}, {"t": "12x", "o": "No"}]})"));
  EXPECT_THAT(client_->GetMarkets({"12"}),
              StatusIs(absl::StatusCode::kUnknown,
                       HasSubstr("malformed answer from /clob-markets/0xabc: clob market: t[1].t "
                                 "is not a token id")));
}

TEST_F(MarketClientTest, RefusesATokenIdThatIsNotNormalised) {
  EXPECT_THAT(client_->GetMarkets({"7/../../book"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a normalised token id")));
  EXPECT_EQ(clob_.Count("markets-by-token"), 0);
}

}  // namespace
}  // namespace betteroms::market
