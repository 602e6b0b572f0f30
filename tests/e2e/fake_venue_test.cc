// The fake venue over raw HTTP: what it checks (L1, L2, signatures, tick, precision, size,
// balance, duplicates), how it matches against the scripted books, its reads and its faults.
// Requests are signed with the signer's crypto and the well-known test key.
#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <secp256k1.h>

#include <atomic>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/hex.h"
#include "signer/crypto/ecdsa.h"
#include "signer/crypto/eip712.h"
#include "tests/fakes/fake_clob.h"
#include "tests/fakes/fake_venue_order.h"
#include "tests/support/vectors.h"

namespace betteroms::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::SizeIs;
using json = nlohmann::json;

constexpr char kKeyHex[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr char kAddress[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
constexpr char kOtherKeyHex[] = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
constexpr char kApiKey[] = "11111111-2222-4333-8444-555555555555";
constexpr char kSecret[] = "CzBVep_E6Q4zWH2ix-wRNluApcrvFDleg6jN8hc8YYY";
constexpr char kPassphrase[] = "pass-phrase";
constexpr char kToken[] = "7";

struct Reply {
  CURLcode error = CURLE_OK;
  long status = 0;  // NOLINT(google-runtime-int): what CURLINFO_RESPONSE_CODE writes
  std::string body;
  std::map<std::string, std::string> headers;  // names lower case
  json Json() const { return json::parse(body, nullptr, false); }
};

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t CollectHeader(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of("\r\n") + 1);
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

Reply Send(const std::string& method, const std::string& url, const std::string& body,
           const std::map<std::string, std::string>& headers) {
  Reply reply;
  CURL* curl = curl_easy_init();
  curl_slist* list = nullptr;
  for (const auto& [name, value] : headers) {
    std::string line = name;
    line.append(": ").append(value);
    list = curl_slist_append(list, line.c_str());
  }
  list = curl_slist_append(list, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  reply.error = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return reply;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<uint8_t> KeyBytes(const char* hex) { return *FromHex(hex); }

std::string SignHex(const secp256k1_context* ctx, const char* key_hex,
                    const crypto::Hash256& digest) {
  std::vector<uint8_t> key = KeyBytes(key_hex);
  return "0x" + ToHex(*crypto::SignDigest(ctx, key.data(), digest));
}

// An order as a test describes it; amounts in base units.
struct OrderSpec {
  bool buy = true;
  int64_t maker = 0;
  int64_t taker = 0;
  std::string type = "GTC";
  bool post_only = false;
  int64_t expiration = 0;
  uint64_t salt = 1;
  std::string signer = kAddress;  // also the maker; a deposit wallet for type 3
  int signature_type = 0;
  const char* key_hex = kKeyHex;
  std::string token = kToken;
};

class FakeVenueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    ASSERT_TRUE(clob_.Start());
    clob_.venue().AddApiKey({kAddress, kApiKey, kSecret, kPassphrase});
    clob_.venue().SetCollateral(kAddress, int64_t{1000} * 1'000'000);
    ASSERT_TRUE(clob_.SetMarket(VenueClobMarketJson("0xcafe", {{kToken, "Yes"}})));
    SetAsks({{"0.50", "10"}, {"0.55", "20"}});
  }
  void TearDown() override { secp256k1_context_destroy(ctx_); }

  void SetAsks(const std::vector<std::pair<std::string, std::string>>& asks_best_first) {
    clob_.SetBook(kToken, VenueBookJson(kToken, {{"0.40", "50"}}, asks_best_first));
  }

  std::map<std::string, std::string> L2(const std::string& method, const std::string& path,
                                        const std::string& body,
                                        const std::string& secret = kSecret) {
    std::string ts = std::to_string(NowSeconds());
    return {{"POLY_ADDRESS", kAddress},
            {"POLY_SIGNATURE", L2Signature(secret, ts, method, path, body)},
            {"POLY_TIMESTAMP", ts},
            {"POLY_API_KEY", kApiKey},
            {"POLY_PASSPHRASE", kPassphrase}};
  }

  std::map<std::string, std::string> L1(int64_t ts, uint64_t signed_nonce,
                                        const std::string& header_nonce) {
    auto address = *crypto::ParseAddress(kAddress);
    std::string t = std::to_string(ts);
    crypto::Hash256 digest =
        crypto::ClobAuthDigest(137, address, t, crypto::WordFromUint64(signed_nonce));
    return {{"POLY_ADDRESS", kAddress},
            {"POLY_SIGNATURE", SignHex(ctx_, kKeyHex, digest)},
            {"POLY_TIMESTAMP", t},
            {"POLY_NONCE", header_nonce}};
  }

  // Signed request helpers: the path without query is what the HMAC covers.
  Reply Get(const std::string& path_and_query) {
    std::string path = path_and_query.substr(0, path_and_query.find('?'));
    return Send("GET", clob_.url() + path_and_query, "", L2("GET", path, ""));
  }
  Reply Post(const std::string& path, const std::string& body) {
    return Send("POST", clob_.url() + path, body, L2("POST", path, body));
  }

  // The POST /order body in clob-client-v2's key order, signed for the CTF exchange on 137.
  std::string OrderBody(const OrderSpec& spec, std::string* hash = nullptr) {
    crypto::OrderV2 o;
    o.salt = crypto::WordFromUint64(spec.salt);
    o.maker = *crypto::ParseAddress(spec.signer);
    o.signature_type = static_cast<uint8_t>(spec.signature_type);
    o.signer = *crypto::ParseAddress(spec.signer);
    o.token_id = *crypto::ParseUint256(spec.token);
    o.maker_amount = crypto::WordFromUint64(static_cast<uint64_t>(spec.maker));
    o.taker_amount = crypto::WordFromUint64(static_cast<uint64_t>(spec.taker));
    o.side = spec.buy ? 0 : 1;
    o.timestamp = crypto::WordFromUint64(1780452718728);
    crypto::ExchangeDomain domain = *crypto::DomainFor(crypto::Exchange::kCtfV2, 137);
    crypto::Hash256 separator = crypto::ExchangeDomainSeparator(domain, 137);
    crypto::Hash256 struct_hash = crypto::OrderV2StructHash(o);
    crypto::Hash256 digest = crypto::TypedDataDigest(separator, struct_hash);
    if (hash) *hash = "0x" + ToHex(digest);
    std::string signature = SignHex(ctx_, spec.key_hex, digest);
    if (spec.signature_type == 3) {
      // The owner key signs the ERC-7739 digest; the envelope carries it for the deposit wallet.
      std::vector<uint8_t> key = KeyBytes(spec.key_hex);
      auto inner = *crypto::SignDigest(
          ctx_, key.data(), crypto::Poly1271SigningDigest(separator, struct_hash, 137, o.signer));
      signature = "0x" + ToHex(crypto::Poly1271Envelope(inner, separator, struct_hash));
    }
    std::string zero = "0x" + std::string(64, '0');
    nlohmann::ordered_json order = {{"salt", spec.salt},
                                    {"maker", spec.signer},
                                    {"signer", spec.signer},
                                    {"tokenId", spec.token},
                                    {"makerAmount", std::to_string(spec.maker)},
                                    {"takerAmount", std::to_string(spec.taker)},
                                    {"side", spec.buy ? "BUY" : "SELL"},
                                    {"signatureType", spec.signature_type},
                                    {"timestamp", "1780452718728"},
                                    {"expiration", std::to_string(spec.expiration)},
                                    {"metadata", zero},
                                    {"builder", zero},
                                    {"signature", signature}};
    nlohmann::ordered_json body = {{"deferExec", false},
                                   {"postOnly", spec.post_only},
                                   {"order", order},
                                   {"owner", kApiKey},
                                   {"orderType", spec.type}};
    return body.dump();
  }

  Reply PostOrder(const OrderSpec& spec, std::string* hash = nullptr) {
    return Post("/order", OrderBody(spec, hash));
  }

  // A GTC BUY of `shares` at `price`, both in micro-units.
  static OrderSpec LimitBuy(int64_t shares, int64_t price, uint64_t salt = 1) {
    OrderSpec s;
    s.maker = shares * price / 1'000'000;
    s.taker = shares;
    s.salt = salt;
    return s;
  }

  // A GTC SELL of `shares` at `price`, both in micro-units.
  static OrderSpec LimitSell(int64_t shares, int64_t price, uint64_t salt = 1) {
    OrderSpec s;
    s.buy = false;
    s.maker = shares;
    s.taker = shares * price / 1'000'000;
    s.salt = salt;
    return s;
  }

  json Book() { return json::parse(Send("GET", clob_.url() + "/book?token_id=7", "", {}).body); }

  // A control request; `body` null sends none.
  Reply Control(const std::string& path_and_query, const json& body = nullptr) {
    return Send("POST", clob_.url() + path_and_query, body.is_null() ? "" : body.dump(), {});
  }
  // An external taker on token 7: its answer ({"matched", "trade_id"?}).
  json Take(const std::string& side, int64_t size, std::optional<int64_t> price = std::nullopt) {
    json body = {{"token_id", kToken}, {"side", side}, {"size", std::to_string(size)}};
    if (price) body["price"] = std::to_string(*price);
    Reply r = Control("/_fake/venue/take", body);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }
  Reply SettleTrade(const std::string& trade_id, const std::string& status,
                    const std::string& tx = "") {
    json body = {{"trade_id", trade_id}, {"status", status}};
    if (!tx.empty()) body["transaction_hash"] = tx;
    return Control("/_fake/venue/settle", body);
  }
  // The trade with `id` as the test key's account reads it.
  json TradeById(const std::string& id) {
    json data = Get("/data/trades?id=" + id).Json()["data"];
    EXPECT_THAT(data, SizeIs(1)) << id;
    return data.empty() ? json() : data[0];
  }
  int64_t Collateral() { return clob_.venue().Account(kAddress).collateral; }
  int64_t Shares() { return clob_.venue().Account(kAddress).conditional[kToken]; }
  // The venue's clock, seconds, from now on driven by the test.
  void DriveClock() {
    clock_ = NowSeconds();
    clob_.venue().SetClock([this] { return clock_.load(); });
  }

  secp256k1_context* ctx_ = nullptr;
  std::atomic<int64_t> clock_{0};  // before clob_, which may read it until it stops
  FakeClob clob_;
};

TEST(FakeVenueVectorsTest, HmacMatchesEveryKnownAnswer) {
  JsonValue doc = LoadVectors("hmac.json");
  const JsonValue* vectors = doc.Find("vectors");
  ASSERT_NE(vectors, nullptr);
  ASSERT_FALSE(vectors->items.empty());
  for (const JsonValue& v : vectors->items) {
    const JsonValue* body = v.Find("body");
    EXPECT_EQ(L2Signature(v.StringOr("secret"), v.Find("timestamp")->text, v.StringOr("method"),
                          v.StringOr("requestPath"), body && body->is_string() ? body->text : ""),
              v.StringOr("expected"))
        << v.StringOr("id");
  }
}

TEST(FakeVenueVectorsTest, AcceptsTheClientsExactPostOrderBodies) {
  JsonValue doc = LoadVectors("post-order-body.json");
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  for (const JsonValue& v : doc.Find("vectors")->items) {
    const JsonValue* expected = v.Find("expected");
    std::string body = expected->StringOr("body");
    std::string ts = expected->Find("hmacTimestamp")->text;
    EXPECT_EQ(L2Signature(expected->StringOr("hmacSecret"), ts, "POST", "/order", body),
              expected->StringOr("POLY_SIGNATURE"));
    auto order = ParseOrderPayload(body);
    ASSERT_TRUE(order.ok()) << order.status();
    EXPECT_EQ(order->maker_amount, 11'782'400);
    EXPECT_EQ(order->taker_amount, 21'040'000);
    EXPECT_EQ(OrderTypeName(order->type), v.StringOr("orderType"));
    EXPECT_EQ(order->post_only, v.Find("postOnly")->boolean);
    // The body's signature verifies under exactly one of the V2 exchanges and chains.
    int valid = 0;
    for (uint64_t chain : {137, 80002}) {
      for (bool neg_risk : {false, true}) {
        valid += SignatureValid(ctx, *order, OrderDomain(neg_risk, chain), chain, "") ? 1 : 0;
      }
    }
    EXPECT_EQ(valid, 1) << v.StringOr("id");

    // Sent as is, with the vector's headers, the venue accepts it.
    FakeClob clob;
    ASSERT_TRUE(clob.Start());
    clob.venue().AddApiKey({kAddress, v.StringOr("owner"), expected->StringOr("hmacSecret"), "p"});
    clob.venue().SetCollateral("0x7754536ecd85c00b2E0CF9c1aA679340D8550756", 100'000'000);
    clob.SetBook(order->token_id, VenueBookJson(order->token_id, {}, {{"0.56", "100"}}));
    std::string hash;
    for (uint64_t chain : {137, 80002}) {
      for (bool neg_risk : {false, true}) {
        if (SignatureValid(ctx, *order, OrderDomain(neg_risk, chain), chain, "")) {
          ASSERT_TRUE(clob.venue().SetChainId(chain));
          ASSERT_TRUE(clob.SetMarket(
              VenueClobMarketJson("0xbeef", {{order->token_id, "Yes"}}, "0.01", "5", neg_risk)));
          hash = "0x" + ToHex(OrderHash(*order, OrderDomain(neg_risk, chain), chain));
        }
      }
    }
    Reply r = Send("POST", clob.url() + "/order", body,
                   {{"POLY_ADDRESS", kAddress},
                    {"POLY_SIGNATURE", expected->StringOr("POLY_SIGNATURE")},
                    {"POLY_TIMESTAMP", ts},
                    {"POLY_API_KEY", v.StringOr("owner")},
                    {"POLY_PASSPHRASE", "p"}});
    std::string type = v.StringOr("orderType");
    if (type == "GTD") {
      // Its expiration is in the past by now.
      EXPECT_EQ(r.Json()["error"], "invalid expiration");
    } else if (type == "FOK" || type == "FAK") {
      // Limit-order amounts (maker with 4 decimals) break the market-order precision rule.
      EXPECT_EQ(r.Json()["error"],
                "invalid amounts, the market buy orders maker amount supports a max accuracy of "
                "2 decimals, taker amount a max of 4 decimals");
    } else {
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(r.Json()["orderID"], hash);
      EXPECT_EQ(r.Json()["status"], "matched");  // 21.04 shares at the 0.56 ask
      EXPECT_EQ(r.Json()["takingAmount"], "21.04");
      EXPECT_EQ(r.Json()["makingAmount"], "11.7824");
    }
  }
  secp256k1_context_destroy(ctx);
}

TEST(FakeVenueVectorsTest, VerifiesTheUpstreamDepositWalletSignature) {
  JsonValue doc = LoadVectors("orders-v2.json");
  const JsonValue& v = doc.Find("vectors")->items.at(0);
  ASSERT_EQ(v.StringOr("id"), "v2-amoy-ctf-buy-poly1271");
  nlohmann::ordered_json order;
  for (const JsonValue& m : v.Find("order")->members) {
    if (m.is_number()) {
      order[m.name] = std::stoi(m.text);
    } else {
      order[m.name] = m.text;
    }
  }
  order["signature"] = v.Find("expected")->StringOr("signature");
  nlohmann::ordered_json body = {{"order", order}, {"owner", "k"}, {"orderType", "GTC"}};
  auto parsed = ParseOrderPayload(body.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->signature.size(), 317u);
  crypto::ExchangeDomain domain = OrderDomain(false, 80002);
  EXPECT_EQ("0x" + ToHex(OrderHash(*parsed, domain, 80002)),
            v.Find("expected")->StringOr("digest"));
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::string owner = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
  EXPECT_TRUE(SignatureValid(ctx, *parsed, domain, 80002, owner));
  EXPECT_FALSE(SignatureValid(ctx, *parsed, domain, 80002, "0x" + std::string(40, '2')));
  EXPECT_FALSE(SignatureValid(ctx, *parsed, OrderDomain(true, 80002), 80002, owner));
  parsed->signature[100] ^= 1;  // the envelope's domain separator no longer matches
  EXPECT_FALSE(SignatureValid(ctx, *parsed, domain, 80002, owner));
  secp256k1_context_destroy(ctx);
}

TEST_F(FakeVenueTest, ADepositWalletOrderNeedsTheKeysWalletAndOwner) {
  const char* wallet = "0x1111111111111111111111111111111111111111";
  OrderSpec spec = LimitBuy(10'000'000, 400'000);
  spec.signature_type = 3;
  spec.signer = wallet;
  EXPECT_EQ(PostOrder(spec).Json()["error"],
            "the order signer address has to be the address of the API KEY");
  clob_.venue().AddApiKey({kAddress, kApiKey, kSecret, kPassphrase, "0", wallet});
  clob_.venue().SetCollateral(wallet, 100'000'000);
  Reply r = PostOrder(spec);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "live");
  EXPECT_EQ(Get("/balance-allowance?asset_type=COLLATERAL&signature_type=3").Json()["balance"],
            "100000000");
  spec.salt = 2;
  spec.key_hex = kOtherKeyHex;  // the envelope is right, the owner key is not the key's
  EXPECT_EQ(PostOrder(spec).Json()["error"], "invalid signature");
}

TEST_F(FakeVenueTest, CreatesAndDerivesApiKeysWithClobAuth) {
  int64_t now = NowSeconds();
  Reply created = Send("POST", clob_.url() + "/auth/api-key", "", L1(now, 3, "3"));
  ASSERT_EQ(created.status, 200) << created.body;
  json key = created.Json();
  EXPECT_THAT(key["apiKey"].get<std::string>(), SizeIs(36));
  EXPECT_THAT(key["secret"].get<std::string>(), SizeIs(44));
  EXPECT_FALSE(key["passphrase"].get<std::string>().empty());

  Reply again = Send("POST", clob_.url() + "/auth/api-key", "", L1(now, 3, "3"));
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.Json()["error"], "Could not create api key");
  Reply derived = Send("GET", clob_.url() + "/auth/derive-api-key", "", L1(now, 3, "3"));
  ASSERT_EQ(derived.status, 200);
  EXPECT_EQ(derived.Json(), key);
  Reply none = Send("GET", clob_.url() + "/auth/derive-api-key", "", L1(now, 4, "4"));
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.Json()["error"], "Could not derive api key!");

  // Signed for another nonce than the header names, or too long ago: refused.
  for (const auto& headers : {L1(now, 3, "5"), L1(now - 600, 3, "3")}) {
    Reply bad = Send("POST", clob_.url() + "/auth/api-key", "", headers);
    EXPECT_EQ(bad.status, 401);
    EXPECT_EQ(bad.Json()["error"], "Invalid L1 Request headers");
  }

  // The minted key signs L2 requests.
  std::string ts = std::to_string(now);
  Reply orders =
      Send("GET", clob_.url() + "/data/orders", "",
           {{"POLY_ADDRESS", kAddress},
            {"POLY_SIGNATURE", L2Signature(key["secret"], ts, "GET", "/data/orders", "")},
            {"POLY_TIMESTAMP", ts},
            {"POLY_API_KEY", key["apiKey"]},
            {"POLY_PASSPHRASE", key["passphrase"]}});
  EXPECT_EQ(orders.status, 200) << orders.body;
}

