#include "tests/fakes/fake_clob.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>

namespace betteroms::test {
namespace {

constexpr char kMarketNotFound[] = R"({"error":"market not found"})";
constexpr char kNoBook[] = R"({"error":"No orderbook exists for the requested token id"})";

// A /clob-markets number (`mts`, `mos`) as the JSON number the long format writes.
nlohmann::json NumberOf(const nlohmann::json& v) {
  if (v.is_number()) return v;
  if (v.is_string()) {
    nlohmann::json parsed = nlohmann::json::parse(v.get<std::string>(), nullptr, false);
    if (parsed.is_number()) return parsed;
  }
  return nullptr;
}

}  // namespace

FakeClob::FakeClob(uint64_t chain_id) : venue_(market_view_, chain_id) {
  // Any other chain has no exchange domains: a broken test set-up.
  if (!venue_.SetChainId(chain_id)) std::abort();
}

FakeClob::~FakeClob() { Stop(); }

bool FakeClob::Start(int port) {
  return server_.Start(port, [this](const HttpRequest& request) { return Handle(request); });
}

void FakeClob::Stop() { server_.Stop(); }

FakeClob::Response FakeClob::Handle(const HttpRequest& request) {
  const std::string& path = request.path;
  if (path == "/_fake/venue" || path.rfind("/_fake/venue/", 0) == 0) {
    return venue_.Control(request);
  }
  if (path.rfind("/_fake/", 0) == 0) return Control(request);
  if (FakeVenue::Serves(path)) return venue_.Handle(request);
  // "/clob-markets/0xabc" is endpoint "clob-markets" with parameter "0xabc".
  size_t slash = path.find('/', 1);
  std::string endpoint = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  std::string param = slash == std::string::npos ? "" : path.substr(slash + 1);
  return MarketData(endpoint, param, request.query, request.body);
}

FakeClob::Response FakeClob::Control(const HttpRequest& request) {
  const std::string& path = request.path;
  const std::string& method = request.method;
  const std::string& body = request.body;
  auto query = request.query;
  if (path == "/_fake/reset") {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ResetLocked();
      delay_ms_ = 0;
    }
    venue_.Reset();
    return {200, "{}"};
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (path == "/_fake/book" && method == "POST") {
    books_[query["token_id"]] = {body};
  } else if (path == "/_fake/book/append" && method == "POST") {
    books_[query["token_id"]].push_back(body);
  } else if (path == "/_fake/market" && method == "POST") {
    if (!SetMarketLocked(body)) {
      return {400, R"({"error":"not a /clob-markets document"})"};
    }
  } else if (path == "/_fake/garble") {
    garble_count_ = query.count("count") ? std::stoi(query["count"]) : 1;
  } else if (path == "/_fake/fail") {
    fail_status_ = std::stoi(query["status"]);
    fail_count_ = query.count("count") ? std::stoi(query["count"]) : 1;
    fail_html_ = query["html"] == "1";
  } else if (path == "/_fake/delay") {
    delay_ms_ = std::stoi(query["ms"]);
  } else if (path == "/_fake/cut") {
    cut_count_ = query.count("count") ? std::stoi(query["count"]) : 1;
  } else if (path == "/_fake/stats") {
    return {200, nlohmann::json(counts_).dump()};
  } else {
    return {404, R"({"error":"unknown control endpoint"})"};
  }
  return {200, "{}"};
}

bool FakeClob::MarketView::EditBook(const std::string& token,
                                    const std::function<void(std::string& book)>& edit) {
  std::lock_guard<std::mutex> lock(clob_.mu_);
  auto it = clob_.books_.find(token);
  if (it == clob_.books_.end() || it->second.empty() || clob_.Closed(token)) return false;
  edit(it->second.front());
  return true;
}

std::string FakeClob::MarketView::MarketOf(const std::string& token) {
  std::lock_guard<std::mutex> lock(clob_.mu_);
  auto it = clob_.market_of_token_.find(token);
  if (it == clob_.market_of_token_.end()) return "";
  return clob_.ClobMarketText(it->second);
}

absl::StatusOr<std::vector<std::string>> FakeClob::MarketView::Resolve(
    const std::string& condition_id, const std::string& winner) {
  std::lock_guard<std::mutex> lock(clob_.mu_);
  if (!clob_.markets_.count(condition_id)) {
    return absl::NotFoundError("fake clob: resolve: no market \"" + condition_id + "\"");
  }
  std::vector<std::string> tokens;
  for (const auto& [token, condition] : clob_.market_of_token_) {
    if (condition == condition_id) tokens.push_back(token);
  }
  if (!winner.empty() && std::find(tokens.begin(), tokens.end(), winner) == tokens.end()) {
    return absl::InvalidArgumentError("fake clob: resolve: winner \"" + winner +
                                      "\" is not a token of market \"" + condition_id + "\"");
  }
  clob_.resolved_[condition_id] = winner;
  for (const std::string& token : tokens) clob_.books_.erase(token);
  return tokens;
}

bool FakeClob::Closed(const std::string& token) const {
  auto it = market_of_token_.find(token);
  return it != market_of_token_.end() && resolved_.count(it->second) > 0;
}

std::string FakeClob::ClobMarketText(const std::string& condition_id) {
  const std::string& text = markets_.at(condition_id);
  if (!resolved_.count(condition_id)) return text;
  // Ordered and parsed from the text, so the other fields keep their order and numbers.
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text);
  doc["ao"] = false;
  return doc.dump();
}

