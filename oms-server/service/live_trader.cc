#include "oms-server/service/live_trader.h"

#include <openssl/rand.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/decimal.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "oms-server/domain/paper_engine.h"
#include "oms-server/signer_client/order_signer.h"
#include "oms-server/venue/venue.h"
#include "store/orders_repo.h"
#include "store/runs_repo.h"

namespace betteroms::service {
namespace {

using domain::Order;
using domain::OrderStatus;

constexpr size_t kBatchSize = 15;  // POST /orders takes at most 15 (PROTOCOL §6)

std::string RandomHex(int bytes) {
  std::vector<uint8_t> buf(bytes);
  RAND_bytes(buf.data(), bytes);
  return ToHex({buf.data(), buf.size()});
}

// A salt below 2^53: the body carries it as a JSON number (PROTOCOL §2.2).
std::string RandomSalt() {
  uint64_t v = 0;
  RAND_bytes(reinterpret_cast<uint8_t*>(&v), sizeof v);
  return std::to_string((v & ((uint64_t{1} << 53) - 1)) | 1);
}

std::string Problems(const std::string& what, const std::vector<domain::Violation>& violations) {
  std::string msg = absl::StrCat(what, " (", violations.size(), " problem",
                                 violations.size() == 1 ? "" : "s", "):");
  for (const auto& v : violations) {
    absl::StrAppend(&msg, "\n  ", v.path.empty() ? "plan" : v.path, ": ", v.message);
  }
  return msg;
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

std::string Usdc(int64_t micros) { return absl::StrCat(FormatMicrosFixed(micros, 2), " USDC"); }

}  // namespace

LiveTrader::LiveTrader(store::Pool& pool, const Clock& clock, signer_client::OrderSigner& signer,
                       venue::Venue& venue, LiveOptions options)
    : pool_(pool), clock_(clock), signer_(signer), venue_(venue), options_(std::move(options)) {}

void LiveTrader::MaybeDie(const char* point) const {
  if (options_.fault_point == point) {
    LogError("test fault point reached: killing the process", {{"point", point}});
    raise(SIGKILL);
  }
}

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

bool LiveTrader::InFlight(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_.count(id) > 0;
}

absl::Status LiveTrader::EnsureReady() {
  std::lock_guard<std::mutex> lock(ready_mu_);
  if (ready_) return absl::OkStatus();
  absl::StatusOr<signer_client::SignerIdentity> id = signer_.Identity();
  if (!id.ok()) {
    return absl::Status(id.status().code(),
                        absl::StrCat(id.status().message(), "; nothing was signed or sent"));
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
      return absl::Status(creds.status().code(),
                          absl::StrCat("cannot get the venue's API key for ", l1.address, ": ",
                                       creds.status().message()));
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
                                const domain::RunSummary* finish) {
  std::vector<Order> copies;
  copies.reserve(rows.size());
  for (const Order* o : rows) copies.push_back(*o);
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(absl::Now() + absl::Seconds(10)));
  OMS_RETURN_IF_ERROR(store::InTransaction(*conn, [&](store::Connection& tx) -> absl::Status {
    OMS_RETURN_IF_ERROR(store::UpdateJournal(tx, copies));
    OMS_RETURN_IF_ERROR(store::InsertExecutions(tx, fills));
    if (finish != nullptr) OMS_RETURN_IF_ERROR(store::FinishRun(tx, *finish));
    return absl::OkStatus();
  }));
  fills.clear();
  return absl::OkStatus();
}

absl::Status LiveTrader::Send(std::vector<Order*>& batch, absl::Time deadline,
                              std::vector<Order*>& pending, std::vector<domain::Execution>& fills) {
  absl::Time now = clock_.Now();
  for (Order* o : batch) {
    o->status = OrderStatus::kSubmitting;
    if (!o->live.submitted_at) o->live.submitted_at = now;
    ++o->live.post_attempts;
    pending.push_back(o);
  }
  // Durable before the POST: a crash from here on leaves `submitting`, resolved by hash.
  OMS_RETURN_IF_ERROR(Commit(pending, fills, nullptr));
  pending.clear();
  MaybeDie("after-sign");
  std::vector<venue::WireOrder> wire;
  wire.reserve(batch.size());
  for (const Order* o : batch) wire.push_back(ToWire(*o));
  std::vector<venue::PostResult> results = venue_.PostOrders(wire, deadline);
  MaybeDie("after-post");
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
                                                   const Claim& claim, const CallContext& call) {
  const domain::Plan& plan = inputs.plan;
  OMS_RETURN_IF_ERROR(call.Check("checking the live plan"));
  std::vector<std::string> tokens;
  for (const auto& [token, book] : inputs.books) tokens.push_back(token);
  std::vector<domain::Execution> history;
  int64_t spent_today = 0;
  {
    OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(call.deadline()));
    OMS_ASSIGN_OR_RETURN(store::TradingControls controls, store::GetTradingControls(*conn));
    if (controls.halted) {
      return absl::FailedPreconditionError(
          absl::StrCat("live trading is halted (since ", FormatRfc3339(controls.changed_at),
                       controls.reason.empty() ? "" : absl::StrCat(": ", controls.reason),
                       "); nothing was signed or sent; `omsctl trading resume` lifts the halt"));
    }
    absl::Time midnight = absl::FromUnixSeconds(absl::ToUnixSeconds(clock_.Now()) / 86400 * 86400);
    OMS_ASSIGN_OR_RETURN(spent_today, store::LiveNotionalSince(*conn, midnight));
    OMS_ASSIGN_OR_RETURN(history,
                         store::ListExecutionsForPositions(*conn, domain::Mode::kLive, tokens));
  }
  OMS_RETURN_IF_ERROR(EnsureReady());

