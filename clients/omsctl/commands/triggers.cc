// triggers list|cancel: the price triggers of the plans that ran, and cancelling an armed one.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"
#include "clients/omsctl/views.h"

namespace betteroms::omsctl {

using v1::OrderManager;

void AddTriggersCommands(CLI::App& app, Client& client, int& exit_code) {
  CLI::App* triggers =
      app.add_subcommand("triggers", "list or cancel price triggers (stop-loss, take-profit)");
  triggers->require_subcommand(1);

  auto plan = std::make_shared<std::string>();
  auto status = std::make_shared<std::string>();
  auto limit = std::make_shared<int>(100);
  CLI::App* list =
      triggers->add_subcommand("list", "newest triggers first, or one plan's by trade");
  list->add_option("--plan", *plan, "only this plan's triggers, in trade order");
  list->add_option("--status", *status, "armed, fired, cancelled or expired")
      ->check(CLI::IsMember({"armed", "fired", "cancelled", "expired"}));
  list->add_option("--limit", *limit, "at most this many")->capture_default_str();
  list->footer(
      "A trigger is armed when its plan runs and is evaluated by every tick against one read of\n"
      "its token's book. It fires once: FIRED AT is the watched price that crossed, BOOK the\n"
      "book it saw (stored with the snapshots), ORDER the order its trade placed.");
  list->callback([&client, &exit_code, plan, status, limit] {
    v1::ListTriggersRequest req;
    req.set_plan_id(*plan);
    req.set_status(*status);
    req.set_limit(*limit);
    v1::ListTriggersResponse resp;
    if (!client.Call(&OrderManager::Stub::ListTriggers, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] {
      if (resp.triggers_size() == 0) return std::string("no triggers\n");
      return TriggersTable(resp.triggers(), true);
    });
    exit_code = kOk;
  });

  auto id = std::make_shared<int64_t>(0);
  CLI::App* cancel = triggers->add_subcommand(
      "cancel", "cancel an armed trigger: its trade is never placed (an OCO partner stays armed)");
  cancel->add_option("id", *id, "trigger id (from `triggers list`)")->required();
  cancel->callback([&client, &exit_code, id] {
    v1::CancelTriggerRequest req;
    req.set_id(*id);
    v1::Trigger resp;
    if (!client.Call(&OrderManager::Stub::CancelTrigger, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] {
      return absl::StrCat("trigger ", resp.id(), " cancelled: ", resp.description(), "\n");
    });
    exit_code = kOk;
  });
}

}  // namespace betteroms::omsctl