FakeClob::Response FakeClob::MarketJson(const std::string& condition_id) {
  auto it = markets_.find(condition_id);
  if (it == markets_.end()) return {404, kMarketNotFound};
  nlohmann::json doc = nlohmann::json::parse(it->second);
  auto resolved = resolved_.find(condition_id);
  bool closed = resolved != resolved_.end();
  nlohmann::json tokens = nlohmann::json::array();
  for (const auto& t : doc["t"]) {
    std::string id = t["t"].is_string() ? t["t"].get<std::string>() : t["t"].dump();
    bool winner = closed && resolved->second == id;
    // A resolved market with a winner is priced 1/0; otherwise the book's last trade, if any.
    nlohmann::json price = 0.5;
    if (closed && !resolved->second.empty()) {
      price = winner ? 1 : 0;
    } else if (auto book = books_.find(id); book != books_.end() && !book->second.empty()) {
      nlohmann::json b = nlohmann::json::parse(book->second.front(), nullptr, false);
      if (b.is_object() && b.contains("last_trade_price")) {
        nlohmann::json last = NumberOf(b["last_trade_price"]);
        if (!last.is_null()) price = last;
      }
    }
    std::string outcome = t["o"].is_string() ? t["o"].get<std::string>() : "";
    tokens.push_back(
        {{"token_id", id}, {"outcome", outcome}, {"price", price}, {"winner", winner}});
  }
  bool accepting = !doc.contains("ao") || !doc["ao"].is_boolean() || doc["ao"].get<bool>();
  nlohmann::ordered_json out;
  out["condition_id"] = condition_id;
  out["question_id"] = "";
  // The venue's resolved markets stay active; closed says they are over.
  out["active"] = true;
  out["closed"] = closed;
  out["accepting_orders"] = accepting && !closed;
  out["neg_risk"] = doc.contains("nr") && doc["nr"].is_boolean() && doc["nr"].get<bool>();
  out["minimum_order_size"] = doc.contains("mos") ? NumberOf(doc["mos"]) : nlohmann::json(5);
  out["minimum_tick_size"] = doc.contains("mts") ? NumberOf(doc["mts"]) : nlohmann::json(0.01);
  out["tokens"] = tokens;
  return {200, out.dump()};
}

FakeClob::Response FakeClob::Markets(const std::string& endpoint, const std::string& param) {
  if (endpoint == "markets-by-token") {
    auto it = market_of_token_.find(param);
    if (it == market_of_token_.end()) return {404, kMarketNotFound};
    return {200, nlohmann::json{{"condition_id", it->second}}.dump()};
  }
  if (!markets_.count(param)) return {404, kMarketNotFound};
  return {200, ClobMarketText(param)};
}

