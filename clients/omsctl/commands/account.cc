// account: the signing account oms-server uses, as the signer reports it, and the live trading
// account (API key id, funder, signature type, balance and allowances) when it is configured.
#include <map>
#include <string>

#include "absl/strings/match.h"
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

// The order signature types the CLOB accepts.
std::string SignatureTypeText(int type) {
  switch (type) {
    case 0:
      return "0 (EOA)";
    case 1:
      return "1 (POLY_PROXY)";
    case 2:
      return "2 (POLY_GNOSIS_SAFE)";
    case 3:
      return "3 (POLY_1271, deposit wallet)";
    default:
      return absl::StrCat(type, " (unknown)");
  }
}

// The exchange contracts that spend collateral, by address; the server reports spenders in lower
// case, so the comparison ignores case.
std::string SpenderText(const std::string& spender) {
  struct Known {
    const char* address;
    const char* name;
  };
  static constexpr Known kKnown[] = {
      {"0xE111180000d2663C0091e4f400237545B87B996B", "CTF Exchange V2"},
      {"0xe2222d279d744050d28e00520010520000310F59", "Neg Risk CTF Exchange V2"},
  };
  for (const Known& k : kKnown) {
    if (absl::EqualsIgnoreCase(spender, k.address)) return absl::StrCat(k.address, " ", k.name);
  }
  return spender;
}

std::string LiveText(const v1::Account& a) {
  if (!a.live()) return "live     no (live trading is not configured)\n";
  std::string out =
      absl::StrCat("live     yes\napi key  ", a.api_key(), "\nmaker    ", a.maker_address(),
                   " (funder)\nsig type ", SignatureTypeText(a.signature_type()), "\n");
  // Empty when the venue could not be read; venue_error says why.
  absl::StrAppend(&out, "balance  ",
                  a.collateral_balance().empty() ? "-" : Dollars(a.collateral_balance()), "\n");
  // The proto map has no order; sorted, the lines are stable from one call to the next.
  std::map<std::string, std::string> allowances(a.allowances().begin(), a.allowances().end());
  for (const auto& [spender, amount] : allowances) {
    absl::StrAppend(&out, "allowed  ", Dollars(amount), " to ", SpenderText(spender), "\n");
  }
  if (!a.venue_error().empty()) absl::StrAppend(&out, "venue    error: ", a.venue_error(), "\n");
  return out;
}

}  // namespace

void AddAccountCommand(CLI::App& app, Client& client, int& exit_code) {
  CLI::App* account = app.add_subcommand(
      "account", "the signing account: address, chain and policy; live: key, funder, balance");
  account->callback([&client, &exit_code] {
    v1::Account resp;
    if (!client.Call(&v1::OrderManager::Stub::GetAccount, v1::GetAccountRequest(), &resp,
                     exit_code)) {
      return;
    }
    Print(client.json(), resp, [&resp] {
      return absl::StrCat("signer   ", resp.signer_address(), "\nchain    ", resp.chain_id(),
                          ChainName(resp.chain_id()), "\nendpoint ", resp.signer_endpoint(),
                          "\npolicy   ", resp.policy_summary(), "\n", LiveText(resp));
    });
    exit_code = kOk;
  });
}

}  // namespace betteroms::omsctl
