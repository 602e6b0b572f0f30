#include "signer/policy/policy.h"

#include <limits>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/decimal.h"
#include "common/file.h"
#include "common/int128.h"
#include "common/json.h"
#include "common/status_macros.h"

namespace betteroms::policy {
namespace {

Refusal Refuse(Rule rule, std::string why) { return Refusal{rule, std::move(why)}; }

std::string Usd(int64_t micros) { return FormatMicrosFixed(micros, 2); }

std::optional<crypto::Exchange> ExchangeByName(const std::string& name) {
  for (auto e : {crypto::Exchange::kCtfV2, crypto::Exchange::kNegRiskV2, crypto::Exchange::kV3,
                 crypto::Exchange::kCtfV1, crypto::Exchange::kNegRiskV1}) {
    if (name == crypto::ExchangeName(e)) return e;
  }
  return std::nullopt;
}

absl::Status Bad(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

// The items of a non-empty array; `empty_why` says why an empty list is refused.
absl::StatusOr<const std::vector<JsonValue>*> Items(const JsonValue& v, absl::string_view field,
                                                    absl::string_view what,
                                                    absl::string_view empty_why) {
  if (!v.is_array()) {
    return Bad(field, absl::StrCat("must be an array of ", what, ", not ", JsonKindName(v.kind)));
  }
  if (v.items.empty()) return Bad(field, absl::StrCat("must not be empty: ", empty_why));
  return &v.items;
}

// A JSON number written as a plain integer within [min, max].
absl::StatusOr<int64_t> Integer(const JsonValue& v, absl::string_view field, int64_t min,
                                int64_t max) {
  std::string range = absl::StrCat("must be an integer from ", min, " to ", max);
  if (!v.is_number() || v.text.empty() || v.text.size() > 18 ||
      v.text.find_first_not_of("0123456789") != std::string::npos) {
    return Bad(field, absl::StrCat(range, ", not ", DumpJson(v)));
  }
  int64_t n = 0;
  for (char c : v.text) n = n * 10 + (c - '0');
  if (n < min || n > max) return Bad(field, absl::StrCat(range, ", not ", v.text));
  return n;
}

// A decimal string ("1000", "0.55") in micro-units, above zero.
absl::StatusOr<int64_t> PositiveDecimal(const JsonValue& v, absl::string_view field) {
  if (!v.is_string()) {
    return Bad(field, absl::StrCat("must be a decimal string such as \"100\", not ",
                                   JsonKindName(v.kind)));
  }
  absl::StatusOr<int64_t> micros = ParseMicros(v.text, 6);
  if (!micros.ok() || *micros <= 0) {
    return Bad(field, absl::StrCat("must be a decimal above 0 with at most 6 decimals, not \"",
                                   v.text, "\""));
  }
  return *micros;
}

absl::StatusOr<std::set<crypto::Address>> Addresses(const JsonValue& v, absl::string_view field) {
  OMS_ASSIGN_OR_RETURN(const std::vector<JsonValue>* items,
                       Items(v, field, "addresses", "it would allow no address"));
  std::set<crypto::Address> out;
  for (const JsonValue& item : *items) {
    std::optional<crypto::Address> a;
    if (item.is_string()) a = crypto::ParseAddress(item.text);
    if (!a) return Bad(field, absl::StrCat(DumpJson(item), " is not an address string"));
    out.insert(*a);
  }
  return out;
}

absl::StatusOr<std::set<crypto::Exchange>> Exchanges(const JsonValue& v) {
  OMS_ASSIGN_OR_RETURN(const std::vector<JsonValue>* items,
                       Items(v, "exchanges", "exchange names", "it would allow no exchange"));
  std::set<crypto::Exchange> out;
  for (const JsonValue& item : *items) {
    std::optional<crypto::Exchange> e;
    if (item.is_string()) e = ExchangeByName(item.text);
    if (!e) {
      return Bad(
          "exchanges",
          absl::StrCat(DumpJson(item), " is not ctf-v2, neg-risk-v2, v3, ctf-v1 or neg-risk-v1"));
    }
    out.insert(*e);
  }
  return out;
}

absl::StatusOr<std::set<int>> SignatureTypes(const JsonValue& v) {
  OMS_ASSIGN_OR_RETURN(
      const std::vector<JsonValue>* items,
      Items(v, "signature_types", "integers 0 to 3", "it would allow no signature type"));
  std::set<int> out;
  for (const JsonValue& item : *items) {
    OMS_ASSIGN_OR_RETURN(int64_t t, Integer(item, "signature_types", 0, 3));
    out.insert(static_cast<int>(t));
  }
  return out;
}

// Token ids as canonical decimals, so "0123" and "123" are the same token.
absl::StatusOr<std::set<std::string>> Tokens(const JsonValue& v) {
  OMS_ASSIGN_OR_RETURN(const std::vector<JsonValue>* items,
                       Items(v, "tokens", "token id strings",
                             "an empty allow-list allows no token (omit tokens to allow any)"));
  std::set<std::string> out;
  for (const JsonValue& item : *items) {
    std::optional<crypto::Word> id;
    if (item.is_string()) id = crypto::ParseUint256(item.text);
    if (!id) {
      return Bad("tokens", absl::StrCat(DumpJson(item), " is not a decimal token id string"));
    }
    out.insert(crypto::Uint256ToDecimal(*id));
  }
  return out;
}

absl::Status PriceBand(const JsonValue& v, Policy& p) {
  if (!v.is_object()) {
    return Bad("price_band", absl::StrCat("must be an object {\"min\": \"0.01\", \"max\": "
                                          "\"0.99\"}, not ",
                                          JsonKindName(v.kind)));
  }
  for (const JsonValue& m : v.members) {
    if (m.name != "min" && m.name != "max") {
      return Bad(absl::StrCat("price_band.", m.name), "unknown field (min and max only)");
    }
  }
  const JsonValue* min = v.Find("min");
  const JsonValue* max = v.Find("max");
  if (min == nullptr) return Bad("price_band.min", "is required");
  if (max == nullptr) return Bad("price_band.max", "is required");
  OMS_ASSIGN_OR_RETURN(p.min_price, PositiveDecimal(*min, "price_band.min"));
  OMS_ASSIGN_OR_RETURN(p.max_price, PositiveDecimal(*max, "price_band.max"));
  if (p.max_price >= kMicro || p.min_price > p.max_price) {
    return Bad("price_band", "must satisfy 0 < min <= max < 1");
  }
  return absl::OkStatus();
}

bool FitsInt64(const crypto::Word& w) {
  for (int i = 0; i < 24; ++i) {
    if (w[i] != 0) return false;
  }
  return w[24] < 0x80;
}

int64_t ToInt64(const crypto::Word& w) {
  int64_t v = 0;
  for (int i = 24; i < 32; ++i) v = v << 8 | w[i];
  return v;
}

}  // namespace

absl::string_view RuleId(Rule rule) {
  switch (rule) {
    case Rule::kChainId:
      return "chain_id";
    case Rule::kExchanges:
      return "exchanges";
    case Rule::kMakers:
      return "makers";
    case Rule::kSigners:
      return "signers";
    case Rule::kSignatureTypes:
      return "signature_types";
    case Rule::kTokens:
      return "tokens";
    case Rule::kPriceBand:
      return "price_band";
    case Rule::kMaxOrderNotional:
      return "max_order_notional";
    case Rule::kMaxDailyNotional:
      return "max_daily_notional";
    case Rule::kMaxSignsPerSecond:
      return "max_signs_per_second";
    case Rule::kSignerIsKey:
      return "signer_is_key";
    case Rule::kAmounts:
      return "amounts";
    case Rule::kNoPolicy:
      return "policy";
    case Rule::kClobAuthWindow:
      return "clob_auth_window_seconds";
    case Rule::kMaxClobAuthsPerMinute:
      return "max_clob_auths_per_minute";
  }
  return "unknown";  // unreachable: every enumerator is listed above
}

std::string Policy::Summary() const {
  if (none) return "no policy: every order and ClobAuth is refused";
  std::vector<std::string> names;
  for (auto e : exchanges) names.emplace_back(crypto::ExchangeName(e));
  std::vector<std::string> types;
  for (int t : signature_types) types.push_back(std::to_string(t));
  return absl::StrCat(
      "chain ", chain_id, "; exchanges ", names.empty() ? "none" : absl::StrJoin(names, ","),
      "; signature types ", types.empty() ? "none" : absl::StrJoin(types, ","), "; max order ",
      max_order_notional ? Usd(*max_order_notional) : "unlimited", " USDC; max per day ",
      max_daily_notional ? Usd(*max_daily_notional) : "unlimited", " USDC; prices ",
      FormatMicros(min_price), "-", FormatMicros(max_price),
      tokens ? absl::StrCat("; ", tokens->size(), " tokens allowed") : "",
      max_signs_per_second ? absl::StrCat("; at most ", *max_signs_per_second, " signatures/s")
                           : "",
      "; ClobAuth within ", clob_auth_window_seconds, " s of now, at most ",
      max_clob_auths_per_minute, "/min");
}

Policy RefuseAll() {
  Policy p;
  p.none = true;
  p.max_order_notional = 0;
  p.tokens = std::set<std::string>{};
  return p;
}

absl::StatusOr<Policy> ParsePolicy(std::string_view text, const crypto::Address& key_address) {
  OMS_ASSIGN_OR_RETURN(JsonValue doc, ParseJson(text));
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be a JSON object, not ", JsonKindName(doc.kind)));
  }
  Policy p;
  p.makers = {key_address};
  p.signers = {key_address};
  p.signature_types = {0};
  p.exchanges = {crypto::Exchange::kCtfV2, crypto::Exchange::kNegRiskV2, crypto::Exchange::kV3};
  bool chain_given = false;
  for (const JsonValue& m : doc.members) {
    const std::string& k = m.name;
    if (k == "chain_id") {
      OMS_ASSIGN_OR_RETURN(int64_t chain, Integer(m, k, 1, 1'000'000'000));
      if (chain != 137 && chain != 80002) {
        return Bad(k, absl::StrCat("must be 137 (Polygon) or 80002 (Amoy), not ", chain));
      }
      p.chain_id = static_cast<uint64_t>(chain);
      chain_given = true;
    } else if (k == "exchanges") {
      OMS_ASSIGN_OR_RETURN(p.exchanges, Exchanges(m));
    } else if (k == "makers") {
      OMS_ASSIGN_OR_RETURN(p.makers, Addresses(m, k));
    } else if (k == "signers") {
      OMS_ASSIGN_OR_RETURN(p.signers, Addresses(m, k));
    } else if (k == "signature_types") {
      OMS_ASSIGN_OR_RETURN(p.signature_types, SignatureTypes(m));
    } else if (k == "max_order_notional") {
      OMS_ASSIGN_OR_RETURN(p.max_order_notional, PositiveDecimal(m, k));
    } else if (k == "max_daily_notional") {
      OMS_ASSIGN_OR_RETURN(p.max_daily_notional, PositiveDecimal(m, k));
    } else if (k == "price_band") {
      OMS_RETURN_IF_ERROR(PriceBand(m, p));
    } else if (k == "tokens") {
      OMS_ASSIGN_OR_RETURN(p.tokens, Tokens(m));
    } else if (k == "max_signs_per_second") {
      OMS_ASSIGN_OR_RETURN(int64_t rate, Integer(m, k, 1, 100'000));
      p.max_signs_per_second = static_cast<int>(rate);
    } else if (k == "clob_auth_window_seconds") {
      OMS_ASSIGN_OR_RETURN(int64_t window, Integer(m, k, 1, 3600));
      p.clob_auth_window_seconds = static_cast<int>(window);
    } else if (k == "max_clob_auths_per_minute") {
      OMS_ASSIGN_OR_RETURN(int64_t rate, Integer(m, k, 1, 600));
      p.max_clob_auths_per_minute = static_cast<int>(rate);
    } else {
      return Bad(k, "unknown field");
    }
  }
  if (!chain_given) return Bad("chain_id", "is required");
  return p;
}

absl::StatusOr<Policy> LoadPolicy(const std::string& path, const crypto::Address& key_address) {
  absl::StatusOr<std::string> text = ReadFileText(path);
  if (!text.ok()) {
    return absl::Status(text.status().code(), absl::StrCat("policy: ", text.status().message()));
  }
  absl::StatusOr<Policy> p = ParsePolicy(*text, key_address);
  if (!p.ok()) {
    return absl::Status(p.status().code(),
                        absl::StrCat("policy ", path, ": ", p.status().message()));
  }
  return p;
}

std::optional<Refusal> DeriveEconomics(const crypto::OrderV2& order, OrderFacts& facts) {
  facts.buy = order.side == 0;
  if (!FitsInt64(order.maker_amount) || !FitsInt64(order.taker_amount)) {
    return Refuse(Rule::kAmounts, "order amounts are beyond any plausible order");
  }
  int64_t maker = ToInt64(order.maker_amount);
  int64_t taker = ToInt64(order.taker_amount);
  if (maker <= 0 || taker <= 0) {
    return Refuse(Rule::kAmounts, absl::StrCat("order amounts must be positive (makerAmount ",
                                               maker, ", takerAmount ", taker, ")"));
  }
  facts.notional = facts.buy ? maker : taker;
  facts.shares = facts.buy ? taker : maker;
  Int128 price = static_cast<Int128>(facts.notional) * kMicro / facts.shares;
  facts.price = price > std::numeric_limits<int64_t>::max() ? std::numeric_limits<int64_t>::max()
                                                            : static_cast<int64_t>(price);
  return std::nullopt;
}

std::optional<Refusal> Check(const Policy& p, const OrderFacts& f, int64_t spent_today) {
  if (p.none) {
    return Refuse(Rule::kNoPolicy, "no policy is loaded: oms-signer was started without --policy");
  }
  if (f.chain_id != p.chain_id) {
    return Refuse(Rule::kChainId,
                  absl::StrCat("chain ", f.chain_id, " is not the policy's chain ", p.chain_id));
  }
  if (p.exchanges.count(f.exchange) == 0) {
    return Refuse(Rule::kExchanges,
                  absl::StrCat("exchange ", crypto::ExchangeName(f.exchange), " is not allowed"));
  }
  if (p.makers.count(f.maker) == 0) {
    return Refuse(Rule::kMakers,
                  absl::StrCat("maker ", crypto::ChecksumAddress(f.maker), " is not allowed"));
  }
  if (p.signers.count(f.signer) == 0) {
    return Refuse(Rule::kSigners,
                  absl::StrCat("signer ", crypto::ChecksumAddress(f.signer), " is not allowed"));
  }
  if (p.signature_types.count(f.signature_type) == 0) {
    return Refuse(Rule::kSignatureTypes,
                  absl::StrCat("signature type ", f.signature_type, " is not allowed"));
  }
  if (p.tokens && p.tokens->count(f.token_id) == 0) {
    return Refuse(Rule::kTokens, absl::StrCat("token ", f.token_id, " is not on the allow-list"));
  }
  if (f.notional <= 0 || f.shares <= 0) {
    return Refuse(Rule::kAmounts, "order amounts must be positive");
  }
  // price = notional / shares, compared exactly: both below 2^63, each product below 2^84.
  if (f.notional >= f.shares) {
    return Refuse(
        Rule::kPriceBand,
        absl::StrCat("implied price ", FormatMicros(f.price), " (", FormatMicros(f.notional),
                     " USDC for ", FormatMicros(f.shares), " shares) is not below 1"));
  }
  Int128 scaled = static_cast<Int128>(f.notional) * kMicro;
  if (scaled < static_cast<Int128>(p.min_price) * f.shares) {
    return Refuse(Rule::kPriceBand,
                  absl::StrCat("price ", FormatMicros(f.price), " is outside ",
                               FormatMicros(p.min_price), "-", FormatMicros(p.max_price)));
  }
  if (scaled > static_cast<Int128>(p.max_price) * f.shares) {
    // Rounded up, so a price a hair above the band does not print as its maximum.
    auto shown = static_cast<int64_t>((scaled + f.shares - 1) / f.shares);
    return Refuse(Rule::kPriceBand,
                  absl::StrCat("price ", FormatMicros(shown), " is outside ",
                               FormatMicros(p.min_price), "-", FormatMicros(p.max_price)));
  }
  if (p.max_order_notional && f.notional > *p.max_order_notional) {
    return Refuse(Rule::kMaxOrderNotional,
                  absl::StrCat("order notional ", Usd(f.notional), " exceeds max_order_notional ",
                               Usd(*p.max_order_notional)));
  }
  if (p.max_daily_notional &&
      static_cast<Int128>(spent_today) + f.notional > *p.max_daily_notional) {
    return Refuse(
        Rule::kMaxDailyNotional,
        absl::StrCat("order notional ", Usd(f.notional), " on top of ", Usd(spent_today),
                     " signed today exceeds max_daily_notional ", Usd(*p.max_daily_notional)));
  }
  return std::nullopt;
}

}  // namespace betteroms::policy
