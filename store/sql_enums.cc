#include "store/sql_enums.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/enum_names.h"

namespace betteroms::store {
namespace {

using domain::Liquidity;
using domain::Mode;
using domain::OrderStatus;
using domain::OrderType;
using domain::RunStatus;
using domain::Side;
using domain::TimeInForce;
using domain::TriggerPrice;
using domain::TriggerStatus;

template <typename E, size_t N>
using SqlNames = EnumNames<E, N>;

constexpr SqlNames<Mode, 2> kModes = {{{Mode::kPaper, "paper"}, {Mode::kLive, "live"}}};
constexpr SqlNames<Side, 2> kSides = {{{Side::kBuy, "BUY"}, {Side::kSell, "SELL"}}};
constexpr SqlNames<OrderType, 2> kOrderTypes = {
    {{OrderType::kMarket, "MARKET"}, {OrderType::kLimit, "LIMIT"}}};
constexpr SqlNames<TimeInForce, 4> kTimesInForce = {{{TimeInForce::kGtc, "GTC"},
                                                     {TimeInForce::kGtd, "GTD"},
                                                     {TimeInForce::kFok, "FOK"},
                                                     {TimeInForce::kFak, "FAK"}}};
constexpr SqlNames<Liquidity, 2> kLiquidities = {
    {{Liquidity::kMaker, "maker"}, {Liquidity::kTaker, "taker"}}};
constexpr SqlNames<OrderStatus, 12> kOrderStatuses = {
    {{OrderStatus::kNew, "new"},
     {OrderStatus::kSigned, "signed"},
     {OrderStatus::kSubmitting, "submitting"},
     {OrderStatus::kUnknown, "unknown"},
     {OrderStatus::kDelayed, "delayed"},
     {OrderStatus::kOpen, "open"},
     {OrderStatus::kPartiallyFilled, "partially_filled"},
     {OrderStatus::kFilled, "filled"},
     {OrderStatus::kCancelled, "cancelled"},
     {OrderStatus::kExpired, "expired"},
     {OrderStatus::kRejected, "rejected"},
     {OrderStatus::kNotSent, "not_sent"}}};
constexpr SqlNames<RunStatus, 4> kRunStatuses = {{{RunStatus::kScheduled, "scheduled"},
                                                  {RunStatus::kRunning, "running"},
                                                  {RunStatus::kCompleted, "completed"},
                                                  {RunStatus::kFailed, "failed"}}};
constexpr SqlNames<TriggerStatus, 4> kTriggerStatuses = {{{TriggerStatus::kArmed, "armed"},
                                                          {TriggerStatus::kFired, "fired"},
                                                          {TriggerStatus::kCancelled, "cancelled"},
                                                          {TriggerStatus::kExpired, "expired"}}};
constexpr SqlNames<TriggerPrice, 3> kTriggerPrices = {{{TriggerPrice::kBestBid, "bestBid"},
                                                       {TriggerPrice::kBestAsk, "bestAsk"},
                                                       {TriggerPrice::kMid, "mid"}}};

template <typename E, size_t N>
absl::StatusOr<E> ParseSql(const SqlNames<E, N>& names, const char* what, std::string_view text) {
  if (std::optional<E> v = ParseIn(names, text)) return *v;
  return absl::InternalError(absl::StrCat("store: unknown ", what, " \"", std::string(text), "\""));
}

}  // namespace

std::string_view SqlText(Mode v) { return NameIn(kModes, v); }
std::string_view SqlText(Side v) { return NameIn(kSides, v); }
std::string_view SqlText(OrderType v) { return NameIn(kOrderTypes, v); }
std::string_view SqlText(TimeInForce v) { return NameIn(kTimesInForce, v); }
std::string_view SqlText(Liquidity v) { return NameIn(kLiquidities, v); }
std::string_view SqlText(OrderStatus v) { return NameIn(kOrderStatuses, v); }
std::string_view SqlText(RunStatus v) { return NameIn(kRunStatuses, v); }
std::string_view SqlText(TriggerStatus v) { return NameIn(kTriggerStatuses, v); }
std::string_view SqlText(TriggerPrice v) { return NameIn(kTriggerPrices, v); }

absl::StatusOr<Mode> ParseModeSql(std::string_view t) { return ParseSql(kModes, "mode", t); }
absl::StatusOr<Side> ParseSideSql(std::string_view t) { return ParseSql(kSides, "side", t); }
absl::StatusOr<OrderType> ParseOrderTypeSql(std::string_view t) {
  return ParseSql(kOrderTypes, "order type", t);
}
absl::StatusOr<TimeInForce> ParseTimeInForceSql(std::string_view t) {
  return ParseSql(kTimesInForce, "time in force", t);
}
absl::StatusOr<Liquidity> ParseLiquiditySql(std::string_view t) {
  return ParseSql(kLiquidities, "liquidity", t);
}
absl::StatusOr<OrderStatus> ParseOrderStatusSql(std::string_view t) {
  return ParseSql(kOrderStatuses, "order status", t);
}
absl::StatusOr<RunStatus> ParseRunStatusSql(std::string_view t) {
  return ParseSql(kRunStatuses, "run status", t);
}
absl::StatusOr<TriggerStatus> ParseTriggerStatusSql(std::string_view t) {
  return ParseSql(kTriggerStatuses, "trigger status", t);
}
absl::StatusOr<TriggerPrice> ParseTriggerPriceSql(std::string_view t) {
  return ParseSql(kTriggerPrices, "trigger price", t);
}

}  // namespace betteroms::store
