// oms-signer: holds the private key and signs Polymarket orders for the OMS, under a policy,
// and nothing else.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/file.h"
#include "common/log.h"
#include "signer/audit/audit_log.h"
#include "signer/crypto/eip712.h"
#include "signer/key/keystore.h"
#include "signer/key/secret_key.h"
#include "signer/signer_service.h"
#include "signer/signing_core.h"

namespace {

constexpr char kPolicyHelp[] =
    R"(Policy file (--policy, JSON; all but chain_id optional, unknown fields refused):
  {
    "chain_id": 137,                              137 Polygon or 80002 Amoy
    "exchanges": ["ctf-v2", "neg-risk-v2", "v3"],
    "makers": ["0x..."],                          default: the key's address
    "signers": ["0x..."],                         default: the key's address
    "signature_types": [0],                       0 EOA, 1 proxy, 2 safe, 3 POLY_1271
    "max_order_notional": "1000",                 USDC per order
    "max_daily_notional": "5000",                 USDC per UTC day, kept across restarts
    "price_band": {"min": "0.01", "max": "0.99"},
    "tokens": ["7132..."],                        token allow-list; absent = any token
    "max_signs_per_second": 50
  }
The signer derives price and notional from the order's own amounts. Without --policy it
answers GetIdentity but refuses to sign.

Transport: --tls-cert/--tls-key/--client-ca (mTLS, client certificate required; pin clients
with --pin-client-sha256), or --listen unix:/path (socket mode 0600), or plaintext with
--insecure-loopback on a loopback address only.)";

bool IsLoopback(const std::string& host_port) {
  std::string host = host_port.substr(0, host_port.rfind(':'));
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

int Fail(const std::string& msg) {
  std::cerr << "oms-signer: " << msg << "\n";
  return 1;
}

std::string ReadAll(const std::string& path) { return betteroms::ReadFileText(path).value_or(""); }

}  // namespace

