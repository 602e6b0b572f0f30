// The Polymarket CLOB as a Venue: REST with L1 headers for /auth/*, L2 HMAC headers for the rest
// (PROTOCOL §3, §4, §6, §7, §13), over an HttpTransport. Every answer is untrusted input: its
// size is bounded and malformed JSON is an error naming the endpoint, never a crash.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/json.h"
#include "common/time.h"
#include "oms-server/market/http.h"
#include "oms-server/venue/venue.h"

namespace betteroms::venue {

struct ClobVenueOptions {
  std::string base_url = "https://clob.polymarket.com";
  // The wallet's signature type (0 EOA, 1 proxy, 2 safe, 3 deposit wallet): /balance-allowance
  // reads the balance of the wallet this names.
  int signature_type = 0;
  // Waits between attempts during a 425, 429 or 503 window when the venue gives no hint:
  // `first_backoff`, doubling up to `max_backoff`. Hints (Retry-After, retry_after_seconds,
  // Poly-RateLimit-Reset) take precedence.
  absl::Duration first_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Seconds(30);
  size_t batch_size = 15;           // POST /orders takes at most 15
  size_t cancel_batch_size = 3000;  // DELETE /orders takes at most 3000 ids
  // Larger answers are not read. A page of /data/trades (hundreds of trades, each with its
  // maker_orders) runs to a few megabytes.
  size_t max_response_bytes = 8 << 20;
  int max_pages = 1000;  // of one paginated listing: a venue whose cursor never ends is an error
  // How the venue waits between attempts; tests advance their clock instead. Empty: sleeps.
  std::function<void(absl::Duration)> sleep;
};

class ClobVenue : public Venue {
 public:
  // `transport` and `clock` must outlive the venue. The clock gives POLY_TIMESTAMP and is what
  // deadlines are measured against.
  ClobVenue(ClobVenueOptions options, market::HttpTransport& transport, const Clock& clock);

  // Unauthenticated (with the venue's text) when the venue refuses the L1 headers;
  // InvalidArgument for another refusal; Unavailable when the venue cannot be reached or is in a
  // restart window; Internal when its answer is not a complete key.
  absl::StatusOr<ApiCredentials> DeriveOrCreateApiKey(const L1Auth& auth) override;
  void SetCredentials(const ApiCredentials& credentials, const std::string& address) override;

  // Classification (PROTOCOL §7.1, §7.3, §13.3): accepted only for success, no errorMsg, an
  // orderID and status live/matched/delayed; any other 2xx entry and any 4xx are rejections;
  // 425, 429 and the post-only/cancel-only 503s are retried until `deadline`, then not accepted;
  // the trading-disabled 503 and a request never sent are not accepted at once; a request that
  // may have been sent and failed, an unreadable 2xx and any other 5xx are ambiguous. An order
  // whose salt is not a decimal below 2^53 is rejected without being sent. Without credentials,
  // every order is not accepted.
  std::vector<PostResult> PostOrders(const std::vector<WireOrder>& orders,
                                     absl::Time deadline) override;
  // Reads and cancels are safe to repeat, so each request is retried through transport
  // failures, 425, 429 and 5xx until `deadline` (then Unavailable), honouring the venue's
  // Retry-After and rate-limit hints. FailedPrecondition without credentials; Unauthenticated on
  // 401, PermissionDenied on 403, NotFound on 404, InvalidArgument (with the venue's text) on
  // another 4xx or for a malformed argument, sending nothing; Internal when an answer is too
  // large or malformed, naming the endpoint (and the trade or order at fault).
  absl::StatusOr<std::optional<VenueOrder>> GetOrder(const std::string& hash,
                                                     absl::Time deadline) override;
  absl::StatusOr<std::vector<std::string>> TradesOfOrder(const std::string& hash,
                                                         const std::string& asset_id,
                                                         absl::Time after,
                                                         absl::Time deadline) override;
  absl::StatusOr<BalanceAllowance> GetBalanceAllowance(AssetType type, const std::string& token_id,
                                                       absl::Time deadline) override;
  // Pages as ForEachListed describes; an order listed twice (the list moved between pages)
  // appears once, as its later page showed it.
  absl::StatusOr<std::vector<VenueOrder>> ListOpenOrders(absl::Time deadline) override;
  // A trade listed twice gives its fills once. No request for no hashes.
  absl::StatusOr<std::vector<VenueFill>> ListFills(const std::set<std::string>& order_hashes,
                                                   absl::Time after, absl::Time deadline) override;
  // A 404 (an id the venue does not know) is false, as not_canceled would be.
  absl::StatusOr<bool> CancelOrder(const std::string& hash, absl::Time deadline) override;
  // Ids are deduplicated (case-insensitively) and sent lower case, options_.cancel_batch_size per
  // request, one request after another; none is sent when one is not an order hash, and when a
  // request fails the error is returned (what earlier requests cancelled stays cancelled;
  // cancelling again is harmless). No request for no ids.
  absl::StatusOr<CancelAnswer> CancelOrders(const std::vector<std::string>& hashes,
                                            absl::Time deadline) override;
  absl::StatusOr<CancelAnswer> CancelAll(absl::Time deadline) override;
  std::string ApiKey() const override;

 private:
  struct Signed {
    ApiCredentials credentials;
    std::string address;
  };
  std::optional<Signed> Credentials() const;
  // One POST of `body` to `path` carrying `count` orders, retried through restart and rate-limit
  // windows until `deadline`; one result per order.
  std::vector<PostResult> PostWithRetries(const Signed& who, const std::string& path,
                                          const std::string& body, size_t count,
                                          absl::Time deadline);
  // One L2 request (GET or DELETE; `query` is not signed), retried through transport failures,
  // 425, 429 and 5xx until `deadline`, honouring the venue's hints: only for calls that are safe
  // to repeat. The 2xx answer's body; Unavailable at the deadline; HttpStatusError otherwise.
  absl::StatusOr<std::string> SendL2(const std::string& method, const std::string& path,
                                     const std::string& query, const std::string& body,
                                     absl::Time deadline);
  // Pages an L2 listing ({data: [...], next_cursor}) of `path?query&next_cursor=…` from MA== to
  // LTE= (or an empty or absent cursor), calling `on_item` with each element of every page's
  // `data`; its error stops the paging and is returned. Internal when a page is malformed, a
  // cursor comes back a second time, or there are more than options_.max_pages pages.
  absl::Status ForEachListed(const std::string& path, const std::string& query, absl::Time deadline,
                             const std::function<absl::Status(const JsonValue&)>& on_item);
  // DELETE `path` with `body` through SendL2, its answer read as a CancelResponse.
  absl::StatusOr<CancelAnswer> Cancel(const std::string& path, const std::string& body,
                                      absl::Time deadline);
  // One /auth/* call with L1 headers.
  absl::StatusOr<market::HttpResponse> SendL1(const std::string& method, const std::string& path,
                                              const L1Auth& auth);
  void Sleep(absl::Duration d) const;

  ClobVenueOptions options_;
  market::HttpTransport& transport_;
  const Clock& clock_;
  mutable std::mutex mu_;
  ApiCredentials credentials_;  // guarded by mu_
  std::string address_;         // guarded by mu_
};

}  // namespace betteroms::venue
