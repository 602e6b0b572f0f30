// ClobVenue over a scripted in-memory transport and a clock that only moves when the venue
// waits: every classification of a post (PROTOCOL §7.1-§7.3, §13.3), batches, the reads, and the
// API-key calls.
#include "oms-server/venue/clob_venue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <limits>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/json.h"
#include "oms-server/venue/l2_auth.h"
#include "tests/support/status_matchers.h"

namespace betteroms::venue {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kSecret[] = "CzBVep_E6Q4zWH2ix-wRNluApcrvFDleg6jN8hc8YYY";
constexpr char kHash[] = "0x38a73eed1e6d177545e9ab027abddfb7e08dbe975fa777123b1752d0e1f9d5b3";

class FakeClock : public Clock {
 public:
  absl::Time Now() const override { return now; }
  absl::Time now = absl::FromUnixSeconds(1'780'452'718);
};

// Answers requests from a script, in order, and records them. An exhausted script answers 599 so
// a test that sends more than it expects fails on the count, not on a crash.
class ScriptedTransport : public market::HttpTransport {
 public:
  absl::StatusOr<market::HttpResponse> Perform(const market::HttpRequest& request) override {
    requests.push_back(request);
    if (script.empty()) return market::HttpResponse{599, "", "", {}};
    absl::StatusOr<market::HttpResponse> next = std::move(script.front());
    script.pop_front();
    return next;
  }
  void Answer(int status, std::string body, market::HttpHeaders headers = {}) {
    script.emplace_back(
        market::HttpResponse{status, std::move(body), "application/json", std::move(headers)});
  }
  void Fail(absl::Status status) { script.emplace_back(std::move(status)); }

  std::deque<absl::StatusOr<market::HttpResponse>> script;
  std::vector<market::HttpRequest> requests;
};

// A read that succeeded and found no order.
MATCHER(IsUnknownOrder, "is OK and holds no order") {
  if (!arg.ok()) {
    *result_listener << "whose status is " << arg.status();
    return false;
  }
  return !arg->has_value();
}

std::string Header(const market::HttpRequest& r, const std::string& name) {
  for (const auto& [key, value] : r.headers) {
    if (key == name) return value;
  }
  return "";
}

WireOrder Order(int n = 0) {
  WireOrder o;
  o.salt = absl::StrCat(479249096354 + n);
  o.maker = "0x7754536ecd85c00b2E0CF9c1aA679340D8550756";
  o.signer = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
  o.token_id = "71321045679252212594626385532706912750332728571942532289631379312455583992563";
  o.maker_amount = 11782400;
  o.taker_amount = 21040000;
  o.signature_type = 2;
  o.timestamp_ms = "1780452718728";
  o.metadata = "0x" + std::string(64, '0');
  o.builder = "0x" + std::string(64, '0');
  o.signature = "0xbdf3";
  return o;
}

std::string Accepted(const std::string& status = "live", const std::string& id = kHash) {
  return absl::StrCat(R"({"success": true, "errorMsg": "", "orderID": ")", id, R"(", "status": ")",
                      status, R"(", "makingAmount": "", "takingAmount": "", "tradeIDs": []})");
}

class ClobVenueTest : public ::testing::Test {
 protected:
  ClobVenueTest() {
    options_.base_url = "https://clob.test/";
    options_.signature_type = 2;
    options_.sleep = [this](absl::Duration d) {
      sleeps_.push_back(d);
      clock_.now += d;
    };
    venue_ = std::make_unique<ClobVenue>(options_, transport_, clock_);
    venue_->SetCredentials({"key-1", kSecret, "pass-1"},
                           "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  }
  absl::Time In(absl::Duration d) const { return clock_.now + d; }
  PostResult PostOne(absl::Duration within = absl::Seconds(60)) {
    std::vector<PostResult> results = venue_->PostOrders({Order()}, In(within));
    EXPECT_THAT(results, SizeIs(1));
    return results.empty() ? PostResult{} : results[0];
  }

  FakeClock clock_;
  ScriptedTransport transport_;
  ClobVenueOptions options_;
  std::vector<absl::Duration> sleeps_;
  std::unique_ptr<ClobVenue> venue_;
};

TEST_F(ClobVenueTest, PostsOneOrderToSlashOrderSignedOverTheExactBody) {
  transport_.Answer(200, Accepted("matched"));
  PostResult r = PostOne();
  EXPECT_EQ(r.outcome, PostOutcome::kAccepted);
  EXPECT_EQ(r.status, "matched");
  EXPECT_EQ(r.order_id, kHash);
  ASSERT_THAT(transport_.requests, SizeIs(1));
  const market::HttpRequest& req = transport_.requests[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://clob.test/order");
  EXPECT_EQ(req.body, OrderBodyJson(Order(), "key-1"));
  EXPECT_EQ(Header(req, "POLY_ADDRESS"), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  EXPECT_EQ(Header(req, "POLY_API_KEY"), "key-1");
  EXPECT_EQ(Header(req, "POLY_PASSPHRASE"), "pass-1");
  EXPECT_EQ(Header(req, "POLY_TIMESTAMP"), "1780452718");
  EXPECT_EQ(Header(req, "POLY_SIGNATURE"),
            *L2Signature(kSecret, 1780452718, "POST", "/order", req.body));
}

TEST_F(ClobVenueTest, ReadsMatchedAmountsAndTradeIdsOfAnAcceptedOrder) {
  transport_.Answer(200, absl::StrCat(R"({"success": true, "errorMsg": "", "orderID": ")", kHash,
                                      R"(", "status": "MATCHED", "makingAmount": "4.599999",)"
                                      R"( "takingAmount": "5.609755", "tradeIDs": ["t-1"]})"));
  PostResult r = PostOne();
  EXPECT_EQ(r.outcome, PostOutcome::kAccepted);
  EXPECT_EQ(r.status, "matched");
  EXPECT_EQ(r.making, 4599999);
  EXPECT_EQ(r.taking, 5609755);
  EXPECT_THAT(r.trade_ids, ElementsAre("t-1"));
}

TEST_F(ClobVenueTest, DelayedIsAcceptedAndUnmatchedIsRejected) {
  transport_.Answer(200, Accepted("delayed"));
  EXPECT_EQ(PostOne().outcome, PostOutcome::kAccepted);
  transport_.Answer(200, Accepted("unmatched"));
  PostResult r = PostOne();
  EXPECT_EQ(r.outcome, PostOutcome::kRejected);
  EXPECT_THAT(r.error, HasSubstr("unmatched"));
  EXPECT_THAT(r.reason, HasSubstr("nothing rests on the book"));
  transport_.Answer(200, Accepted("something_new"));
  EXPECT_EQ(PostOne().outcome, PostOutcome::kRejected);
}

TEST_F(ClobVenueTest, SuccessFalseWithAnErrorIsARejectionWithTheTradersSentence) {
  transport_.Answer(200, R"({"success": false, "errorMsg": "order couldn't be fully filled. FOK )"
                         R"(orders are fully filled or killed.", "orderID": "", "status": ""})");
  PostResult r = PostOne();
  EXPECT_EQ(r.outcome, PostOutcome::kRejected);
  EXPECT_THAT(r.error, HasSubstr("FOK orders are fully filled or killed"));
  EXPECT_THAT(r.reason, HasSubstr("fill-or-kill"));
  // success true but an error message, or no order id, is no acceptance either.
  transport_.Answer(200, absl::StrCat(R"({"success": true, "errorMsg": "invalid signature", )"
                                      R"("orderID": ")",
                                      kHash, R"(", "status": "live"})"));
  EXPECT_EQ(PostOne().outcome, PostOutcome::kRejected);
  transport_.Answer(200, Accepted("live", ""));
  EXPECT_EQ(PostOne().outcome, PostOutcome::kRejected);
}

