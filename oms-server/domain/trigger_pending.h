// TEMPORARY: declarations of the trigger rules that branch `trig-domain` implements in
// oms-server/domain/trigger.{h,cc} and paper_engine.{h,cc}, so this branch compiles before they
// land. Replaced by "oms-server/domain/trigger.h" (and deleted) when trig-domain is merged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oms-server/domain/book.h"
#include "oms-server/domain/fill_engine.h"
#include "oms-server/domain/paper_engine.h"
#include "oms-server/domain/plan.h"

namespace betteroms::domain {

std::optional<int64_t> TriggerPriceOf(const Book& book, TriggerPrice price);
bool Crosses(const Trigger& trigger, int64_t price);

struct TriggerVerdict {
  enum Kind { kWait, kFire, kExpire };
  Kind kind = kWait;
  std::optional<int64_t> price;
  std::string reason;
};
TriggerVerdict EvaluateTrigger(const Trigger& trigger, const Book* book, absl::Time now);
std::string DescribeTrigger(const Trigger& trigger);
const char* Name(TriggerPrice price);

absl::StatusOr<PaperOrder> SimulateTriggeredTrade(const Plan& plan, int trade_index,
                                                  const Book& book, int64_t shares_available,
                                                  FillModel model, absl::Time now,
                                                  std::string* note);

}  // namespace betteroms::domain
