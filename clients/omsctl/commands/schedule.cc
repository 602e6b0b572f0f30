// plan list|unschedule: the plans the server holds, and dropping a scheduled one before it runs.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"
#include "clients/omsctl/views.h"

namespace betteroms::omsctl {
namespace {

using v1::OrderManager;

std::string ScheduledTable(const v1::ListRunsResponse& resp) {
  if (resp.runs_size() == 0) return "no plans are scheduled\n";
  Table t({"PLAN", "MODE", "RUN AT", "TRADES", "SUBMITTED"});
  for (const auto& r : resp.runs()) {
    t.Add({r.plan_id(), r.mode(), r.run_at(), std::to_string(r.trade_count()), r.started_at()});
  }
  return t.Render({3});
}

std::string PlansTable(const v1::ListRunsResponse& resp) {
  Table t({"PLAN", "MODE", "STATUS", "RUN AT", "TRADES", "STARTED", "FINISHED"});
  for (const auto& r : resp.runs()) {
    t.Add({r.plan_id(), r.mode(), Colour(r.status(), r.status()), OrDash(r.run_at()),
           std::to_string(r.trade_count()), r.status() == "scheduled" ? "-" : r.started_at(),
           OrDash(r.finished_at())});
  }
  return t.Render({4});
}

}  // namespace

void AddScheduleCommands(CLI::App& plan, Client& client, int& exit_code) {
  auto scheduled = std::make_shared<bool>(false);
  auto limit = std::make_shared<int>(50);
  CLI::App* list = plan.add_subcommand(
      "list", "the plans the server holds, newest first; --scheduled: those waiting to run");
  list->add_flag("--scheduled", *scheduled, "only scheduled plans, soonest first");
  list->add_option("--limit", *limit, "at most this many")->capture_default_str();
  list->callback([&client, &exit_code, scheduled, limit] {
    v1::ListRunsRequest req;
    req.set_limit(*limit);
    req.set_scheduled(*scheduled);
    v1::ListRunsResponse resp;
    if (!client.Call(&OrderManager::Stub::ListRuns, req, &resp, exit_code)) return;
    bool only_scheduled = *scheduled;
    Print(client.json(), resp, [&resp, only_scheduled] {
      return only_scheduled ? ScheduledTable(resp) : PlansTable(resp);
    });
    exit_code = kOk;
  });

  auto plan_id = std::make_shared<std::string>();
  CLI::App* unschedule = plan.add_subcommand(
      "unschedule", "drop a scheduled plan before it runs (its planId is free again)");
  unschedule->add_option("plan_id", *plan_id, "the planId")->required();
  unschedule->callback([&client, &exit_code, plan_id] {
    v1::UnschedulePlanRequest req;
    req.set_plan_id(*plan_id);
    v1::Run resp;
    if (!client.Call(&OrderManager::Stub::UnschedulePlan, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] {
      return absl::StrCat("unscheduled plan ", resp.plan_id(), " (it was due at ", resp.run_at(),
                          ")\n");
    });
    exit_code = kOk;
  });
}

}  // namespace betteroms::omsctl
