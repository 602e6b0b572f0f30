#include "oms-server/service/oms_service.h"

#include <google/protobuf/util/json_util.h>
#include <openssl/evp.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/decimal.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "oms-server/domain/paper_engine.h"
#include "oms-server/service/api_convert.h"
#include "store/orders_repo.h"
#include "store/runs_repo.h"

namespace betteroms::service {
namespace {

constexpr int64_t kTickLockKey = 0x6f6d735f7469636b;  // "oms_tick"
constexpr int kPositionLockKey = 0x6f6d7370;          // "omsp", with the mode as second key

std::string Sha256Hex(const std::string& text) {
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return ToHex({digest, len});
}

absl::Status ViolationsError(const std::vector<domain::Violation>& violations) {
  std::string msg = absl::StrCat("the plan is invalid (", violations.size(), " problem",
                                 violations.size() == 1 ? "" : "s", "):");
  for (const auto& v : violations) {
    absl::StrAppend(&msg, "\n  ", v.path.empty() ? "plan" : v.path, ": ", v.message);
  }
  return absl::InvalidArgumentError(msg);
}

absl::StatusOr<PreparedPlan> Prepare(const std::string& json) {
  constexpr size_t kMaxPlanBytes = 8 << 20;
  if (json.size() > kMaxPlanBytes) {
    return absl::InvalidArgumentError("the plan is larger than 8 MiB");
  }
  domain::PlanParseResult parsed = domain::ParsePlan(json);
  if (!parsed.ok()) return ViolationsError(parsed.violations);
  PreparedPlan p{std::move(parsed.plan), json, ""};
  p.hash = Sha256Hex(domain::CanonicalPlanText(p.plan));
  return p;
}

std::vector<std::string> DistinctTokens(const domain::Plan& plan) {
  std::set<std::string> tokens;
  for (const auto& t : plan.trades) tokens.insert(t.token_id);
  return {tokens.begin(), tokens.end()};
}

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(m, &out, opts);
  return out;
}

store::OrderRow ToRow(const domain::PaperOrder& o, const std::string& plan_id) {
  store::OrderRow row;
  row.plan_id = plan_id;
  row.trade_index = o.trade_index;
  row.mode = "paper";
  row.token_id = o.trade.token_id;
  row.outcome = o.trade.outcome;
  row.side = std::string(domain::SideName(o.trade.side));
  row.order_type = std::string(domain::OrderTypeName(o.trade.type));
  row.time_in_force = std::string(domain::TimeInForceName(o.trade.tif));
  row.post_only = o.trade.post_only;
  if (o.limit_price > 0) row.limit_price = o.limit_price;
  row.size_shares = o.size_shares;
  row.maker_amount = o.amounts.maker;
  row.taker_amount = o.amounts.taker;
  row.filled_shares = o.filled_shares;
  row.filled_notional = o.filled_notional;
  row.status = o.status;
  if (!o.reason.empty()) row.reason = o.reason;
  if (o.expires_at) row.expires_at = FormatRfc3339(*o.expires_at);
  return row;
}

// A stored resting order as the fill engine sees it.
domain::PaperOrder FromRow(const store::OrderRow& row) {
  domain::PaperOrder o;
  o.trade.token_id = row.token_id;
  o.trade.side = row.side == "BUY" ? domain::Side::kBuy : domain::Side::kSell;
  o.limit_price = row.limit_price.value_or(0);
  o.size_shares = row.size_shares;
  o.filled_shares = row.filled_shares;
  o.filled_notional = row.filled_notional;
  o.status = row.status;
  return o;
}

store::RunRow RunRowOf(const PreparedPlan& prepared, absl::Time started) {
  store::RunRow row;
  row.plan_id = prepared.plan.plan_id;
  row.plan_json = prepared.json;
  row.plan_hash = prepared.hash;
  row.mode = domain::ModeName(prepared.plan.mode);
  row.trade_count = static_cast<int>(prepared.plan.trades.size());
  row.started_at = FormatRfc3339(started);
  return row;
}

}  // namespace

OmsService::OmsService(store::Pool& pool, market::MarketData& market, const Clock& clock,
                       ServiceOptions options)
    : pool_(pool), market_(market), clock_(clock), options_(options) {}

