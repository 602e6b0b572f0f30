#include "signer/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <openssl/crypto.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/file.h"
#include "common/health_probe.h"
#include "common/log.h"
#include "common/metrics_server.h"
#include "common/net.h"
#include "common/rpc_metrics.h"
#include "common/status_macros.h"
#include "common/time.h"
#include "signer/audit/audit_log.h"
#include "signer/crypto/eip712.h"
#include "signer/grpc/signer_service.h"
#include "signer/identity.h"
#include "signer/key/keystore.h"
#include "signer/key/secret_key.h"
#include "signer/policy/policy.h"
#include "signer/signing_core.h"

namespace betteroms::signer {
namespace {

constexpr char kUnixPrefix[] = "unix:";

// Lower-case hex without colons; nullopt unless that is 64 hex digits.
std::optional<std::string> NormalisePin(const std::string& pin) {
  std::string out;
  for (char c : pin) {
    if (c == ':') continue;
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  if (out.size() != 64) return std::nullopt;
  return out;
}

bool UsesTls(const SignerConfig& c) {
  return !c.tls_cert.empty() || !c.tls_key.empty() || !c.client_ca.empty();
}

// Wipes a string holding a secret when it goes out of scope.
class WipeOnExit {
 public:
  explicit WipeOnExit(std::string& secret) : secret_(secret) {}
  ~WipeOnExit() { OPENSSL_cleanse(secret_.data(), secret_.size()); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  std::string& secret_;
};

absl::StatusOr<key::SecretKey> LoadKey(const SignerConfig& c) {
  if (!c.key_file.empty()) return key::SecretKey::FromHexFile(c.key_file);
  OMS_ASSIGN_OR_RETURN(std::string password, key::ReadPasswordFile(c.password_file));
  WipeOnExit wipe(password);
  return key::LoadKeystore(c.keystore, password);
}

// The process holds the key: no core dump, no ptrace by other processes of the same user, and a
// file size limit turns into EFBIG (a clear refusal) instead of a silent kill by SIGXFSZ.
void HardenProcess() {
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(SIGXFSZ, SIG_IGN);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const SignerConfig& c) {
  if (!UsesTls(c)) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  OMS_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFlagFile(c.client_ca, "--client-ca"));
  OMS_ASSIGN_OR_RETURN(std::string cert, ReadFlagFile(c.tls_cert, "--tls-cert"));
  OMS_ASSIGN_OR_RETURN(std::string key, ReadFlagFile(c.tls_key, "--tls-key"));
  ssl.pem_key_cert_pairs.push_back({key, std::move(cert)});
  OPENSSL_cleanse(key.data(), key.size());
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::SslServerCredentials(ssl);
  for (auto& pair : ssl.pem_key_cert_pairs) {  // gRPC keeps its own copy
    OPENSSL_cleanse(pair.private_key.data(), pair.private_key.size());
  }
  return creds;
}

}  // namespace

absl::Status ValidateConfig(const SignerConfig& c) {
  if (c.key_file.empty() == c.keystore.empty()) {
    return absl::InvalidArgumentError("give exactly one of --key-file or --keystore");
  }
  if (!c.keystore.empty() && c.password_file.empty()) {
    return absl::InvalidArgumentError("--keystore needs --password-file");
  }
  if (!c.key_file.empty() && !c.password_file.empty()) {
    return absl::InvalidArgumentError("--password-file goes with --keystore, not --key-file");
  }
  if (!c.policy_file.empty() && c.state_dir.empty()) {
    return absl::InvalidArgumentError("--policy needs --state-dir for its durable records");
  }
  bool tls = UsesTls(c);
  if (tls) {
    for (const auto& [value, flag] :
         {std::pair{&c.tls_cert, "--tls-cert"}, std::pair{&c.tls_key, "--tls-key"},
          std::pair{&c.client_ca, "--client-ca"}}) {
      if (value->empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "mTLS needs all of --tls-cert, --tls-key and --client-ca; ", flag, " is missing"));
      }
    }
  }
  if (!c.pinned_client_sha256.empty() && !tls) {
    return absl::InvalidArgumentError(
        "--pin-client-sha256 needs mTLS (--tls-cert, --tls-key and --client-ca)");
  }
  for (const std::string& pin : c.pinned_client_sha256) {
    if (!NormalisePin(pin)) {
      return absl::InvalidArgumentError(absl::StrCat("--pin-client-sha256: \"", pin.substr(0, 100),
                                                     "\" is not a SHA-256 fingerprint"));
    }
  }
  if (!c.metrics_listen.empty()) {
    OMS_RETURN_IF_ERROR(metrics::CheckMetricsListen(c.metrics_listen, c.metrics_public));
  } else if (c.metrics_public) {
    return absl::InvalidArgumentError("--metrics-public goes with --metrics-listen");
  }
  if (!c.health_listen.empty()) OMS_RETURN_IF_ERROR(CheckHealthListen(c.health_listen));
  if (absl::StartsWith(c.listen, kUnixPrefix)) {
    if (c.listen.size() == sizeof(kUnixPrefix) - 1) {
      return absl::InvalidArgumentError("--listen unix: needs a socket path (unix:/path)");
    }
    return absl::OkStatus();
  }
  if (!ParseHostPort(c.listen)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen must be HOST:PORT, [IPv6]:PORT or unix:/path, got \"", c.listen, "\""));
  }
  if (tls) return absl::OkStatus();
  if (!c.insecure_loopback) {
    return absl::InvalidArgumentError(
        "no transport: use mTLS (--tls-cert, --tls-key, --client-ca), a Unix socket "
        "(--listen unix:/path), or --insecure-loopback on a loopback address");
  }
  if (!IsLoopbackAddress(c.listen)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--insecure-loopback allows loopback addresses only (127.0.0.0/8, [::1], "
                     "localhost); --listen is \"",
                     c.listen, "\""));
  }
  return absl::OkStatus();
}