TEST_F(ClobVenueTest, A4xxWithAJsonErrorIsARejection) {
  transport_.Answer(400, R"({"error": "not enough balance / allowance"})");
  PostResult r = PostOne();
  EXPECT_EQ(r.outcome, PostOutcome::kRejected);
  EXPECT_EQ(r.error, "not enough balance / allowance");
  EXPECT_THAT(r.reason, HasSubstr("allowance"));
  transport_.Answer(400, R"({"error": "a text the venue never sent before"})");
  EXPECT_EQ(PostOne().reason, "a text the venue never sent before");
}

TEST_F(ClobVenueTest, ACloudflare403PageIsARejectionNamingTheFirewall) {
  transport_.script.emplace_back(market::HttpResponse{
      403,
      "<!DOCTYPE html><html><title>Attention Required! | Cloudflare</title></html>",
      "text/html; charset=UTF-8",
      {}});
  PostResult r = PostOne();
  EXPECT_EQ(r.outcome, PostOutcome::kRejected);
  EXPECT_THAT(r.error, HasSubstr("firewall"));
  EXPECT_THAT(r.reason, HasSubstr("geo-blocked"));
}

TEST_F(ClobVenueTest, A425ThenAcceptedRetriesOnceAfterTheFirstBackoff) {
  transport_.Answer(425, "");
  transport_.Answer(200, Accepted());
  PostResult r = PostOne();
  EXPECT_EQ(r.outcome, PostOutcome::kAccepted);
  EXPECT_THAT(transport_.requests, SizeIs(2));
  EXPECT_THAT(sleeps_, ElementsAre(absl::Seconds(1)));
  // Each attempt is signed afresh, over the same body.
  EXPECT_EQ(transport_.requests[1].body, transport_.requests[0].body);
  EXPECT_EQ(Header(transport_.requests[1], "POLY_TIMESTAMP"), "1780452719");
}

TEST_F(ClobVenueTest, BackoffDoublesUpToItsCap) {
  for (int i = 0; i < 7; ++i) transport_.Answer(425, "");
  transport_.Answer(200, Accepted());
  EXPECT_EQ(PostOne(absl::Minutes(10)).outcome, PostOutcome::kAccepted);
  EXPECT_THAT(sleeps_,
              ElementsAre(absl::Seconds(1), absl::Seconds(2), absl::Seconds(4), absl::Seconds(8),
                          absl::Seconds(16), absl::Seconds(30), absl::Seconds(30)));
}

TEST_F(ClobVenueTest, A429HonoursRetryAfterInSecondsOrAsAnHttpDate) {
  transport_.Answer(429, "Too Many Requests", {{"retry-after", "7"}});
  transport_.Answer(
      429, "Too Many Requests",
      {{"Retry-After", absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT",
                                        clock_.now + absl::Seconds(7 + 12), absl::UTCTimeZone())}});
  transport_.Answer(200, Accepted());
  EXPECT_EQ(PostOne().outcome, PostOutcome::kAccepted);
  EXPECT_THAT(sleeps_, ElementsAre(absl::Seconds(7), absl::Seconds(12)));
}

TEST_F(ClobVenueTest, A429HonoursPolyRateLimitReset) {
  transport_.Answer(429, "",
                    {{"Poly-RateLimit-Reset", absl::StrCat(absl::ToUnixSeconds(clock_.now) + 5)},
                     {"Poly-RateLimit-Remaining", "-3"}});
  transport_.Answer(200, Accepted());
  EXPECT_EQ(PostOne().outcome, PostOutcome::kAccepted);
  EXPECT_THAT(sleeps_, ElementsAre(absl::Seconds(5)));
}

TEST_F(ClobVenueTest, A429WhoseWaitPassesTheDeadlineIsNotAccepted) {
  transport_.Answer(429, "", {{"Retry-After", "120"}});
  PostResult r = PostOne(absl::Seconds(60));
  EXPECT_EQ(r.outcome, PostOutcome::kNotAccepted);
  EXPECT_THAT(r.reason, HasSubstr("rate limit"));
  EXPECT_THAT(sleeps_, IsEmpty());
}

TEST_F(ClobVenueTest, PostOnlyModeIsRetriedUntilTheDeadlineThenNotAccepted) {
  for (int i = 0; i < 100; ++i) {
    transport_.Answer(503, R"({"error": "post-only mode: only post-only orders and cancels are )"
                           R"(allowed", "code": "post_only_mode", "retry_after_seconds": 20})");
  }
  PostResult r = PostOne(absl::Seconds(50));
  EXPECT_EQ(r.outcome, PostOutcome::kNotAccepted);
  EXPECT_THAT(r.error, HasSubstr("post-only mode"));
  EXPECT_THAT(r.reason, HasSubstr("post-only mode"));
  // At 0 s, 20 s and 40 s; a fourth at 60 s would be past the deadline.
  EXPECT_THAT(transport_.requests, SizeIs(3));
  EXPECT_THAT(sleeps_, ElementsAre(absl::Seconds(20), absl::Seconds(20)));
}

TEST_F(ClobVenueTest, CancelOnlyModeIsRetriedLikePostOnly) {
  transport_.Answer(503, R"({"error": "Trading is currently cancel-only. New orders are not )"
                         R"(accepted, but cancels are allowed."})");
  transport_.Answer(200, Accepted());
  EXPECT_EQ(PostOne().outcome, PostOutcome::kAccepted);
  EXPECT_THAT(sleeps_, ElementsAre(absl::Seconds(1)));
}

