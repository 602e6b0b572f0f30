// account: the signing account oms-server uses, as the signer reports it.
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"

namespace betteroms::omsctl {
namespace {

std::string ChainName(uint64_t chain_id) {
  if (chain_id == 137) return " (Polygon)";
  if (chain_id == 80002) return " (Amoy)";
  return "";
}

}  // namespace

void AddAccountCommand(CLI::App& app, Client& client, int& exit_code) {
  CLI::App* account =
      app.add_subcommand("account", "the signing account: address, chain and policy");
  account->callback([&client, &exit_code] {
    v1::Account resp;
    if (!client.Call(&v1::OrderManager::Stub::GetAccount, v1::GetAccountRequest(), &resp,
                     exit_code)) {
      return;
    }
    Print(client.json(), resp, [&resp] {
      return absl::StrCat("signer   ", resp.signer_address(), "\nchain    ", resp.chain_id(),
                          ChainName(resp.chain_id()), "\nendpoint ", resp.signer_endpoint(),
                          "\npolicy   ", resp.policy_summary(), "\n");
    });
    exit_code = kOk;
  });
}

}  // namespace betteroms::omsctl
