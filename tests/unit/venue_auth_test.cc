// The venue client's pure parts: POLY_SIGNATURE and the POST /order body against the vectors,
// the credentials file, status spellings and the trader's sentences.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "oms-server/venue/credentials.h"
#include "oms-server/venue/l2_auth.h"
#include "oms-server/venue/venue.h"
#include "oms-server/venue/venue_errors.h"
#include "tests/support/process.h"
#include "tests/support/status_matchers.h"
#include "tests/support/vectors.h"

namespace betteroms::venue {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

int64_t Int(const JsonValue* v) { return std::stoll(v->text); }

TEST(L2Signature, MatchesEveryHmacVector) {
  JsonValue doc = test::LoadVectors("hmac.json");
  const JsonValue* vectors = doc.Find("vectors");
  ASSERT_NE(vectors, nullptr);
  ASSERT_GE(vectors->items.size(), 10u);
  for (const JsonValue& v : vectors->items) {
    SCOPED_TRACE(v.StringOr("id"));
    const JsonValue* body = v.Find("body");
    auto signature =
        L2Signature(v.StringOr("secret"), Int(v.Find("timestamp")), v.StringOr("method"),
                    v.StringOr("requestPath"), body->is_null() ? "" : body->text);
    ASSERT_THAT(signature, IsOk());
    EXPECT_EQ(*signature, v.StringOr("expected"));
  }
}

TEST(L2Signature, RefusesASecretOutsideBothAlphabetsWithoutQuotingIt) {
  auto signature = L2Signature("abc!defg-not*base64", 1, "GET", "/x", "");
  EXPECT_THAT(signature, StatusIs(absl::StatusCode::kInvalidArgument,
                                  AllOf(HasSubstr("not base64"), Not(HasSubstr("abc!")))));
  EXPECT_FALSE(IsBase64Secret("a"));
  EXPECT_TRUE(IsBase64Secret("CzBVep_E6Q4zWH2ix-wRNluApcrvFDleg6jN8hc8YYY"));
}

TEST(L2Headers, CarryTheSignerAddressKeyAndPassphraseBesideTheSignature) {
  ApiCredentials creds{"key-1", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "pass-1"};
  auto headers =
      L2Headers(creds, "0xSigner", 1000000, "test-sign", "/orders", "{\"hash\": \"0x123\"}");
  ASSERT_THAT(headers, IsOk());
  EXPECT_THAT(*headers,
              ElementsAre(Pair("POLY_ADDRESS", "0xSigner"),
                          Pair("POLY_SIGNATURE", "ZwAdJKvoYRlEKDkNMwd5BuwNNtg93kNaR_oU2HrfVvc="),
                          Pair("POLY_TIMESTAMP", "1000000"), Pair("POLY_API_KEY", "key-1"),
                          Pair("POLY_PASSPHRASE", "pass-1")));
}

WireOrder FromVector(const JsonValue& v) {
  const JsonValue& o = *v.Find("signedOrder");
  WireOrder w;
  w.salt = o.Find("salt")->text;
  w.maker = o.StringOr("maker");
  w.signer = o.StringOr("signer");
  w.token_id = o.StringOr("tokenId");
  w.maker_amount = std::stoll(o.StringOr("makerAmount"));
  w.taker_amount = std::stoll(o.StringOr("takerAmount"));
  w.side = *domain::ParseSide(o.StringOr("side"));
  w.signature_type = static_cast<int>(Int(o.Find("signatureType")));
  w.timestamp_ms = o.StringOr("timestamp");
  w.expiration = o.StringOr("expiration");
  w.metadata = o.StringOr("metadata");
  w.builder = o.StringOr("builder");
  w.signature = o.StringOr("signature");
  w.order_type = *domain::ParseTimeInForce(v.StringOr("orderType"));
  w.post_only = v.Find("postOnly")->boolean;
  w.defer_exec = v.Find("deferExec")->boolean;
  return w;
}

TEST(OrderBodyJson, EqualsClobClientV2ByteForByteAndSignsToItsHmac) {
  JsonValue doc = test::LoadVectors("post-order-body.json");
  const JsonValue* vectors = doc.Find("vectors");
  ASSERT_NE(vectors, nullptr);
  ASSERT_GE(vectors->items.size(), 4u);
  for (const JsonValue& v : vectors->items) {
    SCOPED_TRACE(v.StringOr("id"));
    const JsonValue& expected = *v.Find("expected");
    std::string body = OrderBodyJson(FromVector(v), v.StringOr("owner"));
    EXPECT_EQ(body, expected.StringOr("body"));
    auto signature = L2Signature(expected.StringOr("hmacSecret"),
                                 Int(expected.Find("hmacTimestamp")), "POST", "/order", body);
    ASSERT_THAT(signature, IsOk());
    EXPECT_EQ(*signature, expected.StringOr("POLY_SIGNATURE"));
  }
}

TEST(ParseVenueStatus, StripsThePrefixAndKeepsTheReasonAfterTheLongestKnownStatus) {
  EXPECT_THAT(ParseVenueStatus("ORDER_STATUS_CANCELED_MARKET_RESOLVED_foo"),
              Pair("CANCELED_MARKET_RESOLVED", "foo"));
  EXPECT_THAT(ParseVenueStatus("ORDER_STATUS_CANCELED_MARKET_RESOLVED"),
              Pair("CANCELED_MARKET_RESOLVED", ""));
  EXPECT_THAT(ParseVenueStatus("live"), Pair("LIVE", ""));
  EXPECT_THAT(ParseVenueStatus("CANCELED_heartbeat"), Pair("CANCELED", "heartbeat"));
  EXPECT_THAT(ParseVenueStatus("UNMATCHED_no_liquidity"), Pair("UNMATCHED", "no_liquidity"));
  EXPECT_THAT(ParseVenueStatus("ORDER_STATUS_MATCHED"), Pair("MATCHED", ""));
  EXPECT_THAT(ParseVenueStatus("delayed"), Pair("DELAYED", ""));
  EXPECT_THAT(ParseVenueStatus("INVALID"), Pair("INVALID", ""));
  // Trade statuses, with and without TRADE_STATUS_.
  EXPECT_THAT(ParseVenueStatus("TRADE_STATUS_CONFIRMED"), Pair("CONFIRMED", ""));
  EXPECT_THAT(ParseVenueStatus("MATCHED_NOT_BROADCASTED"), Pair("MATCHED_NOT_BROADCASTED", ""));
  EXPECT_THAT(ParseVenueStatus("mined"), Pair("MINED", ""));
  // A status that only starts like a known one is not it; an unknown one comes back upper-cased.
  EXPECT_THAT(ParseVenueStatus("LIVELY"), Pair("LIVELY", ""));
  EXPECT_THAT(ParseVenueStatus(""), Pair("", ""));
}

TEST(TraderReason, GivesASentenceForEveryKnownVenueString) {
  constexpr char kFakKilled[] =
      "no orders found to match with FAK order. FAK orders are partially filled or killed if no "
      "match is found.";
  // The venue's own messages, some long enough to span lines.
  // NOLINTBEGIN(bugprone-suspicious-missing-comma)
  for (const char* text : {
           "invalid post-only order: order crosses book",
           "post-only mode: only post-only orders and cancels are allowed",
           "order couldn't be fully filled. FOK orders are fully filled or killed.",
           kFakKilled,
           "not enough balance / allowance",
           "the market is not yet ready to process new orders",
           "invalid expiration",
           "invalid nonce",
           "invalid signature",
           "the order signer address has to be the address of the API KEY",
           "maker address not allowed, please use the deposit wallet flow",
           "order_version_mismatch",
           "order is invalid. Duplicated.",
           "INVALID_ORDER_MIN_SIZE",
           "Size (1.08) lower than the minimum: 5",
           "order is invalid. Price breaks minimum tick size rules",
           "invalid amounts, the taker amount for a $0.22 order of size 19.69 should be '4.3318' "
           "but the value submited is '4.33'",
           "Trading is currently cancel-only. New orders are not accepted, but cancels are "
           "allowed.",
           "Trading is currently disabled. Check polymarket.com for updates",
           "Invalid L1 Request headers",
           "Unauthorized/Invalid api key",
           "status unmatched",
           "unmatched",
       }) {
    // NOLINTEND(bugprone-suspicious-missing-comma)
    SCOPED_TRACE(text);
    std::string reason = TraderReason(text);
    EXPECT_NE(reason, text);
    EXPECT_TRUE(reason.back() == '.') << reason;
  }
  EXPECT_THAT(TraderReason("not enough balance / allowance for the trade"), HasSubstr("balance"));
  EXPECT_THAT(TraderReason("invalid post-only order: order crosses book"), HasSubstr("crossed"));
  EXPECT_EQ(TraderReason("something new from the venue"), "something new from the venue");
}

constexpr char kSecret[] = "c2VjcmV0LXRoYXQtbXVzdC1uZXZlci1sZWFr";

TEST(LoadCredentials, ReadsAFileOnlyItsOwnerCanRead) {
  test::TempDir dir;
  dir.Write("creds.json",
            absl::StrCat(R"({"apiKey": "k", "secret": ")", kSecret, R"(", "passphrase": "p"})"),
            0600);
  auto creds = LoadCredentials(dir.File("creds.json"));
  ASSERT_THAT(creds, IsOk());
  EXPECT_EQ(creds->api_key, "k");
  EXPECT_EQ(creds->secret, kSecret);
  EXPECT_EQ(creds->passphrase, "p");
}

TEST(LoadCredentials, RefusesAFileGroupOrOthersCanReadNamingItAndItsMode) {
  test::TempDir dir;
  dir.Write("creds.json",
            absl::StrCat(R"({"apiKey": "k", "secret": ")", kSecret, R"(", "passphrase": "p"})"),
            0640);
  EXPECT_THAT(LoadCredentials(dir.File("creds.json")),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr(dir.File("creds.json")), HasSubstr("mode 640"),
                             Not(HasSubstr(kSecret)))));
}

