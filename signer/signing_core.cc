#include "signer/signing_core.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/fault_point.h"
#include "common/hex.h"
#include "common/status_macros.h"

namespace betteroms::signer {
namespace {

std::string Hex0x(std::span<const uint8_t> b) { return "0x" + ToHex(b); }

std::string UtcDay(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); }

}  // namespace

SigningCore::SigningCore(key::SecretKey key, policy::Policy policy, audit::AuditLog* audit,
                         const Clock& clock)
    : key_(std::move(key)),
      policy_(std::move(policy)),
      audit_(audit),
      clock_(clock),
      ctx_(secp256k1_context_create(SECP256K1_CONTEXT_NONE)) {
  // Randomised once against side channels, as libsecp256k1 recommends.
  unsigned char seed[32];
  if (RAND_bytes(seed, sizeof(seed)) == 1) {
    int randomized = secp256k1_context_randomize(ctx_, seed);
    (void)randomized;
  }
  secp256k1_pubkey pub;
  if (secp256k1_ec_pubkey_create(ctx_, &pub, key_.data()) == 1) {
    key_address_ = crypto::AddressFromPublicKey(ctx_, pub);
  }
  address_ = crypto::ChecksumAddress(key_address_);
  rate_tokens_ = policy_.max_signs_per_second.value_or(0);
  rate_at_ = std::chrono::steady_clock::now();
}

SigningCore::~SigningCore() { secp256k1_context_destroy(ctx_); }

absl::StatusOr<std::unique_ptr<SigningCore>> SigningCore::Create(key::SecretKey key,
                                                                 policy::Policy policy,
                                                                 const std::string& state_dir,
                                                                 audit::AuditLog* audit,
                                                                 const Clock& clock) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat("state dir ", state_dir, ": ", ec.message()));
  }
  chmod(state_dir.c_str(), 0700);
  auto core = std::unique_ptr<SigningCore>(
      new SigningCore(std::move(key), std::move(policy), audit, clock));
  SigningCore* c = core.get();
  OMS_ASSIGN_OR_RETURN(c->ledger_,
                       Ledger::Open(state_dir + "/ledger.jsonl", [c](const LedgerRecord& r) {
                         c->intents_[r.intent] = {r.order_hash, r.signature, 0};
                         c->daily_[r.day] += r.notional;
                       }));
  return core;
}

bool SigningCore::TakeRateToken() {
  if (!policy_.max_signs_per_second) return true;
  auto now = std::chrono::steady_clock::now();
  double limit = *policy_.max_signs_per_second;
  rate_tokens_ =
      std::min(limit, rate_tokens_ + limit * std::chrono::duration<double>(now - rate_at_).count());
  rate_at_ = now;
  if (rate_tokens_ < 1) return false;
  rate_tokens_ -= 1;
  return true;
}

void SigningCore::Audit(const std::string& caller, const SignRequest& request,
                        const std::string& order_hash, const policy::OrderFacts& facts,
                        absl::string_view decision, absl::string_view rule) {
  if (audit_ == nullptr) return;
  nlohmann::ordered_json rec = {{"time", FormatRfc3339(clock_.Now())},
                                {"caller", caller},
                                {"intent", request.intent_id},
                                {"order_hash", order_hash},
                                {"chain_id", request.chain_id},
                                {"exchange", crypto::ExchangeName(request.exchange)},
                                {"token", facts.token_id},
                                {"side", facts.buy ? "BUY" : "SELL"},
                                {"price", FormatMicros(facts.price)},
                                {"notional", FormatMicros(facts.notional)},
                                {"decision", std::string(decision)},
                                {"rule", std::string(rule)}};
  (void)audit_->Append(std::move(rec));
}

policy::Refusal SigningCore::Refused(const std::string& caller, const SignRequest& request,
                                     const std::string& order_hash, const policy::OrderFacts& facts,
                                     policy::Refusal refusal) {
  Audit(caller, request, order_hash, facts, "refused", policy::RuleId(refusal.rule));
  return refusal;
}

absl::StatusOr<SignOutcome> SigningCore::SignOrder(const SignRequest& request,
                                                   const std::string& caller) {
  OMS_ASSIGN_OR_RETURN(auto decision, Decide(request, caller));
  if (auto* refusal = std::get_if<policy::Refusal>(&decision)) return *refusal;
  auto& decided = std::get<Decision>(decision);
  OMS_RETURN_IF_ERROR(ledger_->WaitDurable(decided.ticket));
  FaultPoint("signer.after_ledger");  // test-only: remembered, the caller not yet answered
  return std::move(decided.result);
}

void SigningCore::SignOrderAsync(const SignRequest& request, const std::string& caller,
                                 std::function<void(absl::StatusOr<SignOutcome>)> done) {
  absl::StatusOr<std::variant<Decision, policy::Refusal>> decision = Decide(request, caller);
  if (!decision.ok()) {
    done(decision.status());
    return;
  }
  if (auto* refusal = std::get_if<policy::Refusal>(&*decision)) {
    done(std::move(*refusal));
    return;
  }
  auto& decided = std::get<Decision>(*decision);
  ledger_->WhenDurable(decided.ticket, [result = std::move(decided.result),
                                        done = std::move(done)](const absl::Status& durable) {
    if (durable.ok()) {
      FaultPoint("signer.after_ledger");
      done(result);
    } else {
      done(durable);
    }
  });
}