absl::Status RunServer(const SignerConfig& config) {
  OMS_RETURN_IF_ERROR(ValidateConfig(config));
  HardenProcess();
  // Signals are taken by this thread with sigwait; block them before the ledger starts a thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Every file first, so a bad mount fails before the key is even read.
  OMS_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> creds, Credentials(config));

  // The key, from exactly one source (ValidateConfig).
  OMS_ASSIGN_OR_RETURN(key::SecretKey key, LoadKey(config));
  if (!key.locked()) {
    LogWarn("the key's page is not locked in memory (RLIMIT_MEMLOCK); it may reach swap");
  }
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::string address = AddressOf(ctx, key);
  secp256k1_context_destroy(ctx);
  std::optional<crypto::Address> key_address = crypto::ParseAddress(address);
  if (!key_address) return absl::InvalidArgumentError("the key is not a valid secp256k1 secret");
  if (!config.expect_address.empty()) {
    std::optional<crypto::Address> want = crypto::ParseAddress(config.expect_address);
    if (!want) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--expect-address: \"", config.expect_address.substr(0, 100), "\" is not an address"));
    }
    if (*want != *key_address) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the key's address ", address, " is not the expected ", config.expect_address));
    }
  }

  policy::Policy policy = policy::RefuseAll();
  if (!config.policy_file.empty()) {
    OMS_ASSIGN_OR_RETURN(policy, policy::LoadPolicy(config.policy_file, *key_address));
  }
  std::unique_ptr<audit::AuditLog> audit;
  if (!config.audit_log.empty()) {
    OMS_ASSIGN_OR_RETURN(audit, audit::AuditLog::Open(config.audit_log));
  }
  std::string state_dir = config.state_dir;
  if (state_dir.empty()) {
    char tmpl[] = "/tmp/oms-signer-state-XXXXXX";  // nothing to sign without a policy anyway
    if (mkdtemp(tmpl) == nullptr) {
      return absl::FailedPreconditionError("cannot create a temporary state dir in /tmp");
    }
    state_dir = tmpl;
  }
  SystemClock clock;
  CoreOptions options;
  options.accept_audit_gap = config.accept_audit_gap;
  OMS_ASSIGN_OR_RETURN(
      std::unique_ptr<SigningCore> core,
      SigningCore::Create(std::move(key), policy, state_dir, audit.get(), clock, options));

  std::set<std::string> pinned;
  for (const std::string& pin : config.pinned_client_sha256) pinned.insert(*NormalisePin(pin));
  grpc_api::SignerService service(*core, pinned);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  bool unix_socket = absl::StartsWith(config.listen, kUnixPrefix);
  int port = 0;
  builder.AddListeningPort(config.listen, creds, unix_socket ? nullptr : &port);
  builder.RegisterService(&service);
  builder.experimental().SetInterceptorCreators(
      RpcMetricsInterceptors({v1::Signer::service_full_name(), "grpc.health.v1.Health",
                              "grpc.reflection.v1alpha.ServerReflection"}));
  // One completion queue: on a small host each extra queue is another thread to wake per call.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  // The socket is born 0600: no window in which another user could connect before a chmod.
  mode_t old_umask = unix_socket ? umask(0177) : 0;
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (unix_socket) umask(old_umask);
  if (server == nullptr || (!unix_socket && port == 0)) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen, " (address in use or not available)"));
  }
  if (unix_socket) {
    std::string path = config.listen.substr(sizeof(kUnixPrefix) - 1);
    if (chmod(path.c_str(), 0600) != 0) {
      server->Shutdown();
      return absl::FailedPreconditionError(absl::StrCat("chmod 0600 ", path, " failed"));
    }
  }
  if (!config.port_file.empty()) {
    std::ofstream(config.port_file + ".tmp") << port << "\n";
    std::rename((config.port_file + ".tmp").c_str(), config.port_file.c_str());
  }
  LogInfo("oms-signer listening", {{"address", config.listen},
                                   {"port", std::to_string(port)},
                                   {"transport", UsesTls(config) ? "mtls"
                                                 : unix_socket   ? "unix"
                                                                 : "insecure-loopback"},
                                   {"signer_address", core->address()},
                                   {"policy", core->PolicySummary()}});
  std::unique_ptr<metrics::MetricsServer> metrics_server;
  if (!config.metrics_listen.empty()) {
    OMS_ASSIGN_OR_RETURN(metrics_server, metrics::MetricsServer::Start(config.metrics_listen));
    LogInfo("metrics listening",
            {{"address", config.metrics_listen}, {"port", std::to_string(metrics_server->port())}});
  }
  // Healthy while the key is loaded (it is, or the process would have stopped) and the ledger
  // can record signatures: no write has failed and the state folder is still writable (a volume
  // remounted read-only shows here before the next signature finds it).
  std::atomic<bool> healthy{true};
  auto check = [&] { return core->LedgerHealth().ok() && access(state_dir.c_str(), W_OK) == 0; };
  absl::StatusOr<std::unique_ptr<HealthProbeServer>> probe =
      HealthProbeServer::StartIfSet(config.health_listen, {v1::Signer::service_full_name()},
                                    [&healthy] { return healthy.load(); });
  if (!probe.ok()) {
    server->Shutdown();
    return probe.status();
  }
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread health([&] {
    bool last = true;
    std::unique_lock<std::mutex> lock(mu);
    while (!cv.wait_for(lock, std::chrono::seconds(2), [&] { return stopping; })) {
      bool ok = check();
      healthy = ok;
      if (ok != last) {
        server->GetHealthCheckService()->SetServingStatus(ok);
        LogInfo("health", {{"serving", ok ? "true" : "false"}});
        last = ok;
      }
    }
  });

  int sig = 0;
  sigwait(&signals, &sig);
  LogInfo("stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  {
    std::lock_guard<std::mutex> lock(mu);
    stopping = true;
  }
  cv.notify_all();
  health.join();
  probe->reset();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  LogInfo("oms-signer stopped");
  return absl::OkStatus();
}

absl::StatusOr<std::string> RunKeygen(const std::string& out, const std::string& password_file) {
  if (password_file.empty()) {
    OMS_RETURN_IF_ERROR(key::WriteNewHexKey(out));
    return out;
  }
  OMS_ASSIGN_OR_RETURN(std::string password, key::ReadPasswordFile(password_file));
  WipeOnExit wipe(password);
  return key::WriteNewKeystore(out, password);
}

absl::StatusOr<std::string> RunAuditVerify(const std::string& path) {
  OMS_ASSIGN_OR_RETURN(int lines, audit::VerifyAuditLog(path));
  return absl::StrCat(path, ": ", lines, " lines, chain intact");
}

}  // namespace betteroms::signer
