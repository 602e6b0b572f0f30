#include "oms-server/domain/plan.h"

#include <algorithm>
#include <map>
#include <regex>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/hex.h"
#include "common/json.h"
#include "common/plan_text.h"
#include "common/time.h"
#include "oms-server/domain/trigger.h"

namespace betteroms::domain {
namespace {

// Digits of a price past this many decimals are a double's noise (0.30000000000000004).
constexpr int kPriceNoiseDecimals = 12;

constexpr std::string_view kUint256Max =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";

class Checker {
 public:
  std::vector<Violation> violations;
  std::vector<Violation> warnings;
  size_t unlisted_violations = 0;
  size_t unlisted_warnings = 0;

  void Add(std::string path, std::string message) {
    if (violations.size() >= kMaxViolations) {
      ++unlisted_violations;
      return;
    }
    violations.push_back({std::move(path), std::move(message)});
  }
  void Warn(std::string path, std::string message) {
    if (warnings.size() >= kMaxViolations) {
      ++unlisted_warnings;
      return;
    }
    warnings.push_back({std::move(path), std::move(message)});
  }
  // The last entries say how many were left out.
  void Close() {
    if (unlisted_violations > 0) {
      violations.push_back({"", absl::StrCat("and ", unlisted_violations, " more problems")});
    }
    if (unlisted_warnings > 0) {
      warnings.push_back({"", absl::StrCat("and ", unlisted_warnings, " more adjustments")});
    }
  }

  // Returns the member when present and of `kind`; records a violation when of another kind.
  const JsonValue* Get(const JsonValue& obj, std::string_view key, const std::string& path,
                       JsonValue::Kind kind, bool required) {
    const JsonValue* v = obj.Find(key);
    if (v == nullptr) {
      if (required) Add(path, "is required");
      return nullptr;
    }
    if (v->kind != kind) {
      Add(path, absl::StrCat("must be ", std::string(JsonKindName(kind)), ", got ",
                             std::string(JsonKindName(v->kind))));
      return nullptr;
    }
    return v;
  }

  void UnknownFields(const JsonValue& obj, const std::vector<std::string_view>& allowed,
                     const std::string& prefix) {
    for (const JsonValue& member : obj.members) {
      const std::string& key = member.name;
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        Add(prefix.empty() ? key : absl::StrCat(prefix, ".", key), "is not a known field");
      }
    }
  }

