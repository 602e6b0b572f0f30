// Orchestration of the OMS: loads, calls a domain rule, stores. Validation, paper runs, ticks,
// cancels and positions over the store and market data, in domain types; the gRPC adapter
// converts to and from the API. No SQL, no proto, no business rule lives here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/call_context.h"
#include "common/time.h"
#include "oms-server/domain/book.h"
#include "oms-server/domain/equity.h"
#include "oms-server/domain/fill_engine.h"
#include "oms-server/domain/order.h"
#include "oms-server/domain/outcome.h"
#include "oms-server/domain/plan.h"
#include "oms-server/domain/positions.h"
#include "oms-server/domain/run.h"
#include "oms-server/domain/trigger_record.h"
#include "oms-server/market/market_data.h"
#include "store/db.h"
#include "store/triggers_repo.h"

namespace betteroms::signer_client {
class OrderSigner;
}

namespace betteroms::service {

class LiveTrader;
struct LiveAccountView;

struct ServiceOptions {
  domain::FillModel fill_model = domain::FillModel::kBook;
  signer_client::OrderSigner* signer = nullptr;  // none: GetAccount says so
  LiveTrader* live = nullptr;                    // none: live plans are refused
};

// ValidatePlan's verdict: every violation, static and against the market.
struct PlanValidation {
  std::vector<domain::Violation> violations;
  std::vector<domain::Violation> warnings;  // adjustments the plan would run with
  std::string plan_id;                      // when the plan parsed
  std::optional<domain::Mode> mode;         // when the plan parsed
  int trade_count = 0;
  bool valid() const { return violations.empty(); }
};

struct RunQuery {
  int limit = 0;  // 0: the default (50); at most 1000
  std::optional<domain::Mode> mode;
  std::optional<absl::Time> since;  // runs started (scheduled ones: submitted) at or after it
  bool scheduled = false;           // only the plans waiting to run, soonest first
};

struct CancelResult {
  std::vector<domain::Order> orders;  // as they stand after the cancel
  std::string message;
};

struct OrderQuery {
  std::string plan_id;
  std::optional<domain::OrderStatus> status;
  std::optional<domain::Mode> mode;
  int limit = 0;  // 0: the default (100); at most 10000
};

struct TriggerQuery {
  std::string plan_id;  // empty: every plan, newest first; else that plan's, by trade
  std::optional<domain::TriggerStatus> status;
  int limit = 0;  // 0: the default (100); at most 10000
};

struct ReportQuery {
  std::optional<domain::Mode> mode;  // nullopt: both
  absl::Time since = absl::InfinitePast();
  int run_limit = 0;  // 0: the default (20); at most 200
};

// A run as the report shows it: its orders with their fills, and the stored snapshots they (or a
// live order's paper twin) were priced on, each once.
struct ReportRun {
  domain::Run run;
  std::vector<domain::Order> orders;
  std::vector<domain::Book> books;
};

struct ModeEquity {
  domain::Mode mode = domain::Mode::kPaper;
  std::vector<domain::EquityPoint> points;  // oldest first; the last one is now
};

struct Report {
  absl::Time generated_at = absl::InfinitePast();
  ReportQuery query;
  std::vector<ModeEquity> equity;  // a curve per mode with fills
  std::vector<domain::Position> positions;
  std::vector<ReportRun> runs;  // newest first, started since query.since
  std::string note;             // what could not be read, if anything
};

struct Account {
  std::string signer_address;
  uint64_t chain_id = 0;
  std::string policy_summary;
  std::string signer_endpoint;
  bool live_enabled = false;
  std::string api_key;  // the key's id, never the secret
  std::string maker;
  int signature_type = 0;
  std::optional<int64_t> collateral;          // base units; nullopt when not read
  std::map<std::string, int64_t> allowances;  // spender -> base units
  std::string venue_error;                    // why the venue could not be read
};

struct TradingState {
  bool halted = false;
  std::string reason;
  absl::Time changed_at = absl::InfinitePast();
};

class OmsService {
 public:
  // All references must outlive the service.
  OmsService(store::Pool& pool, market::MarketData& market, const Clock& clock,
             ServiceOptions options = {});

