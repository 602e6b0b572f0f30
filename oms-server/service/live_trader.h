// Live trading (DESIGN §6): a live plan's pre-trade checks, its journal (new → signed →
// submitting → the venue's answer, or unknown) and the resumption of every journal entry left
// open, so that no order is placed twice or lost. Orchestration only: the rules are in
// domain/live_order, the SQL in store/, the venue's protocol in venue/.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/call_context.h"
#include "common/time.h"
#include "oms-server/domain/live_order.h"
#include "oms-server/domain/reconcile.h"
#include "oms-server/domain/run.h"
#include "oms-server/market/market_data.h"
#include "oms-server/venue/venue.h"
#include "store/controls_repo.h"
#include "store/db.h"

namespace betteroms::signer_client {
class OrderSigner;
}

namespace betteroms::service {

// The refusal of a live run while trading is halted (the kill switch).
bool IsHalted(const absl::Status& status);

struct LiveOptions {
  domain::LiveAccount account;  // signer: empty means the signer's own address
  domain::RiskLimits limits;
  // How long after it was first sent (or stored, when never sent) a journal entry may still be
  // sent: the identical signed bytes, never a new order. Past it an order the venue does not
  // know is recorded as not sent.
  absl::Duration grace = absl::Minutes(2);
  absl::Duration post_budget = absl::Seconds(30);  // retries of 425/429/503 per batch
  std::string api_key_nonce = "0";
  // L2 credentials from a file; none: derived through the signer at first use.
  std::optional<venue::ApiCredentials> credentials;
  int sign_concurrency = 16;  // signatures, and venue reads by hash, at a time
};

// What the account looks like at the venue, for omsctl account.
struct LiveAccountView {
  std::string api_key;  // the key's id, never its secret
  std::string maker;
  std::string signer;
  int signature_type = 0;
  uint64_t chain_id = 0;
  std::optional<int64_t> collateral;  // nullopt when the venue could not be asked
  std::map<std::string, int64_t> allowances;
  std::string balance_error;
};

// What resuming the journal did.
struct ResumeReport {
  int examined = 0;
  int resolved = 0;  // left the journal: placed, refused, or recorded as not sent
  int resent = 0;    // identical bytes posted again
  int runs_finished = 0;
  int reconciled = 0;  // live orders the venue's view changed
  int fills_new = 0;
  int fills_confirmed = 0;
  int fills_failed = 0;
  int cancelled_by_venue = 0;
  int cancelled_after = 0;                // GTC orders whose cancelAfter elapsed, cancelled
  std::set<std::string> resolved_tokens;  // of orders cancelled as their market resolved
  std::string reconcile_error;            // why the venue could not be reconciled, if so
};

// The inputs a live run was priced on, read before any transaction.
struct LiveInputs {
  domain::BookMap books;
  absl::Time priced_at;
  domain::Plan plan;                                  // as it trades (prices on their ticks)
  std::map<std::string, domain::MarketInfo> markets;  // by token, where the venue describes it
  std::vector<domain::Violation> warnings;
  // nullopt: the plan's run, placing its untriggered trades. Set: the one triggered trade of a
  // plan that ran already, which its trigger just fired.
  std::optional<int> trade_index;
};

// A venue call's failure as the OMS reports it: an outage is Unavailable, a refusal
// FailedPrecondition, never InvalidArgument.
absl::Status VenueError(const absl::Status& status, const std::string& what);

class LiveTrader {
 public:
  using Claim = std::function<absl::Status(store::Connection&)>;
  // Runs inside the journal's first transaction once the orders are inserted (with their ids).
  using Journalled =
      std::function<absl::Status(store::Connection&, const std::vector<domain::Order>&)>;

  // All references must outlive the trader.
  LiveTrader(store::Pool& pool, const Clock& clock, signer_client::OrderSigner& signer,
             venue::Venue& venue, LiveOptions options);

  // Runs a live plan: checks, journal, signatures, posts. `claim` claims the planId inside the
  // journal's first transaction, and `journalled` (when given) runs there after the orders are
  // inserted. A refusal before anything is journalled returns the error and leaves no trace but
  // what the caller records; a run whose orders were journalled is finished here (failed when
  // nothing reached the venue). Triggered trades are not placed: the caller arms them in `claim`.
  // A plan whose trades are all triggered is claimed and completed in one transaction, without
  // asking the signer or the venue anything.
  //
  // With `inputs.trade_index`, places that one triggered trade of a plan whose run exists: sized
  // by SimulateTriggeredTrade (a SHARES SELL clamped to the venue's balance, said in the summary's
  // warnings), checked, journalled, signed and posted as a plan's trades are; `claim` is then the
  // trigger's conditional fire. The plan's run is never finished or changed here: the summary
  // returned describes the one order.
  absl::StatusOr<domain::RunSummary> Run(const domain::Run& run, const LiveInputs& inputs,
                                         const Claim& claim, const CallContext& call,
                                         const Journalled& journalled = nullptr);