absl::StatusOr<std::variant<SigningCore::Decision, policy::Refusal>> SigningCore::Decide(
    const SignRequest& request, const std::string& caller) {
  policy::OrderFacts facts;
  facts.chain_id = request.chain_id;
  facts.exchange = request.exchange;
  facts.maker = request.order.maker;
  facts.signer = request.order.signer;
  facts.signature_type = request.order.signature_type;
  facts.token_id = crypto::Uint256ToDecimal(request.order.token_id);
  if (request.intent_id.empty() || request.intent_id.size() > 200) {
    return absl::InvalidArgumentError("intent_id must be 1 to 200 characters");
  }
  auto domain = crypto::DomainFor(request.exchange, request.chain_id);
  if (!domain) {
    return absl::InvalidArgumentError(
        absl::StrCat("chain ", request.chain_id, " is not 137 or 80002"));
  }
  if (domain->version == "1") {
    return absl::InvalidArgumentError("V1 exchanges are retired; sign for V2 or V3");
  }
  absl::Status economics = policy::DeriveEconomics(request.order, facts);
  crypto::Hash256 separator = crypto::ExchangeDomainSeparator(*domain, request.chain_id);
  crypto::Hash256 struct_hash = crypto::OrderV2StructHash(request.order);
  crypto::Hash256 digest = crypto::TypedDataDigest(separator, struct_hash);
  std::string order_hash = Hex0x(digest);
  if (!economics.ok()) {
    Audit(caller, request, order_hash, facts, "refused", "amounts");
    return economics;
  }
  // Only POLY_1271 orders name a signer other than the key (the deposit wallet it controls).
  if (request.order.signature_type != 3 && request.order.signer != key_address_) {
    return Refused(caller, request, order_hash, facts,
                   {policy::Rule::kSignerIsKey,
                    absl::StrCat("order signer ", crypto::ChecksumAddress(request.order.signer),
                                 " is not this key's address ", address_)});
  }

  std::unique_lock<std::mutex> lock(mu_);
  auto known = intents_.find(request.intent_id);
  if (known != intents_.end()) {
    if (known->second.order_hash != order_hash) {
      Audit(caller, request, order_hash, facts, "refused", "one_intent_one_order");
      return absl::AlreadyExistsError(
          absl::StrCat("intent ", request.intent_id, " already signed order ",
                       known->second.order_hash, "; it will not sign a different order"));
    }
    Audit(caller, request, order_hash, facts, "replayed", "");
    return Decision{{digest, *FromHex(known->second.signature), true}, known->second.ticket};
  }
  std::string day = UtcDay(clock_.Now());
  if (std::optional<policy::Refusal> refusal = policy::Check(policy_, facts, daily_[day])) {
    return Refused(caller, request, order_hash, facts, std::move(*refusal));
  }
  if (!TakeRateToken()) {
    return Refused(
        caller, request, order_hash, facts,
        {policy::Rule::kMaxSignsPerSecond,
         absl::StrCat("more than ", *policy_.max_signs_per_second, " signatures per second")});
  }
  SignResult result{digest, {}, false};
  if (request.order.signature_type == 3) {
    crypto::Hash256 signing = crypto::Poly1271SigningDigest(separator, struct_hash,
                                                            request.chain_id, request.order.signer);
    auto inner = crypto::SignDigest(ctx_, key_.data(), signing);
    if (!inner) return absl::InternalError("signing failed");
    result.signature = crypto::Poly1271Envelope(*inner, separator, struct_hash);
  } else {
    auto sig = crypto::SignDigest(ctx_, key_.data(), digest);
    if (!sig) return absl::InternalError("signing failed");
    result.signature.assign(sig->begin(), sig->end());
  }
  std::string signature_hex = ToHex(result.signature);
  FaultPoint("signer.before_ledger");  // test-only: signed, not yet remembered
  uint64_t ticket =
      ledger_->Append({day, request.intent_id, order_hash, signature_hex, facts.notional});
  intents_[request.intent_id] = {order_hash, signature_hex, ticket};
  daily_[day] += facts.notional;
  Audit(caller, request, order_hash, facts, "signed", "");
  return Decision{std::move(result), ticket};
}

absl::StatusOr<ClobAuthOutcome> SigningCore::SignClobAuth(uint64_t chain_id,
                                                          const std::string& timestamp,
                                                          const crypto::Word& nonce,
                                                          const std::string& caller) {
  if (chain_id != policy_.chain_id) {
    policy::Refusal refusal{
        policy::Rule::kChainId,
        absl::StrCat("chain ", chain_id, " is not the policy's chain ", policy_.chain_id)};
    if (audit_ != nullptr) {  // a refusal is a decision too
      (void)audit_->Append({{"time", FormatRfc3339(clock_.Now())},
                            {"caller", caller},
                            {"kind", "clob_auth"},
                            {"chain_id", chain_id},
                            {"decision", "refused"},
                            {"rule", std::string(policy::RuleId(refusal.rule))}});
    }
    return refusal;
  }
  if (timestamp.empty() || timestamp.size() > 12 ||
      timestamp.find_first_not_of("0123456789") != std::string::npos) {
    return absl::InvalidArgumentError("timestamp must be decimal unix seconds");
  }
  crypto::Hash256 digest = crypto::ClobAuthDigest(chain_id, key_address_, timestamp, nonce);
  auto sig = crypto::SignDigest(ctx_, key_.data(), digest);
  if (!sig) return absl::InternalError("signing failed");
  if (audit_ != nullptr) {
    (void)audit_->Append({{"time", FormatRfc3339(clock_.Now())},
                          {"caller", caller},
                          {"kind", "clob_auth"},
                          {"digest", Hex0x(digest)},
                          {"decision", "signed"}});
  }
  return *sig;
}

}  // namespace betteroms::signer
