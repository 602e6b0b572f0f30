// The Polymarket CLOB's trading side (PROTOCOL §3, §4, §6, §7): API keys, posting signed orders,
// reading them back by hash, balances. The interface is what the service uses; ClobVenue speaks
// the REST API with L1/L2 authentication over an HttpTransport.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oms-server/domain/types.h"

namespace betteroms::venue {

// L2 API credentials. The secret and passphrase live in memory only: never logged, stored or
// returned by an RPC.
struct ApiCredentials {
  std::string api_key;
  std::string secret;  // url-safe base64, as the venue issues it
  std::string passphrase;
};

// L1 headers for /auth/*: a ClobAuth signature made by the signer (PROTOCOL §3).
struct L1Auth {
  std::string address;  // the signing EOA, as the signer wrote it
  std::string signature;
  std::string timestamp;  // decimal unix seconds, the one signed
  std::string nonce;      // decimal
};

// An order as the venue takes it: the signed fields and what travels unsigned beside them.
struct WireOrder {
  std::string salt;  // decimal, < 2^53: the body carries it as a JSON number
  std::string maker;
  std::string signer;
  std::string token_id;      // decimal uint256
  int64_t maker_amount = 0;  // base units
  int64_t taker_amount = 0;
  domain::Side side = domain::Side::kBuy;
  int signature_type = 0;  // 0 EOA, 1 proxy, 2 safe, 3 deposit wallet
  std::string timestamp_ms;
  std::string expiration = "0";  // unix seconds; "0" = none (not signed in V2)
  std::string metadata;          // 0x bytes32
  std::string builder;           // 0x bytes32
  std::string signature;         // 0x hex
  domain::TimeInForce order_type = domain::TimeInForce::kGtc;
  bool post_only = false;
  bool defer_exec = false;  // return without waiting for matching (the body's deferExec)
};

// The exact POST /order body, in clob-client-v2's key order (vectors/post-order-body.json).
// The salt is written as it is, as a JSON number: ClobVenue refuses to send a salt that is not a
// decimal below 2^53.
std::string OrderBodyJson(const WireOrder& order, const std::string& owner);

enum class PostOutcome {
  kAccepted,     // the venue holds the order: status live, matched or delayed
  kRejected,     // definitely not placed (4xx with a reason, success:false, unmatched, ...)
  kNotAccepted,  // not placed for now (425, 429, 503 windows past the deadline, or nothing was
                 // sent): the same signed bytes may be sent later
  kAmbiguous,    // may or may not be placed (timeout, connection lost, 5xx after sending)
};
const char* Name(PostOutcome outcome);

struct PostResult {
  PostOutcome outcome = PostOutcome::kAmbiguous;
  std::string status;    // accepted: "live", "matched" or "delayed" (lower case)
  std::string order_id;  // the venue's id: the order hash
  std::string error;     // the venue's own text (errorMsg / error), or the transport's
  std::string reason;    // a sentence for the trader, naming what to do where there is something
  int64_t making = 0;    // base units matched at placement (0 when "")
  int64_t taking = 0;
  std::vector<std::string> trade_ids;
};

// An order as /data/order/{hash} and /data/orders describe it (PROTOCOL §6, §13.1).
struct VenueOrder {
  std::string id;
  std::string status;         // normalised: LIVE, MATCHED, DELAYED, CANCELED,
                              // CANCELED_MARKET_RESOLVED, INVALID, UNMATCHED
  std::string status_reason;  // the suffix after the known status, if any
  std::string asset_id;
  domain::Side side = domain::Side::kBuy;
  int64_t original_size = 0;  // shares, micro-units
  int64_t size_matched = 0;
  int64_t price = 0;
  std::vector<std::string> associate_trades;
};

// Splits a venue status ("ORDER_STATUS_CANCELED_MARKET_RESOLVED_x", "live") into the known
// status (upper case, the longest known prefix) and the rest as its reason. ORDER_STATUS_ and
// TRADE_STATUS_ prefixes are dropped; trade statuses (MINED, CONFIRMED, RETRYING, FAILED,
// MATCHED_NOT_BROADCASTED) are known too, CANCELLED reads as CANCELED, and an unknown status
// comes back whole, upper-cased, with no reason.
std::pair<std::string, std::string> ParseVenueStatus(const std::string& text);

// One fill of ours in a trade (PROTOCOL §6 Trade, §13.2): as taker, the trade's top-level fields;
// as a maker, the maker_orders entry that names our order (its asset and side may be the
// complement's). A trade with several of our orders gives one fill per order.
struct VenueFill {
  std::string trade_id;
  std::string order_id;  // our order's hash, lower case
  std::string asset_id;  // decimal token id
  domain::Side side = domain::Side::kBuy;
  int64_t shares = 0;                   // micro-units
  int64_t price = 0;                    // micro-units
  std::optional<int64_t> fee_rate_bps;  // nullopt when the venue sent "" (unknown, not 0)
  bool maker = false;
  std::string status;            // normalised: MATCHED, MATCHED_NOT_BROADCASTED, MINED,
                                 // CONFIRMED, RETRYING, FAILED (ParseVenueStatus)
  std::string transaction_hash;  // "" until broadcast; may change while RETRYING
  int64_t match_time = 0;        // unix seconds
};

// A cancel request's answer: the ids whose cancel the venue accepted, and the others with the
// venue's reason (PROTOCOL §13.4: not proof of no fill). `notCanceled` is read too.
struct CancelAnswer {
  std::vector<std::string> canceled;                // lower case
  std::map<std::string, std::string> not_canceled;  // lower-case id -> reason
};

struct BalanceAllowance {
  int64_t balance = 0;                        // base units
  std::map<std::string, int64_t> allowances;  // spender address (lower case) -> base units
};

enum class AssetType { kCollateral, kConditional };

class Venue {
 public:
  virtual ~Venue() = default;

