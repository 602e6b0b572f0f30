// oms-signer wiring: configuration and its start-up checks, key and policy loading, the gRPC
// server and graceful stop, and the keygen and audit tools.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace betteroms::signer {

struct SignerConfig {
  std::string key_file;       // raw hex key, mode 0600
  std::string keystore;       // or an Ethereum V3 keystore...
  std::string password_file;  // ...with its password
  std::string expect_address;
  std::string policy_file;  // empty: refuse every order
  std::string state_dir;    // required with a policy
  std::string audit_log;
  std::string listen = "127.0.0.1:50061";  // HOST:PORT or unix:/path
  std::string port_file;  // written with the bound port once listening (tests use port 0)
  std::string tls_cert;
  std::string tls_key;
  std::string client_ca;
  std::vector<std::string> pinned_client_sha256;  // hex, colons allowed
  bool insecure_loopback = false;
  bool accept_audit_gap = false;  // start although the audit log lacks committed records
  // Observability, both off unless set.
  std::string metrics_listen;   // HOST:PORT for GET /metrics (plain HTTP)
  bool metrics_public = false;  // allow metrics_listen beyond loopback
  std::string health_listen;    // HOST:PORT: plaintext gRPC serving only Health/Check
};

// Checks the configuration without touching the network or the files: one key source, a
// transport (all of --tls-cert, --tls-key and --client-ca; --listen unix:/path; or
// --insecure-loopback on a loopback address), pins only with mTLS, --state-dir with --policy.
// InvalidArgument names the flag.
absl::Status ValidateConfig(const SignerConfig& config);

// Validates, loads key, policy, TLS files and ledger (each failure names its flag and path),
// serves until SIGTERM/SIGINT, then stops gracefully.
absl::Status RunServer(const SignerConfig& config);

// `oms-signer keygen`: writes a new key to `out` (a V3 keystore when `password_file` is given,
// else raw hex), mode 0600, never over an existing file. Returns the line to print.
absl::StatusOr<std::string> RunKeygen(const std::string& out, const std::string& password_file);

// `oms-signer audit verify`: checks an audit log's hash chain. Returns the line to print;
// DataLoss says which line was edited, removed or moved.
absl::StatusOr<std::string> RunAuditVerify(const std::string& path);

}  // namespace betteroms::signer
