// The signer's decisions, apart from gRPC: typed order in, policy and intent checks, durable
// records, signature out. Every decision is audited.
#pragma once

#include <secp256k1.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/time.h"
#include "signer/audit/audit_log.h"
#include "signer/crypto/ecdsa.h"
#include "signer/crypto/eip712.h"
#include "signer/key/secret_key.h"
#include "signer/ledger.h"
#include "signer/policy/policy.h"

namespace betteroms::signer {

struct SignRequest {
  std::string intent_id;
  uint64_t chain_id = 0;
  crypto::Exchange exchange = crypto::Exchange::kCtfV2;
  crypto::OrderV2 order;
};

struct SignResult {
  crypto::Hash256 order_hash{};    // the EIP-712 digest of the order
  std::vector<uint8_t> signature;  // 65 bytes, or the 317-byte POLY_1271 envelope
  bool replayed = false;           // the intent had signed this very order before
};

class SigningCore {
 public:
  // `state_dir` holds the intent and daily-notional ledger (created if missing); `audit` may be
  // null. FailedPrecondition when the ledger cannot be read or written.
  static absl::StatusOr<std::unique_ptr<SigningCore>> Create(key::SecretKey key,
                                                             policy::Policy policy,
                                                             const std::string& state_dir,
                                                             audit::AuditLog* audit,
                                                             const Clock& clock);
  ~SigningCore();

  const std::string& address() const { return address_; }
  uint64_t chain_id() const { return policy_.chain_id; }
  std::string PolicySummary() const { return policy_.Summary(); }

  // Signs one order for one intent. InvalidArgument for malformed orders; AlreadyExists when the
  // intent signed a different order; PermissionDenied for a policy refusal (rule and numbers);
  // ResourceExhausted above the signing rate. A signature is released only once its ledger record
  // is on disk, so a restart can neither re-sign the intent differently nor forget the day's total.
  absl::StatusOr<SignResult> SignOrder(const SignRequest& request, const std::string& caller);
  // The same, without blocking: `done` runs once the outcome is final (on the ledger's thread
  // when it had to wait for the disk).
  void SignOrderAsync(const SignRequest& request, const std::string& caller,
                      std::function<void(absl::StatusOr<SignResult>)> done);

  // The L1 ClobAuth signature for this key.
  absl::StatusOr<crypto::Signature> SignClobAuth(uint64_t chain_id, const std::string& timestamp,
                                                 const crypto::Word& nonce,
                                                 const std::string& caller);

 private:
  struct Signed {
    std::string order_hash;
    std::string signature;
    uint64_t ticket = 0;  // the ledger ticket that makes it durable (0: loaded from disk)
  };
  // A decision with the ledger ticket that must be durable before the result is released.
  struct Decision {
    SignResult result;
    uint64_t ticket = 0;
  };
  SigningCore(key::SecretKey key, policy::Policy policy, audit::AuditLog* audit,
              const Clock& clock);
  absl::StatusOr<Decision> Decide(const SignRequest& request, const std::string& caller);
  bool TakeRateToken();
  void Audit(const std::string& caller, const SignRequest& request, const std::string& order_hash,
             const policy::OrderFacts& facts, const std::string& decision, const std::string& rule);

  key::SecretKey key_;
  policy::Policy policy_;
  std::unique_ptr<Ledger> ledger_;
  audit::AuditLog* audit_;
  const Clock& clock_;
  secp256k1_context* ctx_;
  crypto::Address key_address_{};
  std::string address_;

  std::mutex mu_;
  std::map<std::string, Signed> intents_;
  std::map<std::string, int64_t> daily_;  // UTC day → notional signed
  double rate_tokens_ = 0;
  std::chrono::steady_clock::time_point rate_at_;
};

}  // namespace betteroms::signer