TEST_F(ClobVenueTest, TradingDisabledIsNotAcceptedAtOnce) {
  transport_.Answer(503, R"({"error": "Trading is currently disabled. Check polymarket.com for )"
                         R"(updates"})");
  PostResult r = PostOne();
  EXPECT_EQ(r.outcome, PostOutcome::kNotAccepted);
  EXPECT_THAT(r.reason, HasSubstr("halted"));
  EXPECT_THAT(transport_.requests, SizeIs(1));
  EXPECT_THAT(sleeps_, IsEmpty());
}

TEST_F(ClobVenueTest, OtherServerErrorsAreAmbiguous) {
  for (int status : {500, 502, 504}) {
    transport_.Answer(status, "upstream failure");
    EXPECT_EQ(PostOne().outcome, PostOutcome::kAmbiguous) << status;
  }
  transport_.Answer(503, "<html>Service Unavailable</html>");
  EXPECT_EQ(PostOne().outcome, PostOutcome::kAmbiguous);
  EXPECT_THAT(sleeps_, IsEmpty());
}

TEST_F(ClobVenueTest, ATimeoutOrAResetAfterSendingIsAmbiguous) {
  transport_.Fail(absl::DeadlineExceededError("http: no answer within 10s"));
  PostResult r = PostOne();
  EXPECT_EQ(r.outcome, PostOutcome::kAmbiguous);
  EXPECT_THAT(r.error, HasSubstr("no answer"));
  EXPECT_THAT(r.reason, HasSubstr("confirmed by its hash"));
  transport_.Fail(absl::UnknownError("http: connection reset after sending"));
  EXPECT_EQ(PostOne().outcome, PostOutcome::kAmbiguous);
  EXPECT_THAT(transport_.requests, SizeIs(2));
}

TEST_F(ClobVenueTest, ARefusedConnectionSentNothingSoIsNotAccepted) {
  transport_.Fail(absl::UnavailableError("http: nothing sent: Couldn't connect to server"));
  PostResult r = PostOne();
  EXPECT_EQ(r.outcome, PostOutcome::kNotAccepted);
  EXPECT_THAT(r.error, HasSubstr("Couldn't connect"));
}

TEST_F(ClobVenueTest, AnUnreadableSuccessIsAmbiguous) {
  transport_.Answer(200, "{\"success\": tru");
  EXPECT_EQ(PostOne().outcome, PostOutcome::kAmbiguous);
  transport_.Answer(200, "[]");
  EXPECT_EQ(PostOne().outcome, PostOutcome::kAmbiguous);
  transport_.Answer(200, Accepted() + std::string(options_.max_response_bytes + 1, ' '));
  EXPECT_EQ(PostOne().outcome, PostOutcome::kAmbiguous);
}

TEST_F(ClobVenueTest, WithoutCredentialsNothingIsSent) {
  ClobVenue fresh(options_, transport_, clock_);
  EXPECT_EQ(fresh.ApiKey(), "");
  std::vector<PostResult> r = fresh.PostOrders({Order(), Order(1)}, In(absl::Seconds(5)));
  ASSERT_THAT(r, SizeIs(2));
  EXPECT_EQ(r[0].outcome, PostOutcome::kNotAccepted);
  EXPECT_THAT(transport_.requests, IsEmpty());
  EXPECT_THAT(fresh.GetOrder(kHash, In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ClobVenueTest, AnOrderWithABadSaltIsRejectedWithoutBeingSent) {
  WireOrder bad = Order();
  bad.salt = "12x";
  std::vector<PostResult> r = venue_->PostOrders({bad}, In(absl::Seconds(5)));
  ASSERT_THAT(r, SizeIs(1));
  EXPECT_EQ(r[0].outcome, PostOutcome::kRejected);
  EXPECT_THAT(transport_.requests, IsEmpty());
}

std::string BatchAnswer(size_t n, size_t rejected_at) {
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += ",";
    out += i == rejected_at
               ? R"({"success": false, "errorMsg": "invalid post-only order: order crosses book",)"
                 R"( "orderID": "", "status": ""})"
               : Accepted("live", absl::StrCat("0x", i + 1));
  }
  return out + "]";
}

TEST_F(ClobVenueTest, TwentyOrdersGoAsBatchesOfFifteenAndFiveWithAResultPerEntry) {
  std::vector<WireOrder> orders;
  orders.reserve(20);
  for (int i = 0; i < 20; ++i) orders.push_back(Order(i));
  transport_.Answer(200, BatchAnswer(15, 3));
  transport_.Answer(200, BatchAnswer(5, 99));
  std::vector<PostResult> r = venue_->PostOrders(orders, In(absl::Seconds(60)));
  ASSERT_THAT(r, SizeIs(20));
  ASSERT_THAT(transport_.requests, SizeIs(2));
  for (const market::HttpRequest& req : transport_.requests) {
    EXPECT_EQ(req.url, "https://clob.test/orders");
    EXPECT_EQ(Header(req, "POLY_SIGNATURE"),
              *L2Signature(kSecret, 1780452718, "POST", "/orders", req.body));
  }
  auto first = ParseJson(transport_.requests[0].body);
  auto second = ParseJson(transport_.requests[1].body);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(first->items, SizeIs(15));
  EXPECT_THAT(second->items, SizeIs(5));
  EXPECT_EQ(DumpJson(second->items[0]), OrderBodyJson(orders[15], "key-1"));
  for (size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(r[i].outcome, i == 3 ? PostOutcome::kRejected : PostOutcome::kAccepted) << i;
  }
  EXPECT_THAT(r[3].reason, HasSubstr("post-only"));
  EXPECT_EQ(r[16].order_id, "0x2");
}

TEST_F(ClobVenueTest, AWholeBatchFailureAppliesToEveryEntry) {
  transport_.Answer(429, "", {{"Retry-After", "2"}});
  transport_.Answer(400, R"({"error": "Invalid order payload"})");
  std::vector<PostResult> r =
      venue_->PostOrders({Order(), Order(1), Order(2)}, In(absl::Seconds(60)));
  ASSERT_THAT(r, SizeIs(3));
  for (const PostResult& each : r) {
    EXPECT_EQ(each.outcome, PostOutcome::kRejected);
    EXPECT_EQ(each.error, "Invalid order payload");
  }
  EXPECT_THAT(transport_.requests, SizeIs(2));
  transport_.Fail(absl::DeadlineExceededError("timeout"));
  r = venue_->PostOrders({Order(), Order(1)}, In(absl::Seconds(60)));
  EXPECT_EQ(r[0].outcome, PostOutcome::kAmbiguous);
  EXPECT_EQ(r[1].outcome, PostOutcome::kAmbiguous);
}

TEST_F(ClobVenueTest, ABatchAnswerWithTheWrongNumberOfEntriesIsAmbiguous) {
  transport_.Answer(200, BatchAnswer(1, 99));
  std::vector<PostResult> r = venue_->PostOrders({Order(), Order(1)}, In(absl::Seconds(60)));
  ASSERT_THAT(r, SizeIs(2));
  EXPECT_EQ(r[0].outcome, PostOutcome::kAmbiguous);
  EXPECT_EQ(r[1].outcome, PostOutcome::kAmbiguous);
}

TEST_F(ClobVenueTest, GetOrderReadsNullAndAnEmptyBodyAsUnknown) {
  transport_.Answer(200, "null");
  transport_.Answer(200, "");
  EXPECT_THAT(venue_->GetOrder(kHash, In(absl::Seconds(5))), IsUnknownOrder());
  EXPECT_THAT(venue_->GetOrder(kHash, In(absl::Seconds(5))), IsUnknownOrder());
  ASSERT_THAT(transport_.requests, SizeIs(2));
  EXPECT_EQ(transport_.requests[0].url, absl::StrCat("https://clob.test/data/order/", kHash));
  EXPECT_EQ(Header(transport_.requests[0], "POLY_SIGNATURE"),
            *L2Signature(kSecret, 1780452718, "GET", absl::StrCat("/data/order/", kHash), ""));
}

TEST_F(ClobVenueTest, GetOrderReadsAnOrderWithDecimalAmounts) {
  transport_.Answer(200,
                    absl::StrCat(R"({"id": ")", kHash,
                                 R"(", "status": )"
                                 R"("ORDER_STATUS_CANCELED_MARKET_RESOLVED_x", "asset_id": "7",)"
                                 R"( "side": "SELL", "original_size": "100", )"
                                 R"("size_matched": "12.345678", "price": "0.57", )"
                                 R"("associate_trades": ["t-1", "t-2"], "created_at": 1})"));
  auto order = venue_->GetOrder(kHash, In(absl::Seconds(5)));
  ASSERT_THAT(order, IsOk());
  ASSERT_TRUE(order->has_value());
  const VenueOrder& o = **order;
  EXPECT_EQ(o.status, "CANCELED_MARKET_RESOLVED");
  EXPECT_EQ(o.status_reason, "x");
  EXPECT_EQ(o.side, domain::Side::kSell);
  EXPECT_EQ(o.original_size, 100'000'000);
  EXPECT_EQ(o.size_matched, 12'345'678);
  EXPECT_EQ(o.price, 570'000);
  EXPECT_THAT(o.associate_trades, ElementsAre("t-1", "t-2"));
}

