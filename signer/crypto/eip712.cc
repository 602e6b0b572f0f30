#include "signer/crypto/eip712.h"

#include <cstring>

#include "common/hex.h"

namespace betteroms::crypto {
namespace {

constexpr std::string_view kDomainType =
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
constexpr std::string_view kOrderTypeV1 =
    "Order(uint256 salt,address maker,address signer,address taker,uint256 tokenId,"
    "uint256 makerAmount,uint256 takerAmount,uint256 expiration,uint256 nonce,"
    "uint256 feeRateBps,uint8 side,uint8 signatureType)";
constexpr std::string_view kClobAuthDomainType =
    "EIP712Domain(string name,string version,uint256 chainId)";
constexpr std::string_view kClobAuthType =
    "ClobAuth(address address,string timestamp,uint256 nonce,string message)";

// abi.encode of static words, then keccak256.
class Encoder {
 public:
  Encoder& Add(const Word& w) {
    bytes_.insert(bytes_.end(), w.begin(), w.end());
    return *this;
  }
  Encoder& Add(const Address& a) {
    bytes_.insert(bytes_.end(), 12, uint8_t{0});  // addresses are left-padded to a word
    bytes_.insert(bytes_.end(), a.begin(), a.end());
    return *this;
  }
  Encoder& Add(uint64_t v) { return Add(WordFromUint64(v)); }
  Encoder& AddHashOf(std::string_view text) { return Add(Keccak256(text)); }
  Hash256 Hash() const { return Keccak256(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
};

Address AddressLiteral(std::string_view hex) { return *ParseAddress(hex); }

// "0x" followed by exactly 2·N hex digits.
template <size_t N>
std::optional<std::array<uint8_t, N>> ParseFixedHex(std::string_view text) {
  if (text.size() != 2 + 2 * N || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return std::nullopt;
  }
  auto bytes = FromHex(text);
  if (!bytes || bytes->size() != N) return std::nullopt;
  std::array<uint8_t, N> out;
  std::memcpy(out.data(), bytes->data(), N);
  return out;
}

}  // namespace

std::optional<Word> ParseUint256(std::string_view decimal) {
  if (decimal.empty() || decimal.size() > 78) return std::nullopt;
  Word w{};
  for (char c : decimal) {
    if (c < '0' || c > '9') return std::nullopt;
    // w = w * 10 + digit, big-endian, detecting overflow out of the top byte.
    int carry = c - '0';
    for (int i = 31; i >= 0; --i) {
      int v = w[i] * 10 + carry;
      w[i] = static_cast<uint8_t>(v & 0xff);
      carry = v >> 8;
    }
    if (carry != 0) return std::nullopt;
  }
  return w;
}

Word WordFromUint64(uint64_t v) {
  Word w{};
  for (int i = 0; i < 8; ++i) w[31 - i] = static_cast<uint8_t>(v >> (8 * i));
  return w;
}

std::string Uint256ToDecimal(const Word& w) { return BigEndianToDecimal(w); }

std::optional<Address> ParseAddress(std::string_view text) { return ParseFixedHex<20>(text); }

std::optional<Word> ParseBytes32(std::string_view text) { return ParseFixedHex<32>(text); }

std::optional<ExchangeDomain> DomainFor(Exchange exchange, uint64_t chain_id) {
  if (chain_id != 137 && chain_id != 80002) return std::nullopt;
  bool amoy = chain_id == 80002;
  switch (exchange) {
    case Exchange::kCtfV2:
      return ExchangeDomain{"2", AddressLiteral("0xE111180000d2663C0091e4f400237545B87B996B")};
    case Exchange::kNegRiskV2:
      return ExchangeDomain{"2", AddressLiteral("0xe2222d279d744050d28e00520010520000310F59")};
    case Exchange::kV3:
      return ExchangeDomain{"3",
                            AddressLiteral(amoy ? "0x9fE6e61422AdB6F610d8597F9684b16912D50C3D"
                                                : "0xe3333700cA9d93003F00f0F71f8515005F6c00Aa")};
    case Exchange::kCtfV1:
      return ExchangeDomain{"1",
                            AddressLiteral(amoy ? "0xdFE02Eb6733538f8Ea35D585af8DE5958AD99E40"
                                                : "0x4bFb41d5B3570DeFd03C39a9A4D8dE6Bd8B8982E")};
    case Exchange::kNegRiskV1:
      return ExchangeDomain{"1", AddressLiteral("0xC5d563A36AE78145C45a50134d48A1215220f80a")};
  }
  return std::nullopt;
}

const char* ExchangeName(Exchange exchange) {
  switch (exchange) {
    case Exchange::kCtfV2:
      return "ctf-v2";
    case Exchange::kNegRiskV2:
      return "neg-risk-v2";
    case Exchange::kV3:
      return "v3";
    case Exchange::kCtfV1:
      return "ctf-v1";
    case Exchange::kNegRiskV1:
      return "neg-risk-v1";
  }
  return "unknown";
}

Hash256 DomainSeparator(std::string_view name, std::string_view version, uint64_t chain_id,
                        const Address& verifying_contract) {
  return Encoder()
      .AddHashOf(kDomainType)
      .AddHashOf(name)
      .AddHashOf(version)
      .Add(chain_id)
      .Add(verifying_contract)
      .Hash();
}

Hash256 ExchangeDomainSeparator(const ExchangeDomain& domain, uint64_t chain_id) {
  // The ten known domains are computed once; they sit on every signature's path.
  struct Known {
    ExchangeDomain domain;
    uint64_t chain;
    Hash256 separator;
  };
  static const std::vector<Known> kKnown = [] {
    std::vector<Known> out;
    for (uint64_t chain : {uint64_t{137}, uint64_t{80002}}) {
      for (Exchange e : {Exchange::kCtfV2, Exchange::kNegRiskV2, Exchange::kV3, Exchange::kCtfV1,
                         Exchange::kNegRiskV1}) {
        ExchangeDomain d = *DomainFor(e, chain);
        out.push_back(
            {d, chain, DomainSeparator("Polymarket CTF Exchange", d.version, chain, d.contract)});
      }
    }
    return out;
  }();
  for (const Known& k : kKnown) {
    if (k.chain == chain_id && k.domain.contract == domain.contract &&
        k.domain.version == domain.version) {
      return k.separator;
    }
  }
  return DomainSeparator("Polymarket CTF Exchange", domain.version, chain_id, domain.contract);
}

Hash256 TypedDataDigest(const Hash256& domain_separator, const Hash256& struct_hash) {
  uint8_t buf[66] = {0x19, 0x01};
  std::memcpy(buf + 2, domain_separator.data(), 32);
  std::memcpy(buf + 34, struct_hash.data(), 32);
  return Keccak256(std::span<const uint8_t>(buf, sizeof(buf)));
}

Hash256 OrderV2StructHash(const OrderV2& o) {
  static const Hash256 kTypeHash = Keccak256(kOrderTypeV2);
  return Encoder()
      .Add(kTypeHash)
      .Add(o.salt)
      .Add(o.maker)
      .Add(o.signer)
      .Add(o.token_id)
      .Add(o.maker_amount)
      .Add(o.taker_amount)
      .Add(uint64_t{o.side})
      .Add(uint64_t{o.signature_type})
      .Add(o.timestamp)
      .Add(o.metadata)
      .Add(o.builder)
      .Hash();
}

Hash256 OrderV1StructHash(const OrderV1& o) {
  static const Hash256 kTypeHash = Keccak256(kOrderTypeV1);
  return Encoder()
      .Add(kTypeHash)
      .Add(o.salt)
      .Add(o.maker)
      .Add(o.signer)
      .Add(o.taker)
      .Add(o.token_id)
      .Add(o.maker_amount)
      .Add(o.taker_amount)
      .Add(o.expiration)
      .Add(o.nonce)
      .Add(o.fee_rate_bps)
      .Add(uint64_t{o.side})
      .Add(uint64_t{o.signature_type})
      .Hash();
}

Hash256 Poly1271SigningDigest(const Hash256& exchange_domain_separator,
                              const Hash256& order_struct_hash, uint64_t chain_id,
                              const Address& deposit_wallet) {
  std::string type =
      "TypedDataSign(Order contents,string name,string version,uint256 chainId,"
      "address verifyingContract,bytes32 salt)";
  type += kOrderTypeV2;
  Hash256 struct_hash = Encoder()
                            .AddHashOf(type)
                            .Add(order_struct_hash)
                            .AddHashOf("DepositWallet")
                            .AddHashOf("1")
                            .Add(chain_id)
                            .Add(deposit_wallet)
                            .Add(Word{})
                            .Hash();
  return TypedDataDigest(exchange_domain_separator, struct_hash);
}

std::vector<uint8_t> Poly1271Envelope(const std::array<uint8_t, 65>& inner_signature,
                                      const Hash256& exchange_domain_separator,
                                      const Hash256& order_struct_hash) {
  std::vector<uint8_t> out(inner_signature.begin(), inner_signature.end());
  out.insert(out.end(), exchange_domain_separator.begin(), exchange_domain_separator.end());
  out.insert(out.end(), order_struct_hash.begin(), order_struct_hash.end());
  out.insert(out.end(), kOrderTypeV2.begin(), kOrderTypeV2.end());
  out.push_back(static_cast<uint8_t>(kOrderTypeV2.size() >> 8));
  out.push_back(static_cast<uint8_t>(kOrderTypeV2.size() & 0xff));
  return out;
}

Hash256 ClobAuthDigest(uint64_t chain_id, const Address& address, std::string_view timestamp,
                       const Word& nonce) {
  Hash256 domain = Encoder()
                       .AddHashOf(kClobAuthDomainType)
                       .AddHashOf("ClobAuthDomain")
                       .AddHashOf("1")
                       .Add(chain_id)
                       .Hash();
  Hash256 message = Encoder()
                        .AddHashOf(kClobAuthType)
                        .Add(address)
                        .AddHashOf(timestamp)
                        .Add(nonce)
                        .AddHashOf(kClobAuthMessage)
                        .Hash();
  return TypedDataDigest(domain, message);
}

}  // namespace betteroms::crypto