bool FakeClob::SetMarketLocked(const std::string& clob_market_json) {
  nlohmann::json doc = nlohmann::json::parse(clob_market_json, nullptr, false);
  if (!doc.is_object() || !doc.contains("c") || !doc["c"].is_string() || !doc.contains("t") ||
      !doc["t"].is_array()) {
    return false;
  }
  std::vector<std::string> tokens;
  for (const auto& item : doc["t"]) {
    if (!item.is_object() || !item.contains("t") || !item.contains("o")) return false;
    const auto& id = item["t"];
    if (id.is_string()) {
      tokens.push_back(id.get<std::string>());
    } else if (id.is_number_unsigned()) {
      tokens.push_back(id.dump());
    } else {
      return false;
    }
  }
  std::string condition = doc["c"].get<std::string>();
  // A market set again replaces its token list: forget tokens it no longer lists.
  for (auto it = market_of_token_.begin(); it != market_of_token_.end();) {
    it = it->second == condition ? market_of_token_.erase(it) : std::next(it);
  }
  for (const std::string& token : tokens) market_of_token_[token] = condition;
  markets_[condition] = clob_market_json;
  resolved_.erase(condition);  // set again: open again
  return true;
}

std::string FakeClob::NextBook(const std::string& token) {
  auto it = books_.find(token);
  if (it == books_.end() || it->second.empty() || Closed(token)) return "";
  std::string book = it->second.front();
  if (it->second.size() > 1) it->second.pop_front();
  return book;
}

FakeClob::Response FakeClob::MarketData(const std::string& endpoint, const std::string& param,
                                        const std::map<std::string, std::string>& query,
                                        const std::string& body) {
  if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[endpoint];
  if (fail_count_ > 0) {
    --fail_count_;
    if (fail_html_) {
      return {fail_status_,
              "<html><head><title>Attention Required! | Cloudflare</title></head>"
              "<body>Sorry, you have been blocked</body></html>",
              "text/html"};
    }
    return {fail_status_, fail_status_ == 429 ? R"({"error":"Too Many Requests"})"
                                              : R"({"error":"Internal error"})"};
  }
  Response r = Answer(endpoint, param, query, body);
  if (r.status == 200 && garble_count_ > 0) {
    --garble_count_;
    r.body.resize(r.body.size() / 2);
  }
  ApplyTransportFaults(r);
  return r;
}

void FakeClob::ApplyTransportFaults(Response& response) {
  if (response.status != 200) return;
  int left = cut_count_.load();
  while (left > 0 && !cut_count_.compare_exchange_weak(left, left - 1)) {
  }
  if (left > 0) response.cut = true;
}

FakeClob::Response FakeClob::Answer(const std::string& endpoint, const std::string& param,
                                    const std::map<std::string, std::string>& query,
                                    const std::string& body) {
  if (endpoint == "markets-by-token" || endpoint == "clob-markets") return Markets(endpoint, param);
  if (endpoint == "markets" && !param.empty()) return MarketJson(param);
  if (!param.empty()) return {404, R"({"error":"not found"})"};
  auto token_it = query.find("token_id");
  std::string token = token_it == query.end() ? "" : token_it->second;
  if (endpoint == "book") {
    if (token.empty()) return {400, R"({"error":"Invalid token id"})"};
    std::string book = NextBook(token);
    if (book.empty()) return {404, kNoBook};
    return {200, book};
  }
  if (endpoint == "books") {
    nlohmann::json req = nlohmann::json::parse(body, nullptr, false);
    if (!req.is_array()) return {400, R"({"error":"Invalid payload"})"};
    std::string out = "[";
    bool first = true;
    for (const auto& item : req) {
      std::string book = NextBook(item.value("token_id", ""));
      if (book.empty()) continue;  // the venue leaves unknown tokens out
      out += (first ? "" : ",") + book;
      first = false;
    }
    return {200, out + "]"};
  }
  std::string book = NextBook(token);
  if (book.empty()) return {404, kNoBook};
  nlohmann::json doc = nlohmann::json::parse(book);
  if (endpoint == "tick-size") {
    return {
        200,
        nlohmann::json{{"minimum_tick_size", std::stod(doc.value("tick_size", "0.01"))}}.dump()};
  }
  if (endpoint == "neg-risk") {
    return {200, nlohmann::json{{"neg_risk", doc.value("neg_risk", false)}}.dump()};
  }
  if (endpoint == "midpoint") {
    // Best levels are the last elements in venue order.
    double bid =
        doc["bids"].empty() ? 0 : std::stod(doc["bids"].back()["price"].get<std::string>());
    double ask =
        doc["asks"].empty() ? 1 : std::stod(doc["asks"].back()["price"].get<std::string>());
    char mid[32];
    std::snprintf(mid, sizeof(mid), "%.4g", (bid + ask) / 2);
    return {200, nlohmann::json{{"mid", mid}}.dump()};
  }
  return {404, R"({"error":"not found"})"};
}

