// positions: what is held, by mode and token, with P&L.
#include <iostream>
#include <memory>
#include <string>

#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"
#include "clients/omsctl/views.h"

namespace betteroms::omsctl {

void AddPositionsCommand(CLI::App& app, Client& client, int& exit_code) {
  auto mode = std::make_shared<std::string>();
  auto check = std::make_shared<bool>(false);
  CLI::App* positions = app.add_subcommand("positions", "positions and P&L by mode and token");
  positions->add_option("--mode", *mode, "paper or live")->check(CLI::IsMember({"paper", "live"}));
  positions->add_flag("--check", *check,
                      "live: compare each position with the venue's conditional-token balance; "
                      "exits 1 when any differs or cannot be read");
  positions->footer(
      "Live positions count fills not yet CONFIRMED on chain (MATCHED, MINED, RETRYING) as\n"
      "PENDING; a FAILED fill counts nowhere.");
  positions->callback([&client, &exit_code, mode, check] {
    v1::GetPositionsRequest req;
    req.set_mode(*mode);
    req.set_check(*check);
    v1::GetPositionsResponse resp;
    if (!client.Call(&v1::OrderManager::Stub::GetPositions, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] { return PositionsTable(resp.positions()); });
    exit_code = kOk;
    if (!*check) return;
    int drifting = 0;
    for (const auto& p : resp.positions()) {
      if (p.mode() != "live") continue;
      // No drift is "0"; a position the venue could not be asked about has none at all.
      if (!p.venue_error().empty() || p.drift() != "0") ++drifting;
    }
    if (drifting > 0) {
      std::cerr << "drift: " << drifting
                << " live position(s) differ from the venue's balances or could not be checked\n";
      exit_code = kRunFailed;
    }
  });
}

}  // namespace betteroms::omsctl
