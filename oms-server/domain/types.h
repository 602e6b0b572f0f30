// The OMS's vocabulary: modes, sides, order types, times in force, order and run statuses. One
// source of truth; the API and the store translate these at their edges, nothing compares text.
#pragma once

#include <array>
#include <iosfwd>
#include <optional>
#include <string_view>

namespace betteroms::domain {

enum class Mode { kPaper, kLive };
enum class Side { kBuy, kSell };
enum class OrderType { kMarket, kLimit };
enum class TimeInForce { kGtc, kGtd, kFok, kFak };
enum class SizeUnit { kUsdc, kShares };
enum class Liquidity { kMaker, kTaker };

// The live journal (DESIGN §6): kNew (intent and fields stored) → kSigned (signature stored,
// not at the venue) → kSubmitting (may be at the venue) → the venue's answer, or kUnknown when
// the answer was lost. kDelayed: the venue queued it. kNotSent: a live order that never left.
enum class OrderStatus {
  kNew,
  kSigned,
  kSubmitting,
  kUnknown,
  kDelayed,
  kOpen,
  kPartiallyFilled,
  kFilled,
  kCancelled,
  kExpired,
  kRejected,
  kNotSent,
};
enum class RunStatus { kScheduled, kRunning, kCompleted, kFailed };

inline constexpr std::array kAllModes = {Mode::kPaper, Mode::kLive};
inline constexpr std::array kAllSides = {Side::kBuy, Side::kSell};
inline constexpr std::array kAllOrderTypes = {OrderType::kMarket, OrderType::kLimit};
inline constexpr std::array kAllTimesInForce = {TimeInForce::kGtc, TimeInForce::kGtd,
                                                TimeInForce::kFok, TimeInForce::kFak};
inline constexpr std::array kAllLiquidities = {Liquidity::kMaker, Liquidity::kTaker};
inline constexpr std::array kAllOrderStatuses = {OrderStatus::kNew,
                                                 OrderStatus::kSigned,
                                                 OrderStatus::kSubmitting,
                                                 OrderStatus::kUnknown,
                                                 OrderStatus::kDelayed,
                                                 OrderStatus::kOpen,
                                                 OrderStatus::kPartiallyFilled,
                                                 OrderStatus::kFilled,
                                                 OrderStatus::kCancelled,
                                                 OrderStatus::kExpired,
                                                 OrderStatus::kRejected,
                                                 OrderStatus::kNotSent};
inline constexpr std::array kAllRunStatuses = {RunStatus::kScheduled, RunStatus::kRunning,
                                               RunStatus::kCompleted, RunStatus::kFailed};

// The names plans and the API use: "paper", "BUY", "MARKET", "GTC", "partially_filled", ...
// (C strings: Debian's Abseil takes no std::string_view in StrCat.)
const char* Name(Mode m);
const char* Name(Side s);
const char* Name(OrderType t);
const char* Name(TimeInForce t);
const char* Name(Liquidity l);
const char* Name(OrderStatus s);
const char* Name(RunStatus s);

// Name(), for logs and test failure messages.
std::ostream& operator<<(std::ostream& os, Mode v);
std::ostream& operator<<(std::ostream& os, Side v);
std::ostream& operator<<(std::ostream& os, OrderType v);
std::ostream& operator<<(std::ostream& os, TimeInForce v);
std::ostream& operator<<(std::ostream& os, Liquidity v);
std::ostream& operator<<(std::ostream& os, OrderStatus v);
std::ostream& operator<<(std::ostream& os, RunStatus v);

// The inverse of Name(); nullopt for anything else (exact spelling, case matters).
std::optional<Mode> ParseMode(std::string_view s);
std::optional<Side> ParseSide(std::string_view s);
std::optional<OrderType> ParseOrderType(std::string_view s);
std::optional<TimeInForce> ParseTimeInForce(std::string_view s);
std::optional<OrderStatus> ParseOrderStatus(std::string_view s);
std::optional<RunStatus> ParseRunStatus(std::string_view s);

// True for the statuses after which nothing changes.
bool IsFinal(OrderStatus s);
// True for the live journal's statuses before the venue's answer is known (new, signed,
// submitting, unknown, delayed): the server resumes these at start and on every tick.
bool InJournal(OrderStatus s);
// GTC and GTD orders rest on the book; FOK and FAK never do.
bool Rests(TimeInForce t);

}  // namespace betteroms::domain
