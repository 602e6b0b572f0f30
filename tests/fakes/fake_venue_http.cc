// The venue's endpoints: routing, faults, the L2 reads and their JSON, cancels, and the
// /_fake/venue controls. State changes go through fake_venue.cc.
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "common/decimal.h"
#include "common/hex.h"
#include "signer/crypto/address.h"
#include "tests/fakes/fake_venue.h"

namespace betteroms::test {
namespace {

constexpr char kUnauthorized[] = "Unauthorized/Invalid api key";
constexpr char kNotFound[] = "order can't be found - already canceled or matched";
constexpr char kLastCursor[] = "LTE=";

std::string Checksummed(const std::string& address) {
  // A Keccak-256 per address written: a listing writes the same few addresses many times over.
  // Per connection thread, so no lock; the fake's accounts are few, the bound is a backstop.
  thread_local std::map<std::string, std::string> cache;
  auto it = cache.find(address);
  if (it != cache.end()) return it->second;
  if (cache.size() >= 1024) cache.clear();
  auto a = crypto::ParseAddress(address);
  return cache[address] = a ? crypto::ChecksumAddress(*a) : address;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// next_cursor is base64 of the decimal offset: "MA==" is 0, "LTE=" (-1) the end.
std::string EncodeCursor(size_t offset) {
  std::string text = std::to_string(offset);
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// The offset a cursor names (-1 for the end), or nullopt when it is not a cursor; "" is the start.
std::optional<int64_t> DecodeCursor(const std::string& cursor) {
  if (cursor.empty()) return 0;
  if (cursor == kLastCursor) return -1;
  if (cursor.size() % 4 != 0 || cursor.size() > 24) return std::nullopt;
  std::string text(cursor.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                          reinterpret_cast<const unsigned char*>(cursor.data()),
                          static_cast<int>(cursor.size()));
  if (n < 0) return std::nullopt;
  text.resize(text.find_last_not_of('\0') + 1);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(text);
}

const char* StatusName(int status) {
  static const char* kNames[] = {"LIVE", "DELAYED", "MATCHED", "CANCELED",
                                 "CANCELED_MARKET_RESOLVED"};
  return kNames[status];
}

}  // namespace

HttpResponse FakeVenue::Page(size_t count, const std::string& cursor,
                             const std::function<nlohmann::json(size_t)>& item) const {
  auto offset = DecodeCursor(cursor);
  if (!offset) return JsonError(400, "invalid next_cursor");
  nlohmann::json data = nlohmann::json::array();
  size_t start = *offset < 0 ? count : std::min(count, static_cast<size_t>(*offset));
  size_t end = std::min(count, start + static_cast<size_t>(page_size_));
  for (size_t i = start; i < end; ++i) data.push_back(item(i));
  std::string next = end >= count ? kLastCursor : EncodeCursor(end);
  nlohmann::json page = {
      {"data", data}, {"next_cursor", next}, {"limit", page_size_}, {"count", data.size()}};
  return {200, page.dump()};
}

bool FakeVenue::Serves(const std::string& path) {
  static const std::set<std::string> kPaths = {"/auth/api-key",
                                               "/auth/derive-api-key",
                                               "/order",
                                               "/orders",
                                               "/cancel-all",
                                               "/cancel-market-orders",
                                               "/data/orders",
                                               "/data/trades",
                                               "/balance-allowance",
                                               "/balance-allowance/update",
                                               "/time",
                                               "/ok",
                                               "/version"};
  return kPaths.count(path) > 0 || path.rfind("/data/order/", 0) == 0;
}

std::optional<HttpResponse> FakeVenue::TakeFault(bool all_post_only) {
  if (fault_count_ <= 0 || fault_ == VenueFault::kNone || fault_ == VenueFault::kDrop) {
    return std::nullopt;
  }
  if (fault_ == VenueFault::kPostOnly && all_post_only) return std::nullopt;
  --fault_count_;
  std::string retry = std::to_string(retry_after_s_);
  switch (fault_) {
    case VenueFault::kTooEarly:
      return HttpResponse{425, "", "text/plain"};
    case VenueFault::kRateLimited: {
      HttpResponse r = JsonError(429, "Too Many Requests");
      r.headers = {{"Retry-After", retry}};
      return r;
    }
    case VenueFault::kPostOnly:
      return HttpResponse{503,
                          nlohmann::json{{"error",
                                          "post-only mode: only post-only orders and cancels are "
                                          "allowed"},
                                         {"code", "post_only_mode"},
                                         {"retry_after_seconds", retry_after_s_}}
                              .dump()};
    case VenueFault::kCancelOnly:
      return HttpResponse{503, nlohmann::json{{"error",
                                               "Trading is currently cancel-only. New orders are "
                                               "not accepted, but cancels are allowed."},
                                              {"retry_after_seconds", retry_after_s_}}
                                   .dump()};
    case VenueFault::kDisabled:
      return JsonError(503, "Trading is currently disabled. Check polymarket.com for updates");
    case VenueFault::kCloudflare:
      return HttpResponse{403,
                          "<!DOCTYPE html><html><head><title>Attention Required! | "
                          "Cloudflare</title></head><body><h1>Sorry, you have been blocked</h1>"
                          "</body></html>",
                          "text/html; charset=UTF-8"};
    default:
      return std::nullopt;
  }
}

void FakeVenue::CountPosts(const std::string& body, bool batch) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  std::vector<std::string> payloads;
  if (batch && doc.is_array()) {
    for (const auto& item : doc) payloads.push_back(item.dump());
  } else if (!batch) {
    payloads.push_back(body);
  }
  for (const std::string& payload : payloads) {
    auto order = ParseOrderPayload(payload);
    if (!order.ok()) continue;
    TokenInfo info = InfoOf(order->token_id);
    ++posts_of_hash_["0x" +
                     ToHex(OrderHash(*order, OrderDomain(info.neg_risk, chain_id_), chain_id_))];
  }
}

HttpResponse FakeVenue::Handle(const HttpRequest& request) {
  const std::string& path = request.path;
  {
    // By endpoint, not by order: GET /data/order/{hash} counts under "GET /data/order".
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_[request.method + " " +
                (path.rfind("/data/order/", 0) == 0 ? std::string("/data/order") : path)];
  }
  // The round trip, outside the lock: requests on other connections proceed meanwhile.
  if (latency_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency_ms_.load()));
  if (path == "/time") return {200, std::to_string(Now())};
  if (path == "/ok") return {200, "\"OK\""};
  if (path == "/version") return {200, R"({"version":2})"};
  bool posts_orders = request.method == "POST" && (path == "/order" || path == "/orders");
  bool cancels =
      request.method == "DELETE" && (path == "/order" || path == "/orders" ||
                                     path == "/cancel-all" || path == "/cancel-market-orders");
  HttpResponse response;
  bool drop = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (path == "/auth/api-key" && request.method == "POST") {
      return keys_.Create(ctx_, request, chain_id_, Now());
    }
    if (path == "/auth/derive-api-key" && request.method == "GET") {
      return keys_.Derive(ctx_, request, chain_id_, Now());
    }
    if (posts_orders || cancels) {
      if (posts_orders) {
        ++order_posts_;
        CountPosts(request.body, path == "/orders");
      }
      bool all_post_only = cancels;
      if (posts_orders) {
        nlohmann::json doc = nlohmann::json::parse(request.body, nullptr, false);
        if (!doc.is_array()) doc = nlohmann::json::array({doc});
        all_post_only = !doc.empty();
        for (const auto& item : doc) {
          std::string type = item.is_object() ? item.value("orderType", "") : "";
          all_post_only = all_post_only && item.is_object() && item.value("postOnly", false) &&
                          (type == "GTC" || type == "GTD");
        }
      }
      // Cancels pass the post-only and cancel-only windows.
      bool exempt = cancels && (fault_ == VenueFault::kCancelOnly);
      if (auto fault = exempt ? std::nullopt : TakeFault(all_post_only)) return *fault;
      if (posts_orders && fault_ == VenueFault::kDrop && fault_count_ > 0) {
        --fault_count_;
        drop = true;
      }
    }
    const ApiKey* key = keys_.VerifyL2(request);
    if (!key) return JsonError(401, kUnauthorized);
    if (posts_orders) {
      response = path == "/order" ? PostOrder(*key, request) : PostOrders(*key, request);
    } else if (cancels) {
      response = Cancel(*key, request);
    } else if (request.method != "GET") {
      return JsonError(405, "method not allowed");
    } else {
      Settle();
      if (path.rfind("/data/order/", 0) == 0) {
        response = GetOrder(*key, path.substr(std::string("/data/order/").size()));
      } else if (path == "/data/orders") {
        response = ListOrders(*key, request);
      } else if (path == "/data/trades") {
        response = ListTrades(*key, request);
      } else if (path == "/balance-allowance") {
        response = BalanceAllowance(*key, request);
      } else if (path == "/balance-allowance/update") {
        response = {200, "\"\""};
      }
    }
  }
  if ((posts_orders || cancels) && trading_delay_ms_ > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(trading_delay_ms_.load()));
  }
  response.drop = drop;
  return response;
}

