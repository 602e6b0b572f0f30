// The /_fake/venue control endpoints (the list is in fake_clob.h): each parses its request and
// calls the FakeVenue method that does the work, so tests in-process and in other processes
// script the venue the same way.
#include "common/decimal.h"
#include "tests/fakes/fake_venue.h"

namespace betteroms::test {
namespace {

// Base units from a control body: a decimal string or an integer.
std::optional<int64_t> Units(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(s);
}

// A control's error as the HTTP answer: 404, 409 or 400 with {"error"}.
HttpResponse ErrorOf(const absl::Status& s) {
  int status = absl::IsNotFound(s) ? 404 : absl::IsFailedPrecondition(s) ? 409 : 400;
  return JsonError(status, std::string(s.message()));
}

}  // namespace

HttpResponse FakeVenue::Control(const HttpRequest& request) {
  const std::string& path = request.path;
  auto q = [&](const char* name, const std::string& fallback) {
    auto it = request.query.find(name);
    return it == request.query.end() ? fallback : it->second;
  };
  auto number = [&](const char* name, int fallback) {
    std::string v = q(name, "");
    return v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos
               ? fallback
               : std::stoi(v);
  };
  if (path == "/_fake/venue" && request.method == "GET") return {200, StateJson()};
  if (request.method != "POST") return JsonError(405, "method not allowed");
  nlohmann::json body =
      nlohmann::json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
  if (path == "/_fake/venue/api-key") {
    if (!body.is_object() || NormalAddress(body.value("address", "")).empty() ||
        body.value("apiKey", "").empty() || body.value("secret", "").empty()) {
      return JsonError(400, "need address, apiKey, secret (and passphrase)");
    }
    AddApiKey({body.value("address", ""), body.value("apiKey", ""), body.value("secret", ""),
               body.value("passphrase", ""), body.value("nonce", "0"),
               body.value("deposit_wallet", ""), body.value("funder", "")});
  } else if (path == "/_fake/venue/account") {
    std::string address = body.is_object() ? body.value("address", "") : "";
    if (NormalAddress(address).empty()) return JsonError(400, "need an address");
    if (body.contains("collateral")) {
      auto balance = Units(body["collateral"]);
      std::optional<int64_t> allowance;
      if (body.contains("allowance")) allowance = Units(body["allowance"]);
      if (!balance || (body.contains("allowance") && !allowance)) {
        return JsonError(400, "amounts are base units: decimal strings or integers");
      }
      SetCollateral(address, *balance, allowance);
    }
    nlohmann::json allowances = body.value("allowances", nlohmann::json::object());
    nlohmann::json conditional = body.value("conditional", nlohmann::json::object());
    if (!allowances.is_object() || !conditional.is_object()) {
      return JsonError(400, "allowances and conditional are objects");
    }
    for (const auto& [exchange, amount] : allowances.items()) {
      auto units = Units(amount);
      if (!units || NormalAddress(exchange).empty()) return JsonError(400, "bad allowances");
      SetAllowance(address, exchange, *units);
    }
    for (const auto& [token, amount] : conditional.items()) {
      auto units = Units(amount);
      if (!units) return JsonError(400, "bad conditional balance");
      SetConditional(address, token, *units);
    }
  } else if (path == "/_fake/venue/fault") {
    auto fault = ParseVenueFault(q("kind", ""));
    if (!fault) return JsonError(400, "unknown fault kind");
    ScheduleFault(*fault, number("count", 1), number("retry_after", 1));
  } else if (path == "/_fake/venue/delayed") {
    DelayNext(number("count", 1));
  } else if (path == "/_fake/venue/delay") {
    SetTradingDelayMs(number("ms", 0));
  } else if (path == "/_fake/venue/latency") {
    SetLatencyMs(number("ms", 0));
  } else if (path == "/_fake/venue/chain") {
    if (!SetChainId(static_cast<uint64_t>(number("id", 0)))) {
      return JsonError(400, "chain must be 137 or 80002");
    }
  } else if (path == "/_fake/venue/take") {
    return TakeControl(body);
  } else if (path == "/_fake/venue/settle") {
    return SettleControl(body);
  } else if (path == "/_fake/venue/resolve") {
    if (!body.is_object() || !body.contains("condition_id") || !body["condition_id"].is_string() ||
        (body.contains("winner") && !body["winner"].is_string())) {
      return JsonError(400, "need condition_id (and winner, a token id) as strings");
    }
    if (absl::Status s = Resolve(body["condition_id"], body.value("winner", "")); !s.ok()) {
      return ErrorOf(s);
    }
  } else if (path == "/_fake/venue/fee") {
    int bps = number("bps", -1);
    if (q("token_id", "").empty() || bps < 0 || bps > 10'000) {
      return JsonError(400, "need token_id and bps in 0..10000");
    }
    SetFeeRateBps(q("token_id", ""), bps);
  } else if (path == "/_fake/venue/page-size") {
    if (!SetPageSize(number("n", 0))) return JsonError(400, "page size must be in 1..10000");
  } else if (path == "/_fake/venue/prefix") {
    std::string on = q("on", "");
    if (on != "0" && on != "1") return JsonError(400, "on must be 1 or 0");
    SetStatusPrefix(on == "1");
  } else {
    return JsonError(404, "unknown control endpoint");
  }
  return {200, "{}"};
}

HttpResponse FakeVenue::TakeControl(const nlohmann::json& body) {
  auto text = [&](const char* name) {
    return body.is_object() && body.contains(name) && body[name].is_string()
               ? body[name].get<std::string>()
               : std::string();
  };
  std::string side = text("side");
  std::optional<int64_t> size =
      body.is_object() && body.contains("size") ? Units(body["size"]) : std::nullopt;
  std::optional<int64_t> limit;
  if (body.is_object() && body.contains("price")) {
    limit = Units(body["price"]);
    if (!limit || *limit <= 0 || *limit >= kMicro) {
      return JsonError(400, "price is a limit in base units, strictly between 0 and 1000000");
    }
  }
  if (text("token_id").empty() || (side != "BUY" && side != "SELL") || !size || *size <= 0) {
    return JsonError(400, "need token_id, side (BUY or SELL) and a positive size in base units");
  }
  auto result = Take(text("token_id"), side == "BUY", *size, limit);
  if (!result.ok()) return ErrorOf(result.status());
  nlohmann::json answer = {{"matched", std::to_string(result->matched)}};
  if (!result->trade_id.empty()) answer["trade_id"] = result->trade_id;
  return {200, answer.dump()};
}

HttpResponse FakeVenue::SettleControl(const nlohmann::json& body) {
  auto text = [&](const char* name) {
    return body.is_object() && body.contains(name) && body[name].is_string()
               ? body[name].get<std::string>()
               : std::string();
  };
  auto status = ParseTradeStatus(text("status"));
  if (text("trade_id").empty() || !status ||
      (body.is_object() && body.contains("transaction_hash") &&
       !body["transaction_hash"].is_string())) {
    return JsonError(400,
                     "need trade_id and status (MATCHED, MATCHED_NOT_BROADCASTED, MINED, "
                     "CONFIRMED, RETRYING or FAILED), and transaction_hash as a string");
  }
  if (absl::Status s = SetTradeStatus(text("trade_id"), *status, text("transaction_hash"));
      !s.ok()) {
    return ErrorOf(s);
  }
  return {200, "{}"};
}

}  // namespace betteroms::test
