// oms-signer: holds the private key and signs Polymarket orders for the OMS, under a policy,
// and nothing else. This file only parses flags; signer/server.h does the rest.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/version.h"
#include "signer/server.h"

namespace {

constexpr char kPolicyHelp[] =
    R"(Policy file (--policy, JSON). Each field has one type and range; a wrong type, an empty
list, an unknown value or an unknown field stops start-up with a message naming the field.
All but chain_id are optional:
  {
    "chain_id": 137,                              number: 137 Polygon or 80002 Amoy
    "exchanges": ["ctf-v2", "neg-risk-v2", "v3"], non-empty; also ctf-v1, neg-risk-v1
    "makers": ["0x..."],                          non-empty; default: the key's address
    "signers": ["0x..."],                         non-empty; default: the key's address
    "signature_types": [0],                       non-empty: 0 EOA, 1 proxy, 2 safe, 3 POLY_1271
    "max_order_notional": "1000",                 decimal string > 0: USDC per order
    "max_daily_notional": "5000",                 decimal string > 0: USDC per UTC day, kept
                                                  across restarts
    "price_band": {"min": "0.01", "max": "0.99"}, decimal strings, 0 < min <= max < 1;
                                                  default 0.000001-0.999999
    "tokens": ["7132..."],                        non-empty list of decimal token id strings;
                                                  absent = any token
    "max_signs_per_second": 50,                   integer 1-100000; default unlimited
    "clob_auth_window_seconds": 300,              integer 1-3600: how far a ClobAuth timestamp
                                                  may be from now; default 300
    "max_clob_auths_per_minute": 10               integer 1-600; default 10
  }
The signer derives price and notional from the order's own amounts, exactly (an implied
price outside (0, 1) or the band is refused whatever the sizes; a zero amount is refused by
the rule amounts). Without --policy it answers GetIdentity but refuses every order and
ClobAuth (rule policy). A refusal is PERMISSION_DENIED (RESOURCE_EXHAUSTED for
max_signs_per_second and max_clob_auths_per_minute) with the rule in a
betteroms.signer.v1.PolicyRefusal trailer; every decision is in the audit log.

Transport: --tls-cert/--tls-key/--client-ca (mTLS, client certificate required; pin clients
with --pin-client-sha256), or --listen unix:/path (socket mode 0600), or plaintext with
--insecure-loopback on a loopback address only (127.0.0.0/8, [::1], localhost).

Durability: no signature is released before its ledger record (--state-dir) and its audit
record are synced; concurrent requests share the syncs. A full disk or a file size limit
fails the request with RESOURCE_EXHAUSTED naming the file ("No space left on device"),
keeps both files at their last complete record, and signing resumes once there is room.
Refusals are audited at most 10 a second (bursts of 100); the next record counts the rest
in "suppressed_refusals".

The ledger records the audit chain's head. If the audit log lacks it (its last records
were removed, or another file is given), the signer refuses to start and says so. Recovery:
restore the log from a backup; or, after investigating, start once with --accept-audit-gap,
which continues the log's own chain and writes an "audit_gap_accepted" record naming what
was missing. `oms-signer audit verify FILE` checks a log's chain.

Exit status: 0 after a clean stop, 1 when the configuration, a file or the key is refused.)";

int Fail(const absl::Status& status) {
  std::cerr << "oms-signer: " << status.message() << "\n";
  return 1;
}

int Print(const absl::StatusOr<std::string>& line) {
  if (!line.ok()) return Fail(line.status());
  std::cout << *line << "\n";
  return 0;
}

int Main(int argc, char** argv) {
  betteroms::signer::SignerConfig config;
  CLI::App app{
      "oms-signer: the BetterOMS key holder. It alone reads the private key and returns\n"
      "EIP-712 signatures for Polymarket orders, under a policy.",
      "oms-signer"};
  app.add_option("--key-file", config.key_file,
                 "raw hex private key; refused when group/others can read it");
  app.add_option("--keystore", config.keystore, "Ethereum V3 keystore file (with --password-file)");
  app.add_option("--password-file", config.password_file, "the keystore's password (first line)");
  app.add_option("--expect-address", config.expect_address,
                 "refuse to start unless the key has this address");
  app.add_option("--policy", config.policy_file, "policy JSON (format below)");
  app.add_option("--state-dir", config.state_dir,
                 "durable intents and daily totals (required with --policy)");
  app.add_option("--audit-log", config.audit_log, "append a hash-chained JSON line per decision");
  app.add_flag("--accept-audit-gap", config.accept_audit_gap,
               "start although the audit log lacks records the ledger committed (see below)");
  app.add_option("--listen", config.listen, "HOST:PORT, or unix:/path/to/socket")
      ->capture_default_str();
  app.add_option("--tls-cert", config.tls_cert, "server certificate PEM (mTLS)");
  app.add_option("--tls-key", config.tls_key, "server key PEM (mTLS)");
  app.add_option("--client-ca", config.client_ca, "CA that signs client certificates (mTLS)");
  app.add_option("--pin-client-sha256", config.pinned_client_sha256,
                 "allowed client certificate SHA-256 (repeatable)");
  app.add_flag("--insecure-loopback", config.insecure_loopback,
               "plaintext gRPC, loopback addresses only");
  app.add_option("--port-file", config.port_file, "write the bound port here once listening");
  app.add_option("--metrics-listen", config.metrics_listen,
                 "serve Prometheus metrics (plain HTTP GET /metrics) on HOST:PORT, e.g. "
                 "127.0.0.1:9465; loopback only unless --metrics-public; off unless set");
  app.add_flag("--metrics-public", config.metrics_public,
               "allow --metrics-listen beyond loopback, for a scraper in another pod: metrics "
               "are unauthenticated, so let only the scraper reach the port (NetworkPolicy)");
  app.add_option("--health-listen", config.health_listen,
                 "serve plaintext gRPC on HOST:PORT answering only grpc.health.v1.Health/Check "
                 "(SERVING while the key is loaded and the ledger writable), for a kubelet gRPC "
                 "probe while the API is mTLS-only, e.g. 0.0.0.0:50062; off unless set");
  app.footer(kPolicyHelp);
  app.set_version_flag("--version", betteroms::VersionLine("oms-signer"),
                       "print the git revision and exit");

  std::string keygen_out, keygen_password;
  CLI::App* keygen = app.add_subcommand(
      "keygen", "write a new random key (keystore with --password-file, else raw hex), mode 0600");
  keygen->add_option("--out", keygen_out, "file to create")->required();
  keygen->add_option("--password-file", keygen_password,
                     "encrypt as a V3 keystore with this password");
  std::string audit_file;
  CLI::App* audit_cmd = app.add_subcommand("audit", "audit log tools");
  CLI::App* verify = audit_cmd->add_subcommand("verify", "check an audit log's hash chain");
  verify->add_option("file", audit_file, "the audit log")->required();
  CLI11_PARSE(app, argc, argv);

  if (keygen->parsed()) return Print(betteroms::signer::RunKeygen(keygen_out, keygen_password));
  if (verify->parsed()) return Print(betteroms::signer::RunAuditVerify(audit_file));
  absl::Status status = betteroms::signer::RunServer(config);
  return status.ok() ? 0 : Fail(status);
}

}  // namespace

// A library exception (CLI11, the standard library) is a bug or an impossible state: say so on
// one line instead of aborting with a core dump.
int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "oms-signer: unexpected error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "oms-signer: unexpected error\n";
  }
  return 1;
}
