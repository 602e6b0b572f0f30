// The trading side of the fake CLOB: a venue that checks what Polymarket checks (PROTOCOL §3-§7,
// §13, §14). It holds API keys, balances, orders and trades; verifies L1/L2 authentication, order
// signatures, tick, precision, size, expiration and balance; matches takers against the scripted
// books the market-data side serves (consuming their liquidity); lets an external taker hit the
// resting orders of every account (maker fills, listed in the trade's maker_orders); moves trades
// through settlement (MINED, CONFIRMED, RETRYING, FAILED, which reverses the balances); cancels
// resting orders when their market resolves; answers the L2 reads; and plays scripted faults.
// FakeClob routes its trading, auth and account endpoints here (the endpoint and control list is
// in fake_clob.h).
//
// Choices where PROTOCOL leaves the venue's behaviour open:
// - /data/trades `after` and `before` are inclusive (match_time >= after, <= before), on
//   match_time, not last_update.
// - FAILED gives each account of ours in the trade back what the trade moved (collateral and
//   shares, taker and makers), once; the orders keep their size_matched (PROTOCOL §13.2 does not
//   know whether the venue gives the size back), so a resting order's reservation stays reduced.
// - A trade's fee_rate_bps is the token's rate (SetFeeRateBps) when it matched, "" when none is
//   set; balances are never charged a fee.
// - An external take's top-level price is its limit, or without one the last (worst) maker price;
//   its size is the total matched.
// - Orders for a market that does not accept orders (`ao: false`, or resolved) are refused with
//   "the market is not accepting orders" (the venue's text is not known).
//
// Not emulated: resting orders are not shown on /book and are never matched against each other
// or hit by later books (only by Take); complement matching (a maker on the other token of the
// market); settlement never moves by itself (SetTradeStatus does); redemption of a resolved
// market's tokens; no heartbeats, rate-limit buckets, user WebSocket or /version mismatch; the L2
// POLY_TIMESTAMP is not held to a skew.
#pragma once

#include <secp256k1.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/fakes/fake_http.h"
#include "tests/fakes/fake_venue_auth.h"
#include "tests/fakes/fake_venue_order.h"

namespace betteroms::test {

// What the venue reads from the market-data side.
class VenueMarkets {
 public:
  virtual ~VenueMarkets() = default;
  // Calls `edit` with the token's current book (the /book document the next read returns) under
  // the market-data lock; `edit` may change it. False when the token has no book.
  virtual bool EditBook(const std::string& token,
                        const std::function<void(std::string& book)>& edit) = 0;
  // The /clob-markets document of the token's market, or "". A resolved market says "ao": false.
  virtual std::string MarketOf(const std::string& token) = 0;
  // Closes the market `condition_id`: its books are gone, it no longer accepts orders and
  // `winner` (one of its tokens, or "" for none named) is its winning outcome. Returns the
  // market's tokens. NotFound for an unknown market; InvalidArgument when `winner` is not one of
  // its tokens (nothing changed).
  virtual absl::StatusOr<std::vector<std::string>> Resolve(const std::string& condition_id,
                                                           const std::string& winner) = 0;
};

// A trade's settlement state (PROTOCOL §13.2). CONFIRMED and FAILED are terminal.
enum class TradeStatus { kMatched, kMatchedNotBroadcasted, kMined, kConfirmed, kRetrying, kFailed };
// "MATCHED", "MATCHED_NOT_BROADCASTED", "MINED", "CONFIRMED", "RETRYING", "FAILED".
const char* TradeStatusName(TradeStatus status);
std::optional<TradeStatus> ParseTradeStatus(const std::string& name);

// What an external taker got: shares matched (base units) and its trade, "" when none.
struct TakeResult {
  int64_t matched = 0;
  std::string trade_id;
};

enum class VenueFault {
  kNone,
  kTooEarly,     // 425, empty body
  kRateLimited,  // 429 with Retry-After
  kPostOnly,     // 503 post_only_mode; post-only GTC/GTD requests still pass
  kCancelOnly,   // 503 cancel-only
  kDisabled,     // 503 trading disabled
  kDrop,         // the order is processed, then the connection closes without an answer
  kCloudflare,   // 403 with an HTML page
};
// "425", "429", "post-only", "cancel-only", "disabled", "drop", "cloudflare"; nullopt otherwise.
std::optional<VenueFault> ParseVenueFault(const std::string& name);

// An account's holdings, base units. Allowances are per exchange address (lower case).
struct VenueAccount {
  int64_t collateral = 0;
  std::map<std::string, int64_t> allowances;
  std::map<std::string, int64_t> conditional;  // token id -> shares
};

class FakeVenue {
 public:
  static constexpr int kPageSize = 2;  // the default
  static constexpr int kMaxPageSize = 10'000;
  static constexpr int64_t kUnlimited = INT64_MAX;

  explicit FakeVenue(VenueMarkets& markets, uint64_t chain_id = 137);
  ~FakeVenue();
  FakeVenue(const FakeVenue&) = delete;
  FakeVenue& operator=(const FakeVenue&) = delete;

