// omsctl's commands, one file per noun: each Add*Command registers its subcommands on the app and
// sets `exit_code` when one of them runs.
#pragma once

#include <CLI/CLI.hpp>

#include "clients/omsctl/rpc.h"

namespace betteroms::omsctl {

void AddPlanCommands(CLI::App& app, Client& client, int& exit_code);  // plan submit|validate
// plan list|unschedule, on the `plan` command.
void AddScheduleCommands(CLI::App& plan, Client& client, int& exit_code);
void AddRunsCommands(CLI::App& app, Client& client, int& exit_code);      // runs list|show
void AddOrdersCommands(CLI::App& app, Client& client, int& exit_code);    // orders list|cancel
void AddPositionsCommand(CLI::App& app, Client& client, int& exit_code);  // positions
void AddBookCommand(CLI::App& app, Client& client, int& exit_code);       // book TOKEN
void AddTriggersCommands(CLI::App& app, Client& client, int& exit_code);  // triggers list|cancel
void AddTickCommand(CLI::App& app, Client& client, int& exit_code);       // tick
void AddAccountCommand(CLI::App& app, Client& client, int& exit_code);    // account
void AddTradingCommands(CLI::App& app, Client& client, int& exit_code);   // trading halt|...
void AddHealthCommand(CLI::App& app, Client& client, int& exit_code);     // health
void AddApiCommand(CLI::App& app, Client& client, int& exit_code);        // api METHOD [JSON|-]
void AddReportCommand(CLI::App& app, Client& client, int& exit_code);     // report --out FILE

// Every command above, in the order --help lists them.
void AddCommands(CLI::App& app, Client& client, int& exit_code);

}  // namespace betteroms::omsctl
