#include "clients/omsctl/commands/commands.h"

namespace betteroms::omsctl {

void AddCommands(CLI::App& app, Client& client, int& exit_code) {
  AddPlanCommands(app, client, exit_code);
  AddRunsCommands(app, client, exit_code);
  AddOrdersCommands(app, client, exit_code);
  AddTriggersCommands(app, client, exit_code);
  AddPositionsCommand(app, client, exit_code);
  AddBookCommand(app, client, exit_code);
  AddAccountCommand(app, client, exit_code);
  AddTradingCommands(app, client, exit_code);
  AddHealthCommand(app, client, exit_code);
  AddTickCommand(app, client, exit_code);
  AddReportCommand(app, client, exit_code);
  AddApiCommand(app, client, exit_code);
}

}  // namespace betteroms::omsctl
