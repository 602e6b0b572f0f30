#include "tests/fakes/fake_venue_order.h"

#include <nlohmann/json.hpp>

#include "common/decimal.h"
#include "common/hex.h"
#include "common/int128.h"
#include "signer/crypto/ecdsa.h"

namespace betteroms::test {
namespace {

absl::Status Invalid(const std::string& what) {
  return absl::InvalidArgumentError("Invalid order payload: " + what);
}

// A base-unit amount as the body writes it: a decimal string that fits in int64.
std::optional<int64_t> ParseAmount(const nlohmann::json& v) {
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(s);
}

// A uint256 written as a decimal string or a JSON integer (salt, signatureType).
std::optional<crypto::Word> ParseWord(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return crypto::WordFromUint64(v.get<uint64_t>());
  if (v.is_string()) return crypto::ParseUint256(v.get_ref<const std::string&>());
  return std::nullopt;
}

// The number of decimals of a base-unit amount read as units (0..6).
int Decimals(int64_t units) { return MicroDecimals(units); }

}  // namespace

const char* OrderTypeName(OrderType type) {
  switch (type) {
    case OrderType::kGtc:
      return "GTC";
    case OrderType::kGtd:
      return "GTD";
    case OrderType::kFok:
      return "FOK";
    case OrderType::kFak:
      return "FAK";
  }
  return "?";
}

absl::StatusOr<IncomingOrder> ParseOrderPayload(const std::string& json_text) {
  nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, false);
  if (!doc.is_object() || !doc.contains("order") || !doc["order"].is_object()) {
    return Invalid("not an object with an order");
  }
  const nlohmann::json& o = doc["order"];
  IncomingOrder out;
  if (doc.contains("owner") && doc["owner"].is_string()) out.owner = doc["owner"];
  if (doc.contains("postOnly") && doc["postOnly"].is_boolean()) out.post_only = doc["postOnly"];
  std::string type = doc.contains("orderType") && doc["orderType"].is_string()
                         ? doc["orderType"].get<std::string>()
                         : "GTC";
  if (type == "GTC") {
    out.type = OrderType::kGtc;
  } else if (type == "GTD") {
    out.type = OrderType::kGtd;
  } else if (type == "FOK") {
    out.type = OrderType::kFok;
  } else if (type == "FAK") {
    out.type = OrderType::kFak;
  } else {
    return Invalid("unknown orderType");
  }
  auto str = [&](const char* key) -> std::string {
    return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : "";
  };
  auto str_or = [&](const char* key, const std::string& fallback) {
    return o.contains(key) ? str(key) : fallback;
  };
  const std::string zero32 = "0x" + std::string(64, '0');
  auto salt = ParseWord(o.value("salt", nlohmann::json()));
  auto maker = crypto::ParseAddress(str("maker"));
  auto signer = crypto::ParseAddress(str("signer"));
  auto token = crypto::ParseUint256(str("tokenId"));
  auto maker_amount = ParseAmount(o.value("makerAmount", nlohmann::json()));
  auto taker_amount = ParseAmount(o.value("takerAmount", nlohmann::json()));
  auto timestamp = crypto::ParseUint256(str("timestamp"));
  auto metadata = crypto::ParseBytes32(str_or("metadata", zero32));
  auto builder = crypto::ParseBytes32(str_or("builder", zero32));
  auto signature = FromHex(str("signature"));
  std::string side = str("side");
  std::string expiration = str_or("expiration", "0");
  if (!salt || !maker || !signer || !token || !maker_amount || !taker_amount || !timestamp ||
      !metadata || !builder || !signature || (side != "BUY" && side != "SELL") ||
      !o.contains("signatureType") || !o["signatureType"].is_number_unsigned() ||
      expiration.empty() || expiration.size() > 12 ||
      expiration.find_first_not_of("0123456789") != std::string::npos) {
    return Invalid("bad order fields");
  }
  if (*maker_amount <= 0 || *taker_amount <= 0) return Invalid("amounts must be positive");
  out.signature_type = o["signatureType"].get<int>();
  if (out.signature_type > 3) return Invalid("unknown signatureType");
  out.buy = side == "BUY";
  out.maker = "0x" + ToHex(*maker);
  out.signer = "0x" + ToHex(*signer);
  out.token_id = crypto::Uint256ToDecimal(*token);
  out.maker_amount = *maker_amount;
  out.taker_amount = *taker_amount;
  out.expiration = std::stoll(expiration);
  out.signature = std::move(*signature);
  out.fields.salt = *salt;
  out.fields.maker = *maker;
  out.fields.signer = *signer;
  out.fields.token_id = *token;
  out.fields.maker_amount = crypto::WordFromUint64(static_cast<uint64_t>(*maker_amount));
  out.fields.taker_amount = crypto::WordFromUint64(static_cast<uint64_t>(*taker_amount));
  out.fields.side = out.buy ? 0 : 1;
  out.fields.signature_type = static_cast<uint8_t>(out.signature_type);
  out.fields.timestamp = *timestamp;
  out.fields.metadata = *metadata;
  out.fields.builder = *builder;
  return out;
}

