// A price trigger as the OMS keeps it once its plan ran: which trade of which plan it places, the
// condition it watches, and how it ended (fired with its price and book, cancelled, expired). The
// rules of the condition itself are in trigger.h; this is the record and its lifecycle. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "oms-server/domain/plan.h"
#include "oms-server/domain/types.h"

namespace betteroms::domain {

// armed → fired | cancelled | expired, once: nothing leaves a final status.
enum class TriggerStatus { kArmed, kFired, kCancelled, kExpired };
inline constexpr std::array kAllTriggerStatuses = {TriggerStatus::kArmed, TriggerStatus::kFired,
                                                   TriggerStatus::kCancelled,
                                                   TriggerStatus::kExpired};
// "armed", "fired", "cancelled", "expired".
const char* Name(TriggerStatus s);
std::optional<TriggerStatus> ParseTriggerStatus(std::string_view s);

struct TriggerRecord {
  int64_t id = 0;
  std::string plan_id;
  int trade_index = 0;
  Mode mode = Mode::kPaper;
  std::string token_id;
  std::string outcome;
  Side side = Side::kBuy;
  std::string description;  // the trade and its condition, for people
  Trigger trigger;
  std::string oco;  // its one-cancels-other group, "" when none
  TriggerStatus status = TriggerStatus::kArmed;
  std::string reason;  // why it fired (and what its trade did), or was cancelled or expired
  std::optional<absl::Time> fired_at;
  std::optional<int64_t> fired_price;  // micro-units: the watched price that crossed
  std::string fired_book_hash;         // the book it saw (book_snapshots)
  std::optional<int64_t> order_id;     // the order its trade placed, when one was
  absl::Time created_at = absl::InfinitePast();
  absl::Time updated_at = absl::InfinitePast();
};

// The records to arm for `plan`'s triggered trades (as they trade: outcome labels the venue's),
// in trade order; empty when no trade has a trigger.
std::vector<TriggerRecord> TriggersToArm(const Plan& plan);

// "SELL 10 shares MARKET", "BUY $25 LIMIT 0.40": the trade a trigger places.
std::string DescribeTriggeredTrade(const Trade& trade);

// Whether the trader may cancel it: only while armed. FailedPrecondition otherwise, saying how
// it ended.
absl::Status CheckCancelTrigger(const TriggerRecord& trigger);

// The reasons a trigger leaves `armed` without firing.
inline constexpr char kOcoCancelledReason[] = "cancelled: its OCO partner fired";
inline constexpr char kCancelledByTraderReason[] = "cancelled by the trader";
inline constexpr char kMarketClosedTriggerReason[] =
    "cancelled: the market closed before the trigger fired";

}  // namespace betteroms::domain
