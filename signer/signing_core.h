// The signer's decisions, apart from gRPC: typed order in, policy and intent checks, durable
// records, signature or policy refusal out. Every decision is audited.
#pragma once

#include <secp256k1.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
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

// A well-formed request ends in a signature or in a policy refusal; both are answers, not errors.
using SignOutcome = std::variant<SignResult, policy::Refusal>;
using ClobAuthOutcome = std::variant<crypto::Signature, policy::Refusal>;

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
  // OK while the ledger can record signatures; its write error once it cannot.
  absl::Status LedgerHealth() { return ledger_->Health(); }

  // Signs one order for one intent, or refuses it by a policy rule (signing faster than
  // max_signs_per_second is a refusal too). InvalidArgument for malformed orders; AlreadyExists
  // when the intent signed a different order; FailedPrecondition when the ledger cannot be
  // written. A signature is released only once its ledger record is on disk, so a restart can
  // neither re-sign the intent differently nor forget the day's total.
  absl::StatusOr<SignOutcome> SignOrder(const SignRequest& request, const std::string& caller);
  // The same, without blocking: `done` runs once the outcome is final (on the ledger's thread
  // when it had to wait for the disk).
  void SignOrderAsync(const SignRequest& request, const std::string& caller,
                      std::function<void(absl::StatusOr<SignOutcome>)> done);

  // The L1 ClobAuth signature for this key; refused (chain_id) for another chain than the
  // policy's. InvalidArgument for a timestamp that is not decimal unix seconds.
  absl::StatusOr<ClobAuthOutcome> SignClobAuth(uint64_t chain_id, const std::string& timestamp,
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
  absl::StatusOr<std::variant<Decision, policy::Refusal>> Decide(const SignRequest& request,
                                                                 const std::string& caller);
  bool TakeRateToken();
  void Audit(const std::string& caller, const SignRequest& request, const std::string& order_hash,
             const policy::OrderFacts& facts, absl::string_view decision, absl::string_view rule);
  // Audits a refusal and hands it back.
  policy::Refusal Refused(const std::string& caller, const SignRequest& request,
                          const std::string& order_hash, const policy::OrderFacts& facts,
                          policy::Refusal refusal);

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