absl::Status OmsService::CheckDatabase() {
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
  return conn->Exec("health", "SELECT 1").status();
}

absl::Status OmsService::ClaimRun(store::Connection& conn, const PreparedPlan& prepared, bool retry,
                                  absl::Time started) {
  store::RunRow row = RunRowOf(prepared, started);
  OMS_ASSIGN_OR_RETURN(bool inserted, store::InsertRunningRun(conn, row));
  if (inserted) return absl::OkStatus();

  OMS_ASSIGN_OR_RETURN(store::RunRow earlier, store::GetRun(conn, row.plan_id));
  std::string when = earlier.finished_at.value_or(earlier.started_at);
  if (earlier.plan_hash != prepared.hash) {
    return absl::AlreadyExistsError(
        absl::StrCat("planId \"", row.plan_id, "\" was already used for a different plan (",
                     earlier.status, " at ", when, "); give this plan a new planId"));
  }
  if (earlier.status == "failed" && earlier.order_count == 0) {
    if (!retry) {
      return absl::AlreadyExistsError(
          absl::StrCat("plan \"", row.plan_id, "\" already ran and failed at ", when, " (",
                       earlier.error_message.value_or("no reason recorded"),
                       "); it placed no orders, so it may run again with --retry"));
    }
    OMS_ASSIGN_OR_RETURN(bool restarted, store::RestartFailedRun(conn, row));
    if (restarted) return absl::OkStatus();
    return absl::AlreadyExistsError(
        absl::StrCat("plan \"", row.plan_id, "\" is being retried by another request"));
  }
  return absl::AlreadyExistsError(absl::StrCat("plan \"", row.plan_id,
                                               "\" already ran: ", earlier.status, " at ", when,
                                               " (a planId runs once)"));
}

absl::StatusOr<v1::RunSummary> OmsService::SubmitPlan(const std::string& plan_json, bool retry) {
  absl::Time started = clock_.Now();
  OMS_ASSIGN_OR_RETURN(PreparedPlan prepared, Prepare(plan_json));
  if (prepared.plan.mode == domain::Mode::kLive) {
    return absl::UnimplementedError(
        "live trading is not available yet (it needs the signer and the venue client); "
        "submit the plan with \"mode\": \"paper\" to simulate it");
  }
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
  int64_t statements_before = conn->statements();
  // The claim on the planId and everything the run writes commit together: a failed run leaves
  // nothing but its failure record, and one commit per plan keeps submissions fast.
  bool claimed = false;
  absl::StatusOr<v1::RunSummary> summary;
  absl::Status status = store::InTransaction(*conn, [&](store::Connection& tx) -> absl::Status {
    claimed = false;
    OMS_RETURN_IF_ERROR(ClaimRun(tx, prepared, retry, started));
    claimed = true;
    summary = RunPaperPlan(tx, prepared, started);
    return summary.status();
  });
  if (!status.ok()) {
    if (claimed) {
      absl::Status recorded =
          store::RecordFailedRun(*conn, RunRowOf(prepared, started), FormatRfc3339(clock_.Now()),
                                 std::string(status.message()));
      if (!recorded.ok()) {
        LogError("cannot record failed run",
                 {{"plan_id", prepared.plan.plan_id}, {"error", std::string(recorded.message())}});
      }
    }
    LogWarn("plan refused or failed",
            {{"plan_id", prepared.plan.plan_id}, {"error", std::string(status.message())}});
    return status;
  }
  LogInfo("plan completed",
          {{"plan_id", prepared.plan.plan_id},
           {"orders", std::to_string(summary->orders_placed())},
           {"db_statements", std::to_string(conn->statements() - statements_before)},
           {"millis", std::to_string(absl::ToInt64Milliseconds(clock_.Now() - started))}});
  return summary;
}

