#include "oms-server/service/live_trader.h"

#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/decimal.h"
#include "common/fault_point.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "oms-server/domain/cancel.h"
#include "oms-server/domain/paper_engine.h"
#include "oms-server/domain/trigger.h"
#include "oms-server/signer_client/order_signer.h"
#include "oms-server/venue/venue.h"
#include "store/orders_repo.h"
#include "store/runs_repo.h"
#include "store/triggers_repo.h"

namespace betteroms::service {
namespace {

using domain::Order;
using domain::OrderStatus;

constexpr size_t kBatchSize = 15;  // POST /orders takes at most 15 (PROTOCOL §6)

absl::StatusOr<std::string> RandomHex(int bytes) {
  std::vector<uint8_t> buf(bytes);
  if (RAND_bytes(buf.data(), bytes) != 1) {
    return absl::InternalError("the system's random generator failed; nothing was signed");
  }
  return ToHex({buf.data(), buf.size()});
}

// A salt below 2^53: the body carries it as a JSON number (PROTOCOL §2.2).
absl::StatusOr<std::string> RandomSalt() {
  uint64_t v = 0;
  if (RAND_bytes(reinterpret_cast<uint8_t*>(&v), sizeof v) != 1) {
    return absl::InternalError("the system's random generator failed; nothing was signed");
  }
  return std::to_string((v & ((uint64_t{1} << 53) - 1)) | 1);
}

constexpr char kHalted[] = "live trading is halted";

absl::Status HaltedError(const store::TradingControls& controls) {
  return absl::FailedPreconditionError(
      absl::StrCat(kHalted, " (since ", FormatRfc3339(controls.changed_at),
                   controls.reason.empty() ? "" : absl::StrCat(": ", controls.reason),
                   "); nothing more was signed or sent; `omsctl trading resume` lifts the halt"));
}

// Another process's failure, as the OMS reports it: an outage is Unavailable, anything else a
// refusal (FailedPrecondition), never InvalidArgument: the plan passed every check.
absl::StatusCode OutageOrRefusal(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
                 status.code() == absl::StatusCode::kDeadlineExceeded
             ? absl::StatusCode::kUnavailable
             : absl::StatusCode::kFailedPrecondition;
}

// A signature the signer did not give: its refusal names the rule (FailedPrecondition), its
// outage is Unavailable. Never InvalidArgument: the plan passed every check.
absl::Status SignerError(const absl::Status& status) {
  absl::StatusCode code = OutageOrRefusal(status);
  bool refused = status.code() == absl::StatusCode::kPermissionDenied ||
                 status.code() == absl::StatusCode::kResourceExhausted;
  return {code, absl::StrCat(refused ? "the signer refused to sign it: " : "", status.message())};
}

signer::v1::SignOrderRequest SignRequest(const Order& o, uint64_t chain_id) {
  signer::v1::SignOrderRequest r;
  r.set_intent_id(o.live.intent_id);
  r.set_chain_id(chain_id);
  r.set_exchange(o.live.exchange == "neg-risk-v2" ? signer::v1::EXCHANGE_NEG_RISK_V2
                                                  : signer::v1::EXCHANGE_CTF_V2);
  signer::v1::Order* f = r.mutable_order();
  f->set_salt(o.live.salt);
  f->set_maker(o.live.maker);
  f->set_signer(o.live.signer);
  f->set_token_id(o.token_id);
  f->set_maker_amount(std::to_string(o.maker_amount));
  f->set_taker_amount(std::to_string(o.taker_amount));
  f->set_side(o.side == domain::Side::kBuy ? signer::v1::SIDE_BUY : signer::v1::SIDE_SELL);
  f->set_signature_type(static_cast<signer::v1::SignatureType>(o.live.signature_type));
  f->set_timestamp(std::to_string(o.live.order_time_ms));
  f->set_metadata(o.live.metadata);
  f->set_builder(o.live.builder);
  return r;
}

venue::WireOrder ToWire(const Order& o) {
  venue::WireOrder w;
  w.salt = o.live.salt;
  w.maker = o.live.maker;
  w.signer = o.live.signer;
  w.token_id = o.token_id;
  w.maker_amount = o.maker_amount;
  w.taker_amount = o.taker_amount;
  w.side = o.side;
  w.signature_type = o.live.signature_type;
  w.timestamp_ms = std::to_string(o.live.order_time_ms);
  w.expiration = std::to_string(o.live.expiration);
  w.metadata = o.live.metadata;
  w.builder = o.live.builder;
  w.signature = o.live.signature;
  w.order_type = o.tif;
  w.post_only = o.post_only;
  return w;
}

domain::PostAnswer ToAnswer(const venue::PostResult& r) {
  using Kind = domain::PostAnswer::Kind;
  domain::PostAnswer a;
  a.status = r.status;
  a.making = r.making;
  a.taking = r.taking;
  a.error = r.error;
  a.reason = r.reason.empty() ? r.error : r.reason;
  switch (r.outcome) {
    case venue::PostOutcome::kAccepted:
      a.kind = Kind::kAccepted;
      break;
    case venue::PostOutcome::kRejected:
      // The same bytes again, when the venue holds them already: it has the order, so ask it
      // by hash rather than call it refused.
      a.kind = absl::StrContains(absl::AsciiStrToLower(r.error), "duplicat") ? Kind::kAmbiguous
                                                                             : Kind::kRejected;
      break;
    case venue::PostOutcome::kNotAccepted:
      a.kind = Kind::kNotAccepted;
      break;
    case venue::PostOutcome::kAmbiguous:
      a.kind = Kind::kAmbiguous;
      break;
  }
  return a;
}

}  // namespace

bool IsHalted(const absl::Status& status) {
  return status.code() == absl::StatusCode::kFailedPrecondition &&
         absl::StartsWith(status.message(), kHalted);
}

absl::Status VenueError(const absl::Status& status, const std::string& what) {
  return {OutageOrRefusal(status), absl::StrCat("cannot read ", what, " at the venue: ",
                                                status.message(), "; nothing was signed or sent")};
}

LiveTrader::LiveTrader(store::Pool& pool, const Clock& clock, signer_client::OrderSigner& signer,
                       venue::Venue& venue, LiveOptions options)
    : pool_(pool), clock_(clock), signer_(signer), venue_(venue), options_(std::move(options)) {}

void LiveTrader::SetInFlight(const std::vector<Order>& orders, bool in_flight) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Order& o : orders) {
    if (in_flight) {
      in_flight_.insert(o.id);
    } else {
      in_flight_.erase(o.id);
    }
  }
}

