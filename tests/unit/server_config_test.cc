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

}  // namespace
}  // namespace betteroms