absl::StatusOr<v1::RunSummary> OmsService::RunPaperPlan(store::Connection& conn,
                                                        const PreparedPlan& prepared,
                                                        absl::Time started) {
  const domain::Plan& plan = prepared.plan;
  const std::string mode(domain::ModeName(plan.mode));
  std::vector<std::string> tokens = DistinctTokens(plan);
  // One book read per token per run: the simulation and the stored snapshots use the same books.
  OMS_ASSIGN_OR_RETURN(domain::BookMap books, market_.GetBooks(tokens));
  // Runs of one mode take turns from here to commit, so two plans cannot sell the same shares.
  OMS_RETURN_IF_ERROR(conn.Exec("position lock", "SELECT pg_advisory_xact_lock($1, $2)",
                                store::Params().Add(kPositionLockKey).Add(mode == "paper" ? 0 : 1))
                          .status());
  OMS_ASSIGN_OR_RETURN(auto available, store::SharesAvailable(conn, mode, tokens));
  OMS_ASSIGN_OR_RETURN(
      std::vector<domain::PaperOrder> orders,
      domain::SimulatePaperPlan(plan, books, available, options_.fill_model, clock_.Now()));
  OMS_ASSIGN_OR_RETURN(auto history, store::ListExecutionsForPositions(conn, mode, tokens));
  std::map<PositionKey, HeldPosition> before = FoldPositions(history);

  v1::RunSummary summary;
  summary.set_plan_id(plan.plan_id);
  summary.set_mode(mode);
  summary.set_status("completed");
  summary.set_started_at(FormatRfc3339(started));
  int64_t bought = 0, sold = 0;
  std::map<PositionKey, HeldPosition> after = before;
  for (const auto& o : orders) {
    summary.set_orders_placed(summary.orders_placed() + 1);
    if (o.status == domain::kFilled) summary.set_orders_filled(summary.orders_filled() + 1);
    if (o.status == domain::kPartiallyFilled) {
      summary.set_orders_partially_filled(summary.orders_partially_filled() + 1);
    }
    if (o.resting()) summary.set_orders_open(summary.orders_open() + 1);
    if (o.status == domain::kRejected) summary.set_orders_rejected(summary.orders_rejected() + 1);
    (o.trade.side == domain::Side::kBuy ? bought : sold) += o.filled_notional;
    HeldPosition& held = after[{mode, o.trade.token_id}];
    if (held.outcome.empty()) held.outcome = o.trade.outcome;
    for (const auto& f : o.fills) held.state.Apply(o.trade.side, f.shares, f.notional, 0);
  }
  int64_t realized = 0;
  for (const auto& token : tokens) {
    const HeldPosition& now = after[{mode, token}];
    auto was = before.find({mode, token});
    realized += now.state.realized - (was == before.end() ? 0 : was->second.state.realized);
    *summary.add_positions() = ToApiPosition(mode, token, now.outcome, now.state, &books.at(token));
  }
  summary.set_notional_bought(FormatMicros(bought));
  summary.set_notional_sold(FormatMicros(sold));
  summary.set_realized_pnl(FormatMicros(realized));

  // Written in the caller's transaction: everything of the run lands, or nothing does.
  std::vector<store::SnapshotRow> snapshots;
  for (const auto& [token, book] : books) snapshots.push_back({token, book.hash, book.raw_json});
  OMS_ASSIGN_OR_RETURN(auto snapshot_ids, store::InsertSnapshots(conn, snapshots));
  std::vector<store::OrderRow> rows;
  rows.reserve(orders.size());
  for (const auto& o : orders) rows.push_back(ToRow(o, plan.plan_id));
  OMS_ASSIGN_OR_RETURN(std::vector<int64_t> ids, store::InsertOrders(conn, rows));
  summary.set_finished_at(FormatRfc3339(clock_.Now()));
  std::vector<store::ExecutionRow> fills;
  for (size_t i = 0; i < orders.size(); ++i) {
    for (const auto& f : orders[i].fills) {
      fills.push_back({ids[i], mode, rows[i].token_id, rows[i].side, f.shares, f.price, f.notional,
                       0, "taker", snapshot_ids[rows[i].token_id], summary.finished_at()});
    }
    rows[i].id = ids[i];
  }
  OMS_RETURN_IF_ERROR(store::InsertExecutions(conn, fills));
  // The stored summary has no per-order list: orders live in their own table.
  OMS_RETURN_IF_ERROR(store::FinishRun(conn, plan.plan_id, "completed", summary.finished_at(),
                                       ToJson(summary), std::nullopt));
  for (size_t i = 0; i < rows.size(); ++i) {
    v1::Order* order = summary.add_orders();
    *order = ToApiOrder(rows[i]);
    for (const auto& f : orders[i].fills) {
      v1::Fill* fill = order->add_fills();
      fill->set_shares(FormatMicros(f.shares));
      fill->set_price(FormatMicros(f.price));
      fill->set_fee("0");
      fill->set_executed_at(summary.finished_at());
      fill->set_book_hash(books.at(rows[i].token_id).hash);
    }
  }
  return summary;
}

