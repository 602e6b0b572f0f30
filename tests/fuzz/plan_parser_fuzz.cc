// libFuzzer target: the plan parser must never crash, leak or hit undefined behaviour, whatever
// bytes arrive. Built and run by scripts/fuzz (clang, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "oms-server/domain/plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  betteroms::domain::PlanParseResult result = betteroms::domain::ParsePlan(text);
  if (result.ok()) (void)betteroms::domain::CanonicalPlanText(result.plan);
  return 0;
}
