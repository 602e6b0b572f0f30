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

}  // namespace
}  // namespace betteroms::market