TEST(LoadCredentials, RequiresEveryFieldAndNeverQuotesTheSecret) {
  test::TempDir dir;
  const std::string bad[] = {
      absl::StrCat(R"({"apiKey": "k", "secret": ")", kSecret, R"(", "passphrase": ""})"),
      absl::StrCat(R"({"apiKey": "", "secret": ")", kSecret, R"(", "passphrase": "p"})"),
      absl::StrCat(R"({"secret": ")", kSecret, R"(", "passphrase": "p"})"),
      R"({"apiKey": "k", "secret": "", "passphrase": "p"})",
      absl::StrCat(R"({"apiKey": "k", "secret": ")", kSecret, R"(", "passphrase": 7})"),
      absl::StrCat(R"({"apiKey": "k", "secret": ")", kSecret, R"(" "passphrase": "p"})"),
      absl::StrCat(R"({"apiKey": "k", "secret": ")", kSecret, "*!", R"(", "passphrase": "p"})"),
      absl::StrCat(kSecret, "garbage"),
  };
  for (const std::string& text : bad) {
    SCOPED_TRACE(text);
    dir.Write("creds.json", text, 0600);
    EXPECT_THAT(LoadCredentials(dir.File("creds.json")),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr(dir.File("creds.json")), Not(HasSubstr(kSecret)),
                               Not(HasSubstr("c2VjcmV0")))))
        << text;
  }
  EXPECT_THAT(LoadCredentials(dir.File("missing.json")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing.json")));
}

}  // namespace
}  // namespace betteroms::venue
