// ClobMarketData over a scripted in-memory transport: market resolutions (GET /markets-by-token,
// then /markets/{conditionId}) and what they cost in requests.
#include "oms-server/market/clob_market_data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/status_matchers.h"

namespace betteroms::market {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::SizeIs;

// Answers requests from a script, in order, and records their URLs. An exhausted script answers
// 599 so that an unexpected request fails on the count, not on a crash.
class ScriptedTransport : public HttpTransport {
 public:
  absl::StatusOr<HttpResponse> Perform(const HttpRequest& request) override {
    urls.push_back(request.url);
    if (script.empty()) return HttpResponse{599, "", "", {}};
    HttpResponse next = std::move(script.front());
    script.pop_front();
    return next;
  }
  void Answer(int status, std::string body) {
    script.push_back(HttpResponse{status, std::move(body), "application/json", {}});
  }

  std::deque<HttpResponse> script;
  std::vector<std::string> urls;
};

constexpr char kCondition[] = "0xc0ffee";

std::string ByToken(const std::string& condition = kCondition) {
  return absl::StrCat(R"({"condition_id": ")", condition, R"("})");
}

// A /markets/{conditionId} answer with two tokens; `tokens` replaces them.
std::string Market(bool closed, const std::string& tokens) {
  return absl::StrCat(R"({"condition_id": ")", kCondition, R"(", "question": "Will it?", )",
                      R"("closed": )", closed ? "true" : "false",
                      R"(, "active": true, "accepting_orders": false, "tokens": [)", tokens, "]}");
}

std::string Token(const std::string& id, const std::string& outcome, bool winner) {
  return absl::StrCat(R"({"token_id": )", id, R"(, "outcome": ")", outcome,
                      R"(", "price": 0.5, "winner": )", winner ? "true" : "false", "}");
}

class ClobMarketDataTest : public ::testing::Test {
 protected:
  ScriptedTransport transport_;
  // One attempt: the scripted answers are not retried.
  ClobMarketData market_{"https://clob.test", transport_, RetryPolicy{1, absl::ZeroDuration()}};
};

TEST_F(ClobMarketDataTest, AClosedMarketNamesItsWinnerForBothTokensInOneMarketsCall) {
  transport_.Answer(200, ByToken());
  transport_.Answer(200, Market(true, absl::StrCat(Token("\"7\"", "Yes", false), ",",
                                                   Token("\"8\"", "No", true))));
  auto resolutions = market_.GetResolutions({"7", "8"});
  ASSERT_THAT(resolutions, IsOk());
  ASSERT_THAT(*resolutions, SizeIs(2));
  for (const std::string token : {"7", "8"}) {
    EXPECT_TRUE(resolutions->at(token).closed) << token;
    EXPECT_THAT(resolutions->at(token).winner_token, Optional(std::string("8"))) << token;
  }
  EXPECT_THAT(transport_.urls, ElementsAre("https://clob.test/markets-by-token/7",
                                           absl::StrCat("https://clob.test/markets/", kCondition)));
}

TEST_F(ClobMarketDataTest, AnOpenMarketHasNoWinnerAndItsTokenIdsAreNormalised) {
  transport_.Answer(200, ByToken());
  // Token ids as a number and as 0x hex (0x0a is 10).
  transport_.Answer(200, Market(false, absl::StrCat(Token("9", "Yes", false), ",",
                                                    Token("\"0x0a\"", "No", false))));
  auto resolutions = market_.GetResolutions({"9", "10"});
  ASSERT_THAT(resolutions, IsOk());
  ASSERT_THAT(*resolutions, SizeIs(2));
  EXPECT_FALSE(resolutions->at("10").closed);
  EXPECT_EQ(resolutions->at("10").winner_token, std::nullopt);
  EXPECT_THAT(transport_.urls, SizeIs(2));
}

TEST_F(ClobMarketDataTest, ATokenTheVenueDoesNotKnowIsAbsent) {
  transport_.Answer(404, R"({"error": "market not found"})");  // /markets-by-token/404404
  transport_.Answer(200, ByToken("0xdead"));                   // /markets-by-token/5
  transport_.Answer(404, R"({"error": "market not found"})");  // /markets/0xdead
  transport_.Answer(200, ByToken());                           // /markets-by-token/7
  transport_.Answer(200, Market(true, Token("\"7\"", "Yes", true)));
  auto resolutions = market_.GetResolutions({"404404", "5", "7"});
  ASSERT_THAT(resolutions, IsOk());
  ASSERT_THAT(*resolutions, SizeIs(1));
  EXPECT_THAT(resolutions->at("7").winner_token, Optional(std::string("7")));
  EXPECT_THAT(transport_.urls, SizeIs(5));
}

TEST_F(ClobMarketDataTest, ResolutionsAreAskedAgainEachCallButTheConditionIsNot) {
  transport_.Answer(200, ByToken());
  transport_.Answer(200, Market(false, Token("\"7\"", "Yes", false)));
  auto open = market_.GetResolutions({"7"});
  ASSERT_THAT(open, IsOk());
  EXPECT_FALSE(open->at("7").closed);
  // The market closed in between: the second call sees it.
  transport_.Answer(200, Market(true, Token("\"7\"", "Yes", true)));
  auto closed = market_.GetResolutions({"7"});
  ASSERT_THAT(closed, IsOk());
  EXPECT_TRUE(closed->at("7").closed);
  EXPECT_THAT(closed->at("7").winner_token, Optional(std::string("7")));
  EXPECT_THAT(transport_.urls, ElementsAre("https://clob.test/markets-by-token/7",
                                           absl::StrCat("https://clob.test/markets/", kCondition),
                                           absl::StrCat("https://clob.test/markets/", kCondition)));
}

TEST_F(ClobMarketDataTest, AMalformedMarketIsAnErrorNamingTheEndpoint) {
  const std::string bad[] = {
      R"({"condition_id": "0xc0ffee", "tokens": []})",  // no closed
      Market(true, absl::StrCat(Token("\"7\"", "Yes", true), ",", Token("\"8\"", "No", true))),
      Market(true, Token("\"seven\"", "Yes", true)),
      Market(true, R"({"token_id": "7", "winner": "yes"})"),
      R"({"condition_id": "0xbeef", "closed": true, "tokens": []})",
  };
  for (const std::string& body : bad) {
    ClobMarketData market("https://clob.test", transport_, RetryPolicy{1, absl::ZeroDuration()});
    transport_.Answer(200, ByToken());
    transport_.Answer(200, body);
    EXPECT_THAT(market.GetResolutions({"7"}),
                StatusIs(absl::StatusCode::kUnknown,
                         AllOf(HasSubstr("/markets/0xc0ffee"), HasSubstr("malformed"))))
        << body;
  }
  EXPECT_THAT(market_.GetResolutions({"7/../book"}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(transport_.script, IsEmpty());
}

}  // namespace
}  // namespace betteroms::market