  // Every method stops at its next step, committing nothing, once `call` gave up (Cancelled,
  // DeadlineExceeded). Unavailable when the database or the CLOB is down.

  // Runs a plan. InvalidArgument lists every violation; AlreadyExists names the earlier run;
  // FailedPrecondition for a SELL without shares, a breached risk limit or a halt.
  // A plan with a future runAt (the plan's, or `run_at`, RFC 3339: InvalidArgument when both
  // differ or the time is over domain::kRunAtGrace past) is validated in full, stored as
  // scheduled, and returned with status kScheduled; RunTick runs it once it is due.
  absl::StatusOr<domain::RunSummary> SubmitPlan(const std::string& plan_json, bool retry,
                                                const CallContext& call = CallContext::Background(),
                                                const std::string& run_at = "");
  // Drops a scheduled plan before it runs, freeing its planId; returns it as it was. NotFound;
  // FailedPrecondition when it is not scheduled (it ran, or is running).
  absl::StatusOr<domain::Run> UnschedulePlan(const std::string& plan_id,
                                             const CallContext& call = CallContext::Background());
  // Static and market validation; changes nothing.
  absl::StatusOr<PlanValidation> ValidatePlan(const std::string& plan_json,
                                              const CallContext& call = CallContext::Background());
  // NotFound when the planId never ran.
  absl::StatusOr<domain::Run> GetRun(const std::string& plan_id,
                                     const CallContext& call = CallContext::Background());
  // Newest first, without summaries.
  absl::StatusOr<std::vector<domain::Run>> ListRuns(
      const RunQuery& query, const CallContext& call = CallContext::Background());
  // Newest first, with fills.
  absl::StatusOr<std::vector<domain::Order>> ListOrders(
      const OrderQuery& query, const CallContext& call = CallContext::Background());
  // Cancels a resting paper order, or a live order at the venue (with --live). NotFound, or
  // FailedPrecondition when there is nothing to cancel.
  absl::StatusOr<domain::Order> CancelOrder(int64_t id,
                                            const CallContext& call = CallContext::Background());
  // Cancels the resting orders of a plan, or all of them (`all`, plan_id empty): paper orders
  // here, live orders at the venue. InvalidArgument unless exactly one of the two is given;
  // NotFound for a plan never submitted.
  absl::StatusOr<CancelResult> CancelOrders(const std::string& plan_id, bool all,
                                            const CallContext& call = CallContext::Background());
  // Positions of `mode` (both when nullopt), marked against the books when they can be read.
  // `check`: live positions also carry the venue's conditional-token balance.
  absl::StatusOr<std::vector<domain::Position>> GetPositions(
      std::optional<domain::Mode> mode, const CallContext& call = CallContext::Background(),
      bool check = false);
  // One pass: first the scheduled plans that are due, each run as SubmitPlan runs a plan (a
  // failure is the plan's, reported, not the tick's), then maintenance. Returns at once
  // (skipped) when another tick holds the lock. Books that cannot be read (the venue down, a
  // book refused, a market gone) only hold back fills on their tokens: expiries and the other
  // tokens go ahead, and the message says why. Each order's new state is written only while the
  // order is still as the tick read it, so a change made meanwhile (a cancel) is never
  // overwritten; such orders are named in the message.
  absl::StatusOr<domain::TickReport> RunTick(const CallContext& call = CallContext::Background());
  // InvalidArgument when `token` is not a token id; NotFound when the venue has no book.
  absl::StatusOr<domain::Book> GetBook(const std::string& token,
                                       const CallContext& call = CallContext::Background());
  // The signer's address, chain and policy. FailedPrecondition without a signer.
  absl::StatusOr<Account> GetAccount(const CallContext& call = CallContext::Background());
  // The live-trading kill switch: persisted; a halted OMS signs and sends nothing.
  absl::StatusOr<TradingState> GetTrading(const CallContext& call = CallContext::Background());
  absl::StatusOr<TradingState> SetTrading(bool halted, const std::string& reason,
                                          const CallContext& call = CallContext::Background());
  // Price triggers. NotFound for a plan never submitted.
  absl::StatusOr<std::vector<domain::TriggerRecord>> ListTriggers(
      const TriggerQuery& query, const CallContext& call = CallContext::Background());
  // Cancels an armed trigger: its trade is never placed (an OCO partner stays armed). NotFound;
  // FailedPrecondition when it fired, expired or was cancelled already.
  absl::StatusOr<domain::TriggerRecord> CancelTrigger(
      int64_t id, const CallContext& call = CallContext::Background());
  // The equity curve (domain/equity.h), positions and the newest runs with their fills and
  // stored books, for `omsctl report`. Positions are marked as GetPositions marks them.
  absl::StatusOr<Report> GetReport(const ReportQuery& query,
                                   const CallContext& call = CallContext::Background());
  // Resumes the live journal (at start; RunTick does it too).
  absl::Status ResumeLive(const CallContext& call = CallContext::Background());
  // OK once the database answers.
  absl::Status CheckDatabase();

