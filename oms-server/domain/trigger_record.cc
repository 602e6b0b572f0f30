#include "oms-server/domain/trigger_record.h"

#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/enum_names.h"
#include "common/time.h"
#include "oms-server/domain/trigger.h"

namespace betteroms::domain {
namespace {

constexpr EnumNames<TriggerStatus, 4> kTriggerStatusNames = {
    {{TriggerStatus::kArmed, "armed"},
     {TriggerStatus::kFired, "fired"},
     {TriggerStatus::kCancelled, "cancelled"},
     {TriggerStatus::kExpired, "expired"}}};

}  // namespace

const char* Name(TriggerStatus s) { return NameIn(kTriggerStatusNames, s); }

std::optional<TriggerStatus> ParseTriggerStatus(std::string_view s) {
  return ParseIn(kTriggerStatusNames, s);
}

std::string DescribeTriggeredTrade(const Trade& t) {
  std::string size = t.unit == SizeUnit::kShares ? absl::StrCat(FormatMicros(t.size), " shares")
                                                 : absl::StrCat("$", FormatMicros(t.size));
  std::string out = absl::StrCat(Name(t.side), " ", size, " ", Name(t.type));
  if (t.price) absl::StrAppend(&out, " ", FormatMicros(*t.price));
  return out;
}

std::vector<TriggerRecord> TriggersToArm(const Plan& plan) {
  std::vector<TriggerRecord> out;
  for (size_t i = 0; i < plan.trades.size(); ++i) {
    const Trade& t = plan.trades[i];
    if (!t.trigger) continue;
    TriggerRecord r;
    r.plan_id = plan.plan_id;
    r.trade_index = static_cast<int>(i);
    r.mode = plan.mode;
    r.token_id = t.token_id;
    r.outcome = t.outcome;
    r.side = t.side;
    r.trigger = *t.trigger;
    r.oco = t.oco;
    r.description = absl::StrCat(DescribeTriggeredTrade(t), " when ", DescribeTrigger(*t.trigger));
    if (t.trigger->until) {
      absl::StrAppend(&r.description, ", until ", FormatRfc3339(*t.trigger->until));
    }
    out.push_back(std::move(r));
  }
  return out;
}

absl::Status CheckCancelTrigger(const TriggerRecord& t) {
  if (t.status == TriggerStatus::kArmed) return absl::OkStatus();
  std::string when = t.fired_at ? absl::StrCat(" at ", FormatRfc3339(*t.fired_at)) : "";
  return absl::FailedPreconditionError(
      absl::StrCat("trigger ", t.id, " is ", Name(t.status), when, ", not armed: nothing to cancel",
                   t.reason.empty() ? "" : absl::StrCat(" (", t.reason, ")")));
}

}  // namespace betteroms::domain