absl::StatusOr<v1::ValidatePlanResponse> OmsService::ValidatePlan(const std::string& plan_json) {
  v1::ValidatePlanResponse resp;
  domain::PlanParseResult parsed = domain::ParsePlan(plan_json);
  std::vector<domain::Violation> violations = parsed.violations;
  if (parsed.ok()) {
    resp.set_plan_id(parsed.plan.plan_id);
    resp.set_mode(std::string(domain::ModeName(parsed.plan.mode)));
    resp.set_trade_count(static_cast<int>(parsed.plan.trades.size()));
    auto books = market_.GetBooks(DistinctTokens(parsed.plan));
    if (!books.ok() && books.status().code() != absl::StatusCode::kNotFound) return books.status();
    if (!books.ok()) {
      violations.push_back({"", std::string(books.status().message())});
    } else {
      auto market = domain::ValidateAgainstMarket(parsed.plan, *books, clock_.Now());
      violations.insert(violations.end(), market.begin(), market.end());
    }
  }
  resp.set_valid(violations.empty());
  for (const auto& v : violations) {
    auto* out = resp.add_violations();
    out->set_path(v.path);
    out->set_message(v.message);
  }
  return resp;
}

absl::StatusOr<v1::Run> OmsService::GetRun(const std::string& plan_id) {
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
  OMS_ASSIGN_OR_RETURN(store::RunRow row, store::GetRun(*conn, plan_id));
  return ToApiRun(row);
}

absl::StatusOr<v1::ListRunsResponse> OmsService::ListRuns(const v1::ListRunsRequest& req) {
  if (!req.mode().empty() && !domain::ParseMode(req.mode())) {
    return absl::InvalidArgumentError("mode must be \"paper\" or \"live\"");
  }
  int limit = req.limit() > 0 ? std::min(req.limit(), 1000) : 50;
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
  OMS_ASSIGN_OR_RETURN(auto rows, store::ListRuns(*conn, limit, req.mode()));
  v1::ListRunsResponse resp;
  for (const auto& row : rows) {
    v1::Run run = ToApiRun(row);
    run.clear_summary();  // lists stay small; GetRun has the summary
    *resp.add_runs() = std::move(run);
  }
  return resp;
}

absl::StatusOr<v1::ListOrdersResponse> OmsService::ListOrders(const v1::ListOrdersRequest& req) {
  static const std::set<std::string> kStatuses = {"open",      "partially_filled", "filled",
                                                  "cancelled", "expired",          "rejected",
                                                  "signing",   "submitting",       "unknown"};
  if (!req.status().empty() && kStatuses.count(req.status()) == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "status must be one of ", absl::StrJoin(kStatuses, ", "), "; got \"", req.status(), "\""));
  }
  if (!req.mode().empty() && !domain::ParseMode(req.mode())) {
    return absl::InvalidArgumentError("mode must be \"paper\" or \"live\"");
  }
  store::OrderFilter filter{req.plan_id(),
                            req.status(),
                            req.mode(),
                            {},
                            req.limit() > 0 ? std::min(req.limit(), 10000) : 100};
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
  OMS_ASSIGN_OR_RETURN(auto rows, store::ListOrders(*conn, filter));
  std::vector<int64_t> ids;
  for (const auto& r : rows) ids.push_back(r.id);
  OMS_ASSIGN_OR_RETURN(auto fills, store::ListExecutionsForOrders(*conn, ids));
  v1::ListOrdersResponse resp;
  for (const auto& r : rows) {
    v1::Order o = ToApiOrder(r);
    AddApiFills(o, fills);
    *resp.add_orders() = std::move(o);
  }
  return resp;
}

