// runs list|show: the plans that ran, newest first, and one run's summary (a live run's with
// each order beside its paper twin).
#include <memory>
#include <sstream>
#include <string>

#include "absl/time/clock.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"
#include "clients/omsctl/time_arg.h"
#include "clients/omsctl/views.h"

namespace betteroms::omsctl {
namespace {

using v1::OrderManager;

std::string RunsTable(const v1::ListRunsResponse& resp) {
  Table t({"PLAN", "MODE", "STATUS", "TRADES", "STARTED", "FINISHED", "ERROR"});
  for (const auto& r : resp.runs()) {
    t.Add({r.plan_id(), r.mode(), Colour(r.status(), r.status()), std::to_string(r.trade_count()),
           r.started_at(), OrDash(r.finished_at()), r.error_message().substr(0, 60)});
  }
  return t.Render({3});
}

// A run without a summary (it failed, or is still running) shows its own fields.
std::string RunText(const v1::Run& run) {
  if (run.has_summary()) return SummaryText(run.summary());
  std::ostringstream out;
  out << Bold("Run " + run.plan_id()) << "  " << run.mode() << "  "
      << Colour(run.status(), run.status()) << "  " << run.started_at()
      << (run.finished_at().empty() ? "" : " → " + run.finished_at()) << "\n"
      << "Trades: " << run.trade_count() << "\n";
  if (run.status() == "scheduled") {
    out << "Scheduled: runs at the first tick at or after " << run.run_at() << "\n";
  }
  if (!run.error_message().empty()) out << "error: " << run.error_message() << "\n";
  return out.str();
}

}  // namespace

void AddRunsCommands(CLI::App& app, Client& client, int& exit_code) {
  CLI::App* runs = app.add_subcommand("runs", "list runs or show one");
  runs->require_subcommand(1);

  auto limit = std::make_shared<int>(50);
  auto mode = std::make_shared<std::string>();
  auto since = std::make_shared<std::string>();
  CLI::App* list = runs->add_subcommand("list", "newest runs first");
  list->add_option("--limit", *limit, "at most this many")->capture_default_str();
  list->add_option("--mode", *mode, "paper or live")->check(CLI::IsMember({"paper", "live"}));
  list->add_option("--since", *since,
                   "only runs started since: a duration back from now (24h, 7d) or an RFC 3339 "
                   "time");
  list->callback([&client, &exit_code, limit, mode, since] {
    v1::ListRunsRequest req;
    req.set_limit(*limit);
    req.set_mode(*mode);
    if (!since->empty()) {
      absl::StatusOr<std::string> from = TimeArg("--since", *since, /*future=*/false, absl::Now());
      if (!from.ok()) {
        exit_code = UsageError(from.status());
        return;
      }
      req.set_since(*from);
    }
    v1::ListRunsResponse resp;
    if (!client.Call(&OrderManager::Stub::ListRuns, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] { return RunsTable(resp); });
    exit_code = kOk;
  });

  auto plan_id = std::make_shared<std::string>();
  CLI::App* show = runs->add_subcommand(
      "show",
      "one run with its summary and price triggers; a live run's orders beside their paper twins");
  show->footer(
      "A live run also lists each order beside its paper twin: the paper engine's fill of the\n"
      "order on the book read just before it was sent. DIFF BPS is the live average price against\n"
      "the twin's, positive when live was worse for you (a BUY paid more, a SELL received less);\n"
      "DIFF SHARES is live minus twin. The 'Paper twin:' line sums the orders that reached the\n"
      "venue; its slippage is weighted by notional over the orders filled on both sides.");
  show->add_option("plan_id", *plan_id, "the planId")->required();
  show->callback([&client, &exit_code, plan_id] {
    v1::GetRunRequest req;
    req.set_plan_id(*plan_id);
    v1::Run resp;
    if (!client.Call(&OrderManager::Stub::GetRun, req, &resp, exit_code)) return;
    // A live run's orders beside their paper twins; the JSON form stays the run alone
    // (`omsctl -o json orders list --plan P` carries the twin fields).
    v1::ListOrdersResponse orders;
    if (!client.json() && resp.mode() == "live") {
      v1::ListOrdersRequest by_plan;
      by_plan.set_plan_id(*plan_id);
      by_plan.set_mode("live");
      by_plan.set_limit(10000);
      if (!client.Call(&OrderManager::Stub::ListOrders, by_plan, &orders, exit_code)) return;
    }
    // The plan's price triggers: armed, fired (the price that fired them, the book they saw,
    // the order placed), cancelled and expired.
    v1::ListTriggersResponse triggers;
    if (!client.json()) {
      v1::ListTriggersRequest by_plan;
      by_plan.set_plan_id(*plan_id);
      by_plan.set_limit(10000);
      if (!client.Call(&OrderManager::Stub::ListTriggers, by_plan, &triggers, exit_code)) return;
    }
    Print(client.json(), resp, [&resp, &orders, &triggers] {
      std::string text = RunText(resp);
      std::string twins = TwinTable(orders.orders());
      if (!twins.empty()) text += "\nPaper twin vs live\n" + twins;
      if (triggers.triggers_size() > 0) {
        text += "\nPrice triggers\n" + TriggersTable(triggers.triggers(), false);
      }
      return text;
    });
    exit_code = kOk;
  });
}

}  // namespace betteroms::omsctl
