// A fake Polymarket CLOB: a real HTTP/1.1 server on loopback that speaks the venue's JSON for the
// market-data endpoints, with books listed worst-first as the venue does, scripted books that move
// between requests, markets by token, injected failures and request counters.
//
// Control endpoints (for tests in other processes):
//   POST /_fake/book?token_id=T         body: a /book JSON document; replaces T's script
//   POST /_fake/book/append?token_id=T  body: a /book JSON document; appended to T's script
//   POST /_fake/market                  body: a /clob-markets/{conditionId} JSON document, the
//                                       venue's compact format (see VenueClobMarketJson):
//                                       {"c": "0x…", "t": [{"t": "<token>", "o": "Yes"}, …],
//                                        "mts": 0.01, "mos": 5, "ao": true}; replaces the market
//                                       with that condition id, and each listed token then
//                                       answers /markets-by-token/<token> with it. 400 if it
//                                       is not such a document.
//   POST /_fake/fail?status=S&count=N[&html=1]  the next N market-data requests answer S
//   POST /_fake/garble?count=N          the next N market-data answers of 200 are cut in half
//                                       (malformed JSON)
//   POST /_fake/delay?ms=M              every market-data answer waits M ms
//   GET  /_fake/stats                   {"book": n, "books": n, "tick-size": n,
//                                        "markets-by-token": n, "clob-markets": n, ...}
//   POST /_fake/reset                   forget books, markets, failures and counters
// A token's script advances one step per request that reads it, and stays on its last book.
// GET /markets-by-token/<token> answers {"condition_id": "0x…"}, or 404 {"error": "market not
// found"}; GET /clob-markets/<conditionId> answers the document as set, or the same 404.
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
  // `clob_market_json` is a /clob-markets document (the control endpoint's body). Returns false,
  // changing nothing, when it is not one.
  bool SetMarket(const std::string& clob_market_json);
  void FailNext(int status, int count, bool html = false);
  void GarbleNext(int count);
  void SetDelayMs(int ms) { delay_ms_ = ms; }
  // "book", "books", "tick-size", "neg-risk", "midpoint", "markets-by-token", "clob-markets"
  int Count(const std::string& endpoint);
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
  // `endpoint` is the path's first segment ("book", "clob-markets"), `param` the rest, if any.
  Response MarketData(const std::string& endpoint, const std::string& param,
                      const std::map<std::string, std::string>& query, const std::string& body);
  // MarketData's answer once the request is counted and no failure is injected; mu_ held.
  Response Answer(const std::string& endpoint, const std::string& param,
                  const std::map<std::string, std::string>& query, const std::string& body);
  Response Markets(const std::string& endpoint, const std::string& param);
  bool SetMarketLocked(const std::string& clob_market_json);
  // The book a request sees now; advances the token's script. Empty when unknown.
  std::string NextBook(const std::string& token);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::map<std::string, std::deque<std::string>> books_;
  std::map<std::string, std::string> markets_;          // condition id -> /clob-markets text
  std::map<std::string, std::string> market_of_token_;  // token -> condition id
  std::map<std::string, int> counts_;
  int fail_status_ = 0;
  int fail_count_ = 0;
  bool fail_html_ = false;
  int garble_count_ = 0;
  std::atomic<int> delay_ms_{0};
  std::vector<std::thread> workers_;
};

// A /book document in the venue's format from best-first levels: bids ascending and asks
// descending, so the best of each is the last element. Levels are {"price", "size"} strings.
std::string VenueBookJson(const std::string& token,
                          const std::vector<std::pair<std::string, std::string>>& bids_best_first,
                          const std::vector<std::pair<std::string, std::string>>& asks_best_first,
                          const std::string& tick = "0.01", const std::string& min_size = "5");

// A /clob-markets/{conditionId} document in the venue's compact format: `c`, `t:[{t, o}]` (token
// ids as strings), `mts` (min tick) and `mos` (min order size) as numbers, `ao` (accepting
// orders), and `nr` only when the market is neg-risk, as the venue omits it when false.
std::string VenueClobMarketJson(const std::string& condition_id,
                                const std::vector<std::pair<std::string, std::string>>& outcomes,
                                const std::string& tick = "0.01", const std::string& min_size = "5",
                                bool neg_risk = false);

}  // namespace betteroms::test
