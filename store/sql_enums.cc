#include "store/sql_enums.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"

namespace betteroms::store {
namespace {

using domain::Liquidity;
using domain::Mode;
using domain::OrderStatus;
using domain::OrderType;
using domain::RunStatus;
using domain::Side;
using domain::TimeInForce;

template <typename E, size_t N>
using SqlNames = std::array<std::pair<E, std::string_view>, N>;

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
constexpr SqlNames<OrderStatus, 9> kOrderStatuses = {
    {{OrderStatus::kSigning, "signing"},
     {OrderStatus::kSubmitting, "submitting"},
     {OrderStatus::kOpen, "open"},
     {OrderStatus::kPartiallyFilled, "partially_filled"},
     {OrderStatus::kFilled, "filled"},
     {OrderStatus::kCancelled, "cancelled"},
     {OrderStatus::kExpired, "expired"},
     {OrderStatus::kRejected, "rejected"},
     {OrderStatus::kUnknown, "unknown"}}};
constexpr SqlNames<RunStatus, 3> kRunStatuses = {{{RunStatus::kRunning, "running"},
                                                  {RunStatus::kCompleted, "completed"},
                                                  {RunStatus::kFailed, "failed"}}};

template <typename E, size_t N>
std::string_view TextIn(const SqlNames<E, N>& names, E value) {
  for (const auto& [v, text] : names) {
    if (v == value) return text;
  }
  return "?";  // unreachable: every enumerator has a row
}

template <typename E, size_t N>
absl::StatusOr<E> ParseIn(const SqlNames<E, N>& names, std::string_view what,
                          std::string_view text) {
  for (const auto& [v, name] : names) {
    if (name == text) return v;
  }
  return absl::InternalError(absl::StrCat("store: unknown ", std::string(what), " \"", std::string(text), "\""));
}

}  // namespace

std::string_view SqlText(Mode v) { return TextIn(kModes, v); }
std::string_view SqlText(Side v) { return TextIn(kSides, v); }
std::string_view SqlText(OrderType v) { return TextIn(kOrderTypes, v); }
std::string_view SqlText(TimeInForce v) { return TextIn(kTimesInForce, v); }
std::string_view SqlText(Liquidity v) { return TextIn(kLiquidities, v); }
std::string_view SqlText(OrderStatus v) { return TextIn(kOrderStatuses, v); }
std::string_view SqlText(RunStatus v) { return TextIn(kRunStatuses, v); }

absl::StatusOr<Mode> ParseModeSql(std::string_view t) { return ParseIn(kModes, "mode", t); }
absl::StatusOr<Side> ParseSideSql(std::string_view t) { return ParseIn(kSides, "side", t); }
absl::StatusOr<OrderType> ParseOrderTypeSql(std::string_view t) {
  return ParseIn(kOrderTypes, "order type", t);
}
absl::StatusOr<TimeInForce> ParseTimeInForceSql(std::string_view t) {
  return ParseIn(kTimesInForce, "time in force", t);
}
absl::StatusOr<Liquidity> ParseLiquiditySql(std::string_view t) {
  return ParseIn(kLiquidities, "liquidity", t);
}
absl::StatusOr<OrderStatus> ParseOrderStatusSql(std::string_view t) {
  return ParseIn(kOrderStatuses, "order status", t);
}
absl::StatusOr<RunStatus> ParseRunStatusSql(std::string_view t) {
  return ParseIn(kRunStatuses, "run status", t);
}

}  // namespace betteroms::store
