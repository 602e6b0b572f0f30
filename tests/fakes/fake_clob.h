// A fake Polymarket CLOB: a real HTTP/1.1 server on loopback that speaks the venue's JSON for the
// market-data endpoints, with books listed worst-first as the venue does, scripted books that move
// between requests, injected failures and request counters.
//
// Control endpoints (for tests in other processes):
//   POST /_fake/book?token_id=T         body: a /book JSON document; replaces T's script
//   POST /_fake/book/append?token_id=T  body: a /book JSON document; appended to T's script
//   POST /_fake/fail?status=S&count=N[&html=1]  the next N market-data requests answer S
//   POST /_fake/delay?ms=M              every market-data answer waits M ms
//   GET  /_fake/stats                   {"book": n, "books": n, "tick-size": n, ...}
//   POST /_fake/reset                   forget books, failures and counters
// A token's script advances one step per request that reads it, and stays on its last book.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace betteroms::test {

class FakeClob {
 public:
  FakeClob();
  ~FakeClob();
  FakeClob(const FakeClob&) = delete;
  FakeClob& operator=(const FakeClob&) = delete;

  // Listens on 127.0.0.1:`port` (0 picks a free one). Returns false when it cannot.
  bool Start(int port = 0);
  void Stop();
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void SetBook(const std::string& token, const std::string& json);
  void AppendBook(const std::string& token, const std::string& json);
  void FailNext(int status, int count, bool html = false);
  void SetDelayMs(int ms) { delay_ms_ = ms; }
  int Count(const std::string& endpoint);  // "book", "books", "tick-size", "neg-risk", "midpoint"
  void Reset();

 private:
  struct Response {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
  };
  void AcceptLoop();
  void Serve(int fd);
  Response Handle(const std::string& method, const std::string& target, const std::string& body);
  Response MarketData(const std::string& endpoint, const std::map<std::string, std::string>& query,
                      const std::string& body);
  // The book a request sees now; advances the token's script. Empty when unknown.
  std::string NextBook(const std::string& token);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::map<std::string, std::deque<std::string>> books_;
  std::map<std::string, int> counts_;
  int fail_status_ = 0;
  int fail_count_ = 0;
  bool fail_html_ = false;
  std::atomic<int> delay_ms_{0};
  std::vector<std::thread> workers_;
};

// A /book document in the venue's format from best-first levels: bids ascending and asks
// descending, so the best of each is the last element. Levels are {"price", "size"} strings.
std::string VenueBookJson(const std::string& token,
                          const std::vector<std::pair<std::string, std::string>>& bids_best_first,
                          const std::vector<std::pair<std::string, std::string>>& asks_best_first,
                          const std::string& tick = "0.01", const std::string& min_size = "5");

}  // namespace betteroms::test