HttpResponse FakeVenue::PostOrder(const ApiKey& key, const HttpRequest& request) {
  return Place(key, request.body).response;
}

HttpResponse FakeVenue::PostOrders(const ApiKey& key, const HttpRequest& request) {
  nlohmann::json doc = nlohmann::json::parse(request.body, nullptr, false);
  if (!doc.is_array() || doc.empty()) return JsonError(400, "Invalid order payload");
  if (doc.size() > 15) return JsonError(400, "Too many orders in payload: max 15");
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : doc) out.push_back(Place(key, item.dump()).entry);
  return {200, out.dump()};
}

HttpResponse FakeVenue::Cancel(const ApiKey& key, const HttpRequest& request) {
  nlohmann::json doc =
      nlohmann::json::parse(request.body.empty() ? "null" : request.body, nullptr, false);
  std::vector<std::string> ids;
  bool by_id = request.path == "/order" || request.path == "/orders";
  if (request.path == "/order") {
    if (!doc.is_object() || !doc.contains("orderID") || !doc["orderID"].is_string()) {
      return JsonError(400, "Invalid order payload");
    }
    ids.push_back(doc["orderID"]);
  } else if (request.path == "/orders") {
    if (!doc.is_array() || doc.size() > 3000) return JsonError(400, "Invalid order payload");
    std::set<std::string> seen;  // duplicates ignored, request order kept
    for (const auto& id : doc) {
      if (id.is_string() && seen.insert(id.get<std::string>()).second) ids.push_back(id);
    }
  } else {
    std::string market = doc.is_object() ? doc.value("market", "") : "";
    std::string asset = doc.is_object() ? doc.value("asset_id", "") : "";
    for (const std::string& hash : order_sequence_) {
      const Order& o = orders_.at(hash);
      if ((market.empty() || o.market == market) && (asset.empty() || o.in.token_id == asset) &&
          o.owner_address == key.address &&
          (o.status == Status::kLive || o.status == Status::kDelayed)) {
        ids.push_back(hash);
      }
    }
  }
  nlohmann::json canceled = nlohmann::json::array();
  nlohmann::json not_canceled = nlohmann::json::object();
  for (const std::string& id : ids) {
    auto it = orders_.find(Lower(id));
    if (it == orders_.end() || it->second.owner_address != key.address ||
        (it->second.status != Status::kLive && it->second.status != Status::kDelayed)) {
      if (by_id) not_canceled[id] = kNotFound;
      continue;
    }
    it->second.status = Status::kCanceled;
    canceled.push_back(it->first);
  }
  return {200, nlohmann::json{{"canceled", canceled}, {"not_canceled", not_canceled}}.dump()};
}