crypto::ExchangeDomain OrderDomain(bool neg_risk, uint64_t chain_id) {
  auto domain = crypto::DomainFor(
      neg_risk ? crypto::Exchange::kNegRiskV2 : crypto::Exchange::kCtfV2, chain_id);
  // The chain id is checked when the fake starts; anything else is a broken invariant.
  if (!domain) std::abort();
  return *domain;
}

crypto::Hash256 OrderHash(const IncomingOrder& order, const crypto::ExchangeDomain& domain,
                          uint64_t chain_id) {
  return crypto::TypedDataDigest(crypto::ExchangeDomainSeparator(domain, chain_id),
                                 crypto::OrderV2StructHash(order.fields));
}

bool SignatureValid(const secp256k1_context* ctx, const IncomingOrder& order,
                    const crypto::ExchangeDomain& domain, uint64_t chain_id,
                    const std::string& owner_address) {
  crypto::Hash256 separator = crypto::ExchangeDomainSeparator(domain, chain_id);
  crypto::Hash256 struct_hash = crypto::OrderV2StructHash(order.fields);
  crypto::Signature sig;
  if (order.signature.size() < sig.size()) return false;
  std::copy_n(order.signature.begin(), sig.size(), sig.begin());
  if (order.signature_type != 3) {
    auto who = crypto::RecoverAddress(ctx, crypto::TypedDataDigest(separator, struct_hash), sig);
    return order.signature.size() == sig.size() && who && "0x" + ToHex(*who) == order.signer;
  }
  // The envelope must be the one built for this very order and exchange.
  std::vector<uint8_t> expected = crypto::Poly1271Envelope(sig, separator, struct_hash);
  if (order.signature != expected) return false;
  auto who = crypto::RecoverAddress(
      ctx, crypto::Poly1271SigningDigest(separator, struct_hash, chain_id, order.fields.signer),
      sig);
  return who && "0x" + ToHex(*who) == owner_address;
}

std::string CheckOrderRules(const IncomingOrder& order, int64_t tick, int64_t min_size,
                            int64_t now_s) {
  int amount_decimals = MicroDecimals(tick) + 2;  // PROTOCOL §5.1: price decimals + 2
  if (!order.is_market()) {
    // The implied price must be exact and on the tick: maker/taker (BUY), taker/maker (SELL).
    int64_t collateral = order.buy ? order.maker_amount : order.taker_amount;
    int64_t shares = order.shares();
    Int128 scaled = static_cast<Int128>(collateral) * kMicro;
    if (scaled % shares != 0 || static_cast<int64_t>(scaled / shares) % tick != 0 ||
        scaled / shares < tick || scaled / shares > kMicro - tick) {
      return "order is invalid. Price breaks minimum tick size rules";
    }
  }
  int maker_max = 0;
  int taker_max = 0;
  std::string kind;
  if (order.buy) {
    maker_max = order.is_market() ? 2 : amount_decimals;
    taker_max = order.is_market() ? 4 : 2;
    kind = order.is_market() ? "market buy" : "buy";
  } else {
    maker_max = 2;
    taker_max = order.is_market() ? 4 : amount_decimals;
    kind = order.is_market() ? "market sell" : "sell";
  }
  if (Decimals(order.maker_amount) > maker_max || Decimals(order.taker_amount) > taker_max) {
    return "invalid amounts, the " + kind + " orders maker amount supports a max accuracy of " +
           std::to_string(maker_max) + " decimals, taker amount a max of " +
           std::to_string(taker_max) + " decimals";
  }
  // Market orders are sized in collateral (BUY) and carry their worst price, so the minimum
  // share count applies to limit orders only.
  if (!order.is_market() && order.shares() < min_size) {
    return "Size (" + FormatMicros(order.shares()) +
           ") lower than the minimum: " + FormatMicros(min_size);
  }
  if (order.type == OrderType::kGtd && order.expiration < now_s + 60) return "invalid expiration";
  return "";
}

}  // namespace betteroms::test
