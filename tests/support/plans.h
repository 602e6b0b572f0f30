// Plan JSON for tests, written the way a trader would.
#pragma once

#include <string>
#include <vector>

namespace betteroms::test {

// One trade object; `extra` adds fields, e.g. R"(, "price": 0.4)".
inline std::string TradeJson(const std::string& token, const std::string& side,
                             const std::string& type, const std::string& size,
                             const std::string& extra = "") {
  return R"({"marketTokenId": ")" + token + R"(", "outcome": "YES", "side": ")" + side +
         R"(", "orderType": ")" + type + R"(", "size": )" + size + extra + "}";
}

// A paper plan of the given trade objects.
inline std::string PlanJson(const std::string& id, const std::vector<std::string>& trades) {
  std::string out = R"({"planId": ")" + id + R"(", "mode": "paper", "trades": [)";
  for (size_t i = 0; i < trades.size(); ++i) out += (i ? "," : "") + trades[i];
  return out + "]}";
}

}  // namespace betteroms::test