TEST_F(ClobVenueTest, GetOrderRefusesMalformedAnswersNamingTheEndpoint) {
  for (const std::string& body :
       {std::string("{\"id\": "), std::string("[1]"),
        absl::StrCat(R"({"id": ")", kHash,
                     R"(", "status": "LIVE",)"
                     R"( "side": "BUY", "original_size": 5.5e400})"),
        absl::StrCat(R"({"id": "0xdead", "status": "LIVE", "side": "BUY"})"),
        std::string(options_.max_response_bytes + 1, '{')}) {
    transport_.Answer(200, body);
    EXPECT_THAT(venue_->GetOrder(kHash, In(absl::Seconds(5))),
                StatusIs(absl::StatusCode::kInternal, HasSubstr("/data/order/")));
  }
  EXPECT_THAT(venue_->GetOrder("0xzz/../x", In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(ClobVenueTest, ReadsRetryWindowsAndMapClientErrors) {
  transport_.Answer(503, "");
  transport_.Fail(absl::UnavailableError("refused"));
  transport_.Answer(200, "null");
  EXPECT_THAT(venue_->GetOrder(kHash, In(absl::Seconds(30))), IsUnknownOrder());
  EXPECT_THAT(sleeps_, ElementsAre(absl::Seconds(1), absl::Seconds(2)));
  transport_.Answer(401, R"({"error": "Unauthorized/Invalid api key"})");
  EXPECT_THAT(venue_->GetOrder(kHash, In(absl::Seconds(30))),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("Invalid api key")));
  for (int i = 0; i < 10; ++i) transport_.Answer(502, "");
  EXPECT_THAT(venue_->GetOrder(kHash, In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("GET /data/order/")));
}

std::string TradesPage(const std::string& trades, const std::string& next) {
  return absl::StrCat(R"({"data": [)", trades, R"(], "next_cursor": ")", next,
                      R"(", "limit": 2, "count": 2})");
}

// A maker_orders entry as the venue writes it; `fields` replaces its amounts.
std::string Maker(const std::string& order_id,
                  const std::string& fields = R"("asset_id": "7", "side": "SELL", )"
                                              R"("matched_amount": "10", "price": "0.55", )"
                                              R"("fee_rate_bps": "0")") {
  return absl::StrCat(R"({"order_id": ")", order_id, R"(", "owner": "k-x", )",
                      R"("maker_address": "0xm", "outcome": "Yes", )", fields, "}");
}

// A /data/trades entry: the top level is the taker's order; `fields` replaces its amounts.
std::string Trade(const std::string& id, const std::string& taker, const std::string& makers = "",
                  const std::string& fields = R"("price": "0.55", "size": "10", )"
                                              R"("fee_rate_bps": "")",
                  const std::string& status = "MATCHED") {
  return absl::StrCat(R"({"id": ")", id, R"(", "taker_order_id": ")", taker,
                      R"(", "market": "0xc0", "asset_id": "7", "side": "BUY", )", fields,
                      R"(, "status": ")", status,
                      R"(", "match_time": "1780452000", "last_update": "1780452001", )"
                      R"("outcome": "Yes", "owner": "key-1", "transaction_hash": "", )"
                      R"("trader_side": "TAKER", "maker_orders": [)",
                      makers, "]}");
}