  // A price strictly between 0 and 1, read as written. A double's noise (digits past the 12th
  // decimal) is rounded away, as the official client's rounding would; what remains past 6
  // decimals is rounded in the trader's favour, down for a BUY and up for a SELL. The market's
  // tick comes later. `exact` tells whether the value is the text's.
  std::optional<int64_t> Price(const JsonValue& v, const std::string& path, Side side,
                               bool& exact) {
    return Price(v, path, side == Side::kBuy ? Rounding::kTowardZero : Rounding::kAwayFromZero,
                 exact);
  }
  std::optional<int64_t> Price(const JsonValue& v, const std::string& path, Rounding rounding,
                               bool& exact) {
    auto rounded = ParseJsonNumberRounded(v.text, 6, rounding, kPriceNoiseDecimals);
    if (!rounded.ok()) {
      Add(path, absl::StrCat("must be a price between 0 and 1, got ", v.text));
      return std::nullopt;
    }
    // The range is the value as written: rounding float noise never makes a price invalid here.
    bool at_or_below_zero =
        v.text.front() == '-' || rounded->micros < 0 || (rounded->micros == 0 && rounded->exact);
    bool at_or_above_one =
        rounded->micros > kMicro || (rounded->micros == kMicro && rounded->exact);
    if (at_or_below_zero || at_or_above_one) {
      Add(path, absl::StrCat("must be between 0 and 1 (exclusive), got ", v.text));
      return std::nullopt;
    }
    exact = rounded->exact;
    return rounded->micros;
  }
};

std::string TradePath(size_t i, std::string_view field) {
  return absl::StrCat("trades[", i, "].", std::string(field));
}

// The trades that name each OCO group, by index, read before the trades are checked so that each
// trade's violations are reported with it, in document order.
using OcoGroups = std::map<std::string, std::vector<size_t>>;

OcoGroups ReadOcoGroups(const JsonValue& trades) {
  OcoGroups groups;
  for (size_t i = 0; i < trades.items.size(); ++i) {
    const JsonValue& t = trades.items[i];
    const JsonValue* oco = t.is_object() ? t.Find("oco") : nullptr;
    if (oco != nullptr && oco->kind == JsonValue::Kind::kString) groups[oco->text].push_back(i);
  }
  return groups;
}

// `trigger`: {"price": "bestBid" | "bestAsk" | "mid", "below" | "above": level, "until": time}.
// Sets `out.trigger` only when all of it is valid.
void ParseTrigger(Checker& c, const JsonValue& v, size_t i, Trade& out) {
  using K = JsonValue::Kind;
  std::string base = TradePath(i, "trigger");
  c.UnknownFields(v, {"price", "below", "above", "until"}, base);
  Trigger trigger;
  bool ok = true;
  if (auto* p = c.Get(v, "price", base + ".price", K::kString, true)) {
    if (auto price = ParseTriggerPrice(p->text)) {
      trigger.price = *price;
    } else {
      c.Add(base + ".price",
            absl::StrCat(R"(must be "bestBid", "bestAsk" or "mid", got ")", p->text, "\""));
      ok = false;
    }
  } else {
    ok = false;
  }
  const JsonValue* below = v.Find("below");
  const JsonValue* above = v.Find("above");
  if (below != nullptr && above != nullptr) {
    c.Add(base + ".above",
          "cannot be combined with below: a trigger watches one side of its level");
    ok = false;
  } else if (below == nullptr && above == nullptr) {
    c.Add(base, R"(needs its level: "below" or "above", a price between 0 and 1)");
    ok = false;
  } else {
    trigger.below = below != nullptr;
    std::string path = base + (trigger.below ? ".below" : ".above");
    if (auto* l = c.Get(v, trigger.below ? "below" : "above", path, K::kNumber, true)) {
      // Prices are whole micro-units, so a level with more decimals is rounded where that changes
      // nothing: "below 0.3000005" fires at the prices "below 0.30" does, "above" at 0.300001.
      bool exact = true;
      auto level =
          c.Price(*l, path, trigger.below ? Rounding::kTowardZero : Rounding::kAwayFromZero, exact);
      if (level && (*level <= 0 || *level >= kMicro)) {
        // Past 6 decimals and next to 0 or 1: a level no price can cross.
        c.Add(path, absl::StrCat("must be between 0 and 1 (exclusive) at the 6 decimals prices "
                                 "carry: ",
                                 l->text, " rounds to ", FormatMicros(*level)));
        ok = false;
      } else if (level) {
        trigger.level = *level;
        trigger.level_text = l->text;
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  if (auto* u = c.Get(v, "until", base + ".until", K::kString, false)) {
    auto when = ParseTime(u->text);
    if (when.ok()) {
      trigger.until = *when;
    } else {
      c.Add(base + ".until", std::string(when.status().message()));
      ok = false;
    }
  } else if (v.Find("until") != nullptr) {
    ok = false;
  }
  if (ok) out.trigger = std::move(trigger);
}

// `oco`: the name of a one-cancels-other pair. Exactly two triggered trades of the plan name it.
void ParseOco(Checker& c, const JsonValue& t, size_t i, const OcoGroups& groups, Trade& out) {
  using K = JsonValue::Kind;
  std::string path = TradePath(i, "oco");
  auto* v = c.Get(t, "oco", path, K::kString, false);
  if (v == nullptr) return;
  static const std::regex kGroup("^[A-Za-z0-9_-]{1,64}$");
  if (v->text.size() > 64 || !std::regex_match(v->text, kGroup)) {
    c.Add(path, "must be 1 to 64 letters, digits, '-' or '_': the name of the pair");
    return;
  }
  out.oco = v->text;
  if (t.Find("trigger") == nullptr) {
    c.Add(path, "needs a trigger: only triggered trades can cancel each other");
  }
  const std::vector<size_t>& members = groups.at(v->text);
  if (members.size() == 1) {
    c.Add(path, absl::StrCat("OCO group \"", v->text,
                             "\" must name exactly two trades; this trade is its only one"));
  } else if (members.size() > 2) {
    std::string named;
    for (size_t k = 0; k < members.size() && k < 5; ++k) {
      absl::StrAppend(&named, k ? ", " : "", "trades[", members[k], "]");
    }
    if (members.size() > 5) absl::StrAppend(&named, ", ...");
    c.Add(path, absl::StrCat("OCO group \"", v->text, "\" must name exactly two trades, ",
                             members.size(), " do (", named, ")"));
  }
}

void ParseTrade(Checker& c, const JsonValue& t, size_t i, const OcoGroups& groups, Trade& out) {
  std::string base = absl::StrCat("trades[", i, "]");
  if (!t.is_object()) {
    c.Add(base, absl::StrCat("must be an object, got ", std::string(JsonKindName(t.kind))));
    return;
  }
  c.UnknownFields(
      t,
      {"marketTokenId", "outcome", "side", "orderType", "size", "price", "notes", "sizeUnit",
       "timeInForce", "expiresAt", "cancelAfter", "worstPrice", "postOnly", "trigger", "oco"},
      base);
  using K = JsonValue::Kind;
  if (auto* v = c.Get(t, "marketTokenId", TradePath(i, "marketTokenId"), K::kString, true)) {
    auto id = NormaliseTokenId(v->text);
    if (id) {
      out.token_id = *id;
    } else {
      c.Add(TradePath(i, "marketTokenId"),
            absl::StrCat("must be a token id (a decimal uint256 or 0x hex), got \"",
                         v->text.substr(0, 100), "\""));
    }
  }
  if (auto* v = c.Get(t, "outcome", TradePath(i, "outcome"), K::kString, true)) {
    if (v->text.empty() || v->text.size() > 100) {
      c.Add(TradePath(i, "outcome"), "must be 1 to 100 characters (YES, NO or an outcome name)");
    }
    out.outcome = v->text;
  }
  bool side_ok = false, type_ok = false;
  if (auto* v = c.Get(t, "side", TradePath(i, "side"), K::kString, true)) {
    if (auto s = ParseSide(v->text)) {
      out.side = *s;
      side_ok = true;
    } else {
      c.Add(TradePath(i, "side"),
            absl::StrCat("must be \"BUY\" or \"SELL\", got \"", v->text, "\""));
    }
  }
  if (auto* v = c.Get(t, "orderType", TradePath(i, "orderType"), K::kString, true)) {
    if (v->text == "MARKET" || v->text == "LIMIT") {
      out.type = v->text == "MARKET" ? OrderType::kMarket : OrderType::kLimit;
      type_ok = true;
    } else {
      c.Add(TradePath(i, "orderType"),
            absl::StrCat("must be \"MARKET\" or \"LIMIT\", got \"", v->text, "\""));
    }
  }
  if (auto* v = c.Get(t, "sizeUnit", TradePath(i, "sizeUnit"), K::kString, false)) {
    if (v->text == "USDC" || v->text == "SHARES") {
      out.unit = v->text == "USDC" ? SizeUnit::kUsdc : SizeUnit::kShares;
    } else {
      c.Add(TradePath(i, "sizeUnit"),
            absl::StrCat("must be \"USDC\" or \"SHARES\", got \"", v->text, "\""));
    }
  }
  if (auto* v = c.Get(t, "size", TradePath(i, "size"), K::kNumber, true)) {
    // The venue takes sizes to 2 decimals; more (often float noise) are rounded down, as the
    // official client does, so a plan never trades more than it says.
    auto rounded = ParseJsonNumberRounded(v->text, kSizeDecimals, Rounding::kTowardZero);
    if (!rounded.ok()) {
      c.Add(TradePath(i, "size"), absl::StrCat("must be a number, got ", v->text));
    } else if (rounded->micros <= 0 && rounded->exact) {
      c.Add(TradePath(i, "size"), absl::StrCat("must be greater than 0, got ", v->text));
    } else if (rounded->micros <= 0) {
      c.Add(TradePath(i, "size"),
            absl::StrCat("must be at least 0.01: the venue takes sizes to 2 decimals, and ",
                         v->text, " rounds down to 0"));
    } else if (rounded->micros > kMaxSizeMicros) {
      c.Add(TradePath(i, "size"), absl::StrCat("must be at most 10000000, got ", v->text));
    } else {
      out.size = rounded->micros;
      if (!rounded->exact) {
        c.Warn(TradePath(i, "size"),
               absl::StrCat("size ", v->text, " rounded down to ", FormatMicros(out.size),
                            ": the venue takes sizes to 2 decimals"));
      }
    }
  }
  const JsonValue* price = c.Get(t, "price", TradePath(i, "price"), K::kNumber, false);
  if (price != nullptr) {
    out.price = c.Price(*price, TradePath(i, "price"), out.side, out.price_exact);
    out.price_text = price->text;
  }
  if (type_ok && out.type == OrderType::kLimit && t.Find("price") == nullptr) {
    c.Add(TradePath(i, "price"), "is required for a LIMIT order");
  }
  if (type_ok && out.type == OrderType::kMarket) {
    out.price.reset();  // v0.0.7 plans may carry a price on MARKET orders; it never applied
  }
  if (auto* v = c.Get(t, "worstPrice", TradePath(i, "worstPrice"), K::kNumber, false)) {
    out.worst_price = c.Price(*v, TradePath(i, "worstPrice"), out.side, out.worst_price_exact);
    out.worst_price_text = v->text;
    if (type_ok && out.type == OrderType::kLimit) {
      c.Add(TradePath(i, "worstPrice"),
            "applies to MARKET orders only; a LIMIT order's price is its limit");
    }
  }
  out.tif = out.type == OrderType::kLimit ? TimeInForce::kGtc : TimeInForce::kFok;
  bool tif_given = false;
  if (auto* v = c.Get(t, "timeInForce", TradePath(i, "timeInForce"), K::kString, false)) {
    if (auto tif = ParseTimeInForce(v->text)) {
      out.tif = *tif;
      tif_given = true;
      if (type_ok && out.type == OrderType::kMarket &&
          (*tif == TimeInForce::kGtc || *tif == TimeInForce::kGtd)) {
        c.Add(TradePath(i, "timeInForce"),
              absl::StrCat(v->text, " is not valid for a MARKET order: use FOK or FAK"));
      }
    } else {
      c.Add(TradePath(i, "timeInForce"),
            absl::StrCat("must be GTC, GTD, FOK or FAK, got \"", v->text, "\""));
    }
  }
  if (auto* v = c.Get(t, "expiresAt", TradePath(i, "expiresAt"), K::kString, false)) {
    auto when = ParseTime(v->text);
    if (!when.ok()) {
      c.Add(TradePath(i, "expiresAt"), std::string(when.status().message()));
    } else {
      out.expires_at = *when;
    }
    if (tif_given && out.tif != TimeInForce::kGtd) {
      c.Add(TradePath(i, "expiresAt"), "applies to GTD orders only");
    } else if (!tif_given && type_ok && out.type == OrderType::kLimit) {
      out.tif = TimeInForce::kGtd;  // an expiry on a LIMIT order means GTD
    } else if (!tif_given) {
      c.Add(TradePath(i, "expiresAt"), "applies to LIMIT GTD orders only");
    }
  }
  if (tif_given && out.tif == TimeInForce::kGtd && t.Find("expiresAt") == nullptr) {
    c.Add(TradePath(i, "expiresAt"), "is required for a GTD order");
  }
  if (auto* v = c.Get(t, "cancelAfter", TradePath(i, "cancelAfter"), K::kString, false)) {
    auto d = ParsePlanDuration(v->text);
    if (!d.ok()) {
      c.Add(TradePath(i, "cancelAfter"), std::string(d.status().message()));
    } else {
      out.cancel_after = *d;
    }
    if (t.Find("expiresAt") != nullptr) {
      c.Add(TradePath(i, "cancelAfter"), "cannot be combined with expiresAt: choose one");
    } else if (out.tif != TimeInForce::kGtc) {
      c.Add(TradePath(i, "cancelAfter"), "applies to resting (GTC LIMIT) orders only");
    }
  }
  if (auto* v = c.Get(t, "postOnly", TradePath(i, "postOnly"), K::kBool, false)) {
    out.post_only = v->boolean;
    bool rests = out.type == OrderType::kLimit &&
                 (out.tif == TimeInForce::kGtc || out.tif == TimeInForce::kGtd);
    if (out.post_only && type_ok && !rests) {
      c.Add(TradePath(i, "postOnly"), "applies to GTC and GTD LIMIT orders only");
    }
  }
  if (auto* v = c.Get(t, "notes", TradePath(i, "notes"), K::kString, false)) {
    if (v->text.size() > kMaxNotesBytes) c.Add(TradePath(i, "notes"), "must be at most 4096 bytes");
    out.notes = v->text;
  }
  if (auto* v = c.Get(t, "trigger", TradePath(i, "trigger"), K::kObject, false)) {
    ParseTrigger(c, *v, i, out);
  }
  ParseOco(c, t, i, groups, out);
  (void)side_ok;
}

}  // namespace

std::optional<std::string> NormaliseTokenId(std::string_view text) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    std::string_view hex = text.substr(2);
    if (hex.size() > 64 || !std::all_of(hex.begin(), hex.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) != 0;
        })) {
      return std::nullopt;
    }
    std::string even = hex.size() % 2 == 0 ? std::string(hex) : "0" + std::string(hex);
    return BigEndianToDecimal(*FromHex(even));
  }
  if (text.empty() || text.size() > kUint256Max.size() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  if (text.size() > 1 && text[0] == '0') return std::nullopt;  // no leading zeros
  if (text.size() == kUint256Max.size() && text > kUint256Max) return std::nullopt;
  return std::string(text);
}