nlohmann::json FakeVenue::OrderJson(const Order& o, bool rest) const {
  std::string status = StatusName(static_cast<int>(o.status));
  return {{"id", o.hash},
          {"status", rest && status_prefix_ ? "ORDER_STATUS_" + status : status},
          {"owner", o.in.owner},
          {"maker_address", Checksummed(o.in.maker)},
          {"market", o.market},
          {"asset_id", o.in.token_id},
          {"side", o.in.buy ? "BUY" : "SELL"},
          {"original_size", FormatMicros(o.size)},
          {"size_matched", FormatMicros(o.matched)},
          {"price", FormatMicros(o.price)},
          {"associate_trades", o.trades},
          {"outcome", o.outcome},
          {"created_at", o.created_at},
          {"expiration", std::to_string(o.in.expiration)},
          {"order_type", OrderTypeName(o.in.type)}};
}

nlohmann::json FakeVenue::TradeJson(const Trade& t, const std::string& viewer, bool rest) const {
  nlohmann::json makers = nlohmann::json::array();
  for (const MakerFill& m : t.makers) {
    makers.push_back({{"order_id", m.order_hash},
                      {"owner", m.owner_key},
                      {"maker_address", Checksummed(m.maker_address)},
                      {"matched_amount", FormatMicros(m.shares)},
                      {"price", FormatMicros(m.price)},
                      {"fee_rate_bps", t.fee_rate_bps},
                      {"asset_id", m.asset_id},
                      {"outcome", m.outcome},
                      {"side", m.buy ? "BUY" : "SELL"}});
  }
  std::string status = TradeStatusName(t.status);
  bool taker = !t.owner_address.empty() && t.owner_address == viewer;
  return {{"id", t.id},
          {"taker_order_id", t.order_hash},
          {"market", t.market},
          {"asset_id", t.asset_id},
          {"side", t.buy ? "BUY" : "SELL"},
          {"size", FormatMicros(t.size)},
          {"fee_rate_bps", t.fee_rate_bps},
          {"price", FormatMicros(t.price)},
          {"status", rest && status_prefix_ ? "TRADE_STATUS_" + status : status},
          {"match_time", std::to_string(t.match_time)},
          {"last_update", std::to_string(t.last_update)},
          {"outcome", t.outcome},
          {"bucket_index", 0},
          {"owner", t.owner_key},
          {"maker_address", Checksummed(t.maker_address)},
          {"maker_orders", makers},
          {"transaction_hash", t.transaction_hash},
          {"trader_side", taker ? "TAKER" : "MAKER"}};
}

