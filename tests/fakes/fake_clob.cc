#include "tests/fakes/fake_clob.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>

namespace betteroms::test {
namespace {

std::map<std::string, std::string> ParseQuery(const std::string& q) {
  std::map<std::string, std::string> out;
  std::stringstream ss(q);
  std::string pair;
  while (std::getline(ss, pair, '&')) {
    size_t eq = pair.find('=');
    if (eq != std::string::npos) out[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return out;
}

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 425:
      return "Too Early";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

constexpr char kMarketNotFound[] = R"({"error":"market not found"})";

bool WriteAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

FakeClob::FakeClob() = default;
FakeClob::~FakeClob() { Stop(); }

bool FakeClob::Start(int port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listen_fd_, 128) != 0) {
    close(listen_fd_);
    listen_fd_ = -1;
    return false;
  }
  socklen_t len = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return true;
}

void FakeClob::Stop() {
  if (stopping_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
}

void FakeClob::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    workers_.emplace_back([this, fd] { Serve(fd); });
  }
}

void FakeClob::Serve(int fd) {
  // Keep-alive: serve requests until the client closes or the server stops.
  std::string buf;
  char chunk[8192];
  while (!stopping_) {
    size_t header_end;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) == 0) {
        if (stopping_) break;
        continue;
      }
      ssize_t n = read(fd, chunk, sizeof(chunk));
      if (n <= 0) {
        close(fd);
        return;
      }
      buf.append(chunk, static_cast<size_t>(n));
    }
    if (stopping_) break;
    std::string head = buf.substr(0, header_end);
    size_t content_length = 0;
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (size_t cl = lower.find("content-length:"); cl != std::string::npos) {
      content_length = std::stoul(lower.substr(cl + 15));
    }
    while (buf.size() < header_end + 4 + content_length) {
      ssize_t n = read(fd, chunk, sizeof(chunk));
      if (n <= 0) {
        close(fd);
        return;
      }
      buf.append(chunk, static_cast<size_t>(n));
    }
    std::string body = buf.substr(header_end + 4, content_length);
    buf.erase(0, header_end + 4 + content_length);
    std::istringstream line(head.substr(0, head.find("\r\n")));
    std::string method, target;
    line >> method >> target;
    Response r = Handle(method, target, body);
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) +
                      "\r\nContent-Type: " + r.content_type +
                      "\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
    if (!WriteAll(fd, out)) break;
  }
  close(fd);
}

FakeClob::Response FakeClob::Handle(const std::string& method, const std::string& target,
                                    const std::string& body) {
  size_t q = target.find('?');
  std::string path = target.substr(0, q);
  auto query = ParseQuery(q == std::string::npos ? "" : target.substr(q + 1));
  if (path.rfind("/_fake/", 0) == 0) {
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
    } else if (path == "/_fake/stats") {
      return {200, nlohmann::json(counts_).dump()};
    } else if (path == "/_fake/reset") {
      books_.clear();
      markets_.clear();
      market_of_token_.clear();
      counts_.clear();
      fail_count_ = 0;
      garble_count_ = 0;
      delay_ms_ = 0;
    } else {
      return {404, R"({"error":"unknown control endpoint"})"};
    }
    return {200, "{}"};
  }
  // "/clob-markets/0xabc" is endpoint "clob-markets" with parameter "0xabc".
  size_t slash = path.find('/', 1);
  std::string endpoint = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  std::string param = slash == std::string::npos ? "" : path.substr(slash + 1);
  return MarketData(endpoint, param, query, body);
}

FakeClob::Response FakeClob::Markets(const std::string& endpoint, const std::string& param) {
  if (endpoint == "markets-by-token") {
    auto it = market_of_token_.find(param);
    if (it == market_of_token_.end()) return {404, kMarketNotFound};
    return {200, nlohmann::json{{"condition_id", it->second}}.dump()};
  }
  auto it = markets_.find(param);
  if (it == markets_.end()) return {404, kMarketNotFound};
  return {200, it->second};
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
  return true;
}

std::string FakeClob::NextBook(const std::string& token) {
  auto it = books_.find(token);
  if (it == books_.end() || it->second.empty()) return "";
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
  return r;
}

FakeClob::Response FakeClob::Answer(const std::string& endpoint, const std::string& param,
                                    const std::map<std::string, std::string>& query,
                                    const std::string& body) {
  if (endpoint == "markets-by-token" || endpoint == "clob-markets") return Markets(endpoint, param);
  if (!param.empty()) return {404, R"({"error":"not found"})"};
  auto token_it = query.find("token_id");
  std::string token = token_it == query.end() ? "" : token_it->second;
  if (endpoint == "book") {
    if (token.empty()) return {400, R"({"error":"Invalid token id"})"};
    std::string book = NextBook(token);
    if (book.empty()) return {404, R"({"error":"No orderbook exists for the requested token id"})"};
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
  if (book.empty()) return {404, R"({"error":"No orderbook exists for the requested token id"})"};
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
  books_.clear();
  markets_.clear();
  market_of_token_.clear();
  counts_.clear();
  fail_count_ = 0;
  garble_count_ = 0;
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
