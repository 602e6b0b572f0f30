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

absl::StatusOr<ClobMarketState> ParseMarketStateJson(const std::string& text) {
  OMS_ASSIGN_OR_RETURN(JsonValue doc, ParseJson(text));
  if (!doc.is_object()) return absl::InvalidArgumentError("market: not a JSON object");
  ClobMarketState state;
  state.condition_id = doc.StringOr("condition_id");
  const JsonValue* closed = doc.Find("closed");
  if (closed == nullptr || !closed->is_bool()) {
    return absl::InvalidArgumentError("market: \"closed\" is not a boolean");
  }
  state.resolution.closed = closed->boolean;
  const JsonValue* tokens = doc.Find("tokens");
  if (tokens == nullptr || !tokens->is_array()) {
    return absl::InvalidArgumentError("market: \"tokens\" is not an array");
  }
  for (size_t i = 0; i < tokens->items.size(); ++i) {
    const JsonValue& item = tokens->items[i];
    const JsonValue* id = item.is_object() ? item.Find("token_id") : nullptr;
    // Written as strings or numbers, decimal or 0x hex, as in /clob-markets.
    std::optional<std::string> token;
    if (id != nullptr && (id->is_string() || id->is_number())) {
      token = domain::NormaliseTokenId(id->text);
    }
    if (!token) {
      return absl::InvalidArgumentError(
          absl::StrCat("market: tokens[", i, "].token_id is not a token id"));
    }
    const JsonValue* winner = item.Find("winner");
    if (winner != nullptr && !winner->is_null() && !winner->is_bool()) {
      return absl::InvalidArgumentError(
          absl::StrCat("market: tokens[", i, "].winner is not a boolean"));
    }
    if (winner != nullptr && winner->is_bool() && winner->boolean) {
      // Two winners cannot both be paid: the answer is wrong, not half right.
      if (state.resolution.winner_token) {
        return absl::InvalidArgumentError("market: more than one token is the winner");
      }
      state.resolution.winner_token = *token;
    }
    state.tokens.push_back(*std::move(token));
  }
  return state;
}

}  // namespace betteroms::market
