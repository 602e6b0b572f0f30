#include "oms-server/domain/types.h"

#include <ostream>
#include <utility>

#include "common/enum_names.h"

namespace betteroms::domain {
namespace {

template <typename E, size_t N>
using Names = EnumNames<E, N>;

constexpr Names<Mode, 2> kModeNames = {{{Mode::kPaper, "paper"}, {Mode::kLive, "live"}}};
constexpr Names<Side, 2> kSideNames = {{{Side::kBuy, "BUY"}, {Side::kSell, "SELL"}}};
constexpr Names<OrderType, 2> kOrderTypeNames = {
    {{OrderType::kMarket, "MARKET"}, {OrderType::kLimit, "LIMIT"}}};
constexpr Names<TimeInForce, 4> kTimeInForceNames = {{{TimeInForce::kGtc, "GTC"},
                                                      {TimeInForce::kGtd, "GTD"},
                                                      {TimeInForce::kFok, "FOK"},
                                                      {TimeInForce::kFak, "FAK"}}};
constexpr Names<Liquidity, 2> kLiquidityNames = {
    {{Liquidity::kMaker, "maker"}, {Liquidity::kTaker, "taker"}}};
constexpr Names<OrderStatus, 12> kOrderStatusNames = {
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
constexpr Names<RunStatus, 4> kRunStatusNames = {{{RunStatus::kScheduled, "scheduled"},
                                                  {RunStatus::kRunning, "running"},
                                                  {RunStatus::kCompleted, "completed"},
                                                  {RunStatus::kFailed, "failed"}}};

}  // namespace

const char* Name(Mode m) { return NameIn(kModeNames, m); }
const char* Name(Side s) { return NameIn(kSideNames, s); }
const char* Name(OrderType t) { return NameIn(kOrderTypeNames, t); }
const char* Name(TimeInForce t) { return NameIn(kTimeInForceNames, t); }
const char* Name(Liquidity l) { return NameIn(kLiquidityNames, l); }
const char* Name(OrderStatus s) { return NameIn(kOrderStatusNames, s); }
const char* Name(RunStatus s) { return NameIn(kRunStatusNames, s); }

std::ostream& operator<<(std::ostream& os, Mode v) { return os << Name(v); }
std::ostream& operator<<(std::ostream& os, Side v) { return os << Name(v); }
std::ostream& operator<<(std::ostream& os, OrderType v) { return os << Name(v); }
std::ostream& operator<<(std::ostream& os, TimeInForce v) { return os << Name(v); }
std::ostream& operator<<(std::ostream& os, Liquidity v) { return os << Name(v); }
std::ostream& operator<<(std::ostream& os, OrderStatus v) { return os << Name(v); }
std::ostream& operator<<(std::ostream& os, RunStatus v) { return os << Name(v); }

std::optional<Mode> ParseMode(std::string_view s) { return ParseIn(kModeNames, s); }
std::optional<Side> ParseSide(std::string_view s) { return ParseIn(kSideNames, s); }
std::optional<OrderType> ParseOrderType(std::string_view s) { return ParseIn(kOrderTypeNames, s); }
std::optional<TimeInForce> ParseTimeInForce(std::string_view s) {
  return ParseIn(kTimeInForceNames, s);
}
std::optional<OrderStatus> ParseOrderStatus(std::string_view s) {
  return ParseIn(kOrderStatusNames, s);
}
std::optional<RunStatus> ParseRunStatus(std::string_view s) { return ParseIn(kRunStatusNames, s); }

bool IsFinal(OrderStatus s) {
  return s == OrderStatus::kFilled || s == OrderStatus::kCancelled || s == OrderStatus::kExpired ||
         s == OrderStatus::kRejected || s == OrderStatus::kNotSent;
}

bool InJournal(OrderStatus s) {
  return s == OrderStatus::kNew || s == OrderStatus::kSigned || s == OrderStatus::kSubmitting ||
         s == OrderStatus::kUnknown || s == OrderStatus::kDelayed;
}

bool Rests(TimeInForce t) { return t == TimeInForce::kGtc || t == TimeInForce::kGtd; }

}  // namespace betteroms::domain