TEST_F(ClobVenueTest, TradesOfOrderFollowsTheCursorAndKeepsTradesNamingTheHash) {
  std::string upper = "0x" + absl::AsciiStrToUpper(std::string(kHash).substr(2));
  transport_.Answer(
      200, TradesPage(absl::StrCat(Trade("t-1", kHash), ",", Trade("t-2", "0x1", Maker("0x2"))),
                      "Mg=="));
  transport_.Answer(
      200, TradesPage(Trade("t-3", "0x1", absl::StrCat(Maker("0x2"), ",", Maker(upper))), "LTE="));
  auto ids =
      venue_->TradesOfOrder(kHash, "7", absl::FromUnixSeconds(1780000000), In(absl::Seconds(5)));
  ASSERT_THAT(ids, IsOk());
  EXPECT_THAT(*ids, ElementsAre("t-1", "t-3"));
  ASSERT_THAT(transport_.requests, SizeIs(2));
  EXPECT_EQ(transport_.requests[0].url,
            "https://clob.test/data/trades?asset_id=7&after=1780000000&next_cursor=MA%3D%3D");
  EXPECT_EQ(transport_.requests[1].url,
            "https://clob.test/data/trades?asset_id=7&after=1780000000&next_cursor=Mg%3D%3D");
  // The query is not part of the signed path.
  EXPECT_EQ(Header(transport_.requests[1], "POLY_SIGNATURE"),
            *L2Signature(kSecret, 1780452718, "GET", "/data/trades", ""));
}

TEST_F(ClobVenueTest, TradesOfOrderReadsTradesAsListFillsDoes) {
  transport_.Answer(200,
                    TradesPage(Trade("t-1", kHash, "", R"("price": "1.5", "size": "10")"), "LTE="));
  EXPECT_THAT(venue_->TradesOfOrder(kHash, "7", absl::UnixEpoch(), In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kInternal, AllOf(HasSubstr("t-1"), HasSubstr("price"))));
}

TEST_F(ClobVenueTest, TradesOfOrderStopsOnARepeatingCursor) {
  transport_.Answer(200, TradesPage("", "Mg=="));
  transport_.Answer(200, TradesPage("", "Mg=="));
  EXPECT_THAT(venue_->TradesOfOrder(kHash, "7", absl::UnixEpoch(), In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("repeats")));
}

TEST_F(ClobVenueTest, BalanceAllowanceReadsBaseUnitsWithLowerCaseSpenders) {
  transport_.Answer(
      200, R"({"balance": "25000000", "allowances": {)"
           R"("0xC5d563A36AE78145C45a50134d48A1215220f80a": "1000000", )"
           R"("0xE111180000d2663C0091e4f400237545B87B996B": )"
           R"("115792089237316195423570985008687907853269984665640564039457584007913129639935"}})");
  auto balance = venue_->GetBalanceAllowance(AssetType::kConditional, "123", In(absl::Seconds(5)));
  ASSERT_THAT(balance, IsOk());
  EXPECT_EQ(balance->balance, 25'000'000);
  EXPECT_EQ(balance->allowances.at("0xc5d563a36ae78145c45a50134d48a1215220f80a"), 1'000'000);
  EXPECT_EQ(balance->allowances.at("0xe111180000d2663c0091e4f400237545b87b996b"),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(transport_.requests[0].url,
            "https://clob.test/balance-allowance?asset_type=CONDITIONAL&token_id=123&"
            "signature_type=2");
  transport_.Answer(200, R"({"balance": "1.5"})");
  EXPECT_THAT(venue_->GetBalanceAllowance(AssetType::kCollateral, "", In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("/balance-allowance")));
  EXPECT_EQ(transport_.requests[1].url,
            "https://clob.test/balance-allowance?asset_type=COLLATERAL&signature_type=2");
}

L1Auth Auth() { return {"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0xsig", "10000000", "0"}; }

TEST_F(ClobVenueTest, DeriveFallsBackToCreateWhenTheVenueHasNoKey) {
  transport_.Answer(400, R"({"error": "Could not derive api key!"})");
  transport_.Answer(
      200, absl::StrCat(R"({"apiKey": "k-2", "secret": ")", kSecret, R"(", "passphrase": "p-2"})"));
  auto key = venue_->DeriveOrCreateApiKey(Auth());
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->api_key, "k-2");
  EXPECT_EQ(key->secret, kSecret);
  ASSERT_THAT(transport_.requests, SizeIs(2));
  EXPECT_EQ(transport_.requests[0].method, "GET");
  EXPECT_EQ(transport_.requests[0].url, "https://clob.test/auth/derive-api-key");
  EXPECT_EQ(transport_.requests[1].method, "POST");
  EXPECT_EQ(transport_.requests[1].url, "https://clob.test/auth/api-key");
  EXPECT_EQ(Header(transport_.requests[1], "POLY_NONCE"), "0");
  EXPECT_EQ(Header(transport_.requests[1], "POLY_TIMESTAMP"), "10000000");
  EXPECT_EQ(Header(transport_.requests[1], "POLY_SIGNATURE"), "0xsig");
}

TEST_F(ClobVenueTest, DeriveReportsARefusedL1SignatureWithTheVenuesText) {
  transport_.Answer(401, R"({"error": "Invalid L1 Request headers"})");
  EXPECT_THAT(venue_->DeriveOrCreateApiKey(Auth()),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       AllOf(HasSubstr("Invalid L1 Request headers"), HasSubstr("0xf39F"))));
}

TEST_F(ClobVenueTest, AnIncompleteKeyAnswerNeverQuotesTheSecret) {
  transport_.Answer(200, absl::StrCat(R"({"apiKey": "k-2", "secret": ")", kSecret, R"("})"));
  transport_.Answer(200, absl::StrCat(R"({"apiKey": "k-2", "secret": ")", kSecret, "\""));
  for (int i = 0; i < 2; ++i) {
    EXPECT_THAT(venue_->DeriveOrCreateApiKey(Auth()),
                StatusIs(absl::StatusCode::kInternal, Not(HasSubstr(kSecret))));
  }
}

TEST_F(ClobVenueTest, NoErrorTextOrResultCarriesTheSecretOrPassphrase) {
  transport_.Answer(400, R"({"error": "bad"})");
  transport_.Fail(absl::DeadlineExceededError("timeout"));
  transport_.Answer(500, "");
  for (int i = 0; i < 3; ++i) {
    PostResult r = PostOne();
    EXPECT_THAT(r.error, AllOf(Not(HasSubstr(kSecret)), Not(HasSubstr("pass-1"))));
    EXPECT_THAT(r.reason, AllOf(Not(HasSubstr(kSecret)), Not(HasSubstr("pass-1"))));
  }
  venue_->SetCredentials({"key-1", "not*base64!", "pass-1"}, "0xabc");
  PostResult r = PostOne();
  EXPECT_EQ(r.outcome, PostOutcome::kNotAccepted);
  EXPECT_THAT(r.error, AllOf(HasSubstr("not base64"), Not(HasSubstr("not*base64!"))));
}

