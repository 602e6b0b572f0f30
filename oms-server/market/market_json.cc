#include <optional>

#include "absl/strings/str_cat.h"
#include "common/json.h"
#include "common/status_macros.h"
#include "oms-server/domain/plan.h"
#include "oms-server/market/market_data.h"

namespace betteroms::market {

absl::StatusOr<domain::MarketInfo> ParseClobMarketJson(const std::string& text) {
  OMS_ASSIGN_OR_RETURN(JsonValue doc, ParseJson(text));
  if (!doc.is_object()) return absl::InvalidArgumentError("clob market: not a JSON object");
  domain::MarketInfo market;
  market.condition_id = doc.StringOr("c");
  if (market.condition_id.empty()) {
    return absl::InvalidArgumentError("clob market: condition id \"c\" is missing");
  }
  const JsonValue* tokens = doc.Find("t");
  if (tokens == nullptr || !tokens->is_array()) {
    return absl::InvalidArgumentError("clob market: tokens \"t\" is not an array");
  }
  for (size_t i = 0; i < tokens->items.size(); ++i) {
    const JsonValue& item = tokens->items[i];
    const JsonValue* id = item.is_object() ? item.Find("t") : nullptr;
    // The venue writes token ids as strings, but they are numbers in some answers; JsonValue
    // keeps a number's text, so both read exactly.
    std::optional<std::string> token;
    if (id != nullptr && (id->is_string() || id->is_number())) {
      token = domain::NormaliseTokenId(id->text);
    }
    if (!token) {
      return absl::InvalidArgumentError(
          absl::StrCat("clob market: t[", i, "].t is not a token id"));
    }
    const JsonValue* outcome = item.Find("o");
    if (outcome == nullptr || !outcome->is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat("clob market: t[", i, "].o is not an outcome name"));
    }
    market.tokens.push_back({std::move(*token), outcome->text});
  }
  const JsonValue* nr = doc.Find("nr");
  market.neg_risk = nr != nullptr && nr->is_bool() && nr->boolean;
  if (const JsonValue* ao = doc.Find("ao"); ao != nullptr && ao->is_bool()) {
    market.accepting_orders = ao->boolean;
  }
  return market;
}

}  // namespace betteroms::market