HttpResponse FakeVenue::GetOrder(const ApiKey& key, const std::string& hash) {
  auto it = orders_.find(Lower(hash));
  if (it == orders_.end() || it->second.owner_address != key.address) return {200, "null"};
  return {200, OrderJson(it->second, true).dump()};
}

HttpResponse FakeVenue::ListOrders(const ApiKey& key, const HttpRequest& request) {
  auto q = [&](const char* name) {
    auto it = request.query.find(name);
    return it == request.query.end() ? std::string() : it->second;
  };
  const std::string id = Lower(q("id"));
  const std::string market = q("market");
  const std::string asset = q("asset_id");
  // Select cheaply, then write JSON for the page only.
  std::vector<const Order*> selected;
  for (const std::string& hash : order_sequence_) {
    const Order& o = orders_.at(hash);
    if (o.owner_address != key.address ||
        (o.status != Status::kLive && o.status != Status::kDelayed) ||
        (!id.empty() && id != o.hash) || (!market.empty() && market != o.market) ||
        (!asset.empty() && asset != o.in.token_id)) {
      continue;
    }
    selected.push_back(&o);
  }
  return Page(selected.size(), q("next_cursor"),
              [&](size_t i) { return OrderJson(*selected[i], true); });
}

HttpResponse FakeVenue::ListTrades(const ApiKey& key, const HttpRequest& request) {
  auto q = [&](const char* name) {
    auto it = request.query.find(name);
    return it == request.query.end() ? std::string() : it->second;
  };
  auto bound = [&](const char* name, int64_t fallback) {
    std::string v = q(name);
    return v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos
               ? fallback
               : std::stoll(v);
  };
  // Both bounds inclusive, on match_time (fake_venue.h).
  const int64_t after = bound("after", 0);
  const int64_t before = bound("before", INT64_MAX);
  const std::string id = q("id");
  const std::string asset = q("asset_id");
  const std::string market = q("market");
  const std::string maker = q("maker_address").empty() ? "" : NormalAddress(q("maker_address"));
  auto names_maker = [&](const Trade& t) {
    if (t.maker_address == maker) return true;
    return std::any_of(t.makers.begin(), t.makers.end(),
                       [&](const MakerFill& m) { return m.maker_address == maker; });
  };
  std::vector<const Trade*> selected;
  auto mine = trades_of_.find(key.address);
  if (mine != trades_of_.end()) {
    for (size_t index : mine->second) {
      const Trade& t = trades_[index];
      if ((!id.empty() && id != t.id) || (!asset.empty() && asset != t.asset_id) ||
          (!market.empty() && market != t.market) ||
          (!q("maker_address").empty() && !names_maker(t)) || t.match_time < after ||
          t.match_time > before) {
        continue;
      }
      selected.push_back(&t);
    }
  }
  return Page(selected.size(), q("next_cursor"),
              [&](size_t i) { return TradeJson(*selected[i], key.address, true); });
}