absl::Status LiveTrader::EnsureReady() {
  std::lock_guard<std::mutex> lock(ready_mu_);
  if (ready_) return absl::OkStatus();
  absl::StatusOr<signer_client::SignerIdentity> id = signer_.Identity();
  if (!id.ok()) {
    return {id.status().code(),
            absl::StrCat(id.status().message(), "; nothing was signed or sent")};
  }
  domain::LiveAccount& acct = options_.account;
  if (acct.signer.empty()) acct.signer = id->address;
  if (!absl::EqualsIgnoreCase(acct.signer, id->address)) {
    return absl::FailedPreconditionError(absl::StrCat("the signer signs as ", id->address,
                                                      " but the OMS is configured for signer ",
                                                      acct.signer, " (--signer-address)"));
  }
  if (id->chain_id != acct.chain_id) {
    return absl::FailedPreconditionError(absl::StrCat("the signer is on chain ", id->chain_id,
                                                      " but the OMS trades on chain ",
                                                      acct.chain_id, " (--chain-id)"));
  }
  if (acct.maker.empty()) acct.maker = acct.signer;
  if (options_.credentials) {
    venue_.SetCredentials(*options_.credentials, acct.signer);
  } else if (venue_.ApiKey().empty()) {
    std::string ts = std::to_string(absl::ToUnixSeconds(clock_.Now()));
    OMS_ASSIGN_OR_RETURN(signer_client::ClobAuthSignature l1,
                         signer_.SignClobAuth(acct.chain_id, ts, options_.api_key_nonce));
    absl::StatusOr<venue::ApiCredentials> creds =
        venue_.DeriveOrCreateApiKey({l1.address, l1.signature, ts, options_.api_key_nonce});
    if (!creds.ok()) {
      return {creds.status().code(), absl::StrCat("cannot get the venue's API key for ", l1.address,
                                                  ": ", creds.status().message())};
    }
    venue_.SetCredentials(*creds, l1.address);
    LogInfo("venue API key derived through the signer",
            {{"api_key", creds->api_key}, {"address", l1.address}});
  }
  ready_ = true;
  return absl::OkStatus();
}

std::vector<absl::Status> LiveTrader::SignAll(std::vector<Order*>& orders) {
  std::vector<absl::Status> results(orders.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < orders.size(); i = next++) {
      Order& o = *orders[i];
      absl::StatusOr<signer_client::SignedOrder> signed_order =
          signer_.Sign(SignRequest(o, options_.account.chain_id));
      if (!signed_order.ok()) {
        results[i] = signed_order.status();
        continue;
      }
      o.live.order_hash = signed_order->order_hash;
      o.live.signature = signed_order->signature;
      o.status = OrderStatus::kSigned;
    }
  };
  size_t threads = std::min<size_t>(orders.size(), std::max(1, options_.sign_concurrency));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return results;
}

