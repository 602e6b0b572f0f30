// The signer's records fail closed: a signature leaves only once its ledger and audit records are
// on disk; a write that fails (the file size limit here, as a full disk would) refuses with a
// clear error, leaves both files at their last complete record, and signing resumes once there
// is room; the ledger holds the audit chain's head, so a removed last record stops the start;
// a torn ledger tail is cleared before anything is appended; refusals are audited at a bounded
// rate; the key's page is locked and left out of core dumps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <variant>

#include "common/hex.h"
#include "signer/audit/audit_log.h"
#include "signer/key/keystore.h"
#include "signer/signing_core.h"
#include "tests/support/process.h"
#include "tests/support/static_market.h"
#include "tests/support/status_matchers.h"

namespace betteroms::signer {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKeyHex[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr char kAddress[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
constexpr char kPolicy[] = R"({"chain_id": 137, "max_order_notional": "1000",
  "price_band": {"min": "0.05", "max": "0.95"}})";

key::SecretKey TestKey() {
  auto bytes = *FromHex(kKeyHex);
  return *key::SecretKey::FromBytes(bytes.data(), bytes.size());
}

bool Signed(const absl::StatusOr<SignOutcome>& outcome) {
  return outcome.ok() && std::holds_alternative<SignResult>(*outcome);
}

int64_t FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

// Lowers this process's file size limit for its lifetime; writes past it fail with EFBIG.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, SIG_IGN);  // as oms-signer does: EFBIG instead of death
    rlimit lower{bytes, saved_.rlim_max};
    setrlimit(RLIMIT_FSIZE, &lower);
  }
  ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &saved_); }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
};

class SignerDurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(absl::FromUnixSeconds(1'800'000'000));
    dir_.Write("policy.json", kPolicy);
    policy_ = *policy::LoadPolicy(dir_.File("policy.json"), *crypto::ParseAddress(kAddress));
  }

  absl::StatusOr<std::unique_ptr<SigningCore>> Create(CoreOptions options = {}) {
    return SigningCore::Create(TestKey(), policy_, dir_.File("state"), audit_.get(), clock_,
                               options);
  }
  std::unique_ptr<SigningCore> Core(CoreOptions options = {}) {
    auto core = Create(options);
    EXPECT_THAT(core, IsOk());
    return core.ok() ? std::move(*core) : nullptr;
  }
  void OpenAudit() {
    audit_.reset();
    auto log = audit::AuditLog::Open(AuditPath());
    ASSERT_THAT(log, IsOk());
    audit_ = std::move(*log);
  }
  std::string AuditPath() const { return dir_.File("audit.jsonl"); }
  std::string LedgerPath() const { return dir_.File("state/ledger.jsonl"); }

  SignRequest Buy(const std::string& intent, int64_t collateral = 1'000'000) {
    SignRequest r;
    r.intent_id = intent;
    r.chain_id = 137;
    r.exchange = crypto::Exchange::kCtfV2;
    r.order.salt = crypto::WordFromUint64(42);
    r.order.maker = *crypto::ParseAddress(kAddress);
    r.order.signer = r.order.maker;
    r.order.token_id = *crypto::ParseUint256("1234");
    r.order.maker_amount = crypto::WordFromUint64(static_cast<uint64_t>(collateral));
    r.order.taker_amount = crypto::WordFromUint64(static_cast<uint64_t>(2 * collateral));
    r.order.timestamp = crypto::WordFromUint64(1'800'000'000'000);
    return r;
  }

  std::vector<std::string> AuditLines() const {
    std::vector<std::string> lines;
    std::istringstream in(test::ReadTextFileForTest(AuditPath()));
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }

  test::TempDir dir_;
  test::ManualClock clock_;
  policy::Policy policy_;
  std::unique_ptr<audit::AuditLog> audit_;
};

TEST_F(SignerDurabilityTest, AFullAuditLogRefusesToSignAndSigningResumesWithRoom) {
  OpenAudit();
  auto core = Core();
  ASSERT_TRUE(Signed(core->SignOrder(Buy("a1"), "t")));
  int64_t audit_size = FileSize(AuditPath());
  ASSERT_GT(audit_size, 0);
  {
    // Room for part of the next audit line only: its write fails half way.
    FileSizeLimit limit(static_cast<rlim_t>(audit_size + 100));
    auto refused = core->SignOrder(Buy("a2"), "t");
    EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted,
                                  AllOf(HasSubstr("audit log"), HasSubstr("File too large"),
                                        HasSubstr("nothing was signed"))));
    // Cut back to the last complete record: the chain still verifies.
    EXPECT_EQ(FileSize(AuditPath()), audit_size);
    EXPECT_THAT(audit::VerifyAuditLog(AuditPath()), IsOk());
  }
  // Room again: the same intent signs (it was never released, so it is not held against it).
  ASSERT_TRUE(Signed(core->SignOrder(Buy("a2"), "t")));
  core.reset();
  EXPECT_EQ(*audit::VerifyAuditLog(AuditPath()), 2);
  OpenAudit();
  core = Core();
  ASSERT_NE(core, nullptr);
  auto replay = core->SignOrder(Buy("a2"), "t");
  ASSERT_TRUE(Signed(replay));
  EXPECT_TRUE(std::get<SignResult>(*replay).replayed);
}

