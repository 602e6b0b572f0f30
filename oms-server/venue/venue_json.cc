#include "oms-server/venue/venue_json.h"

#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/status_macros.h"
#include "oms-server/domain/plan.h"
#include "oms-server/venue/venue_http.h"

namespace betteroms::venue {
namespace {

// How a value looks in a message: its text when it has one, else its kind.
std::string Shown(const JsonValue* v) {
  if (v == nullptr) return "missing";
  if (v->is_string()) return absl::StrCat("\"", Printable(v->text), "\"");
  if (v->is_number()) return Printable(v->text);
  return JsonKindName(v->kind);
}

absl::Status Bad(const std::string& where, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", why));
}

// A string or number of decimal digits (unix seconds, basis points). nullopt otherwise.
std::optional<int64_t> Integer(const JsonValue* v) {
  if (v == nullptr || (!v->is_string() && !v->is_number())) return std::nullopt;
  return Digits(v->text);
}

// fee_rate_bps: "" (V2 sends it while unknown), null or absent is unknown, not 0.
absl::StatusOr<std::optional<int64_t>> FeeRate(const JsonValue* v, const std::string& where) {
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_string() && absl::StripAsciiWhitespace(v->text).empty()) return std::nullopt;
  std::optional<int64_t> bps = Integer(v);
  if (!bps) return Bad(where, absl::StrCat("fee_rate_bps ", Shown(v), " is not an integer"));
  if (*bps < 0 || *bps > 10'000) {
    return Bad(where, absl::StrCat("fee_rate_bps ", Shown(v), " is outside 0..10000"));
  }
  return bps;
}

// The per-order fields of a fill, from the trade's top level (`size`) or a maker_orders entry
// (`matched_amount`).
absl::Status ReadFillPart(const JsonValue& part, const std::string& where, const char* size_key,
                          VenueFill& fill) {
  const JsonValue* asset = part.Find("asset_id");
  std::optional<std::string> token;
  if (asset != nullptr && (asset->is_string() || asset->is_number())) {
    token = domain::NormaliseTokenId(asset->text);
  }
  if (!token) return Bad(where, absl::StrCat("asset_id ", Shown(asset), " is not a token id"));
  fill.asset_id = *std::move(token);
  std::optional<domain::Side> side =
      domain::ParseSide(absl::AsciiStrToUpper(part.StringOr("side")));
  if (!side) {
    return Bad(where, absl::StrCat("side ", Shown(part.Find("side")), " is not BUY or SELL"));
  }
  fill.side = *side;
  const JsonValue* size = part.Find(size_key);
  std::optional<int64_t> shares = DecimalMicros(size);
  if (!shares || *shares <= 0) {
    return Bad(where, absl::StrCat(size_key, " ", Shown(size), " is not a size above 0"));
  }
  fill.shares = *shares;
  const JsonValue* price = part.Find("price");
  std::optional<int64_t> micros = DecimalMicros(price);
  if (!micros || *micros <= 0 || *micros >= kMicro) {
    return Bad(where, absl::StrCat("price ", Shown(price), " is not inside (0, 1)"));
  }
  fill.price = *micros;
  OMS_ASSIGN_OR_RETURN(fill.fee_rate_bps, FeeRate(part.Find("fee_rate_bps"), where));
  return absl::OkStatus();
}

}  // namespace

std::optional<int64_t> DecimalMicros(const JsonValue* v) {
  if (v == nullptr || v->is_null()) return 0;
  if (!v->is_string() && !v->is_number()) return std::nullopt;
  if (v->is_string() && absl::StripAsciiWhitespace(v->text).empty()) return 0;
  absl::StatusOr<RoundedMicros> micros = ParseJsonNumberRounded(
      std::string(absl::StripAsciiWhitespace(v->text)), 6, Rounding::kTowardZero);
  if (!micros.ok() || micros->micros < 0) return std::nullopt;
  return micros->micros;
}

absl::StatusOr<VenueOrder> VenueOrderFromJson(const JsonValue& obj) {
  if (!obj.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("an order is ", JsonKindName(obj.kind), ", not an object"));
  }
  VenueOrder order;
  order.id = absl::AsciiStrToLower(obj.StringOr("id"));
  if (order.id.empty()) return absl::InvalidArgumentError("an order without an id");
  const std::string where = absl::StrCat("order ", Printable(order.id));
  std::tie(order.status, order.status_reason) = ParseVenueStatus(obj.StringOr("status"));
  if (order.status.empty()) return Bad(where, "no status");
  order.asset_id = obj.StringOr("asset_id");
  std::optional<domain::Side> side = domain::ParseSide(absl::AsciiStrToUpper(obj.StringOr("side")));
  if (!side) return Bad(where, "side is neither BUY nor SELL");
  order.side = *side;
  const std::pair<const char*, int64_t*> amounts[] = {{"original_size", &order.original_size},
                                                      {"size_matched", &order.size_matched},
                                                      {"price", &order.price}};
  for (const auto& [key, out] : amounts) {
    std::optional<int64_t> micros = DecimalMicros(obj.Find(key));
    if (!micros) return Bad(where, absl::StrCat(key, " is not a decimal"));
    *out = *micros;
  }
  if (const JsonValue* trades = obj.Find("associate_trades"); trades && trades->is_array()) {
    for (const JsonValue& id : trades->items) {
      if (id.is_string() && !id.text.empty()) order.associate_trades.push_back(id.text);
    }
  }
  return order;
}