absl::Status LiveTrader::Commit(const std::vector<Order*>& rows,
                                std::vector<domain::Execution>& fills,
                                const domain::RunSummary* finish, bool unless_halted) {
  std::vector<Order> copies;
  copies.reserve(rows.size());
  for (const Order* o : rows) copies.push_back(*o);
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(absl::Now() + absl::Seconds(10)));
  absl::Status written = store::InTransaction(*conn, [&](store::Connection& tx) -> absl::Status {
    if (unless_halted) {
      OMS_ASSIGN_OR_RETURN(store::TradingControls controls, store::GetTradingControls(tx));
      if (controls.halted) return HaltedError(controls);
    }
    OMS_RETURN_IF_ERROR(store::UpdateJournal(tx, copies));
    OMS_RETURN_IF_ERROR(store::InsertExecutions(tx, fills));
    if (finish != nullptr) OMS_RETURN_IF_ERROR(store::FinishRun(tx, *finish));
    return absl::OkStatus();
  });
  OMS_RETURN_IF_ERROR(written);
  for (Order* o : rows) o->live.stored_status = o->status;
  fills.clear();
  return absl::OkStatus();
}

absl::Status LiveTrader::Send(std::vector<Order*>& batch, absl::Time deadline,
                              std::vector<Order*>& pending, std::vector<domain::Execution>& fills) {
  absl::Time now = clock_.Now();
  std::vector<Order> before;
  before.reserve(batch.size());
  for (Order* o : batch) before.push_back(*o);
  for (Order* o : batch) {
    o->status = OrderStatus::kSubmitting;
    if (!o->live.submitted_at) o->live.submitted_at = now;
    ++o->live.post_attempts;
  }
  std::vector<Order*> journal = pending;
  journal.insert(journal.end(), batch.begin(), batch.end());
  // Durable before the POST: a crash from here on leaves `submitting`, resolved by hash. A halt
  // that landed meanwhile stops the batch here.
  absl::Status committed = Commit(journal, fills, nullptr, /*unless_halted=*/true);
  if (!committed.ok()) {
    for (size_t i = 0; i < batch.size(); ++i) *batch[i] = before[i];
    return committed;
  }
  pending.clear();
  FaultPoint("live.before_post");
  std::vector<venue::WireOrder> wire;
  wire.reserve(batch.size());
  for (const Order* o : batch) wire.push_back(ToWire(*o));
  std::vector<venue::PostResult> results = venue_.PostOrders(wire, deadline);
  FaultPoint("live.after_post");
  absl::Time answered = clock_.Now();
  for (size_t i = 0; i < batch.size(); ++i) {
    Order& o = *batch[i];
    domain::PostAnswer answer;
    if (i < results.size()) {
      answer = ToAnswer(results[i]);
    } else {
      answer.reason = "the venue gave no answer for this order";
    }
    if (std::optional<domain::Execution> fill = domain::ApplyPostAnswer(o, answer, answered)) {
      fills.push_back(*fill);
      o.fills.push_back(*fill);
    }
    pending.push_back(&o);
  }
  return absl::OkStatus();
}