TEST_F(FakeVenueTest, RefusesABadHmacPassphraseOrAddress) {
  std::string body = OrderBody(LimitBuy(10'000'000, 400'000));
  auto bad_secret = L2("POST", "/order", body, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  auto bad_pass = L2("POST", "/order", body);
  bad_pass["POLY_PASSPHRASE"] = "nope";
  auto other_address = L2("POST", "/order", body);
  other_address["POLY_ADDRESS"] = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  auto other_body = L2("POST", "/order", body + " ");
  for (const auto& headers : {bad_secret, bad_pass, other_address, other_body}) {
    Reply r = Send("POST", clob_.url() + "/order", body, headers);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.Json()["error"], "Unauthorized/Invalid api key");
  }
  EXPECT_EQ(clob_.venue().Rejections(), 0);
  // The query string is not part of what the HMAC covers.
  EXPECT_EQ(Get("/data/orders?next_cursor=MA==").status, 200);
}

TEST_F(FakeVenueTest, AGtcBelowTheAskRestsAndReadsBack) {
  std::string hash;
  Reply r = PostOrder(LimitBuy(10'000'000, 450'000), &hash);
  ASSERT_EQ(r.status, 200) << r.body;
  json answer = r.Json();
  EXPECT_EQ(answer["success"], true);
  EXPECT_EQ(answer["orderID"], hash);
  EXPECT_EQ(answer["status"], "live");
  EXPECT_EQ(answer["makingAmount"], "");
  EXPECT_EQ(answer["takingAmount"], "");

  json order = Get("/data/order/" + hash).Json();
  EXPECT_EQ(order["status"], "LIVE");
  EXPECT_EQ(order["original_size"], "10");
  EXPECT_EQ(order["size_matched"], "0");
  EXPECT_EQ(order["price"], "0.45");
  EXPECT_EQ(order["order_type"], "GTC");
  EXPECT_EQ(order["asset_id"], kToken);
  EXPECT_EQ(order["market"], "0xcafe");
  EXPECT_EQ(Get("/data/order/0x" + std::string(64, 'a')).body, "null");
  json open = Get("/data/orders?asset_id=7").Json();
  ASSERT_THAT(open["data"], SizeIs(1));
  EXPECT_EQ(open["next_cursor"], "LTE=");
  EXPECT_EQ(Book()["asks"].size(), 2u);  // untouched
}

TEST_F(FakeVenueTest, AFokWalksTwoLevelsAndConsumesTheBook) {
  // $10.50 at up to 0.55: 10 shares at 0.50, then 10 of the 20 at 0.55.
  OrderSpec fok{true, 10'500'000, 19'090'900, "FOK"};
  std::string hash;
  Reply r = PostOrder(fok, &hash);
  ASSERT_EQ(r.status, 200) << r.body;
  json answer = r.Json();
  EXPECT_EQ(answer["status"], "matched");
  EXPECT_EQ(answer["makingAmount"], "10.5");
  EXPECT_EQ(answer["takingAmount"], "20");
  ASSERT_THAT(answer["tradeIDs"], SizeIs(2));

  json asks = Book()["asks"];
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_EQ(asks[0]["price"], "0.55");
  EXPECT_EQ(asks[0]["size"], "10");

  json trades = Get("/data/trades?asset_id=7").Json()["data"];
  ASSERT_THAT(trades, SizeIs(2));
  EXPECT_EQ(trades[0]["price"], "0.5");
  EXPECT_EQ(trades[0]["size"], "10");
  EXPECT_EQ(trades[1]["price"], "0.55");
  EXPECT_EQ(trades[1]["taker_order_id"], hash);
  EXPECT_EQ(trades[1]["status"], "MATCHED");
  EXPECT_EQ(trades[1]["trader_side"], "TAKER");
  EXPECT_EQ(trades[1]["fee_rate_bps"], "");
  EXPECT_EQ(Get("/data/order/" + hash).Json()["status"], "MATCHED");

  json collateral = Get("/balance-allowance?asset_type=COLLATERAL&signature_type=0").Json();
  EXPECT_EQ(collateral["balance"], "989500000");
  EXPECT_EQ(collateral["allowances"].size(), 2u);
  json shares = Get("/balance-allowance?asset_type=CONDITIONAL&token_id=7").Json();
  EXPECT_EQ(shares["balance"], "20000000");
  EXPECT_EQ(Get("/balance-allowance/update?asset_type=COLLATERAL").body, "\"\"");
}

TEST_F(FakeVenueTest, AFokThatCannotFillIsKilledAndLeavesTheBook) {
  SetAsks({{"0.50", "5"}});
  std::string hash;
  Reply r = PostOrder({true, 10'000'000, 20'000'000, "FOK"}, &hash);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"],
            "order couldn't be fully filled. FOK orders are fully filled or killed.");
  EXPECT_EQ(Book()["asks"][0]["size"], "5");
  EXPECT_EQ(Get("/data/order/" + hash).body, "null");
  EXPECT_EQ(clob_.venue().PostsOf(hash), 1);

  // A FAK keeps what it found; with nothing in reach it is killed.
  Reply fak = PostOrder({true, 10'000'000, 20'000'000, "FAK", false, 0, 2});
  ASSERT_EQ(fak.status, 200) << fak.body;
  EXPECT_EQ(fak.Json()["takingAmount"], "5");
  Reply none = PostOrder({true, 10'000'000, 20'000'000, "FAK", false, 0, 3});
  EXPECT_EQ(none.Json()["error"],
            "no orders found to match with FAK order. FAK orders are partially filled or killed "
            "if no match is found.");
}

TEST_F(FakeVenueTest, AGtcThatCrossesFillsThenRestsTheRemainder) {
  std::string hash;
  Reply r = PostOrder(LimitBuy(15'000'000, 500'000), &hash);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "matched");
  EXPECT_EQ(r.Json()["takingAmount"], "10");
  json order = Get("/data/order/" + hash).Json();
  EXPECT_EQ(order["status"], "LIVE");
  EXPECT_EQ(order["size_matched"], "10");
  EXPECT_THAT(order["associate_trades"], SizeIs(1));
}

TEST_F(FakeVenueTest, RefusesWhatTheVenueRefuses) {
  auto error_of = [&](const OrderSpec& spec) { return PostOrder(spec).Json()["error"]; };
  OrderSpec crossing = LimitBuy(10'000'000, 500'000);
  crossing.post_only = true;
  EXPECT_EQ(error_of(crossing), "invalid post-only order: order crosses book");
  OrderSpec post_only_fok{true, 5'000'000, 10'000'000, "FOK", true};
  EXPECT_EQ(error_of(post_only_fok),
            "invalid post-only order: only GTC and GTD order types are allowed");
  EXPECT_EQ(error_of({true, 5'050'000, 10'000'000}),  // 0.505 on a 0.01 tick
            "order is invalid. Price breaks minimum tick size rules");
  EXPECT_EQ(error_of({true, 540'000, 1'080'000}), "Size (1.08) lower than the minimum: 5");
  EXPECT_EQ(error_of({true, 4'050'600, 10'126'500}),  // 10.1265 shares at 0.40
            "invalid amounts, the buy orders maker amount supports a max accuracy of 4 decimals, "
            "taker amount a max of 2 decimals");
  EXPECT_EQ(error_of({true, 10'500'000, 19'090'910, "FOK"}),
            "invalid amounts, the market buy orders maker amount supports a max accuracy of 2 "
            "decimals, taker amount a max of 4 decimals");
  OrderSpec gtd = LimitBuy(10'000'000, 400'000);
  gtd.type = "GTD";
  gtd.expiration = NowSeconds() + 30;
  EXPECT_EQ(error_of(gtd), "invalid expiration");

  OrderSpec forged = LimitBuy(10'000'000, 400'000);
  forged.key_hex = kOtherKeyHex;  // signer field says the test address; another key signed
  EXPECT_EQ(error_of(forged), "invalid signature");
  OrderSpec other_signer = LimitBuy(10'000'000, 400'000);
  other_signer.signer = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  other_signer.key_hex = kOtherKeyHex;
  EXPECT_EQ(error_of(other_signer),
            "the order signer address has to be the address of the API KEY");

  clob_.venue().SetCollateral(kAddress, 3'000'000);
  EXPECT_EQ(error_of(LimitBuy(10'000'000, 400'000)), "not enough balance / allowance");
  OrderSpec sell{false, 10'000'000, 5'000'000};
  EXPECT_EQ(error_of(sell), "not enough balance / allowance");
  EXPECT_EQ(clob_.venue().Rejections(), 11);
}

TEST_F(FakeVenueTest, BalanceIsNetOfRestingOrdersAndAllowance) {
  clob_.venue().SetCollateral(kAddress, 5'000'000);
  EXPECT_EQ(PostOrder(LimitBuy(10'000'000, 400'000, 1)).status, 200);  // reserves $4
  EXPECT_EQ(PostOrder(LimitBuy(5'000'000, 400'000, 2)).Json()["error"],
            "not enough balance / allowance");
  clob_.venue().SetCollateral(kAddress, 50'000'000, 4'500'000);
  EXPECT_EQ(PostOrder(LimitBuy(5'000'000, 400'000, 3)).Json()["error"],
            "not enough balance / allowance");
}

TEST_F(FakeVenueTest, ADuplicateIsRefusedAndCounted) {
  std::string hash;
  std::string body = OrderBody(LimitBuy(10'000'000, 400'000), &hash);
  EXPECT_EQ(Post("/order", body).status, 200);
  Reply again = Post("/order", body);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.Json()["error"], "order is invalid. Duplicated.");
  EXPECT_EQ(clob_.venue().PostsOf(hash), 2);
  json state = json::parse(Send("GET", clob_.url() + "/_fake/venue", "", {}).body);
  EXPECT_EQ(state["posts"][hash], 2);
  EXPECT_EQ(state["order_posts"], 2);
  EXPECT_EQ(state["rejections"], 1);
  ASSERT_THAT(state["orders"], SizeIs(1));
  EXPECT_EQ(state["orders"][0]["hash"], hash);
  EXPECT_EQ(state["orders"][0]["status"], "LIVE");
}

TEST_F(FakeVenueTest, PagesOpenOrdersTwoAtATime) {
  for (uint64_t salt = 1; salt <= 5; ++salt) {
    ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 300'000, salt)).status, 200);
  }
  std::vector<size_t> sizes;
  std::vector<std::string> cursors;
  std::string cursor = "MA==";
  while (cursor != "LTE=") {
    json page = Get("/data/orders?next_cursor=" + cursor).Json();
    ASSERT_TRUE(page.contains("data")) << page;
    sizes.push_back(page["data"].size());
    cursor = page["next_cursor"];
    cursors.push_back(cursor);
    ASSERT_LE(sizes.size(), 3u);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1}));
  EXPECT_EQ(cursors, (std::vector<std::string>{"Mg==", "NA==", "LTE="}));
}

TEST_F(FakeVenueTest, BatchesAnswerPerEntryInOrder) {
  std::string body = "[" + OrderBody(LimitBuy(10'000'000, 400'000, 1)) + "," +
                     OrderBody({true, 540'000, 1'080'000}) + "]";
  Reply r = Post("/orders", body);
  ASSERT_EQ(r.status, 200) << r.body;
  json answers = r.Json();
  ASSERT_THAT(answers, SizeIs(2));
  EXPECT_EQ(answers[0]["status"], "live");
  EXPECT_EQ(answers[1]["success"], false);
  EXPECT_EQ(answers[1]["errorMsg"], "Size (1.08) lower than the minimum: 5");
  EXPECT_EQ(answers[1]["orderID"], "");

  std::string many = "[";
  for (uint64_t salt = 10; salt < 26; ++salt) {
    many += (salt == 10 ? "" : ",") + OrderBody(LimitBuy(10'000'000, 100'000, salt));
  }
  EXPECT_EQ(Post("/orders", many + "]").status, 400);
}

TEST_F(FakeVenueTest, CancelsOpenOrdersOnly) {
  std::string hash;
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 400'000), &hash).status, 200);
  std::string body = json{{"orderID", hash}}.dump();
  Reply r = Send("DELETE", clob_.url() + "/order", body, L2("DELETE", "/order", body));
  EXPECT_EQ(r.Json()["canceled"], json::array({hash}));
  Reply again = Send("DELETE", clob_.url() + "/order", body, L2("DELETE", "/order", body));
  EXPECT_EQ(again.Json()["not_canceled"][hash],
            "order can't be found - already canceled or matched");
  EXPECT_EQ(Get("/data/order/" + hash).Json()["status"], "CANCELED");
}

TEST_F(FakeVenueTest, CountsRequestsByMethodAndEndpoint) {
  std::string hash;
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 400'000), &hash).status, 200);
  Get("/data/order/" + hash);
  Get("/data/order/0x" + std::string(64, '1'));
  Get("/data/orders");
  std::string body = json::array({hash}).dump();
  Send("DELETE", clob_.url() + "/orders", body, L2("DELETE", "/orders", body));
  Send("GET", clob_.url() + "/data/trades", "", {});  // refused (no L2 headers): counted too
  std::map<std::string, int> counts = clob_.venue().RequestCounts();
  EXPECT_EQ(counts["POST /order"], 1);
  EXPECT_EQ(counts["GET /data/order"], 2);  // by endpoint, whatever the hash
  EXPECT_EQ(counts["GET /data/orders"], 1);
  EXPECT_EQ(counts["DELETE /orders"], 1);
  EXPECT_EQ(counts["GET /data/trades"], 1);
  EXPECT_EQ(
      json::parse(
          Send("GET", clob_.url() + "/_fake/venue", "", {}).body)["requests"]["GET /data/order"],
      2);
  clob_.venue().Reset();
  EXPECT_TRUE(clob_.venue().RequestCounts().empty());
}

TEST_F(FakeVenueTest, LatencyDelaysEveryVenueRequest) {
  ASSERT_EQ(Control("/_fake/venue/latency?ms=60").status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Get("/data/orders").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(60));
  clob_.venue().SetLatencyMs(0);
}

TEST_F(FakeVenueTest, DelayedOrdersMatchAtTheNextRead) {
  clob_.venue().DelayNext(1);
  std::string hash;
  Reply r = PostOrder(LimitBuy(10'000'000, 500'000), &hash);
  EXPECT_EQ(r.Json()["status"], "delayed");
  EXPECT_EQ(r.Json()["makingAmount"], "");
  EXPECT_EQ(Book()["asks"].size(), 2u);  // not matched yet
  json order = Get("/data/order/" + hash).Json();
  EXPECT_EQ(order["status"], "MATCHED");
  EXPECT_EQ(order["size_matched"], "10");
}

TEST_F(FakeVenueTest, PlaysScriptedFaults) {
  clob_.venue().ScheduleFault(VenueFault::kTooEarly, 1);
  Reply early = PostOrder(LimitBuy(10'000'000, 400'000, 1));
  EXPECT_EQ(early.status, 425);
  EXPECT_EQ(early.body, "");

  clob_.venue().ScheduleFault(VenueFault::kRateLimited, 1, 7);
  Reply limited = PostOrder(LimitBuy(10'000'000, 400'000, 1));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers["retry-after"], "7");

  clob_.venue().ScheduleFault(VenueFault::kPostOnly, 1, 30);
  OrderSpec maker = LimitBuy(10'000'000, 400'000, 2);
  maker.post_only = true;
  EXPECT_EQ(PostOrder(maker).status, 200);  // post-only orders pass
  Reply post_only = PostOrder(LimitBuy(10'000'000, 400'000, 1));
  EXPECT_EQ(post_only.status, 503);
  EXPECT_EQ(post_only.Json()["code"], "post_only_mode");
  EXPECT_EQ(post_only.Json()["retry_after_seconds"], 30);
  EXPECT_EQ(post_only.Json()["error"],
            "post-only mode: only post-only orders and cancels are allowed");

  clob_.venue().ScheduleFault(VenueFault::kCancelOnly, 1);
  Reply cancel_only = PostOrder(LimitBuy(10'000'000, 400'000, 1));
  EXPECT_EQ(cancel_only.status, 503);
  EXPECT_EQ(cancel_only.Json()["error"],
            "Trading is currently cancel-only. New orders are not accepted, but cancels are "
            "allowed.");
  clob_.venue().ScheduleFault(VenueFault::kDisabled, 1);
  EXPECT_THAT(PostOrder(LimitBuy(10'000'000, 400'000, 1)).Json()["error"].get<std::string>(),
              HasSubstr("Trading is currently disabled"));
  clob_.venue().ScheduleFault(VenueFault::kCloudflare, 1);
  Reply blocked = PostOrder(LimitBuy(10'000'000, 400'000, 1));
  EXPECT_EQ(blocked.status, 403);
  EXPECT_THAT(blocked.body, HasSubstr("Cloudflare"));
  EXPECT_EQ(clob_.venue().Rejections(), 0);  // none of these reached the order checks

  // Accepted, then the connection drops: no answer, yet the order is there.
  clob_.venue().ScheduleFault(VenueFault::kDrop, 1);
  std::string hash;
  Reply dropped = PostOrder(LimitBuy(10'000'000, 400'000, 1), &hash);
  EXPECT_EQ(dropped.error, CURLE_GOT_NOTHING);
  EXPECT_EQ(Get("/data/order/" + hash).Json()["status"], "LIVE");
  EXPECT_EQ(clob_.venue().PostsOf(hash), 7);
  EXPECT_EQ(clob_.venue().OrderPosts(), 8);

  clob_.venue().SetTradingDelayMs(300);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(PostOrder(LimitBuy(10'000'000, 400'000, 3)).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
}

TEST_F(FakeVenueTest, ControlEndpointsSetKeysAccountsAndFaults) {
  std::string key = json{
      {"address", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"},
      {"apiKey", "k2"},
      {"secret", kSecret},
      {"passphrase",
       "p2"}}.dump();
  EXPECT_EQ(Send("POST", clob_.url() + "/_fake/venue/api-key", key, {}).status, 200);
  std::string account = json{{"address", kAddress},
                             {"collateral", "12000000"},
                             {"conditional", json::object({{"7", "3000000"}})}}
                            .dump();
  EXPECT_EQ(Send("POST", clob_.url() + "/_fake/venue/account", account, {}).status, 200);
  EXPECT_EQ(Get("/balance-allowance?asset_type=COLLATERAL").Json()["balance"], "12000000");
  EXPECT_EQ(Get("/balance-allowance?asset_type=CONDITIONAL&token_id=7").Json()["balance"],
            "3000000");
  EXPECT_EQ(Send("POST", clob_.url() + "/_fake/venue/fault?kind=425&count=2", "", {}).status, 200);
  EXPECT_EQ(PostOrder(LimitBuy(10'000'000, 400'000)).status, 425);
  EXPECT_EQ(PostOrder(LimitBuy(10'000'000, 400'000)).status, 425);
  EXPECT_EQ(PostOrder(LimitBuy(10'000'000, 400'000)).status, 200);
  EXPECT_EQ(Send("POST", clob_.url() + "/_fake/reset", "", {}).status, 200);
  EXPECT_EQ(Get("/data/orders").status, 401);  // the key is forgotten too
}

TEST_F(FakeVenueTest, AnExternalTakerFillsARestingBuyPartlyThenFully) {
  std::string hash;
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 450'000), &hash).Json()["status"], "live");

  json first = Take("SELL", 4'000'000);
  EXPECT_EQ(first["matched"], "4000000");
  ASSERT_TRUE(first.contains("trade_id")) << first;
  json order = Get("/data/order/" + hash).Json();
  EXPECT_EQ(order["status"], "LIVE");
  EXPECT_EQ(order["size_matched"], "4");
  EXPECT_EQ(order["associate_trades"], json::array({first["trade_id"]}));
  EXPECT_EQ(Collateral(), 1'000'000'000 - 1'800'000);  // 4 shares at 0.45
  EXPECT_EQ(Shares(), 4'000'000);

  json trades = Get("/data/trades").Json()["data"];
  ASSERT_THAT(trades, SizeIs(1));
  const json& trade = trades[0];
  EXPECT_EQ(trade["id"], first["trade_id"]);
  EXPECT_EQ(trade["trader_side"], "MAKER");
  EXPECT_EQ(trade["side"], "SELL");  // the external taker's
  EXPECT_EQ(trade["size"], "4");
  EXPECT_EQ(trade["status"], "MATCHED");
  EXPECT_EQ(trade["market"], "0xcafe");
  EXPECT_NE(trade["taker_order_id"], hash);
  EXPECT_NE(trade["owner"], kApiKey);
  ASSERT_THAT(trade["maker_orders"], SizeIs(1));
  const json& mine = trade["maker_orders"][0];
  EXPECT_EQ(mine["order_id"], hash);
  EXPECT_EQ(mine["owner"], kApiKey);
  EXPECT_EQ(mine["maker_address"], kAddress);
  EXPECT_EQ(mine["matched_amount"], "4");
  EXPECT_EQ(mine["price"], "0.45");
  EXPECT_EQ(mine["side"], "BUY");
  EXPECT_EQ(mine["asset_id"], kToken);
  EXPECT_EQ(mine["outcome"], "Yes");
  EXPECT_EQ(mine["fee_rate_bps"], "");

  // Only 6 shares are left to take.
  json second = Take("SELL", 10'000'000);
  EXPECT_EQ(second["matched"], "6000000");
  order = Get("/data/order/" + hash).Json();
  EXPECT_EQ(order["status"], "MATCHED");
  EXPECT_EQ(order["size_matched"], "10");
  EXPECT_THAT(order["associate_trades"], SizeIs(2));
  EXPECT_EQ(Collateral(), 1'000'000'000 - 4'500'000);
  EXPECT_EQ(Shares(), 10'000'000);
  EXPECT_THAT(Get("/data/orders").Json()["data"], SizeIs(0));
  EXPECT_THAT(Get("/data/trades").Json()["data"], SizeIs(2));

  json nothing = Take("SELL", 1'000'000);
  EXPECT_EQ(nothing["matched"], "0");
  EXPECT_FALSE(nothing.contains("trade_id"));
  EXPECT_EQ(
      Control("/_fake/venue/take", {{"token_id", kToken}, {"side", "HOLD"}, {"size", "1"}}).status,
      400);
}

TEST_F(FakeVenueTest, ATakeFollowsPriceThenTimePriorityWithinItsLimit) {
  std::string low, first, second;
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 300'000, 1), &low).status, 200);
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 450'000, 2), &first).status, 200);
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 450'000, 3), &second).status, 200);
  // SELL 15 no lower than 0.35: both 0.45 bids, oldest first; the 0.30 bid is out of reach.
  json take = Take("SELL", 25'000'000, 350'000);
  EXPECT_EQ(take["matched"], "20000000");
  json trade = TradeById(take["trade_id"]);
  EXPECT_EQ(trade["price"], "0.35");  // the taker's limit
  ASSERT_THAT(trade["maker_orders"], SizeIs(2));
  EXPECT_EQ(trade["maker_orders"][0]["order_id"], first);
  EXPECT_EQ(trade["maker_orders"][1]["order_id"], second);
  EXPECT_EQ(Get("/data/order/" + low).Json()["size_matched"], "0");

  // A taker BUY hits resting SELLs from the cheapest, each at its own price.
  clob_.venue().SetConditional(kAddress, kToken, 20'000'000);
  std::string dear, cheap;
  ASSERT_EQ(PostOrder(LimitSell(10'000'000, 700'000, 4), &dear).status, 200);
  ASSERT_EQ(PostOrder(LimitSell(10'000'000, 600'000, 5), &cheap).status, 200);
  int64_t before = Collateral();
  json buy = Take("BUY", 15'000'000);
  EXPECT_EQ(buy["matched"], "15000000");
  trade = TradeById(buy["trade_id"]);
  ASSERT_THAT(trade["maker_orders"], SizeIs(2));
  EXPECT_EQ(trade["maker_orders"][0]["order_id"], cheap);
  EXPECT_EQ(trade["maker_orders"][0]["price"], "0.6");
  EXPECT_EQ(trade["maker_orders"][1]["matched_amount"], "5");
  EXPECT_EQ(trade["maker_orders"][1]["side"], "SELL");
  EXPECT_EQ(Collateral() - before, 6'000'000 + 3'500'000);
  EXPECT_EQ(Shares(), 20'000'000 - 15'000'000);
}

TEST_F(FakeVenueTest, SettlementMovesATradeToMinedThenConfirmed) {
  DriveClock();
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 450'000)).status, 200);
  std::string id = Take("SELL", 10'000'000)["trade_id"];
  json trade = TradeById(id);
  EXPECT_EQ(trade["status"], "MATCHED");
  EXPECT_EQ(trade["transaction_hash"], "");
  std::string matched_at = trade["match_time"];

  clock_ += 10;
  ASSERT_EQ(SettleTrade(id, "MINED").status, 200);
  trade = TradeById(id);
  EXPECT_EQ(trade["status"], "MINED");
  EXPECT_THAT(trade["transaction_hash"].get<std::string>(), MatchesRegex("0x[0-9a-f]{64}"));
  EXPECT_EQ(trade["match_time"], matched_at);
  EXPECT_EQ(trade["last_update"], std::to_string(std::stoll(matched_at) + 10));
  std::string tx = trade["transaction_hash"];

  ASSERT_EQ(SettleTrade(id, "CONFIRMED").status, 200);
  trade = TradeById(id);
  EXPECT_EQ(trade["status"], "CONFIRMED");
  EXPECT_EQ(trade["transaction_hash"], tx);
  // CONFIRMED is terminal.
  EXPECT_EQ(SettleTrade(id, "FAILED").status, 409);
  EXPECT_EQ(TradeById(id)["status"], "CONFIRMED");
  EXPECT_EQ(Collateral(), 1'000'000'000 - 4'500'000);
  EXPECT_EQ(SettleTrade("fake-trade-999", "MINED").status, 404);
  EXPECT_EQ(SettleTrade(id, "SETTLED").status, 400);
}

TEST_F(FakeVenueTest, ARetryingTradeChangesItsHashThenFailsAndGivesTheBalancesBack) {
  // One trade as maker, one as taker (a FOK on the scripted book).
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 450'000, 1)).status, 200);
  std::string maker_trade = Take("SELL", 10'000'000)["trade_id"];
  Reply fok = PostOrder({true, 5'000'000, 10'000'000, "FOK", false, 0, 2});
  ASSERT_EQ(fok.status, 200) << fok.body;
  ASSERT_THAT(fok.Json()["tradeIDs"], SizeIs(1));
  std::string taker_trade = fok.Json()["tradeIDs"][0];
  EXPECT_EQ(Collateral(), 1'000'000'000 - 4'500'000 - 5'000'000);
  EXPECT_EQ(Shares(), 20'000'000);

  std::string tx1 = "0x" + std::string(64, '1');
  std::string tx2 = "0x" + std::string(64, '2');
  ASSERT_EQ(SettleTrade(maker_trade, "RETRYING", tx1).status, 200);
  EXPECT_EQ(TradeById(maker_trade)["transaction_hash"], tx1);
  ASSERT_EQ(SettleTrade(maker_trade, "RETRYING", tx2).status, 200);
  json retrying = TradeById(maker_trade);
  EXPECT_EQ(retrying["status"], "RETRYING");
  EXPECT_EQ(retrying["transaction_hash"], tx2);

  ASSERT_EQ(SettleTrade(maker_trade, "FAILED").status, 200);
  EXPECT_EQ(TradeById(maker_trade)["status"], "FAILED");
  EXPECT_EQ(Collateral(), 1'000'000'000 - 5'000'000);
  EXPECT_EQ(Shares(), 10'000'000);
  ASSERT_EQ(SettleTrade(taker_trade, "FAILED").status, 200);
  EXPECT_EQ(Collateral(), 1'000'000'000);
  EXPECT_EQ(Shares(), 0);
  // Once only; and the orders keep their size_matched.
  ASSERT_EQ(SettleTrade(taker_trade, "FAILED").status, 200);
  EXPECT_EQ(Collateral(), 1'000'000'000);
  EXPECT_EQ(SettleTrade(taker_trade, "CONFIRMED").status, 409);
  json state = json::parse(Send("GET", clob_.url() + "/_fake/venue", "", {}).body);
  ASSERT_THAT(state["orders"], SizeIs(2));
  EXPECT_EQ(state["orders"][0]["size_matched"], "10");
  EXPECT_EQ(state["orders"][0]["status"], "MATCHED");
  ASSERT_THAT(state["trades"], SizeIs(2));
  EXPECT_EQ(state["trades"][0]["status"], "FAILED");
  EXPECT_EQ(state["trades"][0]["reversed"], true);
  EXPECT_THAT(state["trades"][0]["maker_orders"], SizeIs(1));
}

TEST_F(FakeVenueTest, TradesCarryTheTokensFeeRateOnceSet) {
  Reply before = PostOrder({true, 1'000'000, 2'000'000, "FOK", false, 0, 1});
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(Control("/_fake/venue/fee?token_id=7&bps=30").status, 200);
  EXPECT_EQ(Control("/_fake/venue/fee?token_id=7&bps=10001").status, 400);
  Reply after = PostOrder({true, 1'000'000, 2'000'000, "FOK", false, 0, 2});
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(TradeById(before.Json()["tradeIDs"][0])["fee_rate_bps"], "");
  EXPECT_EQ(TradeById(after.Json()["tradeIDs"][0])["fee_rate_bps"], "30");

  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 450'000, 3)).status, 200);
  json trade = TradeById(Take("SELL", 5'000'000)["trade_id"]);
  EXPECT_EQ(trade["fee_rate_bps"], "30");
  EXPECT_EQ(trade["maker_orders"][0]["fee_rate_bps"], "30");
  // Not charged: 1 + 1 + 2.25 paid, nothing more.
  EXPECT_EQ(Collateral(), 1'000'000'000 - 4'250'000);
}

TEST_F(FakeVenueTest, StatusesArePrefixedOnRestReadsWhenAsked) {
  std::string hash;
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 450'000), &hash).status, 200);
  std::string id = Take("SELL", 1'000'000)["trade_id"];
  ASSERT_EQ(Control("/_fake/venue/prefix?on=1").status, 200);
  EXPECT_EQ(Get("/data/order/" + hash).Json()["status"], "ORDER_STATUS_LIVE");
  EXPECT_EQ(Get("/data/orders").Json()["data"][0]["status"], "ORDER_STATUS_LIVE");
  EXPECT_EQ(TradeById(id)["status"], "TRADE_STATUS_MATCHED");
  ASSERT_EQ(SettleTrade(id, "CONFIRMED").status, 200);
  EXPECT_EQ(TradeById(id)["status"], "TRADE_STATUS_CONFIRMED");
  json state = json::parse(Send("GET", clob_.url() + "/_fake/venue", "", {}).body);
  EXPECT_EQ(state["orders"][0]["status"], "LIVE");

  ASSERT_EQ(Control("/_fake/venue/prefix?on=0").status, 200);
  EXPECT_EQ(Get("/data/order/" + hash).Json()["status"], "LIVE");
  EXPECT_EQ(TradeById(id)["status"], "CONFIRMED");
}

TEST_F(FakeVenueTest, AResolvedMarketLosesItsBooksAndCancelsRestingOrders) {
  ASSERT_TRUE(clob_.SetMarket(VenueClobMarketJson("0xcafe", {{kToken, "Yes"}, {"8", "No"}})));
  clob_.SetBook("8", VenueBookJson("8", {{"0.50", "10"}}, {{"0.60", "10"}}));
  std::string hash;
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 450'000), &hash).status, 200);
  json open = Send("GET", clob_.url() + "/markets/0xcafe", "", {}).Json();
  EXPECT_EQ(open["closed"], false);
  EXPECT_EQ(open["accepting_orders"], true);
  EXPECT_EQ(open["minimum_tick_size"], 0.01);
  ASSERT_THAT(open["tokens"], SizeIs(2));
  EXPECT_EQ(open["tokens"][0]["winner"], false);

  EXPECT_EQ(Control("/_fake/venue/resolve", {{"condition_id", "0xcafe"}, {"winner", "9"}}).status,
            400);
  EXPECT_EQ(Control("/_fake/venue/resolve", {{"condition_id", "0xdead"}}).status, 404);
  EXPECT_EQ(Book()["asks"].size(), 2u);  // nothing changed
  ASSERT_EQ(Control("/_fake/venue/resolve", {{"condition_id", "0xcafe"}, {"winner", "7"}}).status,
            200);

  Reply book = Send("GET", clob_.url() + "/book?token_id=7", "", {});
  EXPECT_EQ(book.status, 404);
  EXPECT_EQ(book.Json()["error"], "No orderbook exists for the requested token id");
  Reply books = Send("POST", clob_.url() + "/books", R"([{"token_id":"7"},{"token_id":"8"}])", {});
  EXPECT_EQ(books.Json(), json::array());
  json market = Send("GET", clob_.url() + "/markets/0xcafe", "", {}).Json();
  EXPECT_EQ(market["condition_id"], "0xcafe");
  EXPECT_EQ(market["closed"], true);
  EXPECT_EQ(market["accepting_orders"], false);
  EXPECT_EQ(market["neg_risk"], false);
  EXPECT_EQ(market["minimum_order_size"], 5);
  ASSERT_THAT(market["tokens"], SizeIs(2));
  EXPECT_EQ(market["tokens"][0]["token_id"], "7");
  EXPECT_EQ(market["tokens"][0]["winner"], true);
  EXPECT_EQ(market["tokens"][0]["price"], 1);
  EXPECT_EQ(market["tokens"][1]["outcome"], "No");
  EXPECT_EQ(market["tokens"][1]["winner"], false);
  EXPECT_EQ(market["tokens"][1]["price"], 0);
  json compact = Send("GET", clob_.url() + "/clob-markets/0xcafe", "", {}).Json();
  EXPECT_EQ(compact["ao"], false);
  EXPECT_EQ(compact["c"], "0xcafe");
  EXPECT_EQ(compact["mos"], 5);
  Reply unknown = Send("GET", clob_.url() + "/markets/0xdead", "", {});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Json()["error"], "market not found");

  EXPECT_EQ(Get("/data/order/" + hash).Json()["status"], "CANCELED_MARKET_RESOLVED");
  EXPECT_THAT(Get("/data/orders").Json()["data"], SizeIs(0));
  EXPECT_EQ(Take("SELL", 1'000'000)["matched"], "0");
  EXPECT_EQ(PostOrder(LimitBuy(10'000'000, 450'000, 2)).Json()["error"],
            "the market is not accepting orders");
}

TEST_F(FakeVenueTest, PagesFollowTheSetPageSize) {
  EXPECT_EQ(Control("/_fake/venue/page-size?n=0").status, 400);
  EXPECT_EQ(Control("/_fake/venue/page-size?n=10001").status, 400);
  ASSERT_EQ(Control("/_fake/venue/page-size?n=3").status, 200);
  std::vector<std::string> placed;
  for (uint64_t salt = 1; salt <= 7; ++salt) {
    std::string hash;
    ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 300'000, salt), &hash).status, 200);
    placed.push_back(hash);
  }
  std::vector<size_t> sizes;
  std::vector<std::string> cursors;
  std::vector<std::string> seen;
  std::string cursor = "MA==";
  while (cursor != "LTE=") {
    json page = Get("/data/orders?next_cursor=" + cursor).Json();
    ASSERT_TRUE(page.contains("data")) << page;
    EXPECT_EQ(page["limit"], 3);
    sizes.push_back(page["data"].size());
    for (const json& o : page["data"]) seen.push_back(o["id"]);
    cursor = page["next_cursor"];
    cursors.push_back(cursor);
    ASSERT_LE(sizes.size(), 4u);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 1}));
  EXPECT_EQ(cursors, (std::vector<std::string>{"Mw==", "Ng==", "LTE="}));
  EXPECT_EQ(seen, placed);
  EXPECT_THAT(Get("/data/orders?next_cursor=LTE=").Json()["data"], SizeIs(0));

  // Seven trades as maker, in pages of three too.
  for (int i = 0; i < 7; ++i) ASSERT_EQ(Take("SELL", 1'000'000)["matched"], "1000000");
  json first = Get("/data/trades").Json();
  EXPECT_THAT(first["data"], SizeIs(3));
  EXPECT_EQ(first["next_cursor"], "Mw==");
  json last = Get("/data/trades?next_cursor=Ng==").Json();
  EXPECT_THAT(last["data"], SizeIs(1));
  EXPECT_EQ(last["next_cursor"], "LTE=");
}

TEST_F(FakeVenueTest, TradesFilterByIdAssetMarketMakerAndInclusiveTimes) {
  DriveClock();
  int64_t t0 = clock_;
  ASSERT_TRUE(clob_.SetMarket(VenueClobMarketJson("0xbeef", {{"8", "Yes"}})));
  clob_.SetBook("8", VenueBookJson("8", {}, {{"0.50", "100"}}));
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 450'000, 1)).status, 200);
  std::string at_t0 = Take("SELL", 1'000'000)["trade_id"];
  clock_ += 10;
  OrderSpec other = LimitBuy(10'000'000, 500'000, 2);
  other.token = "8";
  Reply crossing = PostOrder(other);
  ASSERT_EQ(crossing.Json()["status"], "matched") << crossing.body;
  std::string at_t10 = crossing.Json()["tradeIDs"][0];

  auto ids = [&](const std::string& query) {
    std::vector<std::string> out;
    json page = Get("/data/trades" + query).Json();
    for (const json& t : page["data"]) out.push_back(t["id"]);
    return out;
  };
  EXPECT_THAT(ids(""), ElementsAre(at_t0, at_t10));
  EXPECT_THAT(ids("?after=" + std::to_string(t0 + 10)), ElementsAre(at_t10));  // inclusive
  EXPECT_THAT(ids("?after=" + std::to_string(t0 + 11)), ElementsAre());
  EXPECT_THAT(ids("?before=" + std::to_string(t0)), ElementsAre(at_t0));  // inclusive
  EXPECT_THAT(ids("?id=" + at_t10), ElementsAre(at_t10));
  EXPECT_THAT(ids("?asset_id=7"), ElementsAre(at_t0));
  EXPECT_THAT(ids("?market=0xbeef"), ElementsAre(at_t10));
  // Our address is a maker order's in the first and the taker order's in the second.
  EXPECT_THAT(ids("?maker_address=" + std::string(kAddress)), ElementsAre(at_t0, at_t10));
  EXPECT_THAT(ids("?maker_address=0x70997970C51812dc3A010C7d01b50e0d17dc79C8"), ElementsAre());
  EXPECT_EQ(TradeById(at_t10)["trader_side"], "TAKER");
}

TEST_F(FakeVenueTest, ACancelAfterATakeKeepsWhatFilled) {
  std::string full, partial;
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 450'000, 1), &full).status, 200);
  ASSERT_EQ(PostOrder(LimitBuy(10'000'000, 440'000, 2), &partial).status, 200);
  ASSERT_EQ(Take("SELL", 14'000'000)["matched"], "14000000");
  std::string body = json::array({full, partial}).dump();
  Reply r = Send("DELETE", clob_.url() + "/orders", body, L2("DELETE", "/orders", body));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["canceled"], json::array({partial}));
  EXPECT_EQ(r.Json()["not_canceled"][full], "order can't be found - already canceled or matched");
  json order = Get("/data/order/" + partial).Json();
  EXPECT_EQ(order["status"], "CANCELED");
  EXPECT_EQ(order["size_matched"], "4");
  EXPECT_EQ(Get("/data/order/" + full).Json()["status"], "MATCHED");
  // A canceled order is no longer taken.
  EXPECT_EQ(Take("SELL", 1'000'000)["matched"], "0");
}

TEST_F(FakeVenueTest, ResetForgetsSettlementFeesPagesPrefixAndResolutions) {
  ASSERT_EQ(Control("/_fake/venue/page-size?n=5").status, 200);
  ASSERT_EQ(Control("/_fake/venue/prefix?on=1").status, 200);
  ASSERT_EQ(Control("/_fake/venue/fee?token_id=7&bps=20").status, 200);
  ASSERT_EQ(Control("/_fake/venue/resolve", {{"condition_id", "0xcafe"}}).status, 200);
  EXPECT_EQ(Send("GET", clob_.url() + "/book?token_id=7", "", {}).status, 404);
  ASSERT_EQ(Control("/_fake/reset").status, 200);

  clob_.venue().AddApiKey({kAddress, kApiKey, kSecret, kPassphrase});
  clob_.venue().SetCollateral(kAddress, int64_t{1000} * 1'000'000);
  SetAsks({{"0.50", "10"}});
  EXPECT_EQ(Send("GET", clob_.url() + "/book?token_id=7", "", {}).status, 200);
  ASSERT_TRUE(clob_.SetMarket(VenueClobMarketJson("0xcafe", {{kToken, "Yes"}})));
  EXPECT_EQ(Send("GET", clob_.url() + "/markets/0xcafe", "", {}).Json()["closed"], false);
  json state = json::parse(Send("GET", clob_.url() + "/_fake/venue", "", {}).body);
  EXPECT_EQ(state["page_size"], 2);
  EXPECT_EQ(state["status_prefix"], false);
  EXPECT_EQ(state["fee_rate_bps"], json::object());
  EXPECT_THAT(state["trades"], SizeIs(0));
  Reply fok = PostOrder({true, 1'000'000, 2'000'000, "FOK"});
  ASSERT_EQ(fok.status, 200) << fok.body;
  EXPECT_EQ(TradeById(fok.Json()["tradeIDs"][0])["fee_rate_bps"], "");
}

TEST_F(FakeVenueTest, AnswersTimeAndOk) {
  Reply time = Send("GET", clob_.url() + "/time", "", {});
  EXPECT_NEAR(std::stoll(time.body), NowSeconds(), 5);
  EXPECT_EQ(Send("GET", clob_.url() + "/ok", "", {}).status, 200);
}

}  // namespace
}  // namespace betteroms::test
