#include "oms-server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/auth_metadata_processor.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/decimal.h"
#include "common/file.h"
#include "common/health_probe.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/metrics_server.h"
#include "common/net.h"
#include "common/plan_text.h"
#include "common/rpc_metrics.h"
#include "common/status_macros.h"
#include "oms-server/domain/plan.h"
#include "oms-server/grpc/order_manager.h"
#include "oms-server/market/http.h"
#include "oms-server/market/market_data.h"
#include "oms-server/market/metered_market_data.h"
#include "oms-server/service/live_trader.h"
#include "oms-server/service/oms_service.h"
#include "oms-server/service/tick_metrics.h"
#include "oms-server/signer_client/order_signer.h"
#include "oms-server/venue/clob_venue.h"
#include "oms-server/venue/credentials.h"
#include "store/db.h"
#include "store/migrations.h"
#include "store/order_counts.h"

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
  explicit BearerTokenProcessor(const std::string& token)
      : expected_(BearerTokenDigest("Bearer " + token)) {}
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext*, OutputMetadata*,
                       OutputMetadata*) override {
    auto it = auth_metadata.find("authorization");
    if (it == auth_metadata.end() ||
        !BearerTokenMatches(std::string_view(it->second.data(), it->second.size()), expected_)) {
      return {grpc::StatusCode::UNAUTHENTICATED, "missing or wrong bearer token"};
    }
    return grpc::Status::OK;
  }

 private:
  std::array<uint8_t, 32> expected_;
};

absl::Status Migrate(store::Connection& conn) {
  OMS_ASSIGN_OR_RETURN(int applied, store::ApplyMigrations(conn, store::EmbeddedMigrations()));
  LogInfo("migrations applied", {{"applied", std::to_string(applied)},
                                 {"known", std::to_string(store::EmbeddedMigrations().size())}});
  return absl::OkStatus();
}

bool IsHexOf(const std::string& text, size_t digits) {
  if (text.size() != digits + 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return false;
  }
  return std::all_of(text.begin() + 2, text.end(), [](char c) { return std::isxdigit(c) != 0; });
}

// A USDC limit flag: empty for none, else a positive decimal.
absl::StatusOr<std::optional<int64_t>> ParseLimit(const std::string& text, const char* flag) {
  if (text.empty()) return std::nullopt;
  absl::StatusOr<int64_t> v = ParseMicros(text);
  if (!v.ok() || *v <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " must be a positive USDC amount such as 250 or 99.50, got \"", text, "\""));
  }
  return std::optional<int64_t>(*v);
}

absl::StatusOr<service::LiveOptions> LiveOptionsFrom(const ServerConfig& c) {
  service::LiveOptions o;
  o.account.chain_id = c.chain_id;
  o.account.maker = c.funder;
  o.account.signer = c.signer_address;
  o.account.signature_type = c.signature_type;
  if (!c.builder_code.empty()) o.account.builder = c.builder_code;
  OMS_ASSIGN_OR_RETURN(o.limits.max_order_notional,
                       ParseLimit(c.max_order_notional, "--max-order-notional"));
  OMS_ASSIGN_OR_RETURN(o.limits.max_plan_notional,
                       ParseLimit(c.max_plan_notional, "--max-plan-notional"));
  OMS_ASSIGN_OR_RETURN(o.limits.max_daily_notional,
                       ParseLimit(c.max_daily_notional, "--max-daily-notional"));
  for (absl::string_view part : absl::StrSplit(c.allowed_tokens, ',', absl::SkipWhitespace())) {
    std::optional<std::string> id =
        domain::NormaliseTokenId(std::string(absl::StripAsciiWhitespace(part)));
    if (!id) {
      return absl::InvalidArgumentError(
          absl::StrCat("--allowed-tokens: \"", part, "\" is not a token id"));
    }
    o.limits.allowed_tokens.insert(*id);
  }
  o.grace = c.journal_grace;
  return o;
}

// Refreshes the orders gauge; a failure leaves the last values (the health check says why).
void RefreshOrderCounts(store::Pool& pool) {
  absl::StatusOr<store::Pool::Lease> conn = pool.Acquire(absl::Now() + absl::Seconds(1));
  if (!conn.ok()) return;
  absl::StatusOr<std::vector<store::OrderStatusCount>> counts = store::CountOrdersByStatus(**conn);
  if (!counts.ok()) return;
  std::vector<metrics::OrderCount> out;
  for (const store::OrderStatusCount& c : *counts) out.push_back({c.mode, c.status, c.count});
  metrics::SetOrderCounts(out);
}

}  // namespace

std::array<uint8_t, 32> BearerTokenDigest(std::string_view text) {
  std::array<uint8_t, 32> digest{};
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &len, EVP_sha256(), nullptr);
  return digest;
}

bool BearerTokenMatches(std::string_view presented, const std::array<uint8_t, 32>& expected) {
  std::array<uint8_t, 32> digest = BearerTokenDigest(presented);
  return CRYPTO_memcmp(digest.data(), expected.data(), digest.size()) == 0;
}

