#include "signer/policy/policy.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/decimal.h"
#include "common/file.h"
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

absl::StatusOr<int64_t> Money(const JsonValue& v, const std::string& field) {
  if (!v.is_string() && !v.is_number()) {
    return absl::InvalidArgumentError(absl::StrCat("policy: ", field, " must be a decimal"));
  }
  auto micros = ParseJsonNumberMicros(v.text, 6);
  if (!micros.ok() || *micros < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy: ", field, " must be a positive decimal"));
  }
  return *micros;
}

absl::StatusOr<std::set<crypto::Address>> Addresses(const JsonValue& v, const std::string& field) {
  std::set<crypto::Address> out;
  if (!v.is_array()) {
    return absl::InvalidArgumentError(absl::StrCat("policy: ", field, " must be an array"));
  }
  for (const JsonValue& item : v.items) {
    auto a = crypto::ParseAddress(item.text);
    if (!item.is_string() || !a) {
      return absl::InvalidArgumentError(
          absl::StrCat("policy: ", field, ": \"", item.text, "\" is not an address"));
    }
    out.insert(*a);
  }
  return out;
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
  }
  return "unknown";  // unreachable: every enumerator is listed above
}

std::string Policy::Summary() const {
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
      tokens.empty() ? "" : absl::StrCat("; ", tokens.size(), " tokens allowed"),
      max_signs_per_second ? absl::StrCat("; at most ", *max_signs_per_second, " signatures/s")
                           : "");
}

Policy RefuseAll() {
  Policy p;
  p.max_order_notional = 0;
  return p;
}

absl::StatusOr<Policy> LoadPolicy(const std::string& path, const crypto::Address& key_address) {
  absl::StatusOr<std::string> text = ReadFileText(path);
  if (!text.ok()) {
    return absl::Status(text.status().code(), absl::StrCat("policy: ", text.status().message()));
  }
  auto doc = ParseJson(*text);
  if (!doc.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("policy ", path, ": ", doc.status().message()));
  }
  if (!doc->is_object()) return absl::InvalidArgumentError("policy: must be a JSON object");
  Policy p;
  p.makers = {key_address};
  p.signers = {key_address};
  p.signature_types = {0};
  p.exchanges = {crypto::Exchange::kCtfV2, crypto::Exchange::kNegRiskV2, crypto::Exchange::kV3};
  bool chain_given = false;
  for (const JsonValue& m : doc->members) {
    const std::string& k = m.name;
    if (k == "chain_id") {
      if (m.text != "137" && m.text != "80002") {
        return absl::InvalidArgumentError("policy: chain_id must be 137 or 80002");
      }
      p.chain_id = std::stoull(m.text);
      chain_given = true;
    } else if (k == "exchanges") {
      p.exchanges.clear();
      for (const JsonValue& item : m.items) {
        auto e = ExchangeByName(item.text);
        if (!e) {
          return absl::InvalidArgumentError(
              absl::StrCat("policy: exchanges: \"", item.text,
                           "\" is not ctf-v2, neg-risk-v2, v3, ctf-v1 or neg-risk-v1"));
        }
        p.exchanges.insert(*e);
      }
    } else if (k == "makers") {
      OMS_ASSIGN_OR_RETURN(p.makers, Addresses(m, k));
    } else if (k == "signers") {
      OMS_ASSIGN_OR_RETURN(p.signers, Addresses(m, k));
    } else if (k == "signature_types") {
      p.signature_types.clear();
      for (const JsonValue& item : m.items) {
        if (item.text.size() != 1 || item.text[0] < '0' || item.text[0] > '3') {
          return absl::InvalidArgumentError("policy: signature_types are 0, 1, 2 or 3");
        }
        p.signature_types.insert(item.text[0] - '0');
      }
    } else if (k == "max_order_notional") {
      OMS_ASSIGN_OR_RETURN(p.max_order_notional, Money(m, k));
    } else if (k == "max_daily_notional") {
      OMS_ASSIGN_OR_RETURN(p.max_daily_notional, Money(m, k));
    } else if (k == "price_band") {
      const JsonValue* min = m.Find("min");
      const JsonValue* max = m.Find("max");
      if (min != nullptr) {
        OMS_ASSIGN_OR_RETURN(p.min_price, Money(*min, "price_band.min"));
      }
      if (max != nullptr) {
        OMS_ASSIGN_OR_RETURN(p.max_price, Money(*max, "price_band.max"));
      }
      if (p.min_price <= 0 || p.max_price >= kMicro || p.min_price > p.max_price) {
        return absl::InvalidArgumentError("policy: price_band must satisfy 0 < min <= max < 1");
      }
    } else if (k == "tokens") {
      for (const JsonValue& item : m.items) {
        if (!crypto::ParseUint256(item.text)) {
          return absl::InvalidArgumentError(
              absl::StrCat("policy: tokens: \"", item.text, "\" is not a token id"));
        }
        p.tokens.insert(item.text);
      }
    } else if (k == "max_signs_per_second") {
      if (!m.is_number() || m.text.find_first_not_of("0123456789") != std::string::npos ||
          m.text.size() > 6 || std::stoi(m.text) <= 0) {
        return absl::InvalidArgumentError(
            "policy: max_signs_per_second must be a positive integer");
      }
      p.max_signs_per_second = std::stoi(m.text);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("policy: unknown field \"", k, "\""));
    }
  }
  if (!chain_given) return absl::InvalidArgumentError("policy: chain_id is required");
  return p;
}

absl::Status DeriveEconomics(const crypto::OrderV2& order, OrderFacts& facts) {
  if (!FitsInt64(order.maker_amount) || !FitsInt64(order.taker_amount)) {
    return absl::InvalidArgumentError("order amounts are beyond any plausible order");
  }
  int64_t maker = ToInt64(order.maker_amount);
  int64_t taker = ToInt64(order.taker_amount);
  if (maker <= 0 || taker <= 0) return absl::InvalidArgumentError("order amounts must be positive");
  facts.buy = order.side == 0;
  int64_t collateral = facts.buy ? maker : taker;
  int64_t shares = facts.buy ? taker : maker;
  facts.notional = collateral;
  facts.price = MulDivFloor(collateral, kMicro, shares);
  return absl::OkStatus();
}

std::optional<Refusal> Check(const Policy& p, const OrderFacts& f, int64_t spent_today) {
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
  if (!p.tokens.empty() && p.tokens.count(f.token_id) == 0) {
    return Refuse(Rule::kTokens, absl::StrCat("token ", f.token_id, " is not on the allow-list"));
  }
  if (f.price < p.min_price || f.price > p.max_price) {
    return Refuse(Rule::kPriceBand,
                  absl::StrCat("price ", FormatMicros(f.price), " is outside ",
                               FormatMicros(p.min_price), "-", FormatMicros(p.max_price)));
  }
  if (p.max_order_notional && f.notional > *p.max_order_notional) {
    return Refuse(Rule::kMaxOrderNotional,
                  absl::StrCat("order notional ", Usd(f.notional), " exceeds max_order_notional ",
                               Usd(*p.max_order_notional)));
  }
  if (p.max_daily_notional && spent_today + f.notional > *p.max_daily_notional) {
    return Refuse(
        Rule::kMaxDailyNotional,
        absl::StrCat("order notional ", Usd(f.notional), " on top of ", Usd(spent_today),
                     " signed today exceeds max_daily_notional ", Usd(*p.max_daily_notional)));
  }
  return std::nullopt;
}

}  // namespace betteroms::policy