absl::StatusOr<v1::Order> OmsService::CancelOrder(int64_t id) {
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
  store::OrderRow order;
  OMS_RETURN_IF_ERROR(store::InTransaction(*conn, [&](store::Connection& tx) -> absl::Status {
    OMS_ASSIGN_OR_RETURN(order, store::GetOrder(tx, id, /*for_update=*/true));
    if (order.mode == "live") {
      return absl::UnimplementedError("cancelling live orders is not available yet");
    }
    bool resting = (order.status == "open" || order.status == "partially_filled") &&
                   (order.time_in_force == "GTC" || order.time_in_force == "GTD");
    if (!resting) {
      return absl::FailedPreconditionError(
          absl::StrCat("order ", id, " is ", order.status, " (", order.time_in_force,
                       "); only resting GTC/GTD orders can be cancelled"));
    }
    order.status = "cancelled";
    order.reason = "cancelled by request";
    return store::UpdateOrderStates(tx, {order});
  }));
  return ToApiOrder(order);
}

absl::StatusOr<v1::GetPositionsResponse> OmsService::GetPositions(const std::string& mode) {
  if (!mode.empty() && !domain::ParseMode(mode)) {
    return absl::InvalidArgumentError("mode must be \"paper\" or \"live\"");
  }
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
  OMS_ASSIGN_OR_RETURN(auto fills, store::ListExecutionsForPositions(*conn, mode));
  std::map<PositionKey, HeldPosition> positions = FoldPositions(fills);
  std::set<std::string> held;
  for (const auto& [key, pos] : positions) {
    if (pos.state.net_shares > 0) held.insert(key.token);
  }
  // Marks are best effort: positions still show when market data is down.
  domain::BookMap books;
  if (!held.empty()) {
    auto fetched = market_.GetBooks({held.begin(), held.end()});
    if (fetched.ok()) {
      books = std::move(*fetched);
    } else {
      LogWarn("positions without marks", {{"error", std::string(fetched.status().message())}});
    }
  }
  v1::GetPositionsResponse resp;
  for (const auto& [key, pos] : positions) {
    auto book = books.find(key.token);
    *resp.add_positions() = ToApiPosition(key.mode, key.token, pos.outcome, pos.state,
                                          book == books.end() ? nullptr : &book->second);
  }
  return resp;
}