absl::StatusOr<domain::RunSummary> LiveTrader::Run(const domain::Run& run, const LiveInputs& inputs,
                                                   const Claim& claim, const CallContext& call,
                                                   const Journalled& journalled) {
  const domain::Plan& plan = inputs.plan;
  const std::optional<int> one = inputs.trade_index;
  if (one &&
      (*one < 0 || *one >= static_cast<int>(plan.trades.size()) || !plan.trades[*one].trigger)) {
    return absl::InternalError(
        absl::StrCat("live: trades[", *one, "] of plan ", plan.plan_id, " is not triggered"));
  }
  // The trades placed now: the plan's untriggered ones, or the one whose trigger fired.
  auto placed_now = [&](size_t i) {
    return one ? static_cast<int>(i) == *one : !plan.trades[i].trigger.has_value();
  };
  bool any_now = false;
  int triggered = 0;
  for (size_t i = 0; i < plan.trades.size(); ++i) {
    any_now = any_now || placed_now(i);
    if (plan.trades[i].trigger) ++triggered;
  }
  std::vector<domain::Violation> warnings = inputs.warnings;
  OMS_RETURN_IF_ERROR(call.Check("checking the live plan"));
  std::vector<std::string> tokens;
  for (const auto& [token, book] : inputs.books) tokens.push_back(token);
  std::vector<domain::Execution> history;
  int64_t spent_today = 0;
  absl::Time midnight = absl::FromUnixSeconds(absl::ToUnixSeconds(clock_.Now()) / 86400 * 86400);
  {
    OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(call.deadline()));
    OMS_ASSIGN_OR_RETURN(store::TradingControls controls, store::GetTradingControls(*conn));
    if (controls.halted) return HaltedError(controls);
    if (options_.limits.max_daily_notional) {
      OMS_ASSIGN_OR_RETURN(spent_today, store::LiveNotionalSince(*conn, midnight));
    }
    OMS_ASSIGN_OR_RETURN(history,
                         store::ListExecutionsForPositions(*conn, domain::Mode::kLive, tokens));
  }
  // What the venue holds: collateral for the BUYs, conditional tokens for the SELLs. A plan of
  // triggered trades only places nothing now: neither the signer nor the venue is asked.
  domain::Balances balances;
  std::map<std::string, int64_t> held;
  if (any_now) {
    OMS_RETURN_IF_ERROR(EnsureReady());
    absl::Time venue_deadline = std::min(call.deadline(), clock_.Now() + absl::Seconds(15));
    absl::StatusOr<venue::BalanceAllowance> collateral =
        venue_.GetBalanceAllowance(venue::AssetType::kCollateral, "", venue_deadline);
    if (!collateral.ok()) return VenueError(collateral.status(), "the collateral balance");
    balances = {collateral->balance, collateral->allowances};
    for (size_t i = 0; i < plan.trades.size(); ++i) {
      const domain::Trade& t = plan.trades[i];
      if (!placed_now(i) || t.side != domain::Side::kSell || held.count(t.token_id) > 0) continue;
      absl::StatusOr<venue::BalanceAllowance> shares =
          venue_.GetBalanceAllowance(venue::AssetType::kConditional, t.token_id, venue_deadline);
      if (!shares.ok()) {
        return VenueError(shares.status(), absl::StrCat("the balance of token ", t.token_id));
      }
      held[t.token_id] = shares->balance;
    }
  }

  // The whole plan against the market rules, the risk limits and the balances, before anything
  // is signed. The paper engine sizes every order, as it does for paper.
  absl::Time now = clock_.Now();
  std::vector<domain::PaperOrder> simulated;
  if (one) {
    const domain::Trade& t = plan.trades[*one];
    std::string note;
    auto book = inputs.books.find(t.token_id);
    if (book == inputs.books.end()) {
      return absl::InternalError(absl::StrCat("live: no book read for token ", t.token_id));
    }
    OMS_ASSIGN_OR_RETURN(
        domain::PaperOrder order,
        domain::SimulateTriggeredTrade(plan, *one, book->second, held[t.token_id],
                                       domain::FillModel::kBook, inputs.priced_at, &note));
    simulated.push_back(std::move(order));
    if (!note.empty()) warnings.push_back({absl::StrCat("trades[", *one, "]"), note});
  } else {
    OMS_ASSIGN_OR_RETURN(
        simulated, domain::SimulatePaperPlan(plan, inputs.books, held, domain::FillModel::kBook,
                                             inputs.priced_at));
  }
  std::vector<domain::Violation> unsendable;
  std::vector<Order> orders;
  orders.reserve(simulated.size());
  for (const auto& s : simulated) {
    const domain::Book& book = inputs.books.at(s.trade.token_id);
    auto market_it = inputs.markets.find(s.trade.token_id);
    const domain::MarketInfo* market =
        market_it == inputs.markets.end() ? nullptr : &market_it->second;
    std::string why = domain::CannotSend(s, book, market, now);
    if (!why.empty()) {
      unsendable.push_back({absl::StrCat("trades[", s.trade_index, "]"), why});
      continue;
    }
    OMS_ASSIGN_OR_RETURN(std::string intent, RandomHex(16));
    OMS_ASSIGN_OR_RETURN(std::string salt, RandomSalt());
    orders.push_back(
        domain::ToLiveOrder(s, plan, book, market, options_.account, intent, salt, now));
  }
  if (!unsendable.empty()) {
    return absl::InvalidArgumentError(
        domain::ViolationsText("the live plan cannot be sent; nothing was signed", unsendable));
  }
  std::vector<domain::Violation> risk = domain::CheckLiveRisk(orders, options_.limits, spent_today,
                                                              balances, options_.account.chain_id);
  if (!risk.empty()) {
    return absl::FailedPreconditionError(domain::ViolationsText(
        "the live plan breaks the pre-trade checks; nothing was signed", risk));
  }

  // new: the intents and their exact fields, with the claim on the planId. Live claims take
  // turns on the controls row, so the halt and the daily limit hold for concurrent plans.
  OMS_RETURN_IF_ERROR(call.Check("journalling the live orders"));
  int64_t commits_before = store::TransactionsCommitted();
  // A plan whose trades are all triggered completes with its claim (which arms them).
  std::optional<domain::RunSummary> armed_only;
  if (orders.empty()) {
    armed_only =
        domain::SummariseRun(plan, {}, history, inputs.books, run.started_at, clock_.Now());
    armed_only->warnings = warnings;
    armed_only->triggers_armed = triggered;
  }
  std::vector<const domain::Book*> snapshots;
  for (const auto& [token, book] : inputs.books) snapshots.push_back(&book);
  absl::Cleanup release = [this, &orders] { SetInFlight(orders, false); };
  {
    OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(call.deadline()));
    absl::Status written = store::InTransaction(*conn, [&](store::Connection& tx) -> absl::Status {
      // This commit need not wait for the disk: nothing leaves the OMS on it, and the
      // `submitting` commit before the first POST flushes it with its own (the log is
      // written in order). A crash before then loses the claim and the intents, and
      // nothing was sent. A run of triggers only is finished by this commit: it waits.
      if (!armed_only) OMS_RETURN_IF_ERROR(store::CommitWithoutWaitingForDisk(tx));
      OMS_ASSIGN_OR_RETURN(store::TradingControls controls,
                           store::GetTradingControls(tx, /*for_update=*/true));
      if (controls.halted) return HaltedError(controls);
      if (options_.limits.max_daily_notional) {
        OMS_ASSIGN_OR_RETURN(int64_t spent, store::LiveNotionalSince(tx, midnight));
        std::vector<domain::Violation> daily = domain::CheckLiveRisk(
            orders, options_.limits, spent, balances, options_.account.chain_id);
        if (!daily.empty()) {
          return absl::FailedPreconditionError(domain::ViolationsText(
              "the live plan breaks the pre-trade checks; nothing was signed", daily));
        }
      }
      OMS_RETURN_IF_ERROR(claim(tx));
      // The books the plan was priced on, before the orders whose twins point at them.
      OMS_RETURN_IF_ERROR(store::InsertSnapshots(tx, snapshots));
      OMS_RETURN_IF_ERROR(store::InsertOrders(tx, orders));
      if (journalled) OMS_RETURN_IF_ERROR(journalled(tx, orders));
      if (armed_only) OMS_RETURN_IF_ERROR(store::FinishRun(tx, *armed_only));
      // Ours from before they are visible: a tick's resumption leaves them alone.
      SetInFlight(orders, true);
      return absl::OkStatus();
    });
    if (!written.ok()) return written;
  }
  FaultPoint("live.after_intent");
  if (armed_only) {
    LogInfo("live plan armed its triggers",
            {{"plan_id", plan.plan_id}, {"triggers", std::to_string(triggered)}});
    return *std::move(armed_only);
  }

  std::vector<Order*> all;
  all.reserve(orders.size());
  for (Order& o : orders) all.push_back(&o);
  std::vector<absl::Status> signed_ok = SignAll(all);
  FaultPoint("live.after_signature");  // signed by the signer, not yet journalled
  size_t stop = orders.size();
  std::string stop_reason;
  absl::Status failure;  // why nothing may have reached the venue
  for (size_t i = 0; i < orders.size(); ++i) {
    if (signed_ok[i].ok()) continue;
    stop = i;
    failure = SignerError(signed_ok[i]);
    orders[i].status = OrderStatus::kNotSent;
    orders[i].reason = absl::StrCat("not sent: ", failure.message());
    stop_reason = absl::StrCat("trades[", orders[i].trade_index,
                               "] was not signed: ", signed_ok[i].message());
    break;
  }

  absl::Time deadline = std::min(call.deadline(), clock_.Now() + options_.post_budget);
  std::vector<Order*> pending;
  std::vector<domain::Execution> fills;
  bool reached = false;  // some order was answered by the venue, or may be there
  for (size_t begin = 0; begin < stop; begin += kBatchSize) {
    std::vector<Order*> batch(all.begin() + begin,
                              all.begin() + std::min(stop, begin + kBatchSize));
    absl::Status sent = Send(batch, deadline, pending, fills);
    if (IsHalted(sent)) {
      stop = begin;
      stop_reason = std::string(sent.message());
      if (!reached) failure = sent;
      break;
    }
    if (!sent.ok()) {
      return absl::Status(
          sent.code(),
          absl::StrCat(sent.message(),
                       "; the journal keeps the plan: the next tick resolves the orders "
                       "already sent and sends the rest if it is within ",
                       absl::FormatDuration(options_.grace), " (omsctl orders list --plan ",
                       plan.plan_id, ")"));
    }
    for (Order* o : batch) {
      if (o->status == OrderStatus::kSigned) {
        // Not accepted (a 425, 429 or 503 window outlasted the deadline): certainly not at the
        // venue, and a late order is not what the plan asked for.
        o->status = OrderStatus::kNotSent;
        o->reason =
            absl::StrCat("not sent: the venue did not accept orders in time (",
                         o->live.venue_error.empty() ? o->reason : o->live.venue_error, ")");
        if (!reached) failure = absl::UnavailableError(o->reason);
      } else {
        reached = true;
      }
      if (o->status == OrderStatus::kRejected || o->status == OrderStatus::kNotSent) {
        stop = std::min(stop, begin + kBatchSize);
        if (stop_reason.empty()) {
          stop_reason = absl::StrCat(
              "trades[", o->trade_index, "] was ",
              o->status == OrderStatus::kRejected ? "refused by the venue" : "not accepted", ": ",
              o->reason);
        }
      }
    }
  }
  for (size_t i = 0; i < orders.size(); ++i) {
    Order& o = orders[i];
    if (i < stop && o.live.submitted_at) continue;  // answered in Send
    if (o.status != OrderStatus::kNotSent) {
      o.status = OrderStatus::kNotSent;
      o.reason = absl::StrCat("not sent: ", stop_reason);
    }
    pending.push_back(&o);
  }

  domain::RunSummary summary =
      domain::SummariseRun(plan, orders, history, inputs.books, run.started_at, clock_.Now());
  summary.warnings = warnings;
  if (!one) summary.triggers_armed = triggered;
  if (!stop_reason.empty()) summary.error_message = absl::StrCat("stopped: ", stop_reason);
  int waiting = static_cast<int>(std::count_if(
      orders.begin(), orders.end(), [](const Order& o) { return domain::InJournal(o.status); }));
  absl::Status outcome = absl::OkStatus();
  const domain::RunSummary* finish = &summary;
  if (!reached) {
    // Nothing reached the venue: the run failed, and may be retried once the cause is fixed.
    summary.status = domain::RunStatus::kFailed;
    outcome = absl::Status(failure.ok() ? absl::StatusCode::kUnavailable : failure.code(),
                           absl::StrCat(failure.ok() ? stop_reason : failure.message(),
                                        one ? "; nothing was placed"
                                            : "; nothing was placed, and the plan may be retried"));
    summary.error_message = std::string(outcome.message());
  } else if (waiting > 0) {
    // The run finishes when its last order leaves the journal (a tick does that).
    summary.status = domain::RunStatus::kRunning;
    summary.error_message =
        absl::StrCat(waiting, " order", waiting == 1 ? "" : "s",
                     " await the venue's answer; the next tick resolves them and finishes the run",
                     stop_reason.empty() ? "" : absl::StrCat(" (stopped: ", stop_reason, ")"));
    finish = nullptr;
  }
  // A triggered trade's order leaves the plan's run as it is (completed, or running until its
  // own orders leave the journal).
  if (one) finish = nullptr;
  OMS_RETURN_IF_ERROR(Commit(pending, fills, finish, /*unless_halted=*/false));
  LogInfo("live plan finished",
          {{"plan_id", plan.plan_id},
           {"orders", std::to_string(orders.size())},
           {"sent", std::to_string(summary.orders_placed)},
           {"db_commits", std::to_string(store::TransactionsCommitted() - commits_before)},
           {"millis", std::to_string(absl::ToInt64Milliseconds(clock_.Now() - run.started_at))}});
  OMS_RETURN_IF_ERROR(outcome);
  return summary;
}

