#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/hex.h"
#include "signer/crypto/address.h"
#include "signer/crypto/keccak.h"
#include "signer/identity.h"
#include "signer/key/secret_key.h"
#include "tests/support/process.h"
#include "tests/support/status_matchers.h"
#include "tests/support/vectors.h"

namespace betteroms {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::HasSubstr;

TEST(Keccak256, MatchesEveryVector) {
  JsonValue doc = test::LoadVectors("keccak256.json");
  int checked = 0;
  for (const JsonValue& v : doc.Find("vectors")->items) {
    crypto::Hash256 h;
    if (const JsonValue* utf8 = v.Find("utf8")) {
      h = crypto::Keccak256(utf8->text);
    } else {
      auto bytes = FromHex(v.StringOr("hex"));
      ASSERT_TRUE(bytes.has_value());
      h = crypto::Keccak256(*bytes);
    }
    EXPECT_EQ("0x" + ToHex(h), v.StringOr("keccak256")) << v.StringOr("note");
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST(Address, ChecksumsAsEip55) {
  auto bytes = FromHex("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
  crypto::Address a;
  std::copy(bytes->begin(), bytes->end(), a.begin());
  EXPECT_EQ(crypto::ChecksumAddress(a), "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
}

TEST(SecretKey, DerivesTheAddressOfAKnownKey) {
  // The EIP-712 Mail example signs with keccak256("cow"), whose address is Cow's wallet.
  test::TempDir dir;
  dir.Write("key", ToHex(crypto::Keccak256(std::string("cow"))) + "\n", 0600);
  auto key = key::SecretKey::FromHexFile(dir.File("key"));
  ASSERT_THAT(key.status(), IsOk());
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  EXPECT_EQ(signer::AddressOf(ctx, *key), "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");
  secp256k1_context_destroy(ctx);
}

TEST(SecretKey, RefusesAKeyFileOthersCanRead) {
  test::TempDir dir;
  dir.Write("key", std::string(63, '1') + "2\n", 0644);
  auto key = key::SecretKey::FromHexFile(dir.File("key"));
  // Matched on the status alone: on an unexpected success gtest would print the key's bytes.
  EXPECT_THAT(key.status(), StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("chmod 600")));
}

TEST(SecretKey, RefusesMalformedAndInvalidKeys) {
  test::TempDir dir;
  dir.Write("short", "abcd\n", 0600);
  EXPECT_THAT(key::SecretKey::FromHexFile(dir.File("short")).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  dir.Write("zero", std::string(64, '0'), 0600);
  EXPECT_THAT(key::SecretKey::FromHexFile(dir.File("zero")).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SecretKey, KeygenWritesAPrivateFileOnce) {
  test::TempDir dir;
  ASSERT_TRUE(key::WriteNewHexKey(dir.File("k")).ok());
  struct stat st {};
  ASSERT_EQ(stat(dir.File("k").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(key::SecretKey::FromHexFile(dir.File("k")).ok());
  EXPECT_FALSE(key::WriteNewHexKey(dir.File("k")).ok());
}

}  // namespace
}  // namespace betteroms