int main(int argc, char** argv) {
  std::string key_file, keystore, password_file, expect_address, policy_file, state_dir;
  std::string audit_path, listen = "127.0.0.1:50061", port_file, tls_cert, tls_key, client_ca;
  std::vector<std::string> pins;
  bool insecure_loopback = false;

  CLI::App app{
      "oms-signer: the BetterOMS key holder. It alone reads the private key and returns\n"
      "EIP-712 signatures for Polymarket orders, under a policy.",
      "oms-signer"};
  app.add_option("--key-file", key_file,
                 "raw hex private key; refused when group/others can read it");
  app.add_option("--keystore", keystore, "Ethereum V3 keystore file (with --password-file)");
  app.add_option("--password-file", password_file, "the keystore's password (first line)");
  app.add_option("--expect-address", expect_address,
                 "refuse to start unless the key has this address");
  app.add_option("--policy", policy_file, "policy JSON (format below)");
  app.add_option("--state-dir", state_dir,
                 "durable intents and daily totals (required with --policy)");
  app.add_option("--audit-log", audit_path, "append a hash-chained JSON line per decision");
  app.add_option("--listen", listen, "HOST:PORT, or unix:/path/to/socket")->capture_default_str();
  app.add_option("--tls-cert", tls_cert, "server certificate PEM (mTLS)");
  app.add_option("--tls-key", tls_key, "server key PEM (mTLS)");
  app.add_option("--client-ca", client_ca, "CA that signs client certificates (mTLS)");
  app.add_option("--pin-client-sha256", pins, "allowed client certificate SHA-256 (repeatable)");
  app.add_flag("--insecure-loopback", insecure_loopback, "plaintext gRPC, loopback addresses only");
  app.add_option("--port-file", port_file, "write the bound port here once listening");
  app.footer(kPolicyHelp);

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

  if (keygen->parsed()) {
    if (keygen_password.empty()) {
      absl::Status st = betteroms::key::WriteNewHexKey(keygen_out);
      if (!st.ok()) return Fail(std::string(st.message()));
      std::cout << keygen_out << "\n";
      return 0;
    }
    auto password = betteroms::key::ReadPasswordFile(keygen_password);
    if (!password.ok()) return Fail(std::string(password.status().message()));
    auto address = betteroms::key::WriteNewKeystore(keygen_out, *password);
    if (!address.ok()) return Fail(std::string(address.status().message()));
    std::cout << *address << "\n";
    return 0;
  }
  if (verify->parsed()) {
    auto lines = betteroms::audit::VerifyAuditLog(audit_file);
    if (!lines.ok()) return Fail(std::string(lines.status().message()));
    std::cout << audit_file << ": " << *lines << " lines, chain intact\n";
    return 0;
  }

  // The key, from exactly one source.
  if (key_file.empty() == keystore.empty())
    return Fail("give exactly one of --key-file or --keystore");
  absl::StatusOr<betteroms::key::SecretKey> key = absl::InvalidArgumentError("no key");
  if (!key_file.empty()) {
    key = betteroms::key::SecretKey::FromHexFile(key_file);
  } else {
    if (password_file.empty()) return Fail("--keystore needs --password-file");
    auto password = betteroms::key::ReadPasswordFile(password_file);
    if (!password.ok()) return Fail(std::string(password.status().message()));
    key = betteroms::key::LoadKeystore(keystore, *password);
  }
  if (!key.ok()) return Fail(std::string(key.status().message()));
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::string address = betteroms::signer::AddressOf(ctx, *key);
  secp256k1_context_destroy(ctx);
  if (!expect_address.empty()) {
    auto want = betteroms::crypto::ParseAddress(expect_address);
    auto have = betteroms::crypto::ParseAddress(address);
    if (!want || *want != *have) {
      return Fail("the key's address " + address + " is not the expected " + expect_address);
    }
  }

  // Transport: mTLS, a Unix socket, or plaintext on loopback.
  bool unix_socket = listen.rfind("unix:", 0) == 0;
  bool tls = !tls_cert.empty() || !tls_key.empty() || !client_ca.empty();
  if (tls && (tls_cert.empty() || tls_key.empty() || client_ca.empty())) {
    return Fail("mTLS needs all of --tls-cert, --tls-key and --client-ca");
  }
  if (!tls && !unix_socket) {
    if (!insecure_loopback) {
      return Fail(
          "no transport: use mTLS (--tls-cert, --tls-key, --client-ca), a Unix socket "
          "(--listen unix:/path), or --insecure-loopback on a loopback address");
    }
    if (!IsLoopback(listen)) {
      return Fail(
          "--insecure-loopback allows loopback addresses only (127.0.0.1, [::1], "
          "localhost), got " +
          listen);
    }
  }

  betteroms::policy::Policy policy = betteroms::policy::RefuseAll();
  if (!policy_file.empty()) {
    auto loaded =
        betteroms::policy::LoadPolicy(policy_file, *betteroms::crypto::ParseAddress(address));
    if (!loaded.ok()) return Fail(std::string(loaded.status().message()));
    policy = *loaded;
    if (state_dir.empty()) return Fail("--policy needs --state-dir for its durable records");
  }
  std::unique_ptr<betteroms::audit::AuditLog> audit;
  if (!audit_path.empty()) {
    auto opened = betteroms::audit::AuditLog::Open(audit_path);
    if (!opened.ok()) return Fail(std::string(opened.status().message()));
    audit = std::move(*opened);
  }
  if (state_dir.empty()) {
    char tmpl[] = "/tmp/oms-signer-state-XXXXXX";  // nothing to sign without a policy anyway
    state_dir = mkdtemp(tmpl);
  }
  betteroms::SystemClock clock;
  auto core = betteroms::signer::SigningCore::Create(std::move(*key), policy, state_dir,
                                                     audit.get(), clock);
  if (!core.ok()) return Fail(std::string(core.status().message()));

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
  if (tls) {
    grpc::SslServerCredentialsOptions ssl(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_root_certs = ReadAll(client_ca);
    ssl.pem_key_cert_pairs.push_back({ReadAll(tls_key), ReadAll(tls_cert)});
    if (ssl.pem_root_certs.empty() || ssl.pem_key_cert_pairs[0].cert_chain.empty() ||
        ssl.pem_key_cert_pairs[0].private_key.empty()) {
      return Fail("cannot read the TLS certificate, key or client CA");
    }
    creds = grpc::SslServerCredentials(ssl);
  }
  std::set<std::string> pinned;
  for (std::string p : pins) {
    for (char& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    p.erase(std::remove(p.begin(), p.end(), ':'), p.end());
    pinned.insert(p);
  }
  betteroms::signer::SignerService service(**core, pinned);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, creds, unix_socket ? nullptr : &port);
  builder.RegisterService(&service);
  // One completion queue: on a small host each extra queue is another thread to wake per call.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || (!unix_socket && port == 0)) return Fail("cannot listen on " + listen);
  if (unix_socket) chmod(listen.substr(5).c_str(), 0600);
  if (!port_file.empty()) {
    std::ofstream(port_file + ".tmp") << port << "\n";
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }
  betteroms::LogInfo("oms-signer listening", {{"address", listen},
                                              {"port", std::to_string(port)},
                                              {"transport", tls           ? "mtls"
                                                            : unix_socket ? "unix"
                                                                          : "insecure-loopback"},
                                              {"signer_address", (*core)->address()},
                                              {"policy", (*core)->PolicySummary()}});
  int sig = 0;
  sigwait(&signals, &sig);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  betteroms::LogInfo("oms-signer stopped");
  return 0;
}