  // What the venue holds: collateral for the BUYs, conditional tokens for the SELLs.
  absl::Time venue_deadline = std::min(call.deadline(), clock_.Now() + absl::Seconds(15));
  OMS_ASSIGN_OR_RETURN(
      venue::BalanceAllowance collateral,
      venue_.GetBalanceAllowance(venue::AssetType::kCollateral, "", venue_deadline));
  std::map<std::string, int64_t> held;
  for (const auto& t : plan.trades) {
    if (t.side != domain::Side::kSell || held.count(t.token_id) > 0) continue;
    OMS_ASSIGN_OR_RETURN(
        venue::BalanceAllowance tokens_held,
        venue_.GetBalanceAllowance(venue::AssetType::kConditional, t.token_id, venue_deadline));
    held[t.token_id] = tokens_held.balance;
  }

  // The whole plan against the market rules, the risk limits and the balances, before anything
  // is signed. The paper engine sizes every order, as it does for paper.
  absl::Time now = clock_.Now();
  OMS_ASSIGN_OR_RETURN(std::vector<domain::PaperOrder> simulated,
                       domain::SimulatePaperPlan(plan, inputs.books, held, domain::FillModel::kBook,
                                                 inputs.priced_at));
  std::vector<domain::Violation> unsendable;
  std::vector<Order> orders;
  orders.reserve(simulated.size());
  for (const auto& s : simulated) {
    const domain::Book& book = inputs.books.at(s.trade.token_id);
    std::string why = domain::CannotSend(s, book, now);
    if (!why.empty()) {
      unsendable.push_back({absl::StrCat("trades[", s.trade_index, "]"), why});
      continue;
    }
    orders.push_back(
        domain::ToLiveOrder(s, plan, book, options_.account, RandomHex(16), RandomSalt(), now));
  }
  if (!unsendable.empty()) {
    return absl::InvalidArgumentError(
        Problems("the live plan cannot be sent; nothing was signed", unsendable));
  }
  domain::Balances balances{collateral.balance, collateral.allowances};
  std::vector<domain::Violation> risk = domain::CheckLiveRisk(orders, options_.limits, spent_today,
                                                              balances, options_.account.chain_id);
  if (!risk.empty()) {
    return absl::FailedPreconditionError(
        Problems("the live plan breaks the pre-trade checks; nothing was signed", risk));
  }

  // new: the intents and their exact fields, with the claim on the planId.
  OMS_RETURN_IF_ERROR(call.Check("journalling the live orders"));
  int64_t commits_before = store::TransactionsCommitted();
  {
    OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(call.deadline()));
    OMS_RETURN_IF_ERROR(store::InTransaction(*conn, [&](store::Connection& tx) -> absl::Status {
      OMS_ASSIGN_OR_RETURN(store::TradingControls controls, store::GetTradingControls(tx));
      if (controls.halted) {
        return absl::FailedPreconditionError(
            "live trading was halted just now; nothing was signed or sent");
      }
      OMS_RETURN_IF_ERROR(claim(tx));
      return store::InsertOrders(tx, orders);
    }));
  }
  SetInFlight(orders, true);
  struct Release {
    LiveTrader* self;
    std::vector<Order>* orders;
    ~Release() { self->SetInFlight(*orders, false); }
  } release{this, &orders};