  // Resumes every live order left in new, signed, submitting, unknown or delayed, finishes the
  // runs that are then complete, and reads resting live orders back from the venue.
  absl::StatusOr<ResumeReport> Resume(const CallContext& call);

  absl::StatusOr<LiveAccountView> Account(const CallContext& call);

  // The account's balance of each token at the venue (GET /balance-allowance, CONDITIONAL), or
  // why it could not be read.
  std::map<std::string, absl::StatusOr<int64_t>> VenueShares(const std::vector<std::string>& tokens,
                                                             const CallContext& call);

  // Cancels a live order at the venue (DELETE /order by its hash), then records what the venue
  // says of it: cancelled with the fills it had, or, when the venue did not cancel it (already
  // matched), its real state. FailedPrecondition when it is not at the venue to cancel.
  absl::StatusOr<domain::Order> Cancel(int64_t id, const CallContext& call);

  // Cancels the open live orders of `plan_id` (DELETE /orders), or every order of the account
  // (`all`: DELETE /cancel-all), and records what the venue then holds: cancelled, or, for an
  // order the venue did not cancel, its real state. `busy`: orders another request was handling.
  absl::StatusOr<std::vector<domain::Order>> CancelMany(const std::string& plan_id, bool all,
                                                        const CallContext& call, int& busy);

  // Settles the signer's identity and the venue's API key now (the server does at start); a
  // failure is retried at the next live call.
  absl::Status Prepare() { return EnsureReady(); }

 private:
  // The signer's address checked against the account, and the venue's L2 credentials (derived
  // through the signer when none were given). Once per process.
  absl::Status EnsureReady();
  // Signs orders (concurrently); each result in order: OK, or why that order was not signed.
  std::vector<absl::Status> SignAll(std::vector<domain::Order*>& orders);
  // Writes `rows`' journal state and `fills` (then cleared) in one transaction, finishing the
  // run with `finish` when given.
  // `unless_halted`: refuses (FailedPrecondition, nothing written) while trading is halted.
  absl::Status Commit(const std::vector<domain::Order*>& rows,
                      std::vector<domain::Execution>& fills, const domain::RunSummary* finish,
                      bool unless_halted);
  // Sends one batch of signed orders: `submitting` is committed (with `pending`, then cleared)
  // before the POST; the answers are applied in memory and added to `pending` and `fills` for the
  // caller's next commit. FailedPrecondition, the batch unchanged, when trading was halted.
  absl::Status Send(std::vector<domain::Order*>& batch, absl::Time deadline,
                    std::vector<domain::Order*>& pending, std::vector<domain::Execution>& fills);
  // Takes the journal entries no request of this process is handling, marking them in flight.
  std::vector<domain::Order> ClaimJournal(std::vector<domain::Order> journal);
  absl::Status ResumeOrders(std::vector<domain::Order>& mine,
                            const store::TradingControls& controls, const CallContext& call,
                            ResumeReport& report);
  // Live orders that are not final take the venue's view (live_reconcile.cc): cancelAfter
  // cancels, the open-orders pages and reads by hash for statuses, /data/trades for fills and
  // settlement.
  absl::Status Reconcile(const CallContext& call, ResumeReport& report);
  // Reads the venue's trades for `orders` (claimed, with their fills) from where each was last
  // read, applies them and `views` (the venue's order by hash, where read), and writes what
  // changed over `stored` (the orders as read) in one transaction, marking their trades read.
  absl::StatusOr<domain::Reconciliation> ApplyVenue(
      std::vector<domain::Order>& orders, const std::vector<domain::Order>& stored,
      const std::map<std::string, domain::VenueOrderState>& views, absl::Time deadline);
  // Attaches each order's stored fills.
  static absl::Status LoadFills(store::Connection& conn, std::vector<domain::Order>& orders);
  // Finishes each running live run of `plan_ids` whose orders all left the journal.
  absl::Status FinishRuns(const std::set<std::string>& plan_ids, int& finished);
  void SetInFlight(const std::vector<domain::Order>& orders, bool in_flight);

  store::Pool& pool_;
  const Clock& clock_;
  signer_client::OrderSigner& signer_;
  venue::Venue& venue_;
  LiveOptions options_;
  std::mutex ready_mu_;  // held while getting ready: one derivation of the API key
  bool ready_ = false;
  std::mutex mu_;
  std::set<int64_t> in_flight_;  // orders a request of this process is sending now
};

}  // namespace betteroms::service
