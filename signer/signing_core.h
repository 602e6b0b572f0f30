// The signer's decisions, apart from gRPC: typed order in, policy and intent checks, durable
// records, signature or policy refusal out. Every decision is audited.
#pragma once

#include <secp256k1.h>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
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

struct CoreOptions {
  // Start even when the audit log lacks records the ledger committed; the gap is audited.
  bool accept_audit_gap = false;
  // Refusals are audited at most this fast (a token bucket of `refusal_audit_burst`); the next
  // audited record counts the ones left out in "suppressed_refusals". Signatures always are.
  double refusal_audits_per_second = 10;
  double refusal_audit_burst = 100;
};

class SigningCore {
 public:
  // `state_dir` holds the intent and daily-notional ledger (created if missing); `audit` may be
  // null. FailedPrecondition when the ledger cannot be read or written, or when the audit log
  // lacks records the ledger committed (unless options.accept_audit_gap).
  static absl::StatusOr<std::unique_ptr<SigningCore>> Create(
      key::SecretKey key, policy::Policy policy, const std::string& state_dir,
      audit::AuditLog* audit, const Clock& clock, CoreOptions options = {});
  ~SigningCore();

  const std::string& address() const { return address_; }
  uint64_t chain_id() const { return policy_.chain_id; }
  std::string PolicySummary() const { return policy_.Summary(); }
  // OK while the ledger can record signatures; its write error once it cannot.
  absl::Status LedgerHealth() { return ledger_->Health(); }

  // Signs one order for one intent, or refuses it by a policy rule (signing faster than
  // max_signs_per_second is a refusal too). InvalidArgument for malformed orders; AlreadyExists
  // when the intent signed a different order; ResourceExhausted when the disk is full (Internal
  // for other write errors): nothing is signed then, and a later request tries again. A signature
  // is released only once its ledger and audit records are on disk, so a restart can neither
  // re-sign the intent differently nor forget the day's total, and no signature goes unaudited.
  absl::StatusOr<SignOutcome> SignOrder(const SignRequest& request, const std::string& caller);
  // The same, without blocking: `done` runs once the outcome is final (on the ledger's thread
  // when it had to wait for the disk).
  void SignOrderAsync(const SignRequest& request, const std::string& caller,
                      std::function<void(absl::StatusOr<SignOutcome>)> done);

  // The L1 ClobAuth signature for this key. Refused without a policy (policy), for another chain
  // than the policy's (chain_id), for a timestamp further from now than
  // clob_auth_window_seconds, and beyond max_clob_auths_per_minute; every decision is audited
  // with its timestamp and nonce. InvalidArgument for a timestamp that is not decimal unix
  // seconds; the disk errors of SignOrder when its audit record cannot be written.
  absl::StatusOr<ClobAuthOutcome> SignClobAuth(uint64_t chain_id, const std::string& timestamp,
                                               const crypto::Word& nonce,
                                               const std::string& caller);

 private:
  struct Signed {
    std::string order_hash;
    std::string signature;
    uint64_t ticket = 0;  // the ledger ticket that makes it durable (0: loaded from disk)
  };
  // A decision with the tickets that must be durable before the result is released: the
  // signature's ledger record and this request's audit record (the same one for a new
  // signature). A new signature whose records fail is forgotten again.
  struct Decision {
    SignResult result;
    uint64_t signed_ticket = 0;
    uint64_t audit_ticket = 0;
    bool fresh = false;
    std::string intent;
    std::string day;
    int64_t notional = 0;
  };
  SigningCore(key::SecretKey key, policy::Policy policy, audit::AuditLog* audit, const Clock& clock,
              CoreOptions options);
  absl::StatusOr<std::variant<Decision, policy::Refusal>> Decide(const SignRequest& request,
                                                                 const std::string& caller);
  bool TakeRateToken();
  // Queues an audit record (and a ledger record) for the next group commit; returns its ticket,
  // or 0 when nothing was queued (no audit log, or a refusal over the audit rate).
  uint64_t Audit(const std::string& caller, const SignRequest& request,
                 const std::string& order_hash, const policy::OrderFacts& facts,
                 absl::string_view decision, absl::string_view rule,
                 std::optional<LedgerRecord> ledger_record = std::nullopt);
  uint64_t QueueAudit(nlohmann::ordered_json record, bool refusal,
                      std::optional<LedgerRecord> ledger_record);
  // The outcome once the decision's records are settled; forgets a new signature that failed.
  absl::Status Settle(const Decision& decided);
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
  std::deque<absl::Time> clob_auths_;  // ClobAuths signed in the last minute (clock_ time)

  CoreOptions options_;
  std::mutex audit_mu_;  // the refusal bucket
  double refusal_tokens_ = 0;
  absl::Time refusal_at_;
  int64_t suppressed_refusals_ = 0;
};

}  // namespace betteroms::signer
