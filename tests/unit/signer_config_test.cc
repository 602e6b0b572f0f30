// oms-signer's start-up checks, without network or files: one key source, a transport, and the
// loopback decision made on the parsed address.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/net.h"
#include "signer/server.h"
#include "tests/support/status_matchers.h"

namespace betteroms::signer {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kPin[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

// A valid plaintext-on-loopback configuration each test breaks one way.
SignerConfig Loopback() {
  SignerConfig c;
  c.key_file = "/secrets/key";
  c.listen = "127.0.0.1:50061";
  c.insecure_loopback = true;
  return c;
}

SignerConfig Mtls() {
  SignerConfig c;
  c.key_file = "/secrets/key";
  c.listen = "0.0.0.0:50061";
  c.tls_cert = "/tls/signer.pem";
  c.tls_key = "/tls/signer.key";
  c.client_ca = "/tls/ca.pem";
  return c;
}

auto Refused(const std::string& flag) {
  return StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(flag));
}

TEST(SignerConfig, AcceptsEachTransport) {
  EXPECT_THAT(ValidateConfig(Loopback()), IsOk());
  EXPECT_THAT(ValidateConfig(Mtls()), IsOk());
  SignerConfig pinned = Mtls();
  pinned.pinned_client_sha256 = {kPin,
                                 "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:ab:cd:ef:"
                                 "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef"};
  EXPECT_THAT(ValidateConfig(pinned), IsOk());
  SignerConfig unix_socket;
  unix_socket.keystore = "/secrets/ks.json";
  unix_socket.password_file = "/secrets/pw";
  unix_socket.listen = "unix:/run/oms-signer.sock";
  EXPECT_THAT(ValidateConfig(unix_socket), IsOk());
  SignerConfig with_policy = Loopback();
  with_policy.policy_file = "/etc/signer/policy.json";
  with_policy.state_dir = "/var/lib/signer";
  EXPECT_THAT(ValidateConfig(with_policy), IsOk());
}

TEST(SignerConfig, NeedsExactlyOneKeySource) {
  SignerConfig none = Loopback();
  none.key_file.clear();
  EXPECT_THAT(ValidateConfig(none), Refused("give exactly one of --key-file or --keystore"));
  SignerConfig both = Loopback();
  both.keystore = "/secrets/ks.json";
  both.password_file = "/secrets/pw";
  EXPECT_THAT(ValidateConfig(both), Refused("give exactly one of --key-file or --keystore"));
}

TEST(SignerConfig, AKeystoreNeedsAPasswordFileAndARawKeyRefusesOne) {
  SignerConfig keystore = Loopback();
  keystore.key_file.clear();
  keystore.keystore = "/secrets/ks.json";
  EXPECT_THAT(ValidateConfig(keystore), Refused("--keystore needs --password-file"));
  SignerConfig raw = Loopback();
  raw.password_file = "/secrets/pw";
  EXPECT_THAT(ValidateConfig(raw), Refused("--password-file goes with --keystore"));
}

TEST(SignerConfig, APolicyNeedsAStateDir) {
  SignerConfig c = Loopback();
  c.policy_file = "/etc/signer/policy.json";
  EXPECT_THAT(ValidateConfig(c), Refused("--policy needs --state-dir"));
}

TEST(SignerConfig, MtlsNeedsCertificateKeyAndClientCaAndNamesTheMissingOne) {
  SignerConfig no_cert = Mtls();
  no_cert.tls_cert.clear();
  EXPECT_THAT(ValidateConfig(no_cert), Refused("--tls-cert is missing"));
  SignerConfig no_key = Mtls();
  no_key.tls_key.clear();
  EXPECT_THAT(ValidateConfig(no_key), Refused("--tls-key is missing"));
  SignerConfig no_ca = Mtls();
  no_ca.client_ca.clear();
  EXPECT_THAT(ValidateConfig(no_ca), Refused("--client-ca is missing"));
  // Half an mTLS setup does not fall back to plaintext, even on loopback.
  SignerConfig half = Loopback();
  half.client_ca = "/tls/ca.pem";
  EXPECT_THAT(ValidateConfig(half), Refused("mTLS needs all of --tls-cert, --tls-key and"));
}

TEST(SignerConfig, PinsNeedMtlsAndMustBeFingerprints) {
  SignerConfig plaintext = Loopback();
  plaintext.pinned_client_sha256 = {kPin};
  EXPECT_THAT(ValidateConfig(plaintext), Refused("--pin-client-sha256 needs mTLS"));
  SignerConfig short_pin = Mtls();
  short_pin.pinned_client_sha256 = {"0123abcd"};
  EXPECT_THAT(ValidateConfig(short_pin),
              Refused("--pin-client-sha256: \"0123abcd\" is not a SHA-256 fingerprint"));
  SignerConfig not_hex = Mtls();
  not_hex.pinned_client_sha256 = {std::string(63, 'a') + "g"};
  EXPECT_THAT(ValidateConfig(not_hex), Refused("--pin-client-sha256"));
}

TEST(SignerConfig, RefusesAMalformedListenAddress) {
  for (const char* listen : {"unix:", "127.0.0.1", "127.0.0.1:", "127.0.0.1:http",
                             "127.0.0.1:65536", "::1:50061", "[::1]50061", ":50061"}) {
    SignerConfig c = Loopback();
    c.listen = listen;
    EXPECT_THAT(ValidateConfig(c), Refused("--listen")) << listen;
  }
}

TEST(SignerConfig, WithoutATransportItRefusesToStart) {
  SignerConfig c = Loopback();
  c.insecure_loopback = false;
  EXPECT_THAT(ValidateConfig(c),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("no transport"), HasSubstr("--insecure-loopback"))));
}

TEST(SignerConfig, InsecureLoopbackListensOnLoopbackAddressesOnly) {
  for (const char* listen : {"127.0.0.1:0", "127.255.3.4:50061", "localhost:50061", "LOCALHOST:1",
                             "[::1]:50061", "[::ffff:127.0.0.1]:1"}) {
    SignerConfig c = Loopback();
    c.listen = listen;
    EXPECT_THAT(ValidateConfig(c), IsOk()) << listen;
  }
  for (const char* listen : {"0.0.0.0:50061", "10.0.0.5:50061", "[::]:50061", "example.com:50061",
                             "127.evil.com:1", "127.0.0.1.evil.com:1", "localhost.evil.com:1",
                             "128.0.0.1:1", "[::2]:1", "126.255.255.255:1"}) {
    SignerConfig c = Loopback();
    c.listen = listen;
    EXPECT_THAT(ValidateConfig(c),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("--insecure-loopback allows loopback addresses only"),
                               HasSubstr(listen))))
        << listen;
  }
}

TEST(SignerConfig, TheLoopbackDecisionParsesTheAddress) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:1"));
  EXPECT_TRUE(IsLoopbackAddress("127.1.2.3:1"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:1"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:1"));
  EXPECT_FALSE(IsLoopbackAddress("127.evil.com:1"));
  EXPECT_FALSE(IsLoopbackAddress("127.0.0.1.nip.io:1"));
  EXPECT_FALSE(IsLoopbackAddress("127.1:1"));  // inet_aton shorthand: not a dotted quad
  EXPECT_FALSE(IsLoopbackAddress("::1:1"));    // IPv6 needs brackets with a port
  EXPECT_FALSE(IsLoopbackAddress("127.0.0.1"));
  EXPECT_FALSE(IsLoopbackAddress("unix:/tmp/s"));
}

}  // namespace
}  // namespace betteroms::signer
