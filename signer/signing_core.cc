#include "signer/signing_core.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/fault_point.h"
#include "common/hex.h"
#include "common/metrics.h"
#include "common/status_macros.h"

namespace betteroms::signer {
namespace {

std::string Hex0x(std::span<const uint8_t> b) { return "0x" + ToHex(b); }

std::string UtcDay(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); }

// A day's total never wraps: without a daily cap, orders of up to 2^63 micro-USDC may add up.
int64_t AddSaturating(int64_t a, int64_t b) {
  int64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<int64_t>::max() : sum;
}

// ClobAuth timestamps are decimal unix seconds: at most 12 digits keeps them in int64.
bool IsUnixSeconds(const std::string& t) {
  return !t.empty() && t.size() <= 12 && t.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

SigningCore::SigningCore(key::SecretKey key, policy::Policy policy, audit::AuditLog* audit,
                         const Clock& clock, CoreOptions options)
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
  options_ = options;
  refusal_tokens_ = options_.refusal_audit_burst;
  refusal_at_ = clock_.Now();
}

SigningCore::~SigningCore() {
  ledger_.reset();  // its last callbacks may still touch the maps below
  secp256k1_context_destroy(ctx_);
}

absl::StatusOr<std::unique_ptr<SigningCore>> SigningCore::Create(
    key::SecretKey key, policy::Policy policy, const std::string& state_dir, audit::AuditLog* audit,
    const Clock& clock, CoreOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat("state dir ", state_dir, ": ", ec.message()));
  }
  chmod(state_dir.c_str(), 0700);
  auto core = std::unique_ptr<SigningCore>(
      new SigningCore(std::move(key), std::move(policy), audit, clock, options));
  SigningCore* c = core.get();
  OMS_ASSIGN_OR_RETURN(
      c->ledger_, Ledger::Open(state_dir + "/ledger.jsonl",
                               [c](const LedgerRecord& r) {
                                 c->intents_[r.intent] = {r.order_hash, r.signature, 0};
                                 c->daily_[r.day] = AddSaturating(c->daily_[r.day], r.notional);
                               },
                               {audit, options.accept_audit_gap}));
  if (!c->ledger_->audit_gap().empty()) {
    // Started past a gap on purpose: the log itself says what was missing.
    uint64_t ticket = c->QueueAudit({{"time", FormatRfc3339(clock.Now())},
                                     {"decision", "audit_gap_accepted"},
                                     {"detail", c->ledger_->audit_gap()}},
                                    false, std::nullopt);
    OMS_RETURN_IF_ERROR(c->ledger_->WaitDurable(ticket));
  }
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

uint64_t SigningCore::QueueAudit(nlohmann::ordered_json record, bool refusal,
                                 std::optional<LedgerRecord> ledger_record) {
  if (audit_ == nullptr) {
    return ledger_record ? ledger_->Append(std::move(ledger_record), std::nullopt) : 0;
  }
  {
    std::lock_guard<std::mutex> lock(audit_mu_);
    if (refusal) {
      // A client that only sends refused requests must not fill the disk with the log.
      absl::Time now = clock_.Now();
      refusal_tokens_ = std::min(options_.refusal_audit_burst,
                                 refusal_tokens_ + options_.refusal_audits_per_second *
                                                       absl::ToDoubleSeconds(now - refusal_at_));
      refusal_at_ = now;
      if (refusal_tokens_ < 1) {
        ++suppressed_refusals_;
        return 0;
      }
      refusal_tokens_ -= 1;
    }
    if (suppressed_refusals_ > 0) {
      record["suppressed_refusals"] = suppressed_refusals_;
      suppressed_refusals_ = 0;
    }
  }
  return ledger_->Append(std::move(ledger_record), std::move(record));
}

absl::Status SigningCore::Settle(const Decision& decided) {
  absl::Status durable = ledger_->WaitDurable(decided.audit_ticket);
  // The signature's own record is older than this request's audit record: settled already.
  if (durable.ok()) durable = ledger_->WaitDurable(decided.signed_ticket);
  if (!durable.ok() && decided.fresh) {
    std::lock_guard<std::mutex> lock(mu_);
    auto known = intents_.find(decided.intent);
    if (known != intents_.end() && known->second.ticket == decided.signed_ticket) {
      intents_.erase(known);
      daily_[decided.day] -= decided.notional;
    }
  }
  return durable;
}

