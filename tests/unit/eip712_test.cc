// Every signing vector: orders V2/V3 (all 49, POLY_1271 included), V1, ClobAuth and the EIP-712
// Mail example, byte for byte.
#include "signer/crypto/eip712.h"

#include <gtest/gtest.h>

#include <random>

#include "common/hex.h"
#include "signer/crypto/ecdsa.h"
#include "tests/support/vectors.h"

namespace betteroms::crypto {
namespace {

std::string Hex(std::span<const uint8_t> b) { return "0x" + ToHex(b); }

std::string ToLowerHex(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<uint8_t> Key(const JsonValue& v) { return *FromHex(v.StringOr("privateKey")); }

Exchange ExchangeOf(const std::string& name, int version) {
  if (version == 1) return name == "negrisk" ? Exchange::kNegRiskV1 : Exchange::kCtfV1;
  if (name == "negrisk") return Exchange::kNegRiskV2;
  if (name == "v3") return Exchange::kV3;
  return Exchange::kCtfV2;
}

// An order as the vectors write it.
OrderV2 OrderFromJson(const JsonValue& o) {
  OrderV2 order;
  order.salt = *ParseUint256(o.StringOr("salt"));
  order.maker = *ParseAddress(o.StringOr("maker"));
  order.signer = *ParseAddress(o.StringOr("signer"));
  order.token_id = *ParseUint256(o.StringOr("tokenId"));
  order.maker_amount = *ParseUint256(o.StringOr("makerAmount"));
  order.taker_amount = *ParseUint256(o.StringOr("takerAmount"));
  order.side = o.StringOr("side") == "BUY" ? 0 : 1;
  order.signature_type = static_cast<uint8_t>(std::stoi(o.Find("signatureType")->text));
  order.timestamp = *ParseUint256(o.StringOr("timestamp"));
  order.metadata = *ParseBytes32(o.StringOr("metadata"));
  order.builder = *ParseBytes32(o.StringOr("builder"));
  return order;
}

class Eip712Test : public ::testing::Test {
 protected:
  Eip712Test() : ctx_(secp256k1_context_create(SECP256K1_CONTEXT_NONE)) {}
  ~Eip712Test() override { secp256k1_context_destroy(ctx_); }
  secp256k1_context* ctx_;
};

TEST_F(Eip712Test, OrdersV2AndV3MatchEveryVector) {
  JsonValue doc = test::LoadVectors("orders-v2.json");
  int checked = 0;
  for (const JsonValue& v : doc.Find("vectors")->items) {
    SCOPED_TRACE(v.StringOr("id"));
    const JsonValue& o = *v.Find("order");
    const JsonValue& want = *v.Find("expected");
    uint64_t chain = std::stoull(v.Find("chainId")->text);
    int version = std::stoi(v.Find("version")->text);
    Exchange exchange = ExchangeOf(v.StringOr("exchange"), version);
    auto domain = DomainFor(exchange, chain);
    ASSERT_TRUE(domain.has_value());
    EXPECT_EQ(Hex(domain->contract), ToLowerHex(v.StringOr("verifyingContract")));
    OrderV2 order = OrderFromJson(o);

    Hash256 separator = ExchangeDomainSeparator(*domain, chain);
    Hash256 struct_hash = OrderV2StructHash(order);
    Hash256 digest = TypedDataDigest(separator, struct_hash);
    EXPECT_EQ(Hex(separator), want.StringOr("domainSeparator"));
    EXPECT_EQ(Hex(struct_hash), want.StringOr("structHash"));
    EXPECT_EQ(Hex(digest), want.StringOr("digest"));
    std::vector<uint8_t> key = Key(v);
    if (order.signature_type == 3) {
      Hash256 signing = Poly1271SigningDigest(separator, struct_hash, chain, order.signer);
      EXPECT_EQ(Hex(signing), want.StringOr("signingDigest"));
      auto inner = SignDigest(ctx_, key.data(), signing);
      ASSERT_TRUE(inner.has_value());
      EXPECT_EQ(Hex(Poly1271Envelope(*inner, separator, struct_hash)), want.StringOr("signature"));
    } else {
      auto sig = SignDigest(ctx_, key.data(), digest);
      ASSERT_TRUE(sig.has_value());
      EXPECT_EQ(Hex(*sig), want.StringOr("signature"));
    }
    ++checked;
  }
  EXPECT_EQ(checked, 49);
  // The contract's own struct-hash baseline.
  const JsonValue& base = *doc.Find("contractStructHashBaseline");
  const JsonValue& o = *base.Find("order");
  EXPECT_EQ(Hex(OrderV2StructHash(OrderFromJson(o))), base.StringOr("expectedStructHash"));
}

TEST_F(Eip712Test, LegacyV1OrdersMatchEveryVector) {
  JsonValue doc = test::LoadVectors("orders-v1.json");
  int checked = 0;
  for (const JsonValue& v : doc.Find("vectors")->items) {
    SCOPED_TRACE(v.StringOr("id"));
    const JsonValue& o = *v.Find("order");
    const JsonValue& want = *v.Find("expected");
    uint64_t chain = std::stoull(v.Find("chainId")->text);
    auto domain = DomainFor(ExchangeOf(v.StringOr("exchange"), 1), chain);
    ASSERT_TRUE(domain.has_value());
    OrderV1 order;
    order.salt = *ParseUint256(o.StringOr("salt"));
    order.maker = *ParseAddress(o.StringOr("maker"));
    order.signer = *ParseAddress(o.StringOr("signer"));
    order.taker = *ParseAddress(o.StringOr("taker"));
    order.token_id = *ParseUint256(o.StringOr("tokenId"));
    order.maker_amount = *ParseUint256(o.StringOr("makerAmount"));
    order.taker_amount = *ParseUint256(o.StringOr("takerAmount"));
    order.expiration = *ParseUint256(o.StringOr("expiration"));
    order.nonce = *ParseUint256(o.StringOr("nonce"));
    order.fee_rate_bps = *ParseUint256(o.StringOr("feeRateBps"));
    order.side = o.StringOr("side") == "BUY" ? 0 : 1;
    order.signature_type = static_cast<uint8_t>(std::stoi(o.Find("signatureType")->text));
    Hash256 separator = ExchangeDomainSeparator(*domain, chain);
    Hash256 digest = TypedDataDigest(separator, OrderV1StructHash(order));
    EXPECT_EQ(Hex(separator), want.StringOr("domainSeparator"));
    EXPECT_EQ(Hex(digest), want.StringOr("digest"));
    std::vector<uint8_t> key = Key(v);
    EXPECT_EQ(Hex(*SignDigest(ctx_, key.data(), digest)), want.StringOr("signature"));
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST_F(Eip712Test, ClobAuthMatchesEveryVector) {
  JsonValue doc = test::LoadVectors("clob-auth.json");
  int checked = 0;
  for (const JsonValue& v : doc.Find("vectors")->items) {
    SCOPED_TRACE(v.StringOr("id"));
    const JsonValue& want = *v.Find("expected");
    std::vector<uint8_t> key = Key(v);
    secp256k1_pubkey pub;
    ASSERT_EQ(secp256k1_ec_pubkey_create(ctx_, &pub, key.data()), 1);
    Address address = AddressFromPublicKey(ctx_, pub);
    EXPECT_EQ(ChecksumAddress(address), want.StringOr("address"));
    Hash256 digest =
        ClobAuthDigest(std::stoull(v.Find("chainId")->text), address, v.Find("timestamp")->text,
                       *ParseUint256(v.Find("nonce")->text));
    EXPECT_EQ(Hex(digest), want.StringOr("digest"));
    EXPECT_EQ(Hex(*SignDigest(ctx_, key.data(), digest)), want.StringOr("signature"));
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST_F(Eip712Test, TheEip712MailExample) {
  JsonValue doc = test::LoadVectors("eip712-mail.json");
  const JsonValue& want = *doc.Find("expected");
  const JsonValue& d = *doc.Find("domain");
  Hash256 separator = DomainSeparator(d.StringOr("name"), d.StringOr("version"),
                                      std::stoull(d.Find("chainId")->text),
                                      *ParseAddress(d.StringOr("verifyingContract")));
  EXPECT_EQ(Hex(separator), want.StringOr("domainSeparator"));
  // Mail(Person from,Person to,string contents) with Person(string name,address wallet).
  auto person = [](std::string_view name, std::string_view wallet) {
    std::vector<uint8_t> enc;
    auto add = [&](std::span<const uint8_t> w) { enc.insert(enc.end(), w.begin(), w.end()); };
    add(Keccak256(std::string_view("Person(string name,address wallet)")));
    add(Keccak256(name));
    Word a{};
    Address addr = *ParseAddress(wallet);
    std::copy(addr.begin(), addr.end(), a.begin() + 12);
    add(a);
    return Keccak256(enc);
  };
  const JsonValue& msg = *doc.Find("message");
  Hash256 from = person(msg.Find("from")->StringOr("name"), msg.Find("from")->StringOr("wallet"));
  Hash256 to = person(msg.Find("to")->StringOr("name"), msg.Find("to")->StringOr("wallet"));
  EXPECT_EQ(Hex(from), want.StringOr("hashStruct_from"));
  EXPECT_EQ(Hex(to), want.StringOr("hashStruct_to"));
  std::vector<uint8_t> enc;
  auto add = [&](std::span<const uint8_t> w) { enc.insert(enc.end(), w.begin(), w.end()); };
  add(Keccak256(want.StringOr("encodeType_Mail")));
  add(from);
  add(to);
  add(Keccak256(msg.StringOr("contents")));
  Hash256 message = Keccak256(enc);
  EXPECT_EQ(Hex(message), want.StringOr("hashStruct_message"));
  Hash256 digest = TypedDataDigest(separator, message);
  EXPECT_EQ(Hex(digest), want.StringOr("digest"));
  Hash256 cow = Keccak256(std::string_view("cow"));
  EXPECT_EQ(Hex(cow), want.StringOr("privateKey"));
  auto sig = SignDigest(ctx_, cow.data(), digest);
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ((*sig)[64], 28);
  EXPECT_EQ(Hex(*sig), want.Find("signature")->StringOr("rsv"));
  EXPECT_EQ(ChecksumAddress(*RecoverAddress(ctx_, digest, *sig)), want.StringOr("signerAddress"));
}

TEST_F(Eip712Test, SignThenRecoverOverRandomOrders) {
  // Seeded property test: every exchange, chain, side and signature type recovers the signer.
  uint32_t seed = std::random_device{}();
  std::printf("SignThenRecoverOverRandomOrders seed %u\n", seed);  // to replay a failure
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  auto random_word = [&] {
    Word w;
    for (auto& b : w) b = static_cast<uint8_t>(rng());
    return w;
  };
  for (int i = 0; i < 200; ++i) {
    Word key = random_word();
    if (secp256k1_ec_seckey_verify(ctx_, key.data()) != 1) continue;
    secp256k1_pubkey pub;
    ASSERT_EQ(secp256k1_ec_pubkey_create(ctx_, &pub, key.data()), 1);
    Address me = AddressFromPublicKey(ctx_, pub);
    Exchange exchange = std::array{Exchange::kCtfV2, Exchange::kNegRiskV2, Exchange::kV3}[i % 3];
    uint64_t chain = (i / 3) % 2 == 0 ? 137 : 80002;
    OrderV2 order;
    order.salt = WordFromUint64(rng() >> 11);
    order.maker = me;
    order.signer = me;
    order.token_id = random_word();
    order.maker_amount = WordFromUint64(rng() % 1'000'000'000);
    order.taker_amount = WordFromUint64(rng() % 1'000'000'000);
    order.side = static_cast<uint8_t>(rng() % 2);
    order.signature_type = static_cast<uint8_t>(rng() % 4);
    order.timestamp = WordFromUint64(1'700'000'000'000 + rng() % 100'000'000'000);
    Hash256 separator = ExchangeDomainSeparator(*DomainFor(exchange, chain), chain);
    Hash256 struct_hash = OrderV2StructHash(order);
    Hash256 signed_digest = order.signature_type == 3
                                ? Poly1271SigningDigest(separator, struct_hash, chain, order.signer)
                                : TypedDataDigest(separator, struct_hash);
    auto sig = SignDigest(ctx_, key.data(), signed_digest);
    ASSERT_TRUE(sig.has_value());
    // low-s: s <= n/2, whose top byte is 0x7f.
    EXPECT_LE((*sig)[32], 0x7f);
    auto recovered = RecoverAddress(ctx_, signed_digest, *sig);
    ASSERT_TRUE(recovered.has_value());
    EXPECT_EQ(*recovered, me);
  }
}

TEST(Uint256, ParsesAndPrintsDecimalWords) {
  std::string max =
      "115792089237316195423570985008687907853269984665640564039457584007913129639935";
  auto w = ParseUint256(max);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(Uint256ToDecimal(*w), max);
  EXPECT_FALSE(ParseUint256(max.substr(0, 77) + "6").has_value());
  EXPECT_FALSE(ParseUint256("12a").has_value());
  EXPECT_EQ(Uint256ToDecimal(*ParseUint256("1234567890123456789012")), "1234567890123456789012");
  EXPECT_FALSE(ParseAddress("0x123").has_value());
  EXPECT_FALSE(ParseBytes32("0x00").has_value());
}

}  // namespace
}  // namespace betteroms::crypto