// An OpenOrder as /data/orders lists it.
std::string OpenOrder(const std::string& id, const std::string& size_matched = "0",
                      const std::string& status = "ORDER_STATUS_LIVE") {
  return absl::StrCat(R"({"id": ")", id, R"(", "status": ")", status,
                      R"(", "owner": "key-1", "maker_address": "0xm", "market": "0xc0", )"
                      R"("asset_id": "7", "side": "BUY", "original_size": "10", )"
                      R"("size_matched": ")",
                      size_matched,
                      R"(", "price": "0.45", "associate_trades": [], "outcome": "Yes", )"
                      R"("created_at": 1780452000, "expiration": "0", "order_type": "GTC"})");
}

std::string OrdersPage(const std::vector<std::string>& orders, const std::string& next) {
  return absl::StrCat(R"({"data": [)", absl::StrJoin(orders, ","), R"(], "next_cursor": ")", next,
                      R"(", "limit": 2, "count": )", orders.size(), "}");
}

// A distinct order hash per n.
std::string HashOf(int n) {
  return absl::StrCat("0x", std::string(56, 'a'), absl::Hex(n, absl::kZeroPad8));
}

std::vector<std::string> Ids(const std::vector<VenueOrder>& orders) {
  std::vector<std::string> ids;
  ids.reserve(orders.size());
  for (const VenueOrder& o : orders) ids.push_back(o.id);
  return ids;
}

TEST_F(ClobVenueTest, ListOpenOrdersFollowsTheCursorFromFirstToLastPage) {
  transport_.Answer(200, OrdersPage({OpenOrder(HashOf(1)), OpenOrder(HashOf(2))}, "MQ=="));
  transport_.Answer(503, "");  // retried, as every read is
  transport_.Answer(200, OrdersPage({OpenOrder(HashOf(3), "2.5", "LIVE"),
                                     OpenOrder(absl::AsciiStrToUpper(HashOf(4)))},
                                    "Mg=="));
  // The list moved between pages: order 1 is listed again, now partly filled.
  transport_.Answer(200, OrdersPage({OpenOrder(HashOf(1), "4")}, "LTE="));
  auto orders = venue_->ListOpenOrders(In(absl::Seconds(30)));
  ASSERT_THAT(orders, IsOk());
  // Ids come back lower case (the venue wrote order 4's in upper case), each once.
  std::string four = "0x" + absl::AsciiStrToLower(HashOf(4).substr(2));
  EXPECT_THAT(Ids(*orders), ElementsAre(HashOf(1), HashOf(2), HashOf(3), four));
  EXPECT_EQ((*orders)[0].size_matched, 4'000'000);
  EXPECT_EQ((*orders)[0].status, "LIVE");
  EXPECT_EQ((*orders)[2].size_matched, 2'500'000);
  EXPECT_EQ((*orders)[2].original_size, 10'000'000);
  EXPECT_EQ((*orders)[2].price, 450'000);
  EXPECT_THAT(sleeps_, ElementsAre(absl::Seconds(1)));
  ASSERT_THAT(transport_.requests, SizeIs(4));
  EXPECT_EQ(transport_.requests[0].url, "https://clob.test/data/orders?next_cursor=MA%3D%3D");
  EXPECT_EQ(transport_.requests[2].url, "https://clob.test/data/orders?next_cursor=MQ%3D%3D");
  EXPECT_EQ(transport_.requests[3].url, "https://clob.test/data/orders?next_cursor=Mg%3D%3D");
  EXPECT_EQ(Header(transport_.requests[0], "POLY_SIGNATURE"),
            *L2Signature(kSecret, 1780452718, "GET", "/data/orders", ""));
}

TEST_F(ClobVenueTest, ListOpenOrdersStopsAVenueWhosePagesLoop) {
  transport_.Answer(200, OrdersPage({OpenOrder(HashOf(1))}, "MQ=="));
  transport_.Answer(200, OrdersPage({OpenOrder(HashOf(2))}, "MA=="));
  EXPECT_THAT(
      venue_->ListOpenOrders(In(absl::Seconds(30))),
      StatusIs(absl::StatusCode::kInternal,
               AllOf(HasSubstr("GET /data/orders"), HasSubstr("MA=="), HasSubstr("repeats"))));
  EXPECT_THAT(transport_.requests, SizeIs(2));
}

TEST_F(ClobVenueTest, ListOpenOrdersStopsACursorThatNeverEnds) {
  options_.max_pages = 3;
  ClobVenue venue(options_, transport_, clock_);
  venue.SetCredentials({"key-1", kSecret, "pass-1"}, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  for (int i = 0; i < 5; ++i) transport_.Answer(200, OrdersPage({}, absl::StrCat("c-", i)));
  EXPECT_THAT(venue.ListOpenOrders(In(absl::Seconds(30))),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("more than 3 pages")));
  EXPECT_THAT(transport_.requests, SizeIs(3));
}

TEST_F(ClobVenueTest, ListOpenOrdersLeavesOutAnOrderItCannotRead) {
  // One odd entry (perhaps not even an order of the OMS's) does not hide the others: an order of
  // ours missing from the list is read back by its hash.
  transport_.Answer(200, OrdersPage({OpenOrder(HashOf(1)), absl::StrCat(R"({"id": ")", HashOf(2),
                                                                        R"(", "status": "LIVE", )"
                                                                        R"("side": "HOLD"})")},
                                    "LTE="));
  auto orders = venue_->ListOpenOrders(In(absl::Seconds(30)));
  ASSERT_THAT(orders, IsOk());
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ((*orders)[0].id, HashOf(1));
}