 private:
  // A plan that passed static validation, with its verbatim text and content hash.
  struct PreparedPlan {
    domain::Plan plan;
    std::string json;
    std::string hash;
    std::vector<domain::Violation> warnings;  // from parsing
  };
  // What a paper run read before its transaction: books, the time they were read, and the plan
  // as it trades on those markets (prices on their ticks), with every adjustment made.
  struct PaperInputs {
    domain::BookMap books;
    absl::Time priced_at;
    domain::Plan plan;
    std::vector<domain::Violation> warnings;
    std::map<std::string, domain::MarketInfo> markets;  // by token, where the venue describes it
  };

  absl::StatusOr<PreparedPlan> Prepare(const std::string& json);
  // Reads the books and markets of a plan's tokens, before any transaction: the outcome labels
  // are checked (InvalidArgument naming each mismatch) and the plan is set on the markets' ticks.
  absl::StatusOr<PaperInputs> ReadMarkets(const PreparedPlan& prepared, const CallContext& call);
  // The markets of `tokens`, for the outcome labels; a warning for each label left unchecked
  // (no metadata for its token, or metadata unavailable just now).
  absl::StatusOr<std::map<std::string, domain::MarketInfo>> ReadOutcomes(
      const domain::Plan& plan, const std::vector<std::string>& tokens,
      std::vector<domain::Violation>& warnings, const CallContext& call);
  // Records `run` as failed with the failure's message, outside any transaction; a `scheduled`
  // run only while it is still scheduled.
  absl::Status RecordFailure(const domain::Run& run, const absl::Status& failure,
                             bool scheduled = false);
  // FailedPrecondition for a live plan on a server without live trading.
  absl::Status CheckLiveConfigured(const domain::Plan& plan) const;
  // Stores a validated plan as scheduled for run.run_at, or returns why not.
  absl::StatusOr<domain::RunSummary> Schedule(const domain::Run& run,
                                              const absl::StatusOr<PaperInputs>& inputs,
                                              const CallContext& call);
  // Claims and runs `run` (paper or live) on the markets read, or records why it failed.
  // `scheduled`: the claim takes a due scheduled run (AlreadyExists when another tick did).
  absl::StatusOr<domain::RunSummary> Execute(const domain::Run& run,
                                             absl::StatusOr<PaperInputs> inputs, bool retry,
                                             bool scheduled, const CallContext& call);
  // Runs a scheduled run that is due, as it was stored; AlreadyExists when another tick ran it.
  absl::StatusOr<domain::RunSummary> RunScheduled(const domain::Run& stored,
                                                  const CallContext& call);
  absl::Status ClaimScheduled(store::Connection& conn, const domain::Run& run);
  // The tick's first step: runs every due scheduled plan, soonest first, into `report`.
  absl::Status RunDuePlans(store::Connection& conn, domain::TickReport& report,
                           const CallContext& call);
  // Claims the planId (or a failed run of it, on retry) inside the caller's transaction.
  absl::Status ClaimRun(store::Connection& conn, const domain::Run& run, bool retry);
  // Simulates and writes a claimed paper run, inside the caller's transaction.
  absl::StatusOr<domain::RunSummary> RunPaperPlan(store::Connection& conn,
                                                  const PaperInputs& inputs, absl::Time started,
                                                  const CallContext& call);
  absl::StatusOr<store::Pool::Lease> Connect(const CallContext& call);

