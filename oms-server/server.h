// oms-server wiring: configuration, start-up checks, the gRPC server and graceful stop.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace betteroms {

// The shortest --tick-interval: a tick reads every watched token's book.
inline constexpr absl::Duration kMinTickInterval = absl::Seconds(5);

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

  // Live trading (off unless `live`; needs the signer).
  bool live = false;
  uint64_t chain_id = 137;
  std::string funder;                 // the maker address; empty: the signer's own address (EOA)
  std::string signer_address;         // expected signer; empty: whatever the signer reports
  int signature_type = 0;             // 0 EOA, 1 proxy, 2 safe, 3 deposit wallet
  std::string builder_code;           // 0x bytes32; empty: none
  std::string clob_credentials_file;  // {apiKey, secret, passphrase}; empty: derived via signer
  std::string max_order_notional;     // USDC decimals; empty: no limit
  std::string max_plan_notional;
  std::string max_daily_notional;
  std::string allowed_tokens;  // comma-separated token ids; empty: any
  absl::Duration journal_grace = absl::Minutes(2);
  // Observability, both off unless set.
  std::string metrics_listen;   // HOST:PORT for GET /metrics (plain HTTP)
  bool metrics_public = false;  // allow metrics_listen beyond loopback
  std::string health_listen;    // HOST:PORT: plaintext gRPC serving only Health/Check
};

// The bearer token check, in time that depends on neither the token nor what was presented:
// both sides are hashed (SHA-256, hiding the length) and the digests compared with CRYPTO_memcmp.
std::array<uint8_t, 32> BearerTokenDigest(std::string_view text);
bool BearerTokenMatches(std::string_view presented, const std::array<uint8_t, 32>& expected);

// The token in --auth-token-file, without surrounding whitespace. An error naming the flag and
// the file when it cannot be read or holds nothing but whitespace.
absl::StatusOr<std::string> ReadBearerToken(const std::string& path);

// Checks the configuration without touching the network. InvalidArgument says what is wrong.
absl::Status ValidateConfig(const ServerConfig& config);

// Applies pending migrations and exits.
absl::Status RunMigrate(const ServerConfig& config);

// Migrates, serves until SIGTERM/SIGINT, then stops gracefully.
absl::Status RunServer(const ServerConfig& config);

}  // namespace betteroms
