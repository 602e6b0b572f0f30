// omsctl: the BetterOMS command line, over the OrderManager gRPC API.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/completion.h"
#include "clients/omsctl/rpc.h"
#include "common/version.h"

namespace {

// `omsctl execute:trade-plan FILE` is the original command name; CLI11 names cannot hold ':',
// so it is rewritten to `plan submit` before parsing.
std::vector<std::string> RewriteAlias(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "execute:trade-plan") {
      args[i] = "submit";
      args.insert(args.begin() + static_cast<std::ptrdiff_t>(i), "plan");
      break;
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments in reverse order
  return args;
}

int Main(int argc, char** argv) {
  betteroms::omsctl::GlobalOptions options;
  if (const char* s = std::getenv("BETTEROMS_SERVER"); s != nullptr && *s != '\0') {
    options.server = s;
  }
  CLI::App app{"omsctl: submit trade plans to BetterOMS and inspect runs, orders and positions.",
               "omsctl"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", betteroms::VersionLine("omsctl"),
                       "print the git revision and exit");
  app.add_option("--server", options.server, "oms-server address [env BETTEROMS_SERVER]")
      ->capture_default_str();
  app.add_option("-o,--output", options.output, "table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  app.add_option("--timeout", options.timeout_seconds, "seconds to wait for an answer")
      ->capture_default_str();
  app.add_option("--auth-token-file", options.auth_token_file,
                 "bearer token for a server beyond loopback");
  app.add_option("--tls-ca", options.tls_ca, "CA certificate to trust for a TLS server");
  app.footer(
      "Exit codes: 0 ok, 1 run failed or other error, 2 invalid input (bad plan, file or id),\n"
      "3 unavailable (server, database or CLOB down), 4 conflict (duplicate planId).\n"
      "Examples:\n"
      "  omsctl plan submit examples/buy.json   (also: omsctl execute:trade-plan FILE)\n"
      "  cat plan.json | omsctl plan submit -\n"
      "  omsctl runs show my-plan-1\n"
      "  omsctl -o json positions --mode paper\n"
      "  omsctl trading halt --reason \"venue incident\"   (stops live trading until resumed)");
  int exit_code = betteroms::omsctl::kOk;
  betteroms::omsctl::Client client(options);
  betteroms::omsctl::AddCommands(app, client, exit_code);
  std::string shell;
  CLI::App* completion = app.add_subcommand(
      "completion", "print a shell completion script: source <(omsctl completion bash)");
  completion->add_option("shell", shell, "bash")->required()->check(CLI::IsMember({"bash"}));
  completion->callback([&app, &exit_code] {
    std::cout << betteroms::omsctl::BashCompletion(app);
    exit_code = betteroms::omsctl::kOk;
  });
  try {
    std::vector<std::string> args = RewriteAlias(argc, argv);
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : betteroms::omsctl::kInvalidInput;
  }
  return exit_code;
}

}  // namespace

// A library exception (CLI11, the standard library) is a bug or an impossible state: say so on
// one line instead of aborting with a core dump.
int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "omsctl: unexpected error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "omsctl: unexpected error\n";
  }
  return 1;
}