TEST_F(SignerDurabilityTest, AFullLedgerRefusesToSignAndLeavesAFileTheNextStartAccepts) {
  auto core = Core();
  {
    // The ledger grows in 1 MiB steps of zeros: that step fails, and is undone.
    FileSizeLimit limit(rlim_t{64} * 1024);
    EXPECT_THAT(core->SignOrder(Buy("l1"), "t"),
                StatusIs(absl::StatusCode::kResourceExhausted,
                         AllOf(HasSubstr("signer ledger"), HasSubstr("File too large"))));
    EXPECT_EQ(FileSize(LedgerPath()), 0);
    // A refusal stays a refusal; it needs no disk.
    auto cap = core->SignOrder(Buy("l2", 2'000'000'000), "t");
    ASSERT_TRUE(cap.ok());
    EXPECT_TRUE(std::holds_alternative<policy::Refusal>(*cap));
  }
  ASSERT_TRUE(Signed(core->SignOrder(Buy("l1"), "t")));
  core.reset();
  core = Core();
  ASSERT_NE(core, nullptr);
  auto replay = core->SignOrder(Buy("l1"), "t");
  ASSERT_TRUE(Signed(replay));
  EXPECT_TRUE(std::get<SignResult>(*replay).replayed);
}

TEST_F(SignerDurabilityTest, ARemovedLastAuditRecordStopsTheStartUntilTheGapIsAccepted) {
  OpenAudit();
  {
    auto core = Core();
    ASSERT_TRUE(Signed(core->SignOrder(Buy("h1"), "t")));
    ASSERT_TRUE(Signed(core->SignOrder(Buy("h2"), "t")));
  }
  std::vector<std::string> lines = AuditLines();
  ASSERT_EQ(lines.size(), 2u);
  // The last line removed: the rest is still a valid chain, so only the ledger can tell.
  std::ofstream(AuditPath(), std::ios::trunc) << lines[0] << "\n";
  EXPECT_THAT(audit::VerifyAuditLog(AuditPath()), IsOk());
  OpenAudit();
  EXPECT_THAT(Create(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                 AllOf(HasSubstr("missing committed records"),
                                       HasSubstr("has 1 lines"), HasSubstr("--accept-audit-gap"))));
  // A fresh file in its place is refused too.
  audit_.reset();
  std::remove(AuditPath().c_str());
  OpenAudit();
  EXPECT_THAT(Create(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                 HasSubstr("missing committed records")));
  // Accepting the gap writes it into the log, and later starts accept the new head.
  std::ofstream(AuditPath(), std::ios::trunc) << lines[0] << "\n";
  OpenAudit();
  CoreOptions accept;
  accept.accept_audit_gap = true;
  {
    auto core = Core(accept);
    ASSERT_NE(core, nullptr);
    ASSERT_TRUE(Signed(core->SignOrder(Buy("h3"), "t")));
  }
  EXPECT_THAT(test::ReadTextFileForTest(AuditPath()),
              AllOf(HasSubstr("\"decision\":\"audit_gap_accepted\""), HasSubstr("has 1 lines")));
  EXPECT_EQ(*audit::VerifyAuditLog(AuditPath()), 3);
  OpenAudit();
  EXPECT_THAT(Create(), IsOk());
}

TEST_F(SignerDurabilityTest, AnAuditLogAheadOfTheLedgerIsAccepted) {
  // A crash between the audit sync and the ledger's leaves audit records the ledger never
  // committed: they released nothing, and the start accepts them.
  OpenAudit();
  {
    auto core = Core();
    ASSERT_TRUE(Signed(core->SignOrder(Buy("c1"), "t")));
  }
  ASSERT_THAT(audit_->Append({{"decision", "signed"}, {"intent", "c2"}}), IsOk());
  OpenAudit();
  EXPECT_THAT(Create(), IsOk());
}

TEST_F(SignerDurabilityTest, ATornLedgerTailIsClearedBeforeTheNextAppend) {
  std::string path = dir_.File("ledger.jsonl");
  {
    auto ledger = Ledger::Open(path, [](const LedgerRecord&) {});
    ASSERT_THAT(ledger, IsOk());
    ASSERT_THAT((*ledger)->WaitDurable((*ledger)->Append({"2026-11-26", "i1", "0x1", "ab", 5})),
                IsOk());
  }
  std::string text = test::ReadTextFileForTest(path);
  std::string records = text.substr(0, text.find('\0'));
  // A crash mid-write left a long fragment before the zeros.
  std::string fragment = "{\"day\":\"2026-11-26\",\"intent\":\"" + std::string(300, 'x');
  dir_.Write("ledger.jsonl", records + fragment + std::string(4096, '\0'), 0600);
  int seen = 0;
  {
    auto ledger = Ledger::Open(path, [&](const LedgerRecord&) { ++seen; });
    ASSERT_THAT(ledger, IsOk());
    EXPECT_EQ(seen, 1);
    std::string opened = test::ReadTextFileForTest(path);
    EXPECT_EQ(opened.find_first_not_of('\0', records.size()), std::string::npos)
        << "the fragment is still there";
    ASSERT_THAT((*ledger)->WaitDurable((*ledger)->Append({"2026-11-26", "i2", "0x2", "cd", 7})),
                IsOk());
  }
  std::string after = test::ReadTextFileForTest(path);
  std::string kept = after.substr(0, after.find('\0'));
  EXPECT_EQ(std::count(kept.begin(), kept.end(), '\n'), 2);
  EXPECT_EQ(kept.back(), '\n');
  EXPECT_EQ(after.find_first_not_of('\0', kept.size()), std::string::npos);
  seen = 0;
  EXPECT_THAT(Ledger::Open(path, [&](const LedgerRecord&) { ++seen; }), IsOk());
  EXPECT_EQ(seen, 2);
}

TEST_F(SignerDurabilityTest, AnAuditLogWithATornLastLineStartsAndContinuesItsChain) {
  OpenAudit();
  ASSERT_THAT(audit_->Append({{"decision", "signed"}}), IsOk());
  audit_.reset();
  std::ofstream(AuditPath(), std::ios::app) << "{\"decision\":\"sig";
  EXPECT_THAT(audit::VerifyAuditLog(AuditPath()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("line 2 is cut short")));
  OpenAudit();
  ASSERT_THAT(audit_->Append({{"decision", "refused"}}), IsOk());
  EXPECT_EQ(*audit::VerifyAuditLog(AuditPath()), 2);
}

TEST_F(SignerDurabilityTest, RefusalsAreAuditedAtABoundedRateAndTheRestCounted) {
  OpenAudit();
  CoreOptions options;
  options.refusal_audits_per_second = 1;
  options.refusal_audit_burst = 3;
  {
    auto core = Core(options);
    for (int i = 0; i < 10; ++i) {
      auto r = core->SignOrder(Buy("r" + std::to_string(i), 2'000'000'000), "t");
      ASSERT_TRUE(r.ok() && std::holds_alternative<policy::Refusal>(*r));
    }
    clock_.Advance(absl::Seconds(1));
    ASSERT_TRUE(Signed(core->SignOrder(Buy("s1"), "t")));  // signatures are always audited
    auto r = core->SignOrder(Buy("r10", 2'000'000'000), "t");
    ASSERT_TRUE(r.ok() && std::holds_alternative<policy::Refusal>(*r));
  }
  std::vector<std::string> lines = AuditLines();
  ASSERT_EQ(lines.size(), 5u);  // 3 refusals, the signature, 1 refusal
  EXPECT_THAT(lines[3],
              AllOf(HasSubstr("\"decision\":\"signed\""), HasSubstr("\"suppressed_refusals\":7")));
  EXPECT_THAT(lines[4], Not(HasSubstr("suppressed_refusals")));
  EXPECT_EQ(*audit::VerifyAuditLog(AuditPath()), 5);
}

TEST_F(SignerDurabilityTest, ConcurrentSignaturesShareGroupCommitsAndAllAreDurable) {
  OpenAudit();
  {
    auto core = Core();
    std::vector<std::thread> threads;
    threads.reserve(8);
    std::atomic<int> signed_count{0};
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 10; ++i) {
          std::string intent = "g" + std::to_string(t) + "-" + std::to_string(i);
          if (Signed(core->SignOrder(Buy(intent), "t"))) ++signed_count;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(signed_count.load(), 80);
  }
  EXPECT_EQ(*audit::VerifyAuditLog(AuditPath()), 80);
  OpenAudit();
  EXPECT_THAT(Create(), IsOk());  // the ledger's last head is the log's last line
}

// The key's page, as the kernel lists it in /proc/self/smaps.
std::string VmFlagsOf(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  auto at = reinterpret_cast<uintptr_t>(address);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    uintptr_t from = 0, to = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &from, &to) == 2 && line.find('-') < 16) {
      inside = at >= from && at < to;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

// AddressSanitizer intercepts mlock and locks nothing, though it reports success.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMlockLocks = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kMlockLocks = false;
#else
constexpr bool kMlockLocks = true;
#endif
#else
constexpr bool kMlockLocks = true;
#endif

TEST(SecretKeyPage, IsLockedAndLeftOutOfCoreDumps) {
  key::SecretKey key = TestKey();
  std::string flags = VmFlagsOf(key.data());
  EXPECT_THAT(flags, HasSubstr(" dd"));  // MADV_DONTDUMP
  if (key.locked() && kMlockLocks) {
    EXPECT_THAT(flags, HasSubstr(" lo"));
  }
  // A move hands the page over; it is not copied.
  const uint8_t* page = key.data();
  key::SecretKey moved = std::move(key);
  EXPECT_EQ(moved.data(), page);
  EXPECT_EQ(key.data(), nullptr);  // NOLINT(bugprone-use-after-move): that is the point
}

// A keystore with these kdf parameters (text spliced in as written).
std::string Keystore(const std::string& kdf, const std::string& params) {
  return R"({"version": 3, "crypto": {"cipher": "aes-128-ctr",
    "cipherparams": {"iv": "6087dab2f9fdbbfaddc31a909735c1e6"},
    "ciphertext": "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    "kdf": ")" +
         kdf + R"(", "kdfparams": {)" + params + R"(,
    "salt": "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
    "mac": "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"}})";
}

TEST(KeystoreParams, HostileKdfParametersAreRefusedBeforeAnyWork) {
  test::TempDir dir;
  struct Case {
    std::string kdf, params, field;
  };
  const std::vector<Case> cases = {
      {"scrypt", R"("dklen": 32, "n": 1073741824, "r": 8, "p": 1)", "kdfparams.n"},
      {"scrypt", R"("dklen": 32, "n": 18446744073709551616, "r": 8, "p": 1)", "kdfparams.n"},
      {"scrypt", R"("dklen": 32, "n": 99999999999999999999999, "r": 8, "p": 1)", "kdfparams.n"},
      {"scrypt", R"("dklen": 32, "n": -1, "r": 8, "p": 1)", "kdfparams.n"},
      {"scrypt", R"("dklen": 32, "n": 1e6, "r": 8, "p": 1)", "kdfparams.n"},
      {"scrypt", R"("dklen": 32, "n": 1000, "r": 8, "p": 1)", "power of two"},
      {"scrypt", R"("dklen": 32, "n": 262144, "r": 4294967297, "p": 1)", "kdfparams.r"},
      {"scrypt", R"("dklen": 32, "n": 262144, "r": 8, "p": 1000000)", "kdfparams.p"},
      {"scrypt", R"("dklen": 32, "n": 1048576, "r": 32, "p": 16)", "more memory or work"},
      {"scrypt", R"("dklen": "32", "n": 262144, "r": 8, "p": 1)", "dklen"},
      {"pbkdf2", R"("dklen": 32, "c": 4294967296, "prf": "hmac-sha256")", "kdfparams.c"},
      {"pbkdf2", R"("dklen": 32, "c": 0, "prf": "hmac-sha256")", "kdfparams.c"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.params);
    std::string text = Keystore(c.kdf, c.params);
    EXPECT_THAT(key::ParseKeystore(text),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.field)));
    dir.Write("ks.json", text, 0600);
    absl::Time start = absl::Now();
    EXPECT_THAT(key::LoadKeystore(dir.File("ks.json"), "pw"),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.field)));
    EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  }
  // geth's own parameters pass the check.
  EXPECT_THAT(key::ParseKeystore(Keystore("scrypt", R"("dklen": 32, "n": 262144, "r": 8, "p": 1)")),
              IsOk());
}

TEST(KeystoreParams, APasswordFileIsCheckedOnTheDescriptorItIsReadFrom) {
  test::TempDir dir;
  dir.Write("pw", "secret\nsecond line\n", 0600);
  auto password = key::ReadPasswordFile(dir.File("pw"));
  ASSERT_THAT(password, IsOk());
  EXPECT_EQ(*password, "secret");
  dir.Write("open", "secret\n", 0644);
  EXPECT_THAT(key::ReadPasswordFile(dir.File("open")),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("chmod 600")));
  EXPECT_THAT(key::ReadPasswordFile(dir.path()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not a file")));
}

}  // namespace
}  // namespace betteroms::signer