std::vector<Order> LiveTrader::ClaimJournal(std::vector<Order> journal) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Order> mine;
  for (Order& o : journal) {
    if (in_flight_.insert(o.id).second) mine.push_back(std::move(o));
  }
  return mine;
}

absl::StatusOr<ResumeReport> LiveTrader::Resume(const CallContext& call) {
  ResumeReport report;
  absl::Time db_deadline = std::min(call.deadline(), absl::Now() + absl::Seconds(10));
  std::vector<Order> journal;
  store::TradingControls controls;
  std::set<std::string> plans;
  {
    OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(db_deadline));
    store::OrderFilter filter;
    filter.mode = domain::Mode::kLive;
    filter.statuses = {OrderStatus::kNew, OrderStatus::kSigned, OrderStatus::kSubmitting,
                       OrderStatus::kUnknown, OrderStatus::kDelayed};
    filter.oldest_first = true;
    filter.limit = 1000;
    OMS_ASSIGN_OR_RETURN(journal, store::ListOrders(*conn, filter));
    OMS_ASSIGN_OR_RETURN(controls, store::GetTradingControls(*conn));
    // Runs left running whose orders all left the journal (a crash between the two).
    OMS_ASSIGN_OR_RETURN(std::vector<std::string> stale, store::ListRunningLiveRuns(*conn));
    plans.insert(stale.begin(), stale.end());
  }
  {
    // Released before the reconciliation below, which then covers the orders resolved here.
    std::vector<Order> mine = ClaimJournal(std::move(journal));
    absl::Cleanup release = [this, &mine] { SetInFlight(mine, false); };
    if (!mine.empty()) {
      OMS_RETURN_IF_ERROR(EnsureReady());
      OMS_RETURN_IF_ERROR(ResumeOrders(mine, controls, call, report));
    }
    for (const Order& o : mine) plans.insert(o.plan_id);
  }
  OMS_RETURN_IF_ERROR(FinishRuns(plans, report.runs_finished));
  // The journal's work stands even when the venue cannot be read for the rest.
  if (absl::Status reconciled = Reconcile(call, report); !reconciled.ok()) {
    report.reconcile_error = std::string(reconciled.message());
    LogWarn("live orders not reconciled", {{"error", report.reconcile_error}});
  }
  return report;
}