  // Arms `plan`'s triggered trades inside the caller's transaction (the one claiming the run);
  // how many.
  absl::StatusOr<int> ArmTriggers(store::Connection& conn, const domain::Plan& plan);

  // The books of some tokens, and those it could not read: closed markets and skipped tokens.
  struct BookRead {
    domain::BookMap books;
    // Tokens whose markets are closed (recorded before or now): each share's payout, nullopt
    // while the venue names no winner. They have no book.
    std::map<std::string, std::optional<int64_t>> closed;
    int markets_recorded = 0;  // markets this read recorded as closed for the first time
    std::string note;          // tokens with no book and no closed market, and why; "" if none
  };
  // Reads the books of `tokens` tolerating closed markets, on `conn` outside any transaction.
  // Tokens recorded closed are not read. When a book is missing (NotFound), the venue is asked
  // which markets closed; those are recorded (payout 1 for the winner, 0 for the others, unknown
  // when it names none) and the other books read again; a token that still has no book is left
  // out, said in `note`. Recorded tokens still without a payout are asked about on every read.
  // A book the venue serves malformed (Unknown) leaves its token out, said in `note`, and the
  // others are read one by one. Other errors from the books (the venue down) stop the read; the
  // markets not being readable only leaves missing books unexplained.
  absl::StatusOr<BookRead> ReadBooks(store::Connection& conn,
                                     const std::vector<std::string>& tokens,
                                     const CallContext& call);

  // A tick's work on price triggers (triggers.cc).
  struct TriggerPass {
    std::vector<domain::TriggerRecord> armed;  // still armed once expiries are done
    int loaded = 0;                            // armed when the tick began
    int watched = 0;
    int fired = 0;
    int expired = 0;
    int cancelled = 0;
    std::vector<std::string> notes;  // each firing, and each trigger left waiting and why
  };
  // The plan of a fired trigger's run, as its trades read; loaded once per plan and tick.
  struct TriggerPlan {
    domain::Run run;
    domain::Plan plan;
  };
  // Loads the armed triggers of completed runs and expires those past their `until`, which need
  // no book; returns the distinct tokens the others watch.
  absl::StatusOr<std::vector<std::string>> LoadTriggers(store::Connection& conn, absl::Time now,
                                                        TriggerPass& pass);
  // Evaluates the armed triggers against the tick's one read of their books: those on a closed
  // market are cancelled, those past `until` expire, those whose price crossed fire, oldest first,
  // each in its own transaction (paper) or journal (live). A trigger without a book waits.
  absl::Status FireTriggers(store::Connection& conn, const BookRead& read, absl::Time now,
                            const CallContext& call, TriggerPass& pass);
  // Fires one paper trigger and places its trade, in one transaction: nothing when another
  // request changed the trigger first.
  absl::Status FirePaperTrigger(store::Connection& conn, const domain::TriggerRecord& trigger,
                                const domain::Plan& plan, const domain::Book& book,
                                const store::Firing& firing, const CallContext& call,
                                TriggerPass& pass);
  // Fires one live trigger through the live trader: the fire is its claim, so the trade is
  // journalled, signed and posted once. A refusal of the trade fires the trigger with the
  // reason; an outage or a halt leaves it armed for the next tick.
  absl::Status FireLiveTrigger(store::Connection& conn, const domain::TriggerRecord& trigger,
                               const TriggerPlan& plan, const domain::Book& book,
                               const store::Firing& firing, const CallContext& call,
                               TriggerPass& pass);

  store::Pool& pool_;
  market::MarketData& market_;
  const Clock& clock_;
  ServiceOptions options_;
};

}  // namespace betteroms::service