  // Whether `path` is one of the venue's endpoints rather than market data.
  static bool Serves(const std::string& path);
  // A trading, auth or account request. May sleep (the trading delay) outside the lock.
  HttpResponse Handle(const HttpRequest& request);
  // A control request under /_fake/venue (see fake_clob.h).
  HttpResponse Control(const HttpRequest& request);

  // The chain the ClobAuth and order domains use: 137 or 80002; false otherwise.
  bool SetChainId(uint64_t chain_id);
  uint64_t chain_id();
  // Seconds since the epoch the venue believes it is (default: the system clock).
  void SetClock(std::function<int64_t()> now_s);
  void AddApiKey(const ApiKey& key);
  // Sets the address's collateral; `allowance`, when given, for every exchange of the chain.
  // An account seen for the first time has an unlimited allowance on every exchange.
  void SetCollateral(const std::string& address, int64_t balance,
                     std::optional<int64_t> allowance = std::nullopt);
  void SetAllowance(const std::string& address, const std::string& exchange, int64_t allowance);
  void SetConditional(const std::string& address, const std::string& token, int64_t shares);
  VenueAccount Account(const std::string& address);
  // The next `count` order requests (POST /order, /orders, cancels) answer `fault`.
  void ScheduleFault(VenueFault fault, int count, int retry_after_s = 1);
  // The next `count` accepted orders answer "delayed" and are matched at the next read.
  void DelayNext(int count);
  // Order requests are answered `ms` later (after the order is processed).
  void SetTradingDelayMs(int ms) { trading_delay_ms_ = ms; }
  // Every venue request (Handle) waits `ms` before it is served: a network round trip to the
  // venue, for benchmarks. Adds to the trading delay.
  void SetLatencyMs(int ms) { latency_ms_ = ms; }
  // An external taker of `size` shares (base units) on `token` hits the resting GTC/GTD orders of
  // every account, best price first and then oldest, up to `limit` (micro-units; none = any
  // price), each at the maker's price. Moves the makers' balances and records one trade whose
  // maker_orders lists each maker order. InvalidArgument for a size that is not positive.
  absl::StatusOr<TakeResult> Take(const std::string& token, bool buy, int64_t size,
                                  std::optional<int64_t> limit);
  // Moves a trade to `status`, with `transaction_hash` when given (else a generated one for MINED
  // and CONFIRMED when it has none). FAILED reverses the trade's balance movements, once.
  // NotFound for an unknown trade; FailedPrecondition when it is already CONFIRMED or FAILED and
  // `status` differs.
  absl::Status SetTradeStatus(const std::string& trade_id, TradeStatus status,
                              const std::string& transaction_hash = "");
  // Trades on `token` that match from now on carry fee_rate_bps `bps` (0..10000).
  void SetFeeRateBps(const std::string& token, int bps);
  // The page size of /data/orders and /data/trades: false (nothing changed) outside
  // 1..kMaxPageSize.
  bool SetPageSize(int n);
  // REST reads write statuses prefixed (ORDER_STATUS_LIVE, TRADE_STATUS_MATCHED) when on.
  void SetStatusPrefix(bool on);
  // Closes the market (VenueMarkets::Resolve) and cancels the resting orders on its tokens as
  // CANCELED_MARKET_RESOLVED. Errors as VenueMarkets::Resolve.
  absl::Status Resolve(const std::string& condition_id, const std::string& winner);
  // The /_fake/venue document.
  std::string StateJson();
  int OrderPosts();
  int Rejections();
  // Venue requests received so far by endpoint, as "<METHOD> <path>" with GET /data/order/{hash}
  // as "GET /data/order" ("GET /data/orders": 3, "DELETE /orders": 1, ...); every request
  // FakeVenue::Handle serves is counted, refused and faulted ones too. Control requests are not.
  std::map<std::string, int> RequestCounts();
  int PostsOf(const std::string& hash);
  // Forgets keys, accounts, orders, trades, faults and delays, counters (request counts too),
  // fees, page size and prefix.
  void Reset();

