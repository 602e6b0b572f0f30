// oms-server: the BetterOMS gRPC service. `oms-server migrate` applies migrations and exits.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "common/version.h"
#include "oms-server/server.h"

namespace {

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

int Main(int argc, char** argv) {
  // glibc gives each busy thread its own arena; with a pool of gRPC threads that multiplies the
  // memory a large plan leaves behind. Two arenas are plenty for a single-user server.
  mallopt(M_ARENA_MAX, 2);
  betteroms::ServerConfig config;
  config.database_url = Env("DATABASE_URL", "");
  config.listen = Env("OMS_LISTEN", config.listen);
  config.clob_url = Env("CLOB_API_URL", config.clob_url);
  config.market_data = Env("BETTEROMS_MARKET_DATA", config.market_data);
  config.tls_cert = Env("OMS_TLS_CERT", "");
  config.tls_key = Env("OMS_TLS_KEY", "");
  config.auth_token_file = Env("OMS_AUTH_TOKEN_FILE", "");
  std::string tick_interval = Env("OMS_TICK_INTERVAL", "0s");
  config.signer_addr = Env("SIGNER_ADDR", "");
  config.signer_ca = Env("SIGNER_TLS_CA", "");
  config.signer_cert = Env("SIGNER_TLS_CERT", "");
  config.signer_key = Env("SIGNER_TLS_KEY", "");
  config.live = Env("OMS_LIVE", "") == "1" || Env("OMS_LIVE", "") == "true";
  std::string chain_id = Env("POLY_CHAIN_ID", "137");
  config.funder = Env("POLY_FUNDER", "");
  config.signer_address = Env("POLY_SIGNER_ADDRESS", "");
  std::string signature_type = Env("POLY_SIGNATURE_TYPE", "0");
  config.builder_code = Env("POLY_BUILDER_CODE", "");
  config.clob_credentials_file = Env("CLOB_CREDENTIALS_FILE", "");
  config.max_order_notional = Env("OMS_MAX_ORDER_NOTIONAL", "");
  config.max_plan_notional = Env("OMS_MAX_PLAN_NOTIONAL", "");
  config.max_daily_notional = Env("OMS_MAX_DAILY_NOTIONAL", "");
  config.allowed_tokens = Env("OMS_ALLOWED_TOKENS", "");
  std::string journal_grace = Env("OMS_JOURNAL_GRACE", "2m");
  config.metrics_listen = Env("OMS_METRICS_LISTEN", "");
  config.metrics_public =
      Env("OMS_METRICS_PUBLIC", "") == "1" || Env("OMS_METRICS_PUBLIC", "") == "true";
  config.health_listen = Env("OMS_HEALTH_LISTEN", "");

  CLI::App app{"oms-server: BetterOMS order management service (gRPC).", "oms-server"};
  app.set_version_flag("--version", betteroms::VersionLine("oms-server"),
                       "print the git revision and exit");
  app.add_option("--database-url", config.database_url, "PostgreSQL URL [env DATABASE_URL]");
  app.add_option("--listen", config.listen, "gRPC address HOST:PORT [env OMS_LISTEN]")
      ->capture_default_str();
  app.add_option("--clob-url", config.clob_url, "Polymarket CLOB REST URL [env CLOB_API_URL]")
      ->capture_default_str();
  app.add_option("--market-data", config.market_data,
                 "clob, or snapshots:DIR for recorded books [env BETTEROMS_MARKET_DATA]")
      ->capture_default_str();
  app.add_option("--fill-model", config.fill_model,
                 "paper fills: book (walk the depth) or top (all at the best price)")
      ->capture_default_str();
  app.add_option("--tls-cert", config.tls_cert, "server certificate PEM [env OMS_TLS_CERT]");
  app.add_option("--tls-key", config.tls_key, "server key PEM [env OMS_TLS_KEY]");
  app.add_option("--auth-token-file", config.auth_token_file,
                 "file with the bearer token clients must send [env OMS_AUTH_TOKEN_FILE]");
  app.add_option(
         "--tick-interval", tick_interval,
         "run a tick every DURATION (e.g. 1h, or down to 5s to watch price triggers closely); "
         "0s = only on request [env OMS_TICK_INTERVAL]")
      ->capture_default_str();
  app.add_option("--port-file", config.port_file, "write the bound port here once listening");
  app.add_option("--signer-addr", config.signer_addr,
                 "oms-signer address, host:port or unix:/path [env SIGNER_ADDR]");
  app.add_option("--signer-ca", config.signer_ca,
                 "CA of the signer's certificate [env SIGNER_TLS_CA]");
  app.add_option("--signer-cert", config.signer_cert,
                 "client certificate for the signer [env SIGNER_TLS_CERT]");
  app.add_option("--signer-key", config.signer_key,
                 "client key for the signer [env SIGNER_TLS_KEY]");
  app.add_flag("--live", config.live, "enable live trading (needs --signer-addr) [env OMS_LIVE=1]");
  app.add_option("--chain-id", chain_id, "137 (Polygon) or 80002 (Amoy) [env POLY_CHAIN_ID]")
      ->capture_default_str();
  app.add_option("--funder", config.funder,
                 "the maker (funder) address; default the signer's own [env POLY_FUNDER]");
  app.add_option("--signer-address", config.signer_address,
                 "refuse a signer that signs as another address [env POLY_SIGNER_ADDRESS]");
  app.add_option("--signature-type", signature_type,
                 "0 EOA, 1 proxy, 2 Gnosis safe, 3 deposit wallet [env POLY_SIGNATURE_TYPE]")
      ->capture_default_str();
  app.add_option("--builder-code", config.builder_code,
                 "builder code (0x bytes32) for attribution [env POLY_BUILDER_CODE]");
  app.add_option("--clob-credentials", config.clob_credentials_file,
                 "L2 API credentials JSON {apiKey, secret, passphrase}, mode 0600; default: "
                 "derived through the signer [env CLOB_CREDENTIALS_FILE]");
  app.add_option("--max-order-notional", config.max_order_notional,
                 "refuse a live order above this many USDC [env OMS_MAX_ORDER_NOTIONAL]");
  app.add_option("--max-plan-notional", config.max_plan_notional,
                 "refuse a live plan above this many USDC [env OMS_MAX_PLAN_NOTIONAL]");
  app.add_option("--max-daily-notional", config.max_daily_notional,
                 "refuse live plans past this many USDC per UTC day [env OMS_MAX_DAILY_NOTIONAL]");
  app.add_option("--allowed-tokens", config.allowed_tokens,
                 "comma-separated token ids live plans may trade [env OMS_ALLOWED_TOKENS]");
  app.add_option("--journal-grace", journal_grace,
                 "how long an unconfirmed live order may be re-sent (identical bytes) "
                 "[env OMS_JOURNAL_GRACE]")
      ->capture_default_str();
  app.add_option("--db-connections", config.db_connections, "database connections")
      ->capture_default_str()
      ->check(CLI::Range(2, 64));
  app.add_option("--metrics-listen", config.metrics_listen,
                 "serve Prometheus metrics (plain HTTP GET /metrics) on HOST:PORT, e.g. "
                 "127.0.0.1:9464; loopback only unless --metrics-public; off unless set "
                 "[env OMS_METRICS_LISTEN]");
  app.add_flag("--metrics-public", config.metrics_public,
               "allow --metrics-listen beyond loopback, for a scraper in another pod: metrics "
               "are unauthenticated, so let only the scraper reach the port (NetworkPolicy or a "
               "TLS proxy) [env OMS_METRICS_PUBLIC=1]");
  app.add_option("--health-listen", config.health_listen,
                 "serve plaintext gRPC on HOST:PORT answering only grpc.health.v1.Health/Check "
                 "(SERVING while the database answers), for a kubelet gRPC probe while the API "
                 "is TLS-only, e.g. 0.0.0.0:50052; off unless set [env OMS_HEALTH_LISTEN]");
  CLI::App* migrate = app.add_subcommand("migrate", "apply database migrations and exit");
  app.footer(
      "Exit status: 0 after a clean stop, 1 when the configuration is wrong or a dependency\n"
      "(PostgreSQL) is unreachable at start.");
  CLI11_PARSE(app, argc, argv);

  if (!absl::ParseDuration(tick_interval, &config.tick_interval)) {
    std::cerr << "oms-server: --tick-interval: \"" << tick_interval
              << "\" is not a duration such as 30m or 1h\n";
    return 1;
  }
  if (!absl::SimpleAtoi(chain_id, &config.chain_id)) {
    std::cerr << "oms-server: --chain-id: \"" << chain_id << "\" is not a chain id\n";
    return 1;
  }
  if (!absl::SimpleAtoi(signature_type, &config.signature_type)) {
    std::cerr << "oms-server: --signature-type: \"" << signature_type << "\" is not 0..3\n";
    return 1;
  }
  if (!absl::ParseDuration(journal_grace, &config.journal_grace)) {
    std::cerr << "oms-server: --journal-grace: \"" << journal_grace
              << "\" is not a duration such as 2m\n";
    return 1;
  }
  absl::Status status =
      migrate->parsed() ? betteroms::RunMigrate(config) : betteroms::RunServer(config);
  if (!status.ok()) {
    std::cerr << "oms-server: " << status.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

// A library exception (CLI11, the standard library) is a bug or an impossible state: say so on
// one line instead of aborting with a core dump.
int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "oms-server: unexpected error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "oms-server: unexpected error\n";
  }
  return 1;
}
