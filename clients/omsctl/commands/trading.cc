// trading halt|resume|status: the persisted live-trading kill switch. While it is halted
// oms-server refuses live plans before signing anything; paper trading is never affected.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"

namespace betteroms::omsctl {
namespace {

using v1::OrderManager;

// "live trading is halted since 2026-11-30T07:10:00Z: venue incident", with the reason on the
// same line so that one grep finds both.
std::string StateText(const v1::TradingState& state) {
  std::string out =
      absl::StrCat("live trading is ", state.halted() ? Colour("halted", "failed") : "not halted",
                   state.changed_at().empty() ? "" : absl::StrCat(" since ", state.changed_at()));
  if (!state.reason().empty()) absl::StrAppend(&out, ": ", state.reason());
  return out + "\n";
}

// Registers `trading halt` or `trading resume`: both set the switch, with an optional reason.
void AddSet(CLI::App& trading, Client& client, int& exit_code, bool halt) {
  auto reason = std::make_shared<std::string>();
  CLI::App* cmd = trading.add_subcommand(halt ? "halt" : "resume",
                                         halt ? "stop live trading: live plans are refused, "
                                                "nothing signed or sent, until `trading resume`"
                                              : "allow live trading again after `trading halt`");
  cmd->add_option("--reason", *reason,
                  halt ? "why, kept with the switch and shown by `trading status`"
                       : "why trading may resume, kept with the switch");
  cmd->callback([&client, &exit_code, reason, halt] {
    v1::SetTradingRequest req;
    req.set_halted(halt);
    req.set_reason(*reason);
    v1::TradingState resp;
    if (!client.Call(&OrderManager::Stub::SetTrading, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] { return StateText(resp); });
    exit_code = kOk;
  });
}

}  // namespace

void AddTradingCommands(CLI::App& app, Client& client, int& exit_code) {
  CLI::App* trading =
      app.add_subcommand("trading", "halt, resume or show live trading (the kill switch)");
  trading->require_subcommand(1);
  trading->footer(
      "The switch is kept in the database: it holds across restarts of oms-server and for every\n"
      "replica. While it is halted a live plan is refused before anything is signed or sent;\n"
      "orders already at the venue stay there (`orders cancel` cancels one). Paper plans run\n"
      "either way. Exit codes as for every command: 0 ok, 3 unavailable, 1 other error.\n"
      "Examples:\n"
      "  omsctl trading halt --reason \"venue incident\"\n"
      "  omsctl trading status\n"
      "  omsctl -o json trading status   ({\"halted\": true, \"reason\": ..., \"changedAt\": "
      "...})\n"
      "  omsctl trading resume --reason \"incident over\"");
  AddSet(*trading, client, exit_code, /*halt=*/true);
  AddSet(*trading, client, exit_code, /*halt=*/false);

  CLI::App* status =
      trading->add_subcommand("status", "whether live trading is halted, since when and why");
  status->callback([&client, &exit_code] {
    v1::TradingState resp;
    if (!client.Call(&OrderManager::Stub::GetTrading, v1::GetTradingRequest(), &resp, exit_code)) {
      return;
    }
    Print(client.json(), resp, [&resp] { return StateText(resp); });
    exit_code = kOk;
  });
}

}  // namespace betteroms::omsctl