absl::Status LiveTrader::ResumeOrders(std::vector<Order>& mine,
                                      const store::TradingControls& controls,
                                      const CallContext& call, ResumeReport& report) {
  report.examined = static_cast<int>(mine.size());
  absl::Time now = clock_.Now();
  absl::Time deadline = std::min(call.deadline(), now + options_.post_budget);
  // A plan stops at its first refused trade: what comes after it is never sent.
  // A triggered trade's order stands apart from its plan's sequence: it is never stopped.
  std::map<std::string, int> first_stop;
  std::set<int64_t> triggered;
  {
    std::set<std::string> plans;
    std::vector<int64_t> ids;
    for (const Order& o : mine) {
      plans.insert(o.plan_id);
      ids.push_back(o.id);
    }
    OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(absl::Now() + absl::Seconds(10)));
    OMS_ASSIGN_OR_RETURN(std::vector<int64_t> by_trigger, store::TriggeredOrderIds(*conn, ids));
    triggered.insert(by_trigger.begin(), by_trigger.end());
    for (const std::string& plan_id : plans) {
      store::OrderFilter f;
      f.plan_id = plan_id;
      f.statuses = {OrderStatus::kRejected, OrderStatus::kNotSent};
      f.limit = 1;
      f.oldest_first = true;
      OMS_ASSIGN_OR_RETURN(std::vector<Order> stopped, store::ListOrders(*conn, f));
      for (const Order& o : stopped) {
        auto [it, fresh] = first_stop.emplace(plan_id, o.trade_index);
        if (!fresh) it->second = std::min(it->second, o.trade_index);
      }
    }
  }
  std::vector<Order*> changed, to_sign, to_send;
  std::vector<domain::Execution> fills;
  for (Order& o : mine) {
    bool never_sent = o.status == OrderStatus::kNew ||
                      (o.status == OrderStatus::kSigned && o.live.post_attempts == 0);
    absl::Time since = o.live.submitted_at.value_or(o.created_at);
    bool past_grace = now - since > options_.grace;
    if (never_sent) {
      auto stopped = first_stop.find(o.plan_id);
      if (stopped != first_stop.end() && stopped->second < o.trade_index &&
          triggered.count(o.id) == 0) {
        o.status = OrderStatus::kNotSent;
        o.reason = absl::StrCat("not sent: trades[", stopped->second,
                                "] of the plan was refused or not sent");
        changed.push_back(&o);
      } else if (past_grace) {
        o.status = OrderStatus::kNotSent;
        o.reason =
            absl::StrCat("not sent: it was not sent within ", absl::FormatDuration(options_.grace),
                         " of being journalled, and a late order is never sent");
        changed.push_back(&o);
      } else if (!controls.halted) {
        (o.status == OrderStatus::kNew ? to_sign : to_send).push_back(&o);
      }
      continue;
    }
    // It may be at the venue: ask by its hash, never build a new order.
    absl::StatusOr<std::optional<venue::VenueOrder>> found =
        venue_.GetOrder(o.live.order_hash, deadline);
    if (found.ok() && !found->has_value() && past_grace) {
      // The fence (PROTOCOL §13.3): cancel by hash, then ask once more, before calling it
      // not placed.
      absl::StatusOr<bool> fenced = venue_.CancelOrder(o.live.order_hash, deadline);
      if (!fenced.ok()) {
        LogWarn(
            "journal: fence cancel failed",
            {{"order_hash", o.live.order_hash}, {"error", std::string(fenced.status().message())}});
        continue;
      }
      found = venue_.GetOrder(o.live.order_hash, deadline);
    }
    if (!found.ok()) {
      LogWarn(
          "journal: cannot read the order back",
          {{"order_hash", o.live.order_hash}, {"error", std::string(found.status().message())}});
      continue;
    }
    if (found->has_value()) {
      const venue::VenueOrder& v = **found;
      domain::VenueOrderState state{v.status, v.status_reason, v.size_matched, v.price};
      if (std::optional<domain::Execution> fill = domain::ApplyVenueOrder(o, state, now)) {
        fills.push_back(*fill);
        o.fills.push_back(*fill);
      }
      changed.push_back(&o);
      continue;
    }
    if (past_grace) {
      // Last, its trades: an order the venue no longer shows may still have filled.
      absl::Time after = o.live.submitted_at.value_or(o.created_at) - absl::Minutes(5);
      absl::StatusOr<std::vector<std::string>> trades =
          venue_.TradesOfOrder(o.live.order_hash, o.token_id, after, deadline);
      if (!trades.ok()) {
        LogWarn(
            "journal: cannot read the order's trades",
            {{"order_hash", o.live.order_hash}, {"error", std::string(trades.status().message())}});
        continue;
      }
      if (!trades->empty()) {
        o.reason =
            absl::StrCat("the venue shows trades of this order (", absl::StrJoin(*trades, ", "),
                         ") but not the order; left for reconciliation");
        changed.push_back(&o);
        continue;
      }
      o.status = OrderStatus::kNotSent;
      o.reason = absl::StrCat("not placed: the venue has no order ", o.live.order_hash, " ",
                              absl::FormatDuration(options_.grace),
                              " after it was first sent; it is never sent again");
      changed.push_back(&o);
      continue;
    }
    // Not at the venue, within the grace period. A resting order goes again as the identical
    // signed bytes (the venue cannot hold two orders with one hash). A FOK or FAK is not: one
    // the venue killed or filled may not be visible by its hash (PROTOCOL §13.3); it waits for
    // the fence at the end of the grace period.
    if (domain::Rests(o.tif) && o.status != OrderStatus::kDelayed && !controls.halted) {
      to_send.push_back(&o);
    }
  }
  if (!to_sign.empty()) {
    std::vector<absl::Status> signed_ok = SignAll(to_sign);
    for (size_t i = 0; i < to_sign.size(); ++i) {
      if (signed_ok[i].ok()) {
        to_send.push_back(to_sign[i]);
      } else if (signed_ok[i].code() != absl::StatusCode::kUnavailable &&
                 signed_ok[i].code() != absl::StatusCode::kDeadlineExceeded) {
        to_sign[i]->status = OrderStatus::kNotSent;
        to_sign[i]->reason = absl::StrCat("not sent: ", SignerError(signed_ok[i]).message());
        changed.push_back(to_sign[i]);
      }
    }
  }
  std::vector<Order*> pending = changed;
  for (size_t begin = 0; begin < to_send.size(); begin += kBatchSize) {
    std::vector<Order*> batch(to_send.begin() + begin,
                              to_send.begin() + std::min(to_send.size(), begin + kBatchSize));
    absl::Status sent = Send(batch, deadline, pending, fills);
    if (IsHalted(sent)) break;
    OMS_RETURN_IF_ERROR(sent);
    report.resent += static_cast<int>(batch.size());
  }
  OMS_RETURN_IF_ERROR(Commit(pending, fills, nullptr, /*unless_halted=*/false));
  for (const Order& o : mine) {
    if (!domain::InJournal(o.status)) ++report.resolved;
  }
  return absl::OkStatus();
}