  // GET /auth/derive-api-key, falling back to POST /auth/api-key when the venue has no key for
  // this address and nonce. Unauthenticated when the venue refuses the L1 headers.
  virtual absl::StatusOr<ApiCredentials> DeriveOrCreateApiKey(const L1Auth& auth) = 0;
  // The credentials L2 requests are signed with, and the address they belong to (POLY_ADDRESS).
  virtual void SetCredentials(const ApiCredentials& credentials, const std::string& address) = 0;

  // Posts orders: one through POST /order, more through POST /orders in batches of at most 15.
  // One result per order, in order. Retries 425, 429 and 503 windows until `deadline`, honouring
  // Retry-After, retry_after_seconds and Poly-RateLimit-Reset.
  virtual std::vector<PostResult> PostOrders(const std::vector<WireOrder>& orders,
                                             absl::Time deadline) = 0;
  // GET /data/order/{hash}: nullopt when the venue does not know it (null or empty body).
  virtual absl::StatusOr<std::optional<VenueOrder>> GetOrder(const std::string& hash,
                                                             absl::Time deadline) = 0;
  // GET /data/trades?asset_id=…&after=…: the ids of trades in which `hash` took part (as taker,
  // or in maker_orders), following next_cursor to the end.
  virtual absl::StatusOr<std::vector<std::string>> TradesOfOrder(const std::string& hash,
                                                                 const std::string& asset_id,
                                                                 absl::Time after,
                                                                 absl::Time deadline) = 0;
  // DELETE /order {"orderID": hash}: true when the venue cancelled it, false when it answered
  // not_canceled (unknown, already matched or cancelled). The OMS's fence before it records an
  // order it cannot find as not placed (PROTOCOL §13.3).
  virtual absl::StatusOr<bool> CancelOrder(const std::string& hash, absl::Time deadline) = 0;
  // GET /data/orders from MA== to LTE=: the account's open orders, every page.
  virtual absl::StatusOr<std::vector<VenueOrder>> ListOpenOrders(absl::Time deadline) = 0;
  // GET /data/trades?after=… from MA== to LTE=: our fills in every trade that names one of
  // `order_hashes` (lower case) as its taker order or in its maker_orders.
  virtual absl::StatusOr<std::vector<VenueFill>> ListFills(
      const std::set<std::string>& order_hashes, absl::Time after, absl::Time deadline) = 0;
  // DELETE /orders with the hashes, in requests of at most 3000 ids; the answers merged.
  virtual absl::StatusOr<CancelAnswer> CancelOrders(const std::vector<std::string>& hashes,
                                                    absl::Time deadline) = 0;
  // DELETE /cancel-all.
  virtual absl::StatusOr<CancelAnswer> CancelAll(absl::Time deadline) = 0;
  // GET /balance-allowance. `token_id` for kConditional.
  virtual absl::StatusOr<BalanceAllowance> GetBalanceAllowance(AssetType type,
                                                               const std::string& token_id,
                                                               absl::Time deadline) = 0;
  // The API key in use (not secret), empty before SetCredentials.
  virtual std::string ApiKey() const = 0;
};

}  // namespace betteroms::venue
