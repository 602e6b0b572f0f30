// tick: one pass of fills, expiries and reconciliation, as the scheduled job runs it.
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"

namespace betteroms::omsctl {

void AddTickCommand(CLI::App& app, Client& client, int& exit_code) {
  CLI::App* tick = app.add_subcommand("tick", "fill, expire and reconcile open orders once");
  tick->callback([&client, &exit_code] {
    v1::TickReport resp;
    if (!client.Call(&v1::OrderManager::Stub::RunTick, v1::RunTickRequest(), &resp, exit_code)) {
      return;
    }
    Print(client.json(), resp, [&resp] {
      return absl::StrCat(
          resp.skipped() ? "tick skipped: " : absl::StrCat("tick ", resp.tick_id(), ": "),
          resp.message(), "\n");
    });
    exit_code = kOk;
  });
}

}  // namespace betteroms::omsctl
