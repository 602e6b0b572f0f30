// tick: one pass of fills, expiries and reconciliation, as the scheduled job runs it.
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"

namespace betteroms::omsctl {

void AddTickCommand(CLI::App& app, Client& client, int& exit_code) {
  CLI::App* tick = app.add_subcommand(
      "tick", "run the scheduled plans that are due, then fill, expire and reconcile once");
  tick->footer(
      "Prints one line per scheduled plan it ran, then the maintenance report.\n"
      "Exits 1 when a scheduled plan failed, or when live orders could not be reconciled\n"
      "with the venue (the message says why; the next tick tries again).");
  tick->callback([&client, &exit_code] {
    v1::TickReport resp;
    if (!client.Call(&v1::OrderManager::Stub::RunTick, v1::RunTickRequest(), &resp, exit_code)) {
      return;
    }
    Print(client.json(), resp, [&resp] {
      std::string out;
      for (const v1::RunSummary& s : resp.scheduled_runs()) {
        absl::StrAppend(&out, "scheduled plan ", s.plan_id(), ": ", s.status());
        if (s.status() == "failed") {
          absl::StrAppend(&out, ": ", s.error_message(), "\n");
        } else {
          absl::StrAppend(&out, ", ", s.orders_placed(), " orders (", s.orders_filled(),
                          " filled, ", s.orders_open(), " open, ", s.orders_rejected(),
                          " rejected)\n");
        }
      }
      return absl::StrCat(
          out, resp.skipped() ? "tick skipped: " : absl::StrCat("tick ", resp.tick_id(), ": "),
          resp.message(), "\n");
    });
    // A tick that could not reconcile live orders, or whose scheduled plan failed, did its other
    // work, but the scheduler must see it.
    exit_code = resp.live_error().empty() && resp.scheduled_failed() == 0 ? kOk : kRunFailed;
  });
}

}  // namespace betteroms::omsctl