  std::vector<Order*> all;
  for (Order& o : orders) all.push_back(&o);
  std::vector<absl::Status> signed_ok = SignAll(all);
  size_t stop = orders.size();
  std::string stop_reason;
  absl::Status signer_failure;
  for (size_t i = 0; i < orders.size(); ++i) {
    if (signed_ok[i].ok()) continue;
    stop = i;
    signer_failure = signed_ok[i];
    Order& o = orders[i];
    bool refused = signed_ok[i].code() == absl::StatusCode::kPermissionDenied ||
                   signed_ok[i].code() == absl::StatusCode::kResourceExhausted;
    o.status = refused ? OrderStatus::kRejected : OrderStatus::kNotSent;
    o.reason = std::string(signed_ok[i].message());
    stop_reason = absl::StrCat("trades[", o.trade_index, "] was not signed: ", o.reason);
    break;
  }

  absl::Time deadline = std::min(call.deadline(), clock_.Now() + options_.post_budget);
  std::vector<Order*> pending;
  std::vector<domain::Execution> fills;
  bool sent_any = false;
  for (size_t begin = 0; begin < stop; begin += kBatchSize) {
    std::vector<Order*> batch(all.begin() + begin,
                              all.begin() + std::min(stop, begin + kBatchSize));
    OMS_RETURN_IF_ERROR(Send(batch, deadline, pending, fills));
    sent_any = true;
    for (Order* o : batch) {
      if (o->status == OrderStatus::kRejected || o->status == OrderStatus::kSigned) {
        stop = std::min(stop, begin + kBatchSize);
        if (stop_reason.empty()) {
          stop_reason =
              absl::StrCat("trades[", o->trade_index, "] was ",
                           o->status == OrderStatus::kRejected ? "refused" : "not accepted",
                           " by the venue: ", o->reason);
        }
      }
    }
  }
  for (size_t i = 0; i < orders.size(); ++i) {
    Order& o = orders[i];
    if (o.status == OrderStatus::kNew || o.status == OrderStatus::kSigned) {
      if (i >= stop && !(o.status == OrderStatus::kSigned && o.live.submitted_at)) {
        o.status = OrderStatus::kNotSent;
        o.reason = absl::StrCat("not sent: ", stop_reason);
      }
    }
    if (i >= stop || !o.live.submitted_at) pending.push_back(&o);
  }

  domain::RunSummary summary =
      domain::SummariseRun(plan, orders, history, inputs.books, run.started_at, clock_.Now());
  summary.warnings = inputs.warnings;
  if (!stop_reason.empty()) {
    summary.error_message = absl::StrCat("stopped: ", stop_reason);
  }
  absl::Status outcome = absl::OkStatus();
  if (!sent_any) {
    // Nothing reached the venue: the run failed, and may be retried.
    summary.status = domain::RunStatus::kFailed;
    outcome = signer_failure.ok() ? absl::UnavailableError(summary.error_message)
                                  : absl::Status(signer_failure.code(),
                                                 absl::StrCat(signer_failure.message(),
                                                              "; nothing was sent to the venue"));
    summary.error_message = std::string(outcome.message());
  }
  OMS_RETURN_IF_ERROR(Commit(pending, fills, &summary));
  LogInfo("live plan finished",
          {{"plan_id", plan.plan_id},
           {"orders", std::to_string(orders.size())},
           {"sent", std::to_string(summary.orders_placed)},
           {"db_commits", std::to_string(store::TransactionsCommitted() - commits_before)},
           {"millis", std::to_string(absl::ToInt64Milliseconds(clock_.Now() - run.started_at))}});
  OMS_RETURN_IF_ERROR(outcome);
  return summary;
}