uint64_t SigningCore::Audit(const std::string& caller, const SignRequest& request,
                            const std::string& order_hash, const policy::OrderFacts& facts,
                            absl::string_view decision, absl::string_view rule,
                            std::optional<LedgerRecord> ledger_record) {
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
  return QueueAudit(std::move(rec), decision == "refused", std::move(ledger_record));
}

policy::Refusal SigningCore::Refused(const std::string& caller, const SignRequest& request,
                                     const std::string& order_hash, const policy::OrderFacts& facts,
                                     policy::Refusal refusal) {
  Audit(caller, request, order_hash, facts, "refused", policy::RuleId(refusal.rule));
  return refusal;
}

absl::StatusOr<SignOutcome> SigningCore::SignOrder(const SignRequest& request,
                                                   const std::string& caller) {
  absl::StatusOr<std::variant<Decision, policy::Refusal>> decided_or = Decide(request, caller);
  if (!decided_or.ok() || std::holds_alternative<policy::Refusal>(*decided_or)) {
    // A refusal answers once its audit record is written (or could not be): it releases nothing.
    (void)ledger_->WaitDurable(ledger_->last_ticket());
  }
  OMS_ASSIGN_OR_RETURN(auto decision, std::move(decided_or));
  if (auto* refusal = std::get_if<policy::Refusal>(&decision)) return *refusal;
  auto& decided = std::get<Decision>(decision);
  OMS_RETURN_IF_ERROR(Settle(decided));
  FaultPoint("signer.after_ledger");  // test-only: remembered, the caller not yet answered
  return std::move(decided.result);
}

