// A fake Polymarket CLOB: a real HTTP/1.1 server on loopback that speaks the venue's JSON for the
// market-data endpoints, with books listed worst-first as the venue does, scripted books that move
// between requests, markets by token, injected failures and request counters; and, through
// FakeVenue (fake_venue.h), the trading side: API keys, L2-authenticated orders that are verified
// and matched against those books, reads, balances and scripted trading faults.
//
// Market-data control endpoints (for tests in other processes):
//   POST /_fake/book?token_id=T         body: a /book JSON document; replaces T's script. The
//                                       bytes are served as they are, so a malformed, foreign
//                                       or oversized book can be scripted too
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
//   POST /_fake/cut?count=N             the next N market-data answers of 200 stop halfway and
//                                       the connection is reset
//   GET  /_fake/stats                   {"book": n, "books": n, "tick-size": n,
//                                        "markets-by-token": n, "clob-markets": n, ...}
//   POST /_fake/reset                   forget books, markets, resolutions, failures and
//                                       counters, and all the venue's state (keys, accounts,
//                                       orders, trades, faults, counters, fees, page size,
//                                       prefix)
// A token's script advances one step per request that reads it, and stays on its last book.
// GET /markets-by-token/<token> answers {"condition_id": "0x…"}, or 404 {"error": "market not
// found"}; GET /clob-markets/<conditionId> answers the document as set ("ao": false once the
// market is resolved), or the same 404. GET /markets/<conditionId> answers the long format:
// {"condition_id", "question_id": "", "active": true (the venue keeps resolved markets active),
// "closed", "accepting_orders" (ao and not closed), "neg_risk", "minimum_order_size",
// "minimum_tick_size" (numbers), "tokens": [{"token_id", "outcome", "price" (a number: 1/0 once
// resolved with a winner, else the book's last_trade_price, else 0.5), "winner" (true only for
// a resolved market's named winner)}]}, or the same 404. A resolved market's tokens have no book:
// /book and the other per-token reads answer 404 {"error": "No orderbook exists for the
// requested token id"} and POST /books leaves them out, until the market is set again (which
// reopens it).
//
// Venue control endpoints (amounts are base units, 1e-6, as decimal strings or integers):
//   POST /_fake/venue/api-key  body: {"address": "0x…", "apiKey": "…", "secret": "<url-safe
//                              base64>", "passphrase": "…", "nonce"?: "0", "deposit_wallet"?:
//                              "0x…" (the order signer a type-3 order may name), "funder"?:
//                              "0x…" (whose balances signature_type 1-2 reads)}; registers an API
//                              key as if /auth/api-key had minted it for that address and nonce
//   POST /_fake/venue/account  body: {"address": "0x…", "collateral"?: "100000000",
//                              "allowance"?: "…" (for every exchange of the chain),
//                              "allowances"?: {"<exchange>": "…"}, "conditional"?: {"<token>":
//                              "…"}}; sets what is given. A new account has an unlimited
//                              allowance on the CTF and Neg Risk CTF exchanges.
//   POST /_fake/venue/fault?kind=K&count=N[&retry_after=S]  the next N order requests (POST
//                              /order and /orders; cancels where the venue would refuse them)
//                              answer K: 425 (empty body), 429 (Retry-After: S), post-only (503
//                              post_only_mode, retry_after_seconds S; all-post-only GTC/GTD
//                              requests pass and do not use up N), cancel-only (503), disabled
//                              (503), cloudflare (403 HTML), drop (the order is processed, then
//                              the connection closes with no answer)
//   POST /_fake/venue/delayed?count=N  the next N accepted orders answer "delayed" and are
//                              matched (or canceled, for a FOK/FAK that cannot fill) at the
//                              next read
//   POST /_fake/venue/delay?ms=M       order requests are processed, then answered M ms later
//   POST /_fake/venue/latency?ms=M     every venue request (not market data, not controls) waits
//                              M ms before it is served, as a network round trip would
//   POST /_fake/venue/chain?id=C       the chain for ClobAuth and order domains (137 or 80002)
//   POST /_fake/venue/take     body: {"token_id": "T", "side": "BUY"|"SELL" (the external
//                              taker's), "size": "<shares, base units>", "price"?: "<limit, base
//                              units>"}; an external taker hits the resting GTC/GTD orders of
//                              every account on T, best price first, then oldest (a BUY takes
//                              SELLs priced <= its limit, a SELL takes BUYs >= it; no price: any),
//                              each at the maker's price. The makers' size_matched, status
//                              (MATCHED when full) and balances move; one trade (MATCHED) lists
//                              each maker order in maker_orders and shows in the makers'
//                              /data/trades with trader_side MAKER. Answers {"matched": "<shares,
//                              base units>", "trade_id": "…"} (no trade_id when nothing matched)
//   POST /_fake/venue/settle   body: {"trade_id": "…", "status": "MATCHED" |
//                              "MATCHED_NOT_BROADCASTED" | "MINED" | "CONFIRMED" | "RETRYING" |
//                              "FAILED", "transaction_hash"?: "0x…"}; sets the trade's status,
//                              last_update and hash (MINED and CONFIRMED without one get a
//                              generated hash; RETRYING may carry a new one). FAILED gives back
//                              what the trade moved in our accounts, once; size_matched stays.
//                              404 for an unknown trade; 409 moving a CONFIRMED or FAILED trade to
//                              another status
//   POST /_fake/venue/fee?token_id=T&bps=N  trades on T that match from now on carry
//                              fee_rate_bps "N" (top level and maker_orders); default ""; no fee
//                              is charged to balances
//   POST /_fake/venue/resolve  body: {"condition_id": "0x…", "winner"?: "<token id>"}; the market
//                              closes (see GET /markets above) and resting orders on its tokens
//                              become CANCELED_MARKET_RESOLVED. 404 unknown market; 400 a winner
//                              that is not one of its tokens
//   POST /_fake/venue/page-size?n=N    the page size of /data/orders and /data/trades (1..10000;
//                              default 2)
//   POST /_fake/venue/prefix?on=1|0    REST reads write statuses prefixed: ORDER_STATUS_LIVE,
//                              TRADE_STATUS_CONFIRMED (off by default)
//   GET  /_fake/venue                  {"orders": [{hash, id, status, type, side, asset_id,
//                                       size, matched, price, post_only, …}], "trades": [Trade
//                                       with maker_orders, status, "reversed"], "posts":
//                                       {"<hash>": POSTs that carried it}, "order_posts": n
//                                       (POST /order and /orders requests), "rejections": n
//                                       (orders refused), "requests": {"GET /data/orders": n,
//                                       "GET /data/order": n (every hash), "GET /data/trades":
//                                       n, "DELETE /orders": n, …} (every venue request by
//                                       method and endpoint, refused ones too), "accounts": {…},
//                                       "page_size",
//                                       "status_prefix", "fee_rate_bps": {"<token>": "N"}};
//                                       statuses never prefixed
// Venue endpoints (PROTOCOL §3-§7): POST /auth/api-key, GET /auth/derive-api-key (L1); POST
// /order, /orders; DELETE /order, /orders, /cancel-all, /cancel-market-orders; GET
// /data/order/{hash}, /data/orders (id, market, asset_id), /data/trades (id, asset_id, market,
// maker_address: the taker's or a maker order's, after/before: inclusive bounds on match_time;
// the account's trades as taker and as maker), both in pages of 2 by default with cursors
// "MA==" … "LTE="; /balance-allowance, /balance-allowance/update (L2); GET /time, /ok, /version.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tests/fakes/fake_http.h"
#include "tests/fakes/fake_venue.h"