PlanParseResult ParsePlan(std::string_view json_text) {
  PlanParseResult result;
  Checker c;
  if (absl::Status text = CheckPlanText(json_text); !text.ok()) {
    result.violations.push_back({"", std::string(text.message())});
    return result;
  }
  JsonLimits limits;
  limits.max_depth = kMaxPlanDepth;
  limits.max_values = kMaxPlanValues;
  auto doc = ParseJson(json_text, limits);
  if (!doc.ok()) {
    result.violations.push_back({"", std::string(doc.status().message())});
    return result;
  }
  if (!doc->is_object()) {
    result.violations.push_back({"", absl::StrCat("a plan must be a JSON object, got ",
                                                  std::string(JsonKindName(doc->kind)))});
    return result;
  }
  using K = JsonValue::Kind;
  Plan& plan = result.plan;
  c.UnknownFields(*doc, {"$schema", "planId", "mode", "notes", "runAt", "trades"}, "");
  (void)c.Get(*doc, "$schema", "$schema", K::kString, false);
  if (auto* v = c.Get(*doc, "planId", "planId", K::kString, true)) {
    static const std::regex kPlanId("^[A-Za-z0-9_-]{1,128}$");
    if (v->text.size() > 128 || !std::regex_match(v->text, kPlanId)) {
      c.Add("planId", "must be 1 to 128 letters, digits, '-' or '_'");
    }
    plan.plan_id = v->text;
  }
  if (auto* v = c.Get(*doc, "mode", "mode", K::kString, true)) {
    if (auto m = ParseMode(v->text)) {
      plan.mode = *m;
    } else {
      c.Add("mode", absl::StrCat("must be \"paper\" or \"live\", got \"", v->text, "\""));
    }
  }
  if (auto* v = c.Get(*doc, "notes", "notes", K::kString, false)) {
    if (v->text.size() > kMaxNotesBytes) c.Add("notes", "must be at most 4096 bytes");
    plan.notes = v->text;
  }
  if (auto* v = c.Get(*doc, "runAt", "runAt", K::kString, false)) {
    auto when = ParseTime(v->text);
    if (!when.ok()) {
      c.Add("runAt", std::string(when.status().message()));
    } else {
      plan.run_at = *when;
    }
  }
  if (auto* v = c.Get(*doc, "trades", "trades", K::kArray, true)) {
    if (v->items.empty()) {
      c.Add("trades", "must contain at least one trade");
    } else if (v->items.size() > static_cast<size_t>(kMaxTrades)) {
      c.Add("trades",
            absl::StrCat("must contain at most ", kMaxTrades, " trades, got ", v->items.size()));
    } else {
      plan.trades.resize(v->items.size());
      OcoGroups groups = ReadOcoGroups(*v);
      for (size_t i = 0; i < v->items.size(); ++i) {
        ParseTrade(c, v->items[i], i, groups, plan.trades[i]);
      }
    }
  }
  c.Close();
  result.violations = std::move(c.violations);
  result.warnings = std::move(c.warnings);
  return result;
}