void FakeClob::SetBook(const std::string& token, const std::string& json) {
  std::lock_guard<std::mutex> lock(mu_);
  books_[token] = {json};
}

void FakeClob::AppendBook(const std::string& token, const std::string& json) {
  std::lock_guard<std::mutex> lock(mu_);
  books_[token].push_back(json);
}

bool FakeClob::SetMarket(const std::string& clob_market_json) {
  std::lock_guard<std::mutex> lock(mu_);
  return SetMarketLocked(clob_market_json);
}

void FakeClob::GarbleNext(int count) {
  std::lock_guard<std::mutex> lock(mu_);
  garble_count_ = count;
}

void FakeClob::FailNext(int status, int count, bool html) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_status_ = status;
  fail_count_ = count;
  fail_html_ = html;
}

int FakeClob::Count(const std::string& endpoint) {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_[endpoint];
}

void FakeClob::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  ResetLocked();
}

void FakeClob::ResetLocked() {
  books_.clear();
  markets_.clear();
  market_of_token_.clear();
  resolved_.clear();
  counts_.clear();
  fail_count_ = 0;
  garble_count_ = 0;
  cut_count_ = 0;
}

std::string VenueBookJson(const std::string& token,
                          const std::vector<std::pair<std::string, std::string>>& bids_best_first,
                          const std::vector<std::pair<std::string, std::string>>& asks_best_first,
                          const std::string& tick, const std::string& min_size) {
  auto levels = [](const std::vector<std::pair<std::string, std::string>>& best_first) {
    nlohmann::json arr = nlohmann::json::array();
    // The venue lists worst first. (Indices, not std::views::reverse: clang 14 cannot compile
    // libstdc++ 12's ranges.)
    for (size_t i = best_first.size(); i-- > 0;) {
      arr.push_back({{"price", best_first[i].first}, {"size", best_first[i].second}});
    }
    return arr;
  };
  nlohmann::ordered_json doc;
  doc["market"] = "0xfake";
  doc["asset_id"] = token;
  doc["timestamp"] = "1764136800000";
  doc["hash"] = "";
  doc["bids"] = levels(bids_best_first);
  doc["asks"] = levels(asks_best_first);
  doc["min_order_size"] = min_size;
  doc["tick_size"] = tick;
  doc["neg_risk"] = false;
  doc["last_trade_price"] = "0.5";
  std::string text = doc.dump();
  // The venue's hash changes with the content; a cheap stand-in keeps snapshots distinct.
  doc["hash"] = std::to_string(std::hash<std::string>{}(text));
  return doc.dump();
}

std::string VenueClobMarketJson(const std::string& condition_id,
                                const std::vector<std::pair<std::string, std::string>>& outcomes,
                                const std::string& tick, const std::string& min_size,
                                bool neg_risk) {
  nlohmann::ordered_json doc;
  doc["c"] = condition_id;
  doc["t"] = nlohmann::json::array();
  for (const auto& [token, outcome] : outcomes) doc["t"].push_back({{"t", token}, {"o", outcome}});
  // Parsed, not converted, so the numbers keep the text they were given ("0.01", "5").
  doc["mts"] = nlohmann::json::parse(tick);
  if (neg_risk) doc["nr"] = true;
  doc["mos"] = nlohmann::json::parse(min_size);
  doc["ao"] = true;
  return doc.dump();
}

}  // namespace betteroms::test