absl::StatusOr<std::vector<VenueFill>> FillsOfTrade(const JsonValue& trade,
                                                    const std::set<std::string>& order_hashes) {
  if (!trade.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a trade is ", JsonKindName(trade.kind), ", not an object"));
  }
  // Another account's side of a trade is not ours to judge: only the parts naming our orders
  // must be well formed.
  const std::string id = trade.StringOr("id");
  const std::string where = absl::StrCat("trade ", Printable(id));

  // Which parts of the trade are our orders: the taker (top level) and maker entries.
  struct Part {
    const JsonValue* json;
    std::string order_id;
    bool maker;
    std::string where;
  };
  std::vector<Part> ours;
  std::string taker = absl::AsciiStrToLower(trade.StringOr("taker_order_id"));
  if (!taker.empty() && order_hashes.count(taker) > 0) {
    ours.push_back({&trade, taker, false, where});
  }
  const JsonValue* makers = trade.Find("maker_orders");
  bool bad_makers = makers != nullptr && !makers->is_null() && !makers->is_array();
  if (makers != nullptr && makers->is_array()) {
    for (size_t i = 0; i < makers->items.size(); ++i) {
      const JsonValue& entry = makers->items[i];
      std::string part_where = absl::StrCat(where, ": maker_orders[", i, "]");
      if (!entry.is_object()) continue;  // names no order of ours
      std::string order_id = absl::AsciiStrToLower(entry.StringOr("order_id"));
      if (!order_id.empty() && order_hashes.count(order_id) > 0) {
        ours.push_back({&entry, std::move(order_id), true, std::move(part_where)});
      }
    }
  }
  std::vector<VenueFill> fills;
  if (ours.empty()) return fills;
  if (id.empty()) return absl::InvalidArgumentError("a trade of ours without an id");
  if (bad_makers) return Bad(where, "maker_orders is not an array");

  // What the whole trade shares: its settlement state and when it matched.
  VenueFill common;
  common.trade_id = id;
  common.status = ParseVenueStatus(trade.StringOr("status")).first;
  if (common.status.empty()) return Bad(where, "no status");
  common.transaction_hash = trade.StringOr("transaction_hash");
  const JsonValue* match_time = trade.Find("match_time");
  std::optional<int64_t> seconds = Integer(match_time);
  if (!seconds) {
    return Bad(where, absl::StrCat("match_time ", Shown(match_time), " is not unix seconds"));
  }
  common.match_time = *seconds;

  for (const Part& part : ours) {
    VenueFill fill = common;
    fill.order_id = part.order_id;
    fill.maker = part.maker;
    OMS_RETURN_IF_ERROR(
        ReadFillPart(*part.json, part.where, part.maker ? "matched_amount" : "size", fill));
    fills.push_back(std::move(fill));
  }
  return fills;
}

absl::StatusOr<CancelAnswer> CancelAnswerFromJson(const JsonValue& doc) {
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a cancel answer is ", JsonKindName(doc.kind), ", not an object"));
  }
  CancelAnswer answer;
  if (const JsonValue* canceled = doc.Find("canceled"); canceled && !canceled->is_null()) {
    if (!canceled->is_array()) return absl::InvalidArgumentError("canceled is not an array");
    for (size_t i = 0; i < canceled->items.size(); ++i) {
      const JsonValue& id = canceled->items[i];
      if (!id.is_string() || id.text.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("canceled[", i, "] is not an order id"));
      }
      answer.canceled.push_back(absl::AsciiStrToLower(id.text));
    }
  }
  // Some deployments spell it notCanceled (PROTOCOL §6); either is read.
  for (const char* key : {"not_canceled", "notCanceled"}) {
    const JsonValue* not_canceled = doc.Find(key);
    if (not_canceled == nullptr || not_canceled->is_null()) continue;
    if (!not_canceled->is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(key, " is not an object"));
    }
    for (const JsonValue& member : not_canceled->members) {
      answer.not_canceled[absl::AsciiStrToLower(member.name)] =
          member.is_string() ? member.text : DumpJson(member);
    }
  }
  return answer;
}

}  // namespace betteroms::venue