HttpResponse FakeVenue::BalanceAllowance(const ApiKey& key, const HttpRequest& request) {
  auto q = [&](const char* name) {
    auto it = request.query.find(name);
    return it == request.query.end() ? std::string() : it->second;
  };
  std::string type = q("asset_type");
  bool conditional = type == "CONDITIONAL" || type == "CONDITIONAL-V2";
  if (!conditional && type != "COLLATERAL") return JsonError(400, "Invalid asset type");
  if (conditional && q("token_id").empty()) return JsonError(400, "Invalid token id");
  std::string sig = q("signature_type");
  std::string address = key.address;
  if (sig == "3" && !key.deposit_wallet.empty()) address = key.deposit_wallet;
  if ((sig == "1" || sig == "2") && !key.funder.empty()) address = key.funder;
  const VenueAccount& account = AccountOf(address);
  int64_t balance =
      conditional
          ? (account.conditional.count(q("token_id")) ? account.conditional.at(q("token_id")) : 0)
          : account.collateral;
  nlohmann::json allowances = nlohmann::json::object();
  for (const auto& [exchange, amount] : account.allowances) {
    allowances[Checksummed(exchange)] = std::to_string(amount);
  }
  return {200,
          nlohmann::json{{"balance", std::to_string(balance)}, {"allowances", allowances}}.dump()};
}

std::string FakeVenue::StateJson() {
  std::lock_guard<std::mutex> lock(mu_);
  Settle();
  nlohmann::json orders = nlohmann::json::array();
  for (const std::string& hash : order_sequence_) {
    const Order& o = orders_.at(hash);
    nlohmann::json j = OrderJson(o, false);
    j["hash"] = o.hash;
    j["size"] = FormatMicros(o.size);
    j["matched"] = FormatMicros(o.matched);
    j["type"] = OrderTypeName(o.in.type);
    j["post_only"] = o.in.post_only;
    orders.push_back(j);
  }
  nlohmann::json trades = nlohmann::json::array();
  for (const Trade& t : trades_) {
    nlohmann::json j = TradeJson(t, t.owner_address, false);
    j["reversed"] = t.reversed;
    trades.push_back(std::move(j));
  }
  nlohmann::json accounts = nlohmann::json::object();
  for (const auto& [address, a] : accounts_) {
    nlohmann::json conditional = nlohmann::json::object();
    for (const auto& [token, shares] : a.conditional) conditional[token] = std::to_string(shares);
    accounts[Checksummed(address)] = {{"collateral", std::to_string(a.collateral)},
                                      {"conditional", conditional}};
  }
  return nlohmann::json{{"orders", orders},
                        {"trades", trades},
                        {"posts", posts_of_hash_},
                        {"order_posts", order_posts_},
                        {"rejections", rejections_},
                        {"requests", requests_},
                        {"accounts", accounts},
                        {"page_size", page_size_},
                        {"status_prefix", status_prefix_},
                        {"fee_rate_bps", fee_rate_bps_}}
      .dump();
}

}  // namespace betteroms::test
