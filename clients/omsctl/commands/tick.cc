// tick: one pass of fills, expiries and reconciliation, as the scheduled job runs it.
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"

namespace betteroms::omsctl {

void AddTickCommand(CLI::App& app, Client& client, int& exit_code) {
  CLI::App* tick = app.add_subcommand("tick", "fill, expire and reconcile open orders once");
  tick->footer("Exits 1 when live orders could not be reconciled with the venue (the message\n"
               "says why; the next tick tries again).");
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
    // A tick that could not reconcile live orders did its other work, but the scheduler must
    // see that the venue's view is stale.
    exit_code = resp.live_error().empty() ? kOk : kRunFailed;
  });
}

}  // namespace betteroms::omsctl