std::string CanonicalPlanText(const Plan& plan) {
  std::string out = absl::StrCat("plan|", plan.plan_id, "|", Name(plan.mode), "|", plan.notes);
  for (const Trade& t : plan.trades) {
    absl::StrAppend(&out, "\ntrade|", t.token_id, "|", t.outcome, "|", Name(t.side), "|",
                    Name(t.type), "|", t.size, "|", t.unit == SizeUnit::kUsdc ? "USDC" : "SHARES",
                    "|", t.price.value_or(-1), "|", Name(t.tif), "|",
                    t.expires_at ? FormatRfc3339(*t.expires_at) : "", "|",
                    t.cancel_after ? absl::FormatDuration(*t.cancel_after) : "", "|",
                    t.worst_price.value_or(-1), "|", t.post_only, "|", t.notes);
    // Only when present, so that the hashes of plans without triggers stay what they were.
    if (t.trigger) {
      absl::StrAppend(&out, "|trigger|", Name(t.trigger->price), "|",
                      t.trigger->below ? "below" : "above", "|", t.trigger->level, "|",
                      t.trigger->until ? FormatRfc3339(*t.trigger->until) : "");
    }
    if (!t.oco.empty()) absl::StrAppend(&out, "|oco|", t.oco);
  }
  return out;
}