absl::StatusOr<std::string> ReadBearerToken(const std::string& path) {
  OMS_ASSIGN_OR_RETURN(std::string token, ReadFlagFile(path, "--auth-token-file"));
  return std::string(absl::StripAsciiWhitespace(token));
}

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
  if (!c.auth_token_file.empty() && c.tls_cert.empty()) {
    return absl::InvalidArgumentError(
        "--auth-token-file needs --tls-cert and --tls-key: the bearer token is checked only over "
        "TLS, and a token sent in plaintext is a token given away");
  }
  if (!IsLoopbackAddress(c.listen) && (c.tls_cert.empty() || c.auth_token_file.empty())) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to listen on ", c.listen,
                     " beyond loopback without TLS and a bearer token: "
                     "set --tls-cert, --tls-key and --auth-token-file, or listen on 127.0.0.1"));
  }
  if (!c.metrics_listen.empty()) {
    OMS_RETURN_IF_ERROR(metrics::CheckMetricsListen(c.metrics_listen, c.metrics_public));
  } else if (c.metrics_public) {
    return absl::InvalidArgumentError("--metrics-public goes with --metrics-listen");
  }
  if (!c.health_listen.empty()) OMS_RETURN_IF_ERROR(CheckHealthListen(c.health_listen));
  if (c.tick_interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--tick-interval must not be negative");
  }
  // Each tick reads every watched token's book (one request per token, whatever the number of
  // triggers and orders): faster than every 5 s only loads the venue.
  if (c.tick_interval > absl::ZeroDuration() && c.tick_interval < kMinTickInterval) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tick-interval must be 0s (ticks only on request) or at least ",
        absl::FormatDuration(kMinTickInterval), ", got ", absl::FormatDuration(c.tick_interval)));
  }
  if (c.db_connections < 2) {
    return absl::InvalidArgumentError(
        "--db-connections must be at least 2: a tick holds one (and its lock) while the plans "
        "that came due, and the live journal, run on another");
  }
  if (!c.live) return absl::OkStatus();
  if (c.signer_addr.empty()) {
    return absl::InvalidArgumentError(
        "--live needs a signer: set --signer-addr (or SIGNER_ADDR); the OMS never holds the key");
  }
  if (c.chain_id != 137 && c.chain_id != 80002) {
    return absl::InvalidArgumentError(
        absl::StrCat("--chain-id must be 137 (Polygon) or 80002 (Amoy), got ", c.chain_id));
  }
  if (c.signature_type < 0 || c.signature_type > 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("--signature-type must be 0 (EOA), 1 (proxy), 2 (safe) or 3 (deposit "
                     "wallet), got ",
                     c.signature_type));
  }
  if (!c.funder.empty() && !IsHexOf(c.funder, 40)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--funder must be a 0x address, got \"", c.funder, "\""));
  }
  if (!c.signer_address.empty() && !IsHexOf(c.signer_address, 40)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--signer-address must be a 0x address, got \"", c.signer_address, "\""));
  }
  if (c.signature_type != 0 && c.funder.empty()) {
    return absl::InvalidArgumentError(
        "--signature-type 1, 2 and 3 trade from a proxy, safe or deposit wallet: give its "
        "address with --funder");
  }
  if (!c.builder_code.empty() && !IsHexOf(c.builder_code, 64)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--builder-code must be 0x and 64 hex digits, got \"", c.builder_code, "\""));
  }
  if (c.journal_grace <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--journal-grace must be positive");
  }
  return LiveOptionsFrom(c).status();
}

absl::Status RunMigrate(const ServerConfig& config) {
  OMS_ASSIGN_OR_RETURN(auto conn,
                       store::Connection::Open(config.database_url, MigrationConnection()));
  return Migrate(*conn);
}

