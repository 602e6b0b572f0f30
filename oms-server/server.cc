#include "oms-server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/auth_metadata_processor.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/file.h"
#include "common/log.h"
#include "common/net.h"
#include "common/status_macros.h"
#include "oms-server/grpc/order_manager.h"
#include "oms-server/market/market_data.h"
#include "oms-server/service/oms_service.h"
#include "oms-server/signer_client/order_signer.h"
#include "store/db.h"
#include "store/migrations.h"

namespace betteroms {
namespace {

// Migrations may run long and wait for another replica's migration lock: no statement timeout.
store::ConnectOptions MigrationConnection() {
  store::ConnectOptions options;
  options.statement_timeout = absl::ZeroDuration();
  return options;
}

// Requires "authorization: Bearer <token>" on every call.
class BearerTokenProcessor : public grpc::AuthMetadataProcessor {
 public:
  explicit BearerTokenProcessor(std::string token) : expected_("Bearer " + std::move(token)) {}
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext*, OutputMetadata*,
                       OutputMetadata*) override {
    auto it = auth_metadata.find("authorization");
    if (it == auth_metadata.end() ||
        std::string(it->second.data(), it->second.size()) != expected_) {
      return {grpc::StatusCode::UNAUTHENTICATED, "missing or wrong bearer token"};
    }
    return grpc::Status::OK;
  }

 private:
  std::string expected_;
};

absl::Status Migrate(store::Connection& conn) {
  OMS_ASSIGN_OR_RETURN(int applied, store::ApplyMigrations(conn, store::EmbeddedMigrations()));
  LogInfo("migrations applied", {{"applied", std::to_string(applied)},
                                 {"known", std::to_string(store::EmbeddedMigrations().size())}});
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateConfig(const ServerConfig& c) {
  if (c.database_url.empty()) {
    return absl::InvalidArgumentError("no database: set --database-url or DATABASE_URL");
  }
  if (c.listen.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen must be HOST:PORT, got \"", c.listen, "\""));
  }
  if (c.fill_model != "book" && c.fill_model != "top") {
    return absl::InvalidArgumentError("--fill-model must be \"book\" or \"top\"");
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!IsLoopbackAddress(c.listen) && (c.tls_cert.empty() || c.auth_token_file.empty())) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to listen on ", c.listen,
                     " beyond loopback without TLS and a bearer token: "
                     "set --tls-cert, --tls-key and --auth-token-file, or listen on 127.0.0.1"));
  }
  if (c.tick_interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--tick-interval must not be negative");
  }
  return absl::OkStatus();
}

absl::Status RunMigrate(const ServerConfig& config) {
  OMS_ASSIGN_OR_RETURN(auto conn,
                       store::Connection::Open(config.database_url, MigrationConnection()));
  return Migrate(*conn);
}

absl::Status RunServer(const ServerConfig& config) {
  OMS_RETURN_IF_ERROR(ValidateConfig(config));
  // Signals are taken by one thread with sigwait; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  {
    OMS_ASSIGN_OR_RETURN(auto conn,
                         store::Connection::Open(config.database_url, MigrationConnection()));
    OMS_RETURN_IF_ERROR(Migrate(*conn));
  }
  OMS_ASSIGN_OR_RETURN(auto market, market::MakeMarketData(config.market_data, config.clob_url));
  store::Pool pool(config.database_url, config.db_connections);
  SystemClock clock;
  std::unique_ptr<signer_client::OrderSigner> signer;
  if (!config.signer_addr.empty()) {
    OMS_ASSIGN_OR_RETURN(
        signer, signer_client::MakeGrpcSigner(
                    {config.signer_addr, config.signer_ca, config.signer_cert, config.signer_key}));
  }
  service::ServiceOptions options;
  options.signer = signer.get();
  options.fill_model =
      config.fill_model == "top" ? domain::FillModel::kTop : domain::FillModel::kBook;
  service::OmsService oms(pool, *market, clock, options);
  grpc_api::OrderManagerImpl api(oms);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
  if (!config.tls_cert.empty()) {
    OMS_ASSIGN_OR_RETURN(std::string cert, ReadFlagFile(config.tls_cert, "--tls-cert"));
    OMS_ASSIGN_OR_RETURN(std::string key, ReadFlagFile(config.tls_key, "--tls-key"));
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({key, cert});
    creds = grpc::SslServerCredentials(ssl);
    if (!config.auth_token_file.empty()) {
      OMS_ASSIGN_OR_RETURN(std::string token,
                           ReadFlagFile(config.auth_token_file, "--auth-token-file"));
      token = std::string(absl::StripAsciiWhitespace(token));
      creds->SetAuthMetadataProcessor(std::make_shared<BearerTokenProcessor>(token));
    }
  }
  int port = 0;
  builder.AddListeningPort(config.listen, creds, &port);
  builder.RegisterService(&api);
  grpc::ResourceQuota quota("oms");
  quota.SetMaxThreads(32);
  builder.SetResourceQuota(quota);
  builder.SetMaxReceiveMessageSize(16 << 20);
  // One completion queue: on a small host each extra queue is another thread to wake per call.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen, " (address in use or not available)"));
  }
  if (!config.port_file.empty()) {
    std::ofstream(config.port_file + ".tmp") << port << "\n";
    std::rename((config.port_file + ".tmp").c_str(), config.port_file.c_str());
  }
  LogInfo("oms-server listening", {{"address", config.listen},
                                   {"port", std::to_string(port)},
                                   {"market_data", market->Describe()}});

  // Health follows the database: SERVING only while it answers.
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable cv;
  std::thread health([&] {
    bool last = false;
    bool first = true;
    while (!stopping) {
      bool ok = oms.CheckDatabase().ok();
      if (ok != last || first) {
        server->GetHealthCheckService()->SetServingStatus(ok);
        if (!first || !ok) LogInfo("health", {{"serving", ok ? "true" : "false"}});
        last = ok;
        first = false;
      }
      std::unique_lock<std::mutex> lock(mu);
      cv.wait_for(lock, std::chrono::seconds(2), [&] { return stopping.load(); });
    }
  });
  std::thread ticker;
  if (config.tick_interval > absl::ZeroDuration()) {
    ticker = std::thread([&] {
      while (true) {
        std::unique_lock<std::mutex> lock(mu);
        if (cv.wait_for(lock, absl::ToChronoMilliseconds(config.tick_interval),
                        [&] { return stopping.load(); })) {
          return;
        }
        lock.unlock();
        auto report = oms.RunTick();
        if (report.ok()) {
          LogInfo("tick", {{"report", report->message}});
        } else {
          LogWarn("tick failed", {{"error", std::string(report.status().message())}});
        }
      }
    });
  }

  int sig = 0;
  sigwait(&signals, &sig);
  LogInfo("stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  {
    std::lock_guard<std::mutex> lock(mu);
    stopping = true;
  }
  cv.notify_all();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  health.join();
  if (ticker.joinable()) ticker.join();
  LogInfo("stopped");
  return absl::OkStatus();
}

}  // namespace betteroms