std::string ViolationsText(const std::string& title, const std::vector<Violation>& violations,
                           size_t max_bytes) {
  std::string msg = absl::StrCat(title, " (", violations.size(), " problem",
                                 violations.size() == 1 ? "" : "s", "):");
  for (size_t i = 0; i < violations.size(); ++i) {
    const Violation& v = violations[i];
    std::string line = absl::StrCat("\n  ", v.path.empty() ? "plan" : v.path, ": ", v.message);
    if (msg.size() + line.size() > max_bytes) {
      absl::StrAppend(&msg, "\n  ... and ", violations.size() - i, " more");
      break;
    }
    msg += line;
  }
  return msg;
}

namespace {
// Where a status keeps its violations: a JSON array of {"path", "message"}.
constexpr char kViolationsPayload[] = "betteroms/violations";
constexpr size_t kViolationsMessageBytes = 1024;
}  // namespace

absl::Status ViolationsError(absl::StatusCode code, const std::string& title,
                             const std::vector<Violation>& violations) {
  absl::Status status(code, ViolationsText(title, violations, kViolationsMessageBytes));
  JsonValue list;
  list.kind = JsonValue::Kind::kArray;
  list.items.reserve(violations.size());
  for (const Violation& v : violations) {
    JsonValue item;
    item.kind = JsonValue::Kind::kObject;
    for (const auto& [name, text] : {std::pair{"path", &v.path}, {"message", &v.message}}) {
      JsonValue field;
      field.kind = JsonValue::Kind::kString;
      field.name = name;
      field.text = *text;
      item.members.push_back(std::move(field));
    }
    list.items.push_back(std::move(item));
  }
  status.SetPayload(kViolationsPayload, absl::Cord(DumpJson(list)));
  return status;
}

std::vector<Violation> ViolationsOf(const absl::Status& status) {
  std::vector<Violation> out;
  auto payload = status.GetPayload(kViolationsPayload);
  if (!payload) return out;
  absl::StatusOr<JsonValue> list = ParseJson(std::string(*payload));
  if (!list.ok() || !list->is_array()) return out;
  out.reserve(list->items.size());
  for (const JsonValue& item : list->items) {
    out.push_back({item.StringOr("path"), item.StringOr("message")});
  }
  return out;
}

}  // namespace betteroms::domain
