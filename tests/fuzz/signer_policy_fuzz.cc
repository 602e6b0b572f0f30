// libFuzzer target: the signer's policy parser (the one oms-signer runs on --policy) must never
// crash, leak or hit undefined behaviour, whatever bytes arrive; and a policy it accepts must hold
// the invariants the signer relies on. Built and run by scripts/fuzz (clang,
// -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/decimal.h"
#include "signer/policy/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  betteroms::crypto::Address key{};
  key[19] = 1;
  absl::StatusOr<betteroms::policy::Policy> p = betteroms::policy::ParsePolicy(text, key);
  if (!p.ok()) return 0;
  // Fails closed: whatever was accepted restricts to something, and every bound is in range.
  bool sane = !p->none && (p->chain_id == 137 || p->chain_id == 80002) && !p->exchanges.empty() &&
              !p->makers.empty() && !p->signers.empty() && !p->signature_types.empty() &&
              (!p->tokens || !p->tokens->empty()) && p->min_price > 0 &&
              p->min_price <= p->max_price && p->max_price < betteroms::kMicro &&
              (!p->max_order_notional || *p->max_order_notional > 0) &&
              (!p->max_daily_notional || *p->max_daily_notional > 0) &&
              p->clob_auth_window_seconds >= 1 && p->clob_auth_window_seconds <= 3600 &&
              p->max_clob_auths_per_minute >= 1 && p->max_clob_auths_per_minute <= 600;
  if (!sane) std::abort();
  (void)p->Summary();
  return 0;
}