TEST_F(ClobVenueTest, ListFillsReadsTakerAndMakerFillsOfOurOrdersOnly) {
  const std::string a = HashOf(1), b = HashOf(2), c = HashOf(3);
  // Page one: our order a took (its id in upper case); t-2 is none of ours.
  transport_.Answer(
      200, TradesPage(absl::StrCat(Trade("t-1", "0x" + absl::AsciiStrToUpper(a.substr(2)), "",
                                         R"("price": "0.55", "size": "10", "fee_rate_bps": "")",
                                         "TRADE_STATUS_CONFIRMED"),
                                   ",", Trade("t-2", HashOf(9), Maker(HashOf(8)))),
                      "MQ=="));
  // Page two: b and c rested and were both hit by one taker; b matched through the complement
  // token 8 (a BUY against the taker's BUY of 7), beside another account's entry.
  std::string makers = absl::StrCat(
      Maker(b, R"("asset_id": "8", "side": "BUY", "matched_amount": "4.5", "price": "0.45", )"
               R"("fee_rate_bps": "0")"),
      ",", Maker(HashOf(8)), ",",
      Maker(c, R"("asset_id": "7", "side": "SELL", "matched_amount": "2", "price": "0.55", )"
               R"("fee_rate_bps": 20)"));
  std::string t3 = Trade("t-3", HashOf(9), makers, R"("price": "0.55", "size": "6.5")");
  absl::StrReplaceAll({{R"("match_time": "1780452000")", R"("match_time": 1780452100)"},
                       {R"("transaction_hash": "")", R"("transaction_hash": "0xtx")"}},
                      &t3);
  transport_.Answer(200, TradesPage(t3, "LTE="));

  auto fills =
      venue_->ListFills({a, b, c}, absl::FromUnixSeconds(1780000000), In(absl::Seconds(30)));
  ASSERT_THAT(fills, IsOk());
  ASSERT_THAT(*fills, SizeIs(3));
  const VenueFill& taker = (*fills)[0];
  EXPECT_EQ(taker.trade_id, "t-1");
  EXPECT_EQ(taker.order_id, a);
  EXPECT_FALSE(taker.maker);
  EXPECT_EQ(taker.asset_id, "7");
  EXPECT_EQ(taker.side, domain::Side::kBuy);
  EXPECT_EQ(taker.shares, 10'000'000);
  EXPECT_EQ(taker.price, 550'000);
  EXPECT_EQ(taker.fee_rate_bps, std::nullopt);  // "" is unknown, not 0
  EXPECT_EQ(taker.status, "CONFIRMED");
  EXPECT_EQ(taker.match_time, 1780452000);
  const VenueFill& complement = (*fills)[1];
  EXPECT_EQ(complement.trade_id, "t-3");
  EXPECT_EQ(complement.order_id, b);
  EXPECT_TRUE(complement.maker);
  EXPECT_EQ(complement.asset_id, "8");
  EXPECT_EQ(complement.side, domain::Side::kBuy);
  EXPECT_EQ(complement.shares, 4'500'000);
  EXPECT_EQ(complement.price, 450'000);
  EXPECT_EQ(complement.fee_rate_bps, std::optional<int64_t>(0));
  EXPECT_EQ(complement.status, "MATCHED");
  EXPECT_EQ(complement.transaction_hash, "0xtx");
  EXPECT_EQ(complement.match_time, 1780452100);
  const VenueFill& same = (*fills)[2];
  EXPECT_EQ(same.order_id, c);
  EXPECT_TRUE(same.maker);
  EXPECT_EQ(same.asset_id, "7");
  EXPECT_EQ(same.side, domain::Side::kSell);
  EXPECT_EQ(same.shares, 2'000'000);
  EXPECT_EQ(same.fee_rate_bps, std::optional<int64_t>(20));

  ASSERT_THAT(transport_.requests, SizeIs(2));
  EXPECT_EQ(transport_.requests[0].url,
            "https://clob.test/data/trades?after=1780000000&next_cursor=MA%3D%3D");
  EXPECT_EQ(transport_.requests[1].url,
            "https://clob.test/data/trades?after=1780000000&next_cursor=MQ%3D%3D");
  EXPECT_EQ(Header(transport_.requests[1], "POLY_SIGNATURE"),
            *L2Signature(kSecret, 1780452718, "GET", "/data/trades", ""));
}

TEST_F(ClobVenueTest, ListFillsRefusesABadFillOfOursNamingTheTrade) {
  const std::string ours = HashOf(1);
  const std::string bad_fields[] = {
      R"("price": "1.5", "size": "10")", R"("price": "0", "size": "10")",
      R"("price": "abc", "size": "10")", R"("price": "0.5", "size": "0")",
      R"("price": "0.5", "size": "-1")", R"("price": "0.5")",
      R"("price": 0.5, "size": [1])",    R"("price": "0.5", "size": "1", "fee_rate_bps": "x")"};
  for (const std::string& fields : bad_fields) {
    transport_.Answer(200, TradesPage(Trade("t-bad", ours, "", fields), "LTE="));
    EXPECT_THAT(venue_->ListFills({ours}, absl::UnixEpoch(), In(absl::Seconds(5))),
                StatusIs(absl::StatusCode::kInternal,
                         AllOf(HasSubstr("GET /data/trades"), HasSubstr("trade t-bad"))))
        << fields;
  }
  // A bad maker entry of ours is named by its place in the trade.
  transport_.Answer(
      200, TradesPage(Trade("t-m", HashOf(9),
                            Maker(ours, R"("asset_id": "7", "side": "SELL", "price": "0.5")")),
                      "LTE="));
  EXPECT_THAT(venue_->ListFills({ours}, absl::UnixEpoch(), In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kInternal, AllOf(HasSubstr("trade t-m: maker_orders[0]"),
                                                          HasSubstr("matched_amount"))));
  // A trade of ours without an id cannot be counted once: refused. Another's is not ours to judge.
  transport_.Answer(200, TradesPage(Trade("", ours), "LTE="));
  EXPECT_THAT(venue_->ListFills({ours}, absl::UnixEpoch(), In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("without an id")));
  transport_.Answer(200, TradesPage(Trade("", HashOf(9)), "LTE="));
  EXPECT_THAT(venue_->ListFills({ours}, absl::UnixEpoch(), In(absl::Seconds(5))), IsOk());
  // A fee rate above 100% is no rate.
  transport_.Answer(
      200,
      TradesPage(Trade("t-f", ours, "", R"("price": "0.5", "size": "1", "fee_rate_bps": "99999")"),
                 "LTE="));
  EXPECT_THAT(venue_->ListFills({ours}, absl::UnixEpoch(), In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("outside 0..10000")));
  // Another account's odd numbers are not ours to judge.
  transport_.Answer(200, TradesPage(Trade("t-x", HashOf(9), Maker(HashOf(8), R"("price": "7")"),
                                          R"("price": "2", "size": "-4")"),
                                    "LTE="));
  auto none = venue_->ListFills({ours}, absl::UnixEpoch(), In(absl::Seconds(5)));
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(*none, IsEmpty());
}

TEST_F(ClobVenueTest, ListFillsCountsATradeListedTwiceOnce) {
  transport_.Answer(200, TradesPage(Trade("t-1", kHash), "MQ=="));
  transport_.Answer(200, TradesPage(Trade("t-1", kHash), "LTE="));
  auto fills = venue_->ListFills({kHash}, absl::UnixEpoch(), In(absl::Seconds(5)));
  ASSERT_THAT(fills, IsOk());
  EXPECT_THAT(*fills, SizeIs(1));
}

TEST_F(ClobVenueTest, ListFillsOfNoOrdersAsksNothing) {
  auto fills = venue_->ListFills({}, absl::UnixEpoch(), In(absl::Seconds(5)));
  ASSERT_THAT(fills, IsOk());
  EXPECT_THAT(*fills, IsEmpty());
  EXPECT_THAT(transport_.requests, IsEmpty());
}

std::vector<std::string> BodyIds(const market::HttpRequest& r) {
  std::vector<std::string> ids;
  absl::StatusOr<JsonValue> doc = ParseJson(r.body);
  if (!doc.ok() || !doc->is_array()) return ids;
  for (const JsonValue& id : doc->items) ids.push_back(id.text);
  return ids;
}

TEST_F(ClobVenueTest, CancelOrdersSendsAtMost3000IdsARequestAndMergesTheAnswers) {
  std::vector<std::string> hashes;
  hashes.reserve(3001);
  for (int i = 0; i < 3001; ++i) hashes.push_back(HashOf(i));
  transport_.Answer(
      200, absl::StrCat(R"({"canceled": [")", absl::AsciiStrToUpper(HashOf(0)), R"(", ")",
                        HashOf(1), R"("], "not_canceled": {")", HashOf(2),
                        R"(": "order can't be found - already )", R"(canceled or matched"}})"));
  transport_.Answer(200, absl::StrCat(R"({"canceled": [], "notCanceled": {")", HashOf(3000),
                                      R"(": "already canceled or matched"}})"));
  auto answer = venue_->CancelOrders(hashes, In(absl::Seconds(30)));
  ASSERT_THAT(answer, IsOk());
  EXPECT_THAT(answer->canceled,
              ElementsAre("0x" + absl::AsciiStrToLower(HashOf(0).substr(2)), HashOf(1)));
  EXPECT_EQ(answer->not_canceled.size(), 2u);
  EXPECT_EQ(answer->not_canceled.at(HashOf(2)),
            "order can't be found - already canceled or matched");
  EXPECT_EQ(answer->not_canceled.at(HashOf(3000)), "already canceled or matched");

  ASSERT_THAT(transport_.requests, SizeIs(2));
  for (const market::HttpRequest& r : transport_.requests) {
    EXPECT_EQ(r.method, "DELETE");
    EXPECT_EQ(r.url, "https://clob.test/orders");
    EXPECT_EQ(Header(r, "POLY_SIGNATURE"),
              *L2Signature(kSecret, 1780452718, "DELETE", "/orders", r.body));
  }
  std::vector<std::string> first = BodyIds(transport_.requests[0]);
  ASSERT_THAT(first, SizeIs(3000));
  EXPECT_EQ(first.front(), HashOf(0));
  EXPECT_EQ(first.back(), HashOf(2999));
  EXPECT_THAT(BodyIds(transport_.requests[1]), ElementsAre(HashOf(3000)));
}

