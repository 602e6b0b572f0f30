// Venue books are untrusted input: every malformed class is refused by the parser, and the CLOB
// client refuses it as the venue's fault (Unknown, never InvalidArgument, which means "your plan
// is wrong"), naming the venue and the token; a book for another token is never taken.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "oms-server/market/clob_market_data.h"
#include "oms-server/market/market_data.h"
#include "tests/support/status_matchers.h"

namespace betteroms::market {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kToken[] = "1001";
constexpr char kOther[] = "2002";

// A /book document in the venue's format with the given sides (JSON text, or omitted when
// empty) and extra members.
std::string Book(const std::string& asset, const std::string& bids, const std::string& asks,
                 const std::string& extra = R"(, "tick_size": "0.01", "min_order_size": "5")") {
  std::string out = absl::StrCat(R"({"asset_id": ")", asset, R"(", "hash": "h")");
  if (!bids.empty()) absl::StrAppend(&out, R"(, "bids": )", bids);
  if (!asks.empty()) absl::StrAppend(&out, R"(, "asks": )", asks);
  return absl::StrCat(out, extra, "}");
}

constexpr char kBids[] = R"([{"price": "0.48", "size": "10"}])";
constexpr char kAsks[] = R"([{"price": "0.52", "size": "10"}])";

struct Malformed {
  const char* name;
  std::string text;
  const char* says;
};

std::vector<Malformed> MalformedBooks() {
  auto ask = [](const char* price, const char* size) {
    return absl::StrCat(R"([{"price": ")", price, R"(", "size": ")", size, R"("}])");
  };
  return {
      {"PriceZero", Book(kToken, kBids, ask("0", "10")), "is not a market"},
      {"PriceOne", Book(kToken, kBids, ask("1", "10")), "is not a market"},
      {"PriceNegative", Book(kToken, kBids, ask("-0.5", "10")), "is not a market"},
      {"PriceAboveOne", Book(kToken, kBids, ask("1.5", "10")), "is not a market"},
      {"PriceTooPrecise", Book(kToken, kBids, ask("0.0000001", "10")), "decimal places"},
      {"SizeZero", Book(kToken, kBids, ask("0.5", "0")), "is not a market"},
      {"SizeNegative", Book(kToken, kBids, ask("0.5", "-3")), "is not a market"},
      {"SizeEnormous", Book(kToken, kBids, ask("0.5", "100000000000")), "is not a market"},
      {"SizeBeyondInt64", Book(kToken, kBids, ask("0.5", "1e300")), "level size"},
      {"PriceNotANumber", Book(kToken, kBids, ask("cheap", "10")), "level price"},
      {"MissingBids", Book(kToken, "", kAsks), "bids is missing"},
      {"MissingAsks", Book(kToken, kBids, ""), "asks is missing"},
      {"SideNotAnArray", Book(kToken, R"({"price": "0.4"})", kAsks), "bids is not an array"},
      {"LevelNotAnObject", Book(kToken, "[0.4]", kAsks), "is not an object"},
      {"TickZero", Book(kToken, kBids, kAsks, R"(, "tick_size": "0")"), "tick_size 0"},
      {"TickNotTheVenues", Book(kToken, kBids, kAsks, R"(, "tick_size": "0.02")"),
       "not one of the venue's ticks"},
      {"MinOrderSizeNegative", Book(kToken, kBids, kAsks, R"(, "min_order_size": "-5")"),
       "min_order_size"},
      {"MinOrderSizeEnormous", Book(kToken, kBids, kAsks, R"(, "min_order_size": "1e12")"),
       "min_order_size"},
      {"AssetIdAnObject", R"({"asset_id": {}, "bids": [], "asks": []})", "asset_id"},
      {"NotJson", "<html>502 Bad Gateway</html>", ""},
      {"NotAnObject", "[1, 2]", "not a JSON object"},
      {"TooManyLevels",
       Book(kToken, kBids,
            [] {
              std::string levels = "[";
              for (size_t i = 0; i <= kMaxBookLevels; ++i) {
                absl::StrAppend(&levels, i > 0 ? "," : "", R"({"price": "0.5", "size": "1"})");
              }
              return levels + "]";
            }()),
       "levels, more than"},
  };
}

class MalformedBookTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedBookTest, IsRefusedByTheParser) {
  EXPECT_THAT(ParseBookJson(GetParam().text),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(GetParam().says)));
}

INSTANTIATE_TEST_SUITE_P(EveryClass, MalformedBookTest, ::testing::ValuesIn(MalformedBooks()),
                         [](const ::testing::TestParamInfo<Malformed>& p) {
                           return std::string(p.param.name);
                         });

TEST(BookJsonTest, EmptySidesAreABookWithoutDepth) {
  auto book = ParseBookJson(Book(kToken, "[]", "[]"));
  ASSERT_THAT(book, IsOk());
  EXPECT_TRUE(book->bids.empty());
  EXPECT_TRUE(book->asks.empty());
  EXPECT_EQ(book->token_id, kToken);
}

TEST(BookJsonTest, ALevelOffTheTickGridIsKept) {
  // The venue moves a market to a finer tick near 0 or 1; levels at the old grid stay listed.
  auto book = ParseBookJson(Book(kToken, R"([{"price": "0.955", "size": "10"}])", kAsks));
  ASSERT_THAT(book, IsOk());
  ASSERT_THAT(book->bids, SizeIs(1));
  EXPECT_EQ(book->bids[0].price, 955'000);
}

TEST(BookJsonTest, EveryVenueTickIsTaken) {
  for (const char* tick : {"0.1", "0.01", "0.005", "0.0025", "0.001", "0.0001"}) {
    auto book =
        ParseBookJson(Book(kToken, kBids, kAsks, absl::StrCat(R"(, "tick_size": ")", tick, "\"")));
    EXPECT_THAT(book, IsOk()) << tick;
  }
}

