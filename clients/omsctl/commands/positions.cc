// positions: what is held, by mode and token, with P&L.
#include <memory>
#include <string>

#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"
#include "clients/omsctl/views.h"

namespace betteroms::omsctl {

void AddPositionsCommand(CLI::App& app, Client& client, int& exit_code) {
  auto mode = std::make_shared<std::string>();
  CLI::App* positions = app.add_subcommand("positions", "positions and P&L by mode and token");
  positions->add_option("--mode", *mode, "paper or live")->check(CLI::IsMember({"paper", "live"}));
  positions->callback([&client, &exit_code, mode] {
    v1::GetPositionsRequest req;
    req.set_mode(*mode);
    v1::GetPositionsResponse resp;
    if (!client.Call(&v1::OrderManager::Stub::GetPositions, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] { return PositionsTable(resp.positions()); });
    exit_code = kOk;
  });
}

}  // namespace betteroms::omsctl
