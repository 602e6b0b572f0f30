// oms-server: the BetterOMS gRPC service. `oms-server migrate` applies migrations and exits.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "absl/time/time.h"
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

  CLI::App app{"oms-server: BetterOMS order management service (gRPC).", "oms-server"};
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
         "run a tick every DURATION (e.g. 1h); 0s = only on request [env OMS_TICK_INTERVAL]")
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
  app.add_option("--db-connections", config.db_connections, "database connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
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
