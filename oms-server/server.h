// oms-server wiring: configuration, start-up checks, the gRPC server and graceful stop.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace betteroms {

struct ServerConfig {
  std::string database_url;
  std::string listen = "127.0.0.1:50051";
  std::string clob_url = "https://clob.polymarket.com";
  std::string market_data = "clob";
  std::string fill_model = "book";
  std::string tls_cert;
  std::string tls_key;
  std::string auth_token_file;
  std::string port_file;  // written with the bound port once listening (tests use port 0)
  absl::Duration tick_interval = absl::ZeroDuration();
  int db_connections = 8;
  std::string signer_addr;  // empty: no signer
  std::string signer_ca;
  std::string signer_cert;
  std::string signer_key;
};

// Checks the configuration without touching the network. InvalidArgument says what is wrong.
absl::Status ValidateConfig(const ServerConfig& config);

// Applies pending migrations and exits.
absl::Status RunMigrate(const ServerConfig& config);

// Migrates, serves until SIGTERM/SIGINT, then stops gracefully.
absl::Status RunServer(const ServerConfig& config);

}  // namespace betteroms
