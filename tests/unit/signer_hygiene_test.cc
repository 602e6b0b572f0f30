// The signer's edges decide on what things are, not on what they look like: a signature type is
// 0..3 before it is narrowed to a byte, and "loopback" is an address (a name is loopback only
// when it is "localhost" and resolves to loopback addresses alone).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "betteroms/signer/v1/signer.pb.h"
#include "common/net.h"
#include "signer/grpc/convert.h"
#include "signer/server.h"
#include "tests/support/status_matchers.h"

namespace betteroms::signer {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::HasSubstr;

constexpr char kAddress[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

v1::SignOrderRequest Order(int signature_type) {
  v1::SignOrderRequest r;
  r.set_intent_id("i-1");
  r.set_chain_id(137);
  r.set_exchange(v1::EXCHANGE_CTF_V2);
  auto* o = r.mutable_order();
  o->set_salt("12345");
  o->set_maker(kAddress);
  o->set_signer(kAddress);
  o->set_token_id("1234");
  o->set_maker_amount("1000000");
  o->set_taker_amount("2000000");
  o->set_side(v1::SIDE_BUY);
  o->set_signature_type(static_cast<v1::SignatureType>(signature_type));
  o->set_timestamp("1780452718732");
  return r;
}

TEST(SignatureType, OnlyZeroToThreeReachTheCore) {
  for (int type : {0, 1, 2, 3}) {
    auto request = grpc_api::ToSignRequest(Order(type));
    ASSERT_THAT(request, IsOk());
    EXPECT_EQ(request->order.signature_type, type);
  }
  // 256 would narrow to 0 (EOA) and sign as an order the caller did not ask for.
  for (int type : {4, 256, 259, -1}) {
    SCOPED_TRACE(type);
    EXPECT_THAT(grpc_api::ToSignRequest(Order(type)),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("order.signature_type " + std::to_string(type))));
  }
}

// A resolver that answers from a table and counts its calls.
struct FakeResolver {
  std::vector<std::string> answer;
  int calls = 0;
  Resolver Get() {
    return [this](const std::string&) {
      ++calls;
      return answer;
    };
  }
};

TEST(Loopback, IsDecidedOnTheAddress) {
  FakeResolver dns{{"127.0.0.1"}};
  EXPECT_TRUE(IsLoopbackHost("::1", dns.Get()));
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1", dns.Get()));
  EXPECT_TRUE(IsLoopbackHost("127.255.1.2", dns.Get()));
  EXPECT_TRUE(IsLoopbackHost("::ffff:127.0.0.1", dns.Get()));
  EXPECT_FALSE(IsLoopbackHost("::2", dns.Get()));
  EXPECT_FALSE(IsLoopbackHost("128.0.0.1", dns.Get()));
  // Names that look like loopback are names, and are not looked up even if they would resolve
  // there (the listener would resolve them again, maybe elsewhere).
  EXPECT_FALSE(IsLoopbackHost("127.evil.example", dns.Get()));
  EXPECT_FALSE(IsLoopbackHost("127.0.0.1.nip.io", dns.Get()));
  EXPECT_FALSE(IsLoopbackAddress("127.evil.example:50061", dns.Get()));
  EXPECT_EQ(dns.calls, 0);
}

TEST(Loopback, LocalhostIsLoopbackOnlyWhenItResolvesThere) {
  FakeResolver both{{"127.0.0.1", "::1"}};
  EXPECT_TRUE(IsLoopbackAddress("localhost:50061", both.Get()));
  EXPECT_TRUE(IsLoopbackAddress("LocalHost:50061", both.Get()));
  EXPECT_EQ(both.calls, 2);
  FakeResolver hijacked{{"127.0.0.1", "192.168.1.20"}};  // a hosts file mapping it elsewhere
  EXPECT_FALSE(IsLoopbackAddress("localhost:50061", hijacked.Get()));
  FakeResolver none{{}};
  EXPECT_FALSE(IsLoopbackAddress("localhost:50061", none.Get()));
  // This machine's own resolver maps localhost to loopback.
  EXPECT_TRUE(IsLoopbackAddress("localhost:50061"));
}

TEST(Loopback, TheSignerRefusesPlaintextOnANameThatOnlyLooksLikeLoopback) {
  SignerConfig c;
  c.key_file = "/k";
  c.insecure_loopback = true;
  c.listen = "127.evil.example:50061";
  EXPECT_THAT(ValidateConfig(c),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("loopback addresses only")));
  c.listen = "[::1]:50061";
  EXPECT_THAT(ValidateConfig(c), IsOk());
}

}  // namespace
}  // namespace betteroms::signer
