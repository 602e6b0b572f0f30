// oms-server's start-up checks, without starting anything.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oms-server/server.h"
#include "tests/support/status_matchers.h"

namespace betteroms {
namespace {

using test::IsOk;
using test::StatusIs;
using ::testing::HasSubstr;

ServerConfig Config(const std::string& listen) {
  ServerConfig c;
  c.database_url = "postgresql://127.0.0.1:1/oms";
  c.listen = listen;
  return c;
}

TEST(ServerConfig, PlaintextIsAllowedOnLoopbackAddressesOnly) {
  for (const char* listen : {"127.0.0.1:50051", "127.9.9.9:0", "[::1]:50051", "localhost:50051"}) {
    EXPECT_THAT(ValidateConfig(Config(listen)), IsOk()) << listen;
  }
  for (const char* listen : {"0.0.0.0:50051", "127.evil.com:50051", "127.0.0.1.nip.io:1",
                             "10.0.0.1:50051", "[::]:50051"}) {
    EXPECT_THAT(ValidateConfig(Config(listen)),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("beyond loopback")))
        << listen;
  }
}

TEST(ServerConfig, BeyondLoopbackNeedsTlsAndAToken) {
  ServerConfig c = Config("0.0.0.0:50051");
  c.tls_cert = "cert.pem";
  c.tls_key = "key.pem";
  EXPECT_THAT(ValidateConfig(c), StatusIs(absl::StatusCode::kInvalidArgument));
  c.auth_token_file = "token";
  EXPECT_THAT(ValidateConfig(c), IsOk());
}

TEST(ServerConfig, ATokenWithoutTlsIsRefusedRatherThanIgnored) {
  ServerConfig c = Config("127.0.0.1:50051");
  c.auth_token_file = "token";
  EXPECT_THAT(ValidateConfig(c),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--auth-token-file needs --tls-cert and --tls-key")));
  c.tls_cert = "cert.pem";
  c.tls_key = "key.pem";
  EXPECT_THAT(ValidateConfig(c), IsOk());
}

TEST(BearerToken, OnlyTheExactTokenMatches) {
  const std::array<uint8_t, 32> expected = BearerTokenDigest("Bearer s3cret");
  EXPECT_TRUE(BearerTokenMatches("Bearer s3cret", expected));
  for (const char* wrong : {"", "Bearer ", "Bearer s3cre", "Bearer s3cret ", "Bearer s3crex",
                            "bearer s3cret", "Bearer s3cret\n", "s3cret"}) {
    EXPECT_FALSE(BearerTokenMatches(wrong, expected)) << wrong;
  }
  // The digest is SHA-256: equal lengths or not, what is compared is 32 bytes.
  EXPECT_NE(BearerTokenDigest("a"), BearerTokenDigest("b"));
}

TEST(BearerToken, AnUnreadableOrEmptyTokenFileIsAnErrorNamingTheFlag) {
  EXPECT_THAT(ReadBearerToken("/nonexistent/token"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("--auth-token-file: read /nonexistent/token: No such file")));
  EXPECT_THAT(ReadBearerToken("/"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--auth-token-file: read /: Is a directory")));
  EXPECT_THAT(ReadBearerToken("/dev/null"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("/dev/null is empty")));
}

TEST(ServerConfig, TheTickIntervalIsOffOrAtLeastFiveSeconds) {
  ServerConfig c = Config("127.0.0.1:50051");
  for (absl::Duration ok :
       {absl::ZeroDuration(), absl::Seconds(5), absl::Minutes(1), absl::Hours(1)}) {
    c.tick_interval = ok;
    EXPECT_THAT(ValidateConfig(c), IsOk()) << ok;
  }
  for (absl::Duration bad : {absl::Seconds(1), absl::Milliseconds(4999), absl::Seconds(-5)}) {
    c.tick_interval = bad;
    EXPECT_THAT(ValidateConfig(c),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tick-interval")))
        << bad;
  }
  c.tick_interval = absl::Seconds(2);
  EXPECT_THAT(ValidateConfig(c), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("0s (ticks only on request) or at least 5s")));
}

TEST(ServerConfig, EachMistakeNamesItsFlag) {
  ServerConfig c = Config("127.0.0.1:50051");
  c.database_url = "";
  EXPECT_THAT(ValidateConfig(c),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--database-url")));
  c = Config("50051");
  EXPECT_THAT(ValidateConfig(c), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("--listen must be HOST:PORT")));
  c = Config("127.0.0.1:50051");
  c.fill_model = "best";
  EXPECT_THAT(ValidateConfig(c),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--fill-model")));
  c = Config("127.0.0.1:50051");
  c.tls_cert = "cert.pem";
  EXPECT_THAT(ValidateConfig(c),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls-cert and --tls-key")));
}

ServerConfig Live() {
  ServerConfig c = Config("127.0.0.1:50051");
  c.live = true;
  c.signer_addr = "127.0.0.1:50061";
  return c;
}

TEST(ServerConfig, LiveTradingSettingsAreCheckedAtStartNamingTheFlag) {
  EXPECT_THAT(ValidateConfig(Live()), IsOk());
  struct Case {
    void (*change)(ServerConfig&);
    const char* says;
  };
  const Case cases[] = {
      {[](ServerConfig& c) { c.signer_addr.clear(); }, "--live needs a signer"},
      {[](ServerConfig& c) { c.chain_id = 1; }, "--chain-id must be 137"},
      {[](ServerConfig& c) { c.signature_type = 4; }, "--signature-type must be"},
      {[](ServerConfig& c) { c.signature_type = 2; }, "give its address with --funder"},
      {[](ServerConfig& c) { c.funder = "0x12"; }, "--funder must be a 0x address"},
      {[](ServerConfig& c) { c.signer_address = "alice"; }, "--signer-address must be"},
      {[](ServerConfig& c) { c.builder_code = "0x01"; }, "--builder-code must be"},
      {[](ServerConfig& c) { c.max_order_notional = "-5"; }, "--max-order-notional must be"},
      {[](ServerConfig& c) { c.max_daily_notional = "lots"; }, "--max-daily-notional must be"},
      {[](ServerConfig& c) { c.allowed_tokens = "123,abc"; }, "\"abc\" is not a token id"},
      {[](ServerConfig& c) { c.db_connections = 1; }, "--db-connections must be at least 2"},
      {[](ServerConfig& c) { c.journal_grace = absl::ZeroDuration(); }, "--journal-grace"},
  };
  for (const Case& k : cases) {
    ServerConfig c = Live();
    k.change(c);
    EXPECT_THAT(ValidateConfig(c), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(k.says)))
        << k.says;
  }
  ServerConfig safe = Live();
  safe.signature_type = 2;
  safe.funder = "0x1234567890abcdef1234567890abcdef12345678";
  safe.allowed_tokens = " 123 , 0x7b ";
  safe.max_order_notional = "99.50";
  EXPECT_THAT(ValidateConfig(safe), IsOk());
}

}  // namespace
}  // namespace betteroms