absl::Status LiveTrader::FinishRuns(const std::set<std::string>& plan_ids, int& finished) {
  if (plan_ids.empty()) return absl::OkStatus();
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(absl::Now() + absl::Seconds(10)));
  for (const std::string& plan_id : plan_ids) {
    OMS_ASSIGN_OR_RETURN(domain::Run run, store::GetRun(*conn, plan_id));
    if (run.status != domain::RunStatus::kRunning) continue;
    store::OrderFilter filter;
    filter.plan_id = plan_id;
    filter.limit = 100000;
    filter.oldest_first = true;
    OMS_ASSIGN_OR_RETURN(std::vector<Order> orders, store::ListOrders(*conn, filter));
    if (orders.empty() || std::any_of(orders.begin(), orders.end(),
                                      [](const Order& o) { return domain::InJournal(o.status); })) {
      continue;
    }
    std::set<int64_t> ids;
    std::set<std::string> tokens;
    for (const Order& o : orders) {
      ids.insert(o.id);
      tokens.insert(o.token_id);
    }
    OMS_ASSIGN_OR_RETURN(auto all, store::ListExecutionsForPositions(
                                       *conn, domain::Mode::kLive, {tokens.begin(), tokens.end()}));
    std::vector<domain::Execution> history;
    for (auto& f : all) {
      if (ids.count(f.order_id) == 0) {
        history.push_back(f);
        continue;
      }
      for (Order& o : orders) {
        if (o.id == f.order_id) o.fills.push_back(f);
      }
    }
    domain::Plan plan;
    plan.plan_id = plan_id;
    plan.mode = domain::Mode::kLive;
    domain::RunSummary summary =
        domain::SummariseRun(plan, orders, history, {}, run.started_at, clock_.Now());
    // The triggers the run armed with its claim (none has fired: a running run's wait).
    store::TriggerFilter armed;
    armed.plan_id = plan_id;
    armed.limit = 100000;
    OMS_ASSIGN_OR_RETURN(std::vector<domain::TriggerRecord> triggers,
                         store::ListTriggers(*conn, armed));
    summary.triggers_armed = static_cast<int>(triggers.size());
    auto stopped = std::find_if(orders.begin(), orders.end(), [](const Order& o) {
      return o.status == OrderStatus::kRejected || o.status == OrderStatus::kNotSent;
    });
    if (stopped != orders.end()) {
      summary.error_message =
          absl::StrCat("stopped: trades[", stopped->trade_index, "]: ", stopped->reason);
    }
    OMS_RETURN_IF_ERROR(store::FinishRun(*conn, summary));
    ++finished;
  }
  return absl::OkStatus();
}

absl::StatusOr<LiveAccountView> LiveTrader::Account(const CallContext& call) {
  OMS_RETURN_IF_ERROR(EnsureReady());
  LiveAccountView view;
  view.api_key = venue_.ApiKey();
  view.maker = options_.account.maker;
  view.signer = options_.account.signer;
  view.signature_type = options_.account.signature_type;
  view.chain_id = options_.account.chain_id;
  absl::Time deadline = std::min(call.deadline(), clock_.Now() + absl::Seconds(10));
  auto balance = venue_.GetBalanceAllowance(venue::AssetType::kCollateral, "", deadline);
  if (balance.ok()) {
    view.collateral = balance->balance;
    view.allowances = balance->allowances;
  } else {
    view.balance_error = std::string(balance.status().message());
  }
  return view;
}

}  // namespace betteroms::service