TEST_F(ClobVenueTest, CancelOrdersSendsNothingForNoIdsOrABadOne) {
  auto none = venue_->CancelOrders({}, In(absl::Seconds(30)));
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(none->canceled, IsEmpty());
  EXPECT_THAT(venue_->CancelOrders({kHash, "0x12\"]"}, In(absl::Seconds(30))),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not an order hash")));
  EXPECT_THAT(transport_.requests, IsEmpty());
  // The same id twice, in two cases, is sent once.
  transport_.Answer(200, R"({"canceled": [], "not_canceled": {}})");
  ASSERT_THAT(
      venue_->CancelOrders({kHash, "0x" + absl::AsciiStrToUpper(std::string(kHash).substr(2))},
                           In(absl::Seconds(30))),
      IsOk());
  ASSERT_THAT(transport_.requests, SizeIs(1));
  EXPECT_THAT(BodyIds(transport_.requests[0]), ElementsAre(kHash));
}

TEST_F(ClobVenueTest, CancelAllSendsNoBodyAndRetriesARestartWindow) {
  transport_.Answer(425, "");
  transport_.Fail(absl::UnavailableError("refused"));
  transport_.Answer(200, absl::StrCat(R"({"canceled": [")", kHash, R"("], "not_canceled": {}})"));
  auto answer = venue_->CancelAll(In(absl::Seconds(30)));
  ASSERT_THAT(answer, IsOk());
  EXPECT_THAT(answer->canceled, ElementsAre(kHash));
  EXPECT_THAT(sleeps_, ElementsAre(absl::Seconds(1), absl::Seconds(2)));
  ASSERT_THAT(transport_.requests, SizeIs(3));
  const market::HttpRequest& last = transport_.requests[2];
  EXPECT_EQ(last.method, "DELETE");
  EXPECT_EQ(last.url, "https://clob.test/cancel-all");
  EXPECT_EQ(last.body, "");
  // Signed afresh at the time of the attempt.
  EXPECT_EQ(Header(last, "POLY_SIGNATURE"),
            *L2Signature(kSecret, 1780452718 + 3, "DELETE", "/cancel-all", ""));
}

TEST_F(ClobVenueTest, CancelsReportTheVenuesRefusalAndAMalformedAnswer) {
  transport_.Answer(400, R"({"error": "Invalid order payload"})");
  EXPECT_THAT(venue_->CancelOrders({kHash}, In(absl::Seconds(30))),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("DELETE /orders"), HasSubstr("Invalid order payload"))));
  transport_.Answer(200, R"({"canceled": "all"})");
  EXPECT_THAT(venue_->CancelAll(In(absl::Seconds(30))),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("DELETE /cancel-all")));
  for (int i = 0; i < 10; ++i) transport_.Answer(503, "");
  EXPECT_THAT(venue_->CancelAll(In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("DELETE /cancel-all")));
}

TEST_F(ClobVenueTest, CancelOrderIsTrueOnlyWhenTheVenueListsItAsCanceled) {
  transport_.Answer(200, absl::StrCat(R"({"canceled": [")", absl::AsciiStrToUpper(kHash),
                                      R"("], "not_canceled": {}})"));
  transport_.Answer(200, absl::StrCat(R"({"canceled": [], "notCanceled": {")", kHash,
                                      R"(": "already canceled or matched"}})"));
  transport_.Answer(404, R"({"error": "not found"})");
  for (bool expected : {true, false, false}) {
    absl::StatusOr<bool> cancelled = venue_->CancelOrder(kHash, In(absl::Seconds(5)));
    ASSERT_THAT(cancelled, IsOk());
    EXPECT_EQ(*cancelled, expected);
  }
  ASSERT_THAT(transport_.requests, SizeIs(3));
  EXPECT_EQ(transport_.requests[0].url, "https://clob.test/order");
  EXPECT_EQ(transport_.requests[0].body, absl::StrCat(R"({"orderID":")", kHash, R"("})"));
}

}  // namespace
}  // namespace betteroms::venue