absl::StatusOr<v1::TickReport> OmsService::RunTick() {
  absl::Time started = clock_.Now();
  v1::TickReport report;
  report.set_started_at(FormatRfc3339(started));
  OMS_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
  OMS_ASSIGN_OR_RETURN(store::Result locked,
                       conn->Exec("tick lock", "SELECT pg_try_advisory_lock($1)",
                                  store::Params().Add(kTickLockKey)));
  if (!locked.Bool(0, 0)) {
    report.set_skipped(true);
    report.set_message("another tick is running; this one did nothing");
    report.set_finished_at(FormatRfc3339(clock_.Now()));
    return report;
  }
  auto body = [&]() -> absl::Status {
    store::OrderFilter filter{"", "", "paper", {"open", "partially_filled"}, 1'000'000};
    OMS_ASSIGN_OR_RETURN(auto open, store::ListOrders(*conn, filter));
    std::reverse(open.begin(), open.end());  // oldest first: earlier orders fill first
    std::erase_if(open, [](const store::OrderRow& o) {
      return o.time_in_force != "GTC" && o.time_in_force != "GTD";
    });
    report.set_orders_examined(static_cast<int>(open.size()));
    std::vector<store::OrderRow> changed;
    std::vector<store::OrderRow> live;
    std::set<std::string> tokens;
    for (auto& o : open) {
      auto expires = o.expires_at ? ParseTime(*o.expires_at) : absl::StatusOr<absl::Time>();
      if (o.expires_at && expires.ok() && *expires <= started) {
        o.status = "expired";
        o.reason = absl::StrCat("expired at ", *o.expires_at);
        changed.push_back(o);
        report.set_orders_expired(report.orders_expired() + 1);
      } else {
        live.push_back(o);
        tokens.insert(o.token_id);
      }
    }
    domain::BookMap books;
    if (!tokens.empty()) {
      OMS_ASSIGN_OR_RETURN(books, market_.GetBooks({tokens.begin(), tokens.end()}));
    }
    domain::BookMap remaining = books;
    std::vector<store::ExecutionRow> fills;
    std::set<std::string> used;
    for (auto& o : live) {
      domain::Book& book = remaining.at(o.token_id);
      domain::PaperOrder paper = FromRow(o);
      std::vector<domain::Fill> new_fills = domain::FillRestingOrder(paper, book);
      if (new_fills.empty()) continue;
      domain::ConsumeLiquidity(book, paper.trade.side, new_fills);
      used.insert(o.token_id);
      for (const auto& f : new_fills) {
        o.filled_shares += f.shares;
        o.filled_notional += f.notional;
        fills.push_back({o.id, o.mode, o.token_id, o.side, f.shares, f.price, f.notional, 0,
                         "maker", std::nullopt, FormatRfc3339(started)});
      }
      bool done = o.filled_shares >= o.size_shares;
      o.status = done ? "filled" : "partially_filled";
      if (done) {
        report.set_orders_filled(report.orders_filled() + 1);
      } else {
        report.set_orders_partially_filled(report.orders_partially_filled() + 1);
      }
      changed.push_back(o);
    }
    return store::InTransaction(*conn, [&](store::Connection& tx) -> absl::Status {
      std::vector<store::SnapshotRow> snapshots;
      for (const auto& token : used) {
        const domain::Book& b = books.at(token);
        snapshots.push_back({token, b.hash, b.raw_json});
      }
      OMS_ASSIGN_OR_RETURN(auto snapshot_ids, store::InsertSnapshots(tx, snapshots));
      for (auto& f : fills) f.book_snapshot_id = snapshot_ids[f.token_id];
      OMS_RETURN_IF_ERROR(store::InsertExecutions(tx, fills));
      OMS_RETURN_IF_ERROR(store::UpdateOrderStates(tx, changed));
      report.set_finished_at(FormatRfc3339(clock_.Now()));
      report.set_message(absl::StrCat(report.orders_filled(), " filled, ",
                                      report.orders_partially_filled(), " partially filled, ",
                                      report.orders_expired(), " expired of ",
                                      report.orders_examined(), " resting paper orders"));
      OMS_ASSIGN_OR_RETURN(
          store::Result tick,
          tx.Exec("insert tick",
                  "INSERT INTO ticks (started_at, finished_at, report_json) "
                  "VALUES ($1, now(), $2::jsonb) RETURNING id",
                  store::Params().Add(FormatRfc3339(started)).Add(ToJson(report))));
      report.set_tick_id(tick.Int(0, 0));
      return absl::OkStatus();
    });
  };
  absl::Status st = body();
  (void)conn->Exec("tick unlock", "SELECT pg_advisory_unlock($1)",
                   store::Params().Add(kTickLockKey));
  OMS_RETURN_IF_ERROR(st);
  return report;
}

absl::StatusOr<v1::Account> OmsService::GetAccount() {
  if (options_.signer == nullptr) {
    return absl::FailedPreconditionError(
        "no signer is configured: start oms-server with --signer-addr (or SIGNER_ADDR)");
  }
  OMS_ASSIGN_OR_RETURN(signer_client::SignerIdentity id, options_.signer->Identity());
  v1::Account account;
  account.set_signer_address(id.address);
  account.set_chain_id(id.chain_id);
  account.set_policy_summary(id.policy_summary);
  account.set_signer_endpoint(options_.signer->Endpoint());
  return account;
}

absl::StatusOr<v1::Book> OmsService::GetBook(const std::string& token) {
  auto id = domain::NormaliseTokenId(token);
  if (!id) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", token, "\" is not a token id (a decimal uint256 or 0x hex)"));
  }
  OMS_ASSIGN_OR_RETURN(auto books, market_.GetBooks({*id}));
  return ToApiBook(books.at(*id));
}

}  // namespace betteroms::service