absl::StatusOr<ResumeReport> LiveTrader::Resume(const CallContext& call) {
  ResumeReport report;
  std::vector<Order> journal;
  {
    OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(call.deadline()));
    store::OrderFilter filter;
    filter.mode = domain::Mode::kLive;
    filter.statuses = {OrderStatus::kNew, OrderStatus::kSigned, OrderStatus::kSubmitting,
                       OrderStatus::kUnknown, OrderStatus::kDelayed};
    filter.oldest_first = true;
    filter.limit = 1000;
    OMS_ASSIGN_OR_RETURN(journal, store::ListOrders(*conn, filter));
  }
  std::vector<Order> mine;
  for (Order& o : journal) {
    if (!InFlight(o.id)) mine.push_back(std::move(o));
  }
  if (mine.empty()) return report;
  OMS_RETURN_IF_ERROR(EnsureReady());
  SetInFlight(mine, true);
  struct Release {
    LiveTrader* self;
    std::vector<Order>* orders;
    ~Release() { self->SetInFlight(*orders, false); }
  } release{this, &mine};

  report.examined = static_cast<int>(mine.size());
  absl::Time now = clock_.Now();
  absl::Time deadline = std::min(call.deadline(), now + options_.post_budget);
  std::vector<Order*> changed, to_sign, to_send;
  std::vector<domain::Execution> fills;
  for (Order& o : mine) {
    absl::Time since = o.live.submitted_at.value_or(o.created_at);
    bool past_grace = now - since > options_.grace;
    if (o.status == OrderStatus::kNew || o.status == OrderStatus::kSigned) {
      if (past_grace) {
        o.status = OrderStatus::kNotSent;
        o.reason =
            absl::StrCat("not sent: it was not sent within ", absl::FormatDuration(options_.grace),
                         " of being journalled (the server stopped or the venue refused "
                         "orders), and a late order is never sent");
        changed.push_back(&o);
      } else {
        (o.status == OrderStatus::kNew ? to_sign : to_send).push_back(&o);
      }
      continue;
    }
    // submitting, unknown, delayed: the venue knows, or it does not.
    absl::StatusOr<std::optional<venue::VenueOrder>> found =
        venue_.GetOrder(o.live.order_hash, deadline);
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
      }
      changed.push_back(&o);
      continue;
    }
    if (o.status == OrderStatus::kDelayed && !past_grace) continue;
    if (past_grace) {
      o.status = OrderStatus::kNotSent;
      o.reason = absl::StrCat("not placed: the venue has no order ", o.live.order_hash, " ",
                              absl::FormatDuration(options_.grace),
                              " after it was first sent; it is never sent again");
      changed.push_back(&o);
      continue;
    }
    // Not at the venue, within the grace period: the identical signed bytes go again. The venue
    // cannot hold two orders with one hash.
    to_send.push_back(&o);
  }
  if (!to_sign.empty()) {
    std::vector<absl::Status> signed_ok = SignAll(to_sign);
    for (size_t i = 0; i < to_sign.size(); ++i) {
      if (signed_ok[i].ok()) {
        to_send.push_back(to_sign[i]);
      } else if (signed_ok[i].code() == absl::StatusCode::kPermissionDenied) {
        to_sign[i]->status = OrderStatus::kRejected;
        to_sign[i]->reason = std::string(signed_ok[i].message());
        changed.push_back(to_sign[i]);
      }
    }
  }
  std::vector<Order*> pending = changed;
  for (size_t begin = 0; begin < to_send.size(); begin += kBatchSize) {
    std::vector<Order*> batch(to_send.begin() + begin,
                              to_send.begin() + std::min(to_send.size(), begin + kBatchSize));
    OMS_RETURN_IF_ERROR(Send(batch, deadline, pending, fills));
    report.resent += static_cast<int>(batch.size());
  }
  for (Order* o : pending) {
    for (const domain::Execution& f : fills) {
      if (f.order_id == o->id) o->fills.push_back(f);
    }
  }
  OMS_RETURN_IF_ERROR(Commit(pending, fills, nullptr));
  std::set<std::string> plans;
  for (const Order& o : mine) {
    if (!domain::InJournal(o.status)) ++report.resolved;
    plans.insert(o.plan_id);
  }
  OMS_RETURN_IF_ERROR(FinishRuns(plans, report.runs_finished));
  return report;
}

absl::Status LiveTrader::FinishRuns(const std::set<std::string>& plan_ids, int& finished) {
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire(absl::Now() + absl::Seconds(10)));
  for (const std::string& plan_id : plan_ids) {
    OMS_ASSIGN_OR_RETURN(domain::Run run, store::GetRun(*conn, plan_id));
    if (run.status != domain::RunStatus::kRunning) continue;
    store::OrderFilter filter;
    filter.plan_id = plan_id;
    filter.limit = 100000;
    filter.oldest_first = true;
    OMS_ASSIGN_OR_RETURN(std::vector<Order> orders, store::ListOrders(*conn, filter));
    if (std::any_of(orders.begin(), orders.end(),
                    [](const Order& o) { return domain::InJournal(o.status); })) {
      continue;
    }
    std::vector<int64_t> ids;
    for (const Order& o : orders) ids.push_back(o.id);
    OMS_ASSIGN_OR_RETURN(auto fills, store::ListExecutionsForOrders(*conn, ids));
    for (auto& f : fills) {
      for (Order& o : orders) {
        if (o.id == f.order_id) o.fills.push_back(f);
      }
    }
    domain::PlanParseResult parsed = domain::ParsePlan(run.plan_json);
    domain::Plan plan = parsed.plan;
    plan.plan_id = plan_id;
    plan.mode = domain::Mode::kLive;
    domain::RunSummary summary =
        domain::SummariseRun(plan, orders, {}, {}, run.started_at, clock_.Now());
    summary.error_message = "finished by the journal's resumption after the server restarted";
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