 private:
  enum class Status { kLive, kDelayed, kMatched, kCanceled, kCanceledMarketResolved };
  struct Order {
    IncomingOrder in;
    std::string hash;
    std::string owner_address;  // the API key's address
    std::string market;         // condition id
    std::string outcome;
    int64_t price = 0;    // the limit price, micro-units (rounded down)
    int64_t size = 0;     // shares ordered
    int64_t matched = 0;  // shares filled
    int64_t spent = 0;    // collateral paid (BUY) or received (SELL)
    Status status = Status::kLive;
    int64_t created_at = 0;
    std::vector<std::string> trades;
  };
  // What a trade moved in one account: signed deltas, undone when the trade FAILS.
  struct Movement {
    std::string address;
    std::string token;
    int64_t collateral = 0;
    int64_t shares = 0;
  };
  // One resting order of ours matched by an external taker.
  struct MakerFill {
    std::string order_hash;
    std::string owner_address;  // the API key's address
    std::string owner_key;
    std::string maker_address;
    std::string asset_id;
    std::string outcome;
    bool buy = true;
    int64_t shares = 0;
    int64_t price = 0;
  };
  struct Trade {
    std::string id;
    std::string order_hash;     // the taker order
    std::string owner_address;  // the taker's API key address; "" for an external taker
    std::string owner_key;
    std::string maker_address;  // the taker order's maker
    std::string market;
    std::string asset_id;
    std::string outcome;
    bool buy = true;
    int64_t size = 0;
    int64_t price = 0;
    int64_t match_time = 0;
    int64_t last_update = 0;
    std::string fee_rate_bps;  // "" when unknown
    TradeStatus status = TradeStatus::kMatched;
    std::string transaction_hash;
    std::vector<MakerFill> makers;
    std::vector<Movement> movements;
    bool reversed = false;
  };
  struct TokenInfo {
    int64_t tick = 10'000;
    int64_t min_size = 5'000'000;
    bool neg_risk = false;
    bool accepting_orders = true;  // the market's `ao`
    std::string market;
    std::string outcome;
    bool known = false;
  };
  struct Placed {
    HttpResponse response;  // the single /order answer
    nlohmann::json entry;   // the /orders entry
    bool accepted = false;
  };

  int64_t Now() const;
  TokenInfo InfoOf(const std::string& token);
  VenueAccount& AccountOf(const std::string& address);
  std::string ExchangeOf(bool neg_risk);
  // Collateral (BUY) or shares (SELL) held by `maker`'s open orders for `token`.
  int64_t Reserved(const std::string& maker, bool buy, const std::string& token);
  // Validates, places and matches one payload for `key`.
  Placed Place(const ApiKey& key, const std::string& payload);
  Placed Reject(const std::string& message, int status = 400);
  // Matches an accepted order against its token's book; moves balances; records trades. Returns
  // the venue's message for a FOK or FAK that is killed (nothing changed), else "".
  std::string Execute(Order& order);
  // Runs delayed orders and expires GTD orders: what a read sees first.
  void Settle();
  // Appends a trade and indexes it under each of our accounts in it.
  void Record(Trade trade);
  // Applies `m` to its account; `sign` -1 undoes it.
  void Move(const Movement& m, int sign);
  // A fault scheduled for order requests, consumed: the answer, or nullopt to go on.
  std::optional<HttpResponse> TakeFault(bool all_post_only);

  HttpResponse PostOrder(const ApiKey& key, const HttpRequest& request);
  HttpResponse PostOrders(const ApiKey& key, const HttpRequest& request);
  HttpResponse Cancel(const ApiKey& key, const HttpRequest& request);
  HttpResponse GetOrder(const ApiKey& key, const std::string& hash);
  HttpResponse ListOrders(const ApiKey& key, const HttpRequest& request);
  HttpResponse ListTrades(const ApiKey& key, const HttpRequest& request);
  HttpResponse BalanceAllowance(const ApiKey& key, const HttpRequest& request);
  // POST /_fake/venue/take and /settle: the body parsed, the work done, the answer.
  HttpResponse TakeControl(const nlohmann::json& body);
  HttpResponse SettleControl(const nlohmann::json& body);
  void CountPosts(const std::string& body, bool batch);
  // `rest`: as a REST read writes it (with the status prefix when on).
  nlohmann::json OrderJson(const Order& order, bool rest) const;
  // As `viewer` (an API key address) sees it: trader_side TAKER when it is the taker.
  nlohmann::json TradeJson(const Trade& trade, const std::string& viewer, bool rest) const;
  // One page of `count` items from `cursor`, the i-th written by `item(i)`.
  HttpResponse Page(size_t count, const std::string& cursor,
                    const std::function<nlohmann::json(size_t)>& item) const;

  VenueMarkets& markets_;
  secp256k1_context* ctx_;
  std::mutex mu_;
  uint64_t chain_id_;
  std::function<int64_t()> now_s_;
  ApiKeys keys_;
  std::map<std::string, VenueAccount> accounts_;
  std::map<std::string, Order> orders_;      // by hash
  std::vector<std::string> order_sequence_;  // hashes in arrival order
  std::vector<std::string> to_settle_;       // delayed or GTD orders Settle may change, in order
  std::vector<Trade> trades_;
  std::map<std::string, size_t> trade_index_;             // trade id -> index in trades_
  std::map<std::string, std::vector<size_t>> trades_of_;  // account address -> trades_
  std::map<std::string, std::string> fee_rate_bps_;       // token -> bps
  int page_size_ = kPageSize;
  bool status_prefix_ = false;
  int next_taker_ = 1;
  int next_tx_ = 1;
  std::map<std::string, int> posts_of_hash_;
  int order_posts_ = 0;
  int rejections_ = 0;
  std::map<std::string, int> requests_;  // RequestCounts()
  VenueFault fault_ = VenueFault::kNone;
  int fault_count_ = 0;
  int retry_after_s_ = 1;
  int delay_next_ = 0;
  std::atomic<int> trading_delay_ms_{0};
  std::atomic<int> latency_ms_{0};
  int next_trade_ = 1;
};

}  // namespace betteroms::test
