// libFuzzer target: the venue's answers about our orders must never crash, leak or hit undefined
// behaviour. The input is parsed as one document by each of venue_json.h's readers (an OpenOrder,
// a Trade, a CancelResponse, and each element of an array), then split at 0x1e bytes into the
// answers, in turn, of a ClobVenue over a scripted transport: POST /order, GET /data/order/{hash},
// GET /data/orders pages, GET /data/trades pages and DELETE /orders. Whatever the venue says, a
// fill taken has a price inside (0, 1) and shares above 0. Built and run by scripts/fuzz (clang,
// -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <set>
#include <string>

#include "common/decimal.h"
#include "common/json.h"
#include "common/time.h"
#include "oms-server/venue/clob_venue.h"
#include "oms-server/venue/venue_json.h"

namespace {

namespace venue = betteroms::venue;
namespace market = betteroms::market;

constexpr char kHash[] = "0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckFills(const std::vector<venue::VenueFill>& fills) {
  for (const venue::VenueFill& f : fills) {
    Check(f.price > 0 && f.price < betteroms::kMicro);
    Check(f.shares > 0);
  }
}

// Answers requests with the scripted bodies in turn (HTTP 200), then 404.
class ScriptTransport : public market::HttpTransport {
 public:
  absl::StatusOr<market::HttpResponse> Perform(const market::HttpRequest& /*request*/) override {
    if (bodies.empty()) return market::HttpResponse{404, "{}", "application/json", {}};
    std::string body = std::move(bodies.front());
    bodies.pop_front();
    return market::HttpResponse{200, std::move(body), "application/json", {}};
  }
  std::deque<std::string> bodies;
};

class FixedClock : public betteroms::Clock {
 public:
  absl::Time Now() const override { return absl::FromUnixSeconds(1'764'000'000); }
};

void ParseDocument(const betteroms::JsonValue& doc) {
  std::set<std::string> ours = {kHash};
  (void)venue::VenueOrderFromJson(doc);
  auto fills = venue::FillsOfTrade(doc, ours);
  if (fills.ok()) CheckFills(*fills);
  (void)venue::CancelAnswerFromJson(doc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto doc = betteroms::ParseJson(text); doc.ok()) {
    ParseDocument(*doc);
    if (doc->is_array()) {
      for (const betteroms::JsonValue& item : doc->items) ParseDocument(item);
    }
  }

  ScriptTransport transport;
  for (size_t start = 0;;) {
    size_t end = text.find('\x1e', start);
    transport.bodies.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  FixedClock clock;
  venue::ClobVenueOptions options;
  options.base_url = "http://clob.fuzz";
  options.max_pages = 8;
  options.sleep = [](absl::Duration) {};
  venue::ClobVenue clob(options, transport, clock);
  clob.SetCredentials({"key", "c2VjcmV0c2VjcmV0c2VjcmV0", "pass"},
                      "0x1111111111111111111111111111111111111111");
  absl::Time deadline = clock.Now() + absl::Minutes(1);

  venue::WireOrder order;
  order.salt = "12345";
  order.maker = order.signer = "0x1111111111111111111111111111111111111111";
  order.token_id = "1001";
  order.maker_amount = 5'000'000;
  order.taker_amount = 10'000'000;
  order.timestamp_ms = "1764000000000";
  order.metadata = order.builder = "0x" + std::string(64, '0');
  order.signature = "0x" + std::string(130, '1');
  (void)clob.PostOrders({order}, deadline);
  (void)clob.GetOrder(kHash, deadline);
  (void)clob.ListOpenOrders(deadline);
  auto fills = clob.ListFills({kHash}, clock.Now() - absl::Hours(1), deadline);
  if (fills.ok()) CheckFills(*fills);
  (void)clob.CancelOrders({kHash}, deadline);
  return 0;
}
