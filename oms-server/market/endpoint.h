// The CLOB endpoint a request URL calls, as a bounded label for metrics: the path without the
// host and query, each id, hash or number replaced by a placeholder, and anything not on the
// list of endpoints BetterOMS calls reported as "other".
#pragma once

#include <string>

namespace betteroms::market {

// "https://clob.polymarket.com/data/order/0xab…?x=1" → "/data/order/{id}";
// "/book?token_id=123" → "/book"; "/unheard-of" → "other".
std::string EndpointTemplate(const std::string& url);

}  // namespace betteroms::market