absl::Status RunServer(const ServerConfig& config) {
  OMS_RETURN_IF_ERROR(ValidateConfig(config));
  // An unreadable or empty token file stops the start before anything else happens.
  std::string token;
  if (!config.auth_token_file.empty()) {
    OMS_ASSIGN_OR_RETURN(token, ReadBearerToken(config.auth_token_file));
  }
  // Signals are taken by one thread with sigwait; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Metrics first, so a slow migration can be watched too.
  std::unique_ptr<metrics::MetricsServer> metrics_server;
  if (!config.metrics_listen.empty()) {
    OMS_ASSIGN_OR_RETURN(metrics_server, metrics::MetricsServer::Start(config.metrics_listen));
    LogInfo("metrics listening",
            {{"address", config.metrics_listen}, {"port", std::to_string(metrics_server->port())}});
  }
  {
    OMS_ASSIGN_OR_RETURN(auto conn,
                         store::Connection::Open(config.database_url, MigrationConnection()));
    OMS_RETURN_IF_ERROR(Migrate(*conn));
  }
  OMS_ASSIGN_OR_RETURN(auto source, market::MakeMarketData(config.market_data, config.clob_url));
  auto market = std::make_unique<market::MeteredMarketData>(
      std::move(source), absl::StartsWith(config.market_data, "snapshots:") ? "snapshots" : "clob");
  store::Pool pool(config.database_url, config.db_connections);
  SystemClock clock;
  std::unique_ptr<signer_client::OrderSigner> signer;
  if (!config.signer_addr.empty()) {
    OMS_ASSIGN_OR_RETURN(
        signer, signer_client::MakeGrpcSigner(
                    {config.signer_addr, config.signer_ca, config.signer_cert, config.signer_key}));
  }
  std::unique_ptr<market::CurlTransport> venue_transport;
  std::unique_ptr<venue::ClobVenue> clob;
  std::unique_ptr<service::LiveTrader> live;
  if (config.live) {
    OMS_ASSIGN_OR_RETURN(service::LiveOptions live_options, LiveOptionsFrom(config));
    if (!config.clob_credentials_file.empty()) {
      OMS_ASSIGN_OR_RETURN(live_options.credentials,
                           venue::LoadCredentials(config.clob_credentials_file));
    }
    // An order POST may take a while under load; past this it is ambiguous and resolved by hash.
    venue_transport = std::make_unique<market::CurlTransport>(
        market::CurlOptions{absl::Seconds(3), absl::Seconds(10)});
    venue::ClobVenueOptions venue_options;
    venue_options.base_url = config.clob_url;
    venue_options.signature_type = config.signature_type;
    clob = std::make_unique<venue::ClobVenue>(venue_options, *venue_transport, clock);
    live =
        std::make_unique<service::LiveTrader>(pool, clock, *signer, *clob, std::move(live_options));
  }
  service::ServiceOptions options;
  options.signer = signer.get();
  options.live = live.get();
  options.fill_model =
      config.fill_model == "top" ? domain::FillModel::kTop : domain::FillModel::kBook;
  service::OmsService oms(pool, *market, clock, options);
  grpc_api::OrderManagerImpl api(oms);
  if (live != nullptr) {
    // The signer checked and the API key derived at start, so a misconfiguration shows now.
    absl::Status ready = live->Prepare();
    if (ready.ok()) {
      LogInfo("live trading ready", {{"venue", config.clob_url}});
    } else {
      LogWarn("live trading not ready at start; the next live call tries again",
              {{"error", std::string(ready.message())}});
    }
    // Orders left in flight by an earlier process are placed or resolved before anything new.
    absl::Status resumed = oms.ResumeLive();
    if (!resumed.ok()) {
      LogWarn("live journal not resumed at start; the next tick tries again",
              {{"error", std::string(resumed.message())}});
    }
  }

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
    if (!token.empty()) {
      creds->SetAuthMetadataProcessor(std::make_shared<BearerTokenProcessor>(token));
      OPENSSL_cleanse(token.data(), token.size());
    }
  }
  int port = 0;
  builder.AddListeningPort(config.listen, creds, &port);
  api.RegisterWith(builder);
  builder.experimental().SetInterceptorCreators(
      RpcMetricsInterceptors({v1::OrderManager::service_full_name(), "grpc.health.v1.Health",
                              "grpc.reflection.v1alpha.ServerReflection"}));
  grpc::ResourceQuota quota("oms");
  quota.SetMaxThreads(32);
  builder.SetResourceQuota(quota);
  // Room for a plan twice the limit, so that one too large is refused with the limit named
  // (common/plan_text.h) rather than by gRPC's message-size check.
  builder.SetMaxReceiveMessageSize(static_cast<int>(2 * kMaxPlanBytes + (64 << 10)));
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

  // Health follows the database: SERVING only while it answers. The probe port (a kubelet's
  // plaintext gRPC probe while the API is TLS-only) reports the same bit.
  std::atomic<bool> database_ok{false};
  absl::StatusOr<std::unique_ptr<HealthProbeServer>> probe =
      HealthProbeServer::StartIfSet(config.health_listen, {v1::OrderManager::service_full_name()},
                                    [&database_ok] { return database_ok.load(); });
  if (!probe.ok()) {
    server->Shutdown();
    return probe.status();
  }
  // The orders gauge: one GROUP BY per scrape.
  if (metrics_server != nullptr) metrics::AddScrapeHook([&pool] { RefreshOrderCounts(pool); });
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable cv;
  std::thread health([&] {
    bool last = false;
    bool first = true;
    while (!stopping) {
      bool ok = oms.CheckDatabase().ok();
      database_ok = ok;
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
        metrics::Stopwatch watch;
        auto report = oms.RunTick();
        service::RecordTick(report, watch.Seconds());
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
  probe->reset();
  metrics_server.reset();  // its scrape hook reads the pool, which goes next
  LogInfo("stopped");
  return absl::OkStatus();
}

}  // namespace betteroms