namespace betteroms::test {

class FakeClob {
 public:
  // `chain_id` (137 or 80002) signs ClobAuth and orders.
  explicit FakeClob(uint64_t chain_id = 137);
  ~FakeClob();
  FakeClob(const FakeClob&) = delete;
  FakeClob& operator=(const FakeClob&) = delete;

  // Listens on 127.0.0.1:`port` (0 picks a free one). Returns false when it cannot.
  bool Start(int port = 0);
  void Stop();
  int port() const { return server_.port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

  void SetBook(const std::string& token, const std::string& json);
  void AppendBook(const std::string& token, const std::string& json);
  // `clob_market_json` is a /clob-markets document (the control endpoint's body). Returns false,
  // changing nothing, when it is not one.
  bool SetMarket(const std::string& clob_market_json);
  void FailNext(int status, int count, bool html = false);
  void GarbleNext(int count);
  void SetDelayMs(int ms) { delay_ms_ = ms; }
  // The next `count` market-data answers of 200 are cut halfway by a connection reset.
  void CutNext(int count) { cut_count_ = count; }
  // "book", "books", "tick-size", "neg-risk", "midpoint", "markets-by-token", "clob-markets"
  int Count(const std::string& endpoint);
  // Forgets market data; the venue's state is kept (venue().Reset() forgets it).
  void Reset();
  // The trading side: keys, accounts, faults, state.
  FakeVenue& venue() { return venue_; }

 private:
  using Response = HttpResponse;
  // The market-data side as the venue sees it.
  class MarketView : public VenueMarkets {
   public:
    explicit MarketView(FakeClob& clob) : clob_(clob) {}
    bool EditBook(const std::string& token,
                  const std::function<void(std::string& book)>& edit) override;
    std::string MarketOf(const std::string& token) override;
    absl::StatusOr<std::vector<std::string>> Resolve(const std::string& condition_id,
                                                     const std::string& winner) override;

   private:
    FakeClob& clob_;
  };

  Response Handle(const HttpRequest& request);
  // Transport faults on a market-data answer (CutNext).
  void ApplyTransportFaults(Response& response);
  Response Control(const HttpRequest& request);
  // `endpoint` is the path's first segment ("book", "clob-markets"), `param` the rest, if any.
  Response MarketData(const std::string& endpoint, const std::string& param,
                      const std::map<std::string, std::string>& query, const std::string& body);
  // MarketData's answer once the request is counted and no failure is injected; mu_ held.
  Response Answer(const std::string& endpoint, const std::string& param,
                  const std::map<std::string, std::string>& query, const std::string& body);
  Response Markets(const std::string& endpoint, const std::string& param);
  // GET /markets/{conditionId}: the market in the venue's long format; 404 when unknown.
  Response MarketJson(const std::string& condition_id);
  // The /clob-markets document as served: "ao": false once the market is resolved. mu_ held.
  std::string ClobMarketText(const std::string& condition_id);
  // Whether the token's market is resolved (its book is gone). mu_ held.
  bool Closed(const std::string& token) const;
  bool SetMarketLocked(const std::string& clob_market_json);
  void ResetLocked();
  // The book a request sees now; advances the token's script. Empty when unknown.
  std::string NextBook(const std::string& token);

  std::mutex mu_;  // market data; never held while calling into the venue
  std::map<std::string, std::deque<std::string>> books_;
  std::map<std::string, std::string> markets_;          // condition id -> /clob-markets text
  std::map<std::string, std::string> market_of_token_;  // token -> condition id
  std::map<std::string, std::string> resolved_;         // condition id -> winner token or ""
  std::map<std::string, int> counts_;
  int fail_status_ = 0;
  int fail_count_ = 0;
  bool fail_html_ = false;
  int garble_count_ = 0;
  std::atomic<int> delay_ms_{0};
  std::atomic<int> cut_count_{0};
  MarketView market_view_{*this};
  FakeVenue venue_;
  HttpServer server_;  // last: stopped first, before the state its threads use
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