// Answers from a script and counts requests; an exhausted script answers 599.
class ScriptedTransport : public HttpTransport {
 public:
  absl::StatusOr<HttpResponse> Perform(const HttpRequest& request) override {
    urls.push_back(request.url);
    if (script.empty()) return HttpResponse{599, "", "", {}};
    absl::StatusOr<HttpResponse> next = std::move(script.front());
    script.pop_front();
    return next;
  }
  void Answer(int status, std::string body) {
    script.emplace_back(HttpResponse{status, std::move(body), "application/json", {}});
  }

  std::deque<absl::StatusOr<HttpResponse>> script;
  std::vector<std::string> urls;
};

class ClobBookTest : public ::testing::Test {
 protected:
  ScriptedTransport transport_;
  // Three attempts without waiting: a refused book must not be asked for again.
  ClobMarketData market_{"https://clob.test", transport_, RetryPolicy{3, absl::ZeroDuration()}};
};

TEST_F(ClobBookTest, EveryMalformedBookIsTheVenuesFaultNamingTheVenueAndTheToken) {
  for (const Malformed& m : MalformedBooks()) {
    transport_.Answer(200, m.text);
    size_t before = transport_.urls.size();
    EXPECT_THAT(
        market_.GetBooks({kToken}),
        StatusIs(absl::StatusCode::kUnknown,
                 AllOf(HasSubstr("token 1001"), HasSubstr("https://clob.test"), HasSubstr(m.says))))
        << m.name;
    EXPECT_EQ(transport_.urls.size(), before + 1) << m.name;
  }
}

TEST_F(ClobBookTest, ABookOfAnotherTokenIsRefused) {
  transport_.Answer(200, Book(kOther, kBids, kAsks));
  EXPECT_THAT(market_.GetBooks({kToken}),
              StatusIs(absl::StatusCode::kUnknown,
                       AllOf(HasSubstr("token 1001"), HasSubstr("asset_id 2002"))));
}

TEST_F(ClobBookTest, ABookWithoutAnAssetIdIsRefused) {
  transport_.Answer(200, R"({"bids": [], "asks": []})");
  EXPECT_THAT(market_.GetBooks({kToken}),
              StatusIs(absl::StatusCode::kUnknown, HasSubstr("names no asset_id")));
}

TEST_F(ClobBookTest, TheRequestedTokensBookIsTaken) {
  transport_.Answer(200, Book(kToken, kBids, kAsks));
  auto books = market_.GetBooks({kToken});
  ASSERT_THAT(books, IsOk());
  EXPECT_EQ(books->at(kToken).BestAsk(), 520'000);
}

TEST_F(ClobBookTest, ABatchWithABookNobodyAskedForIsRefused) {
  transport_.Answer(
      200, absl::StrCat("[", Book(kToken, kBids, kAsks), ",", Book("3003", kBids, kAsks), "]"));
  EXPECT_THAT(market_.GetBooks({kToken, kOther}),
              StatusIs(absl::StatusCode::kUnknown,
                       AllOf(HasSubstr("asset_id 3003"), HasSubstr("not asked for"))));
}

TEST_F(ClobBookTest, ABatchWithOneMalformedBookNamesThatToken) {
  transport_.Answer(200,
                    absl::StrCat("[", Book(kToken, kBids, kAsks), ",",
                                 Book(kOther, kBids, R"([{"price": "0", "size": "1"}])"), "]"));
  EXPECT_THAT(market_.GetBooks({kToken, kOther}),
              StatusIs(absl::StatusCode::kUnknown,
                       AllOf(HasSubstr("token 2002"), HasSubstr("is not a market"))));
}

TEST_F(ClobBookTest, ABatchAnswerThatIsNotJsonIsTheVenuesFault) {
  transport_.Answer(200, "[{\"asset_id\"");
  EXPECT_THAT(market_.GetBooks({kToken, kOther}),
              StatusIs(absl::StatusCode::kUnknown, HasSubstr("https://clob.test")));
}

TEST_F(ClobBookTest, AnOversizedAnswerIsRefusedOnceNotRetried) {
  std::string big = Book(kToken, kBids, kAsks);
  big.insert(1, ClobMarketData::kMaxAnswerBytes, ' ');  // valid JSON, just too large
  transport_.Answer(200, big);
  EXPECT_THAT(market_.GetBooks({kToken}),
              StatusIs(absl::StatusCode::kUnknown,
                       AllOf(HasSubstr("token 1001"), HasSubstr("larger than"))));
  EXPECT_THAT(transport_.urls, SizeIs(1));
}

TEST_F(ClobBookTest, AnAnswerTheTransportCutOffIsRefusedOnceNotRetried) {
  transport_.script.emplace_back(absl::ResourceExhaustedError("http: the answer is too large"));
  EXPECT_THAT(market_.GetBooks({kToken}),
              StatusIs(absl::StatusCode::kUnknown, HasSubstr("larger than")));
  EXPECT_THAT(transport_.urls, SizeIs(1));
}

}  // namespace
}  // namespace betteroms::market