void SigningCore::SignOrderAsync(const SignRequest& request, const std::string& caller,
                                 std::function<void(absl::StatusOr<SignOutcome>)> done) {
  absl::StatusOr<std::variant<Decision, policy::Refusal>> decision = Decide(request, caller);
  if (!decision.ok() || std::holds_alternative<policy::Refusal>(*decision)) {
    // A refusal answers once its audit record is written (or could not be): it releases nothing.
    absl::StatusOr<SignOutcome> answer =
        decision.ok() ? absl::StatusOr<SignOutcome>(std::get<policy::Refusal>(std::move(*decision)))
                      : absl::StatusOr<SignOutcome>(decision.status());
    ledger_->WhenDurable(ledger_->last_ticket(),
                         [answer = std::move(answer), done = std::move(done)](const absl::Status&) {
                           done(answer);
                         });
    return;
  }
  uint64_t ticket = std::get<Decision>(*decision).audit_ticket;
  ledger_->WhenDurable(ticket, [this, decided = std::move(std::get<Decision>(*decision)),
                                done = std::move(done)](const absl::Status&) {
    absl::Status durable = Settle(decided);  // settled by now: it does not block
    if (durable.ok()) {
      FaultPoint("signer.after_ledger");
      done(decided.result);
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
  std::optional<policy::Refusal> economics = policy::DeriveEconomics(request.order, facts);
  crypto::Hash256 separator = crypto::ExchangeDomainSeparator(*domain, request.chain_id);
  crypto::Hash256 struct_hash = crypto::OrderV2StructHash(request.order);
  crypto::Hash256 digest = crypto::TypedDataDigest(separator, struct_hash);
  std::string order_hash = Hex0x(digest);
  if (economics) return Refused(caller, request, order_hash, facts, std::move(*economics));
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
    uint64_t audited = Audit(caller, request, order_hash, facts, "replayed", "");
    Decision replay{{digest, *FromHex(known->second.signature), true}, known->second.ticket};
    replay.audit_ticket = std::max(audited, known->second.ticket);
    return replay;
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
  // One ticket for both records: the group commit writes them together.
  uint64_t ticket =
      Audit(caller, request, order_hash, facts, "signed", "",
            LedgerRecord{day, request.intent_id, order_hash, signature_hex, facts.notional});
  intents_[request.intent_id] = {order_hash, signature_hex, ticket};
  daily_[day] = AddSaturating(daily_[day], facts.notional);
  return Decision{std::move(result), ticket, ticket, true, request.intent_id, day, facts.notional};
}

absl::StatusOr<ClobAuthOutcome> SigningCore::SignClobAuth(uint64_t chain_id,
                                                          const std::string& timestamp,
                                                          const crypto::Word& nonce,
                                                          const std::string& caller) {
  absl::Time now = clock_.Now();
  bool well_formed = IsUnixSeconds(timestamp);
  // Every decision is audited with what it was asked: chain, timestamp and nonce. Returns the
  // record's ticket in the group commit.
  auto audit = [&](absl::string_view decision, absl::string_view rule,
                   const std::string& digest) -> uint64_t {
    nlohmann::ordered_json rec = {{"time", FormatRfc3339(now)},
                                  {"caller", caller},
                                  {"kind", "clob_auth"},
                                  {"chain_id", chain_id},
                                  {"timestamp", well_formed ? timestamp : "(malformed)"},
                                  {"nonce", crypto::Uint256ToDecimal(nonce)}};
    if (!digest.empty()) rec["digest"] = digest;
    rec["decision"] = std::string(decision);
    rec["rule"] = std::string(rule);
    return QueueAudit(std::move(rec), decision == "refused", std::nullopt);
  };
  // A refusal releases nothing: written or not, it stands. Never called holding mu_, which the
  // group commit's callbacks take.
  auto refuse = [&](policy::Rule rule, std::string message) -> ClobAuthOutcome {
    (void)ledger_->WaitDurable(audit("refused", policy::RuleId(rule), ""));
    return policy::Refusal{rule, std::move(message)};
  };
  if (policy_.none) {
    return refuse(policy::Rule::kNoPolicy,
                  "no policy is loaded: oms-signer was started without --policy");
  }
  if (chain_id != policy_.chain_id) {
    return refuse(
        policy::Rule::kChainId,
        absl::StrCat("chain ", chain_id, " is not the policy's chain ", policy_.chain_id));
  }
  if (!well_formed) {
    (void)ledger_->WaitDurable(audit("refused", "timestamp", ""));
    return absl::InvalidArgumentError("timestamp must be decimal unix seconds");
  }
  // A signed ClobAuth is a credential: one from the past or the future would outlive its use.
  int64_t skew = std::stoll(timestamp) - absl::ToUnixSeconds(now);
  if (skew > policy_.clob_auth_window_seconds || -skew > policy_.clob_auth_window_seconds) {
    return refuse(policy::Rule::kClobAuthWindow,
                  absl::StrCat("timestamp ", timestamp, " is ", skew > 0 ? skew : -skew, " s ",
                               skew > 0 ? "ahead of" : "behind", " the signer's clock (",
                               absl::ToUnixSeconds(now), "); the window is ",
                               policy_.clob_auth_window_seconds, " s"));
  }
  bool over_rate = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!clob_auths_.empty() && clob_auths_.front() <= now - absl::Minutes(1)) {
      clob_auths_.pop_front();
    }
    over_rate = clob_auths_.size() >= static_cast<size_t>(policy_.max_clob_auths_per_minute);
    if (!over_rate) clob_auths_.push_back(now);
  }
  if (over_rate) {
    return refuse(policy::Rule::kMaxClobAuthsPerMinute,
                  absl::StrCat("more than ", policy_.max_clob_auths_per_minute,
                               " ClobAuth signatures per minute"));
  }
  crypto::Hash256 digest = crypto::ClobAuthDigest(chain_id, key_address_, timestamp, nonce);
  auto sig = crypto::SignDigest(ctx_, key_.data(), digest);
  if (!sig) return absl::InternalError("signing failed");
  OMS_RETURN_IF_ERROR(ledger_->WaitDurable(audit("signed", "", Hex0x(digest))));
  return *sig;
}

}  // namespace betteroms::signer
