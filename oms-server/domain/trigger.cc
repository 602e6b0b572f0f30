#include "oms-server/domain/trigger.h"

#include "absl/strings/str_cat.h"
#include "common/decimal.h"

namespace betteroms::domain {
namespace {

// At least 2 decimals, as prices are usually written (0.30, not 0.3); more when the level has them.
std::string LevelText(int64_t level) {
  return MicroDecimals(level) <= 2 ? FormatMicrosFixed(level, 2) : FormatMicros(level);
}

// UTC, whole seconds unless the time has a fraction: "2026-12-01T00:00:00Z".
std::string UntilText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

}  // namespace

const char* Name(TriggerPrice price) {
  switch (price) {
    case TriggerPrice::kBestBid:
      return "bestBid";
    case TriggerPrice::kBestAsk:
      return "bestAsk";
    case TriggerPrice::kMid:
      return "mid";
  }
  return "?";
}

std::optional<TriggerPrice> ParseTriggerPrice(std::string_view text) {
  for (TriggerPrice p : {TriggerPrice::kBestBid, TriggerPrice::kBestAsk, TriggerPrice::kMid}) {
    if (text == Name(p)) return p;
  }
  return std::nullopt;
}

std::optional<int64_t> TriggerPriceOf(const Book& book, TriggerPrice price) {
  switch (price) {
    case TriggerPrice::kBestBid:
      return book.BestBid();
    case TriggerPrice::kBestAsk:
      return book.BestAsk();
    case TriggerPrice::kMid:
      // Book::Midpoint falls back to the one side present; a trigger on the midpoint must not
      // fire on a book that lost a side, so both are required here.
      if (!book.BestBid() || !book.BestAsk()) return std::nullopt;
      return book.Midpoint();
  }
  return std::nullopt;
}

bool Crosses(const Trigger& t, int64_t price) {
  return t.below ? price <= t.level : price >= t.level;
}

TriggerVerdict EvaluateTrigger(const Trigger& t, const Book* book, absl::Time now) {
  TriggerVerdict v;
  if (book != nullptr) v.price = TriggerPriceOf(*book, t.price);
  // Expiry is decided first: a trigger past its `until` never fires, even on a crossing price
  // read at the same instant.
  if (t.until && now >= *t.until) {
    v.kind = TriggerVerdict::kExpire;
    v.reason = absl::StrCat("expired unfired at ", UntilText(*t.until));
    return v;
  }
  if (book == nullptr) {
    v.kind = TriggerVerdict::kWait;
    v.reason = "no book to read";
    return v;
  }
  if (!v.price) {
    v.kind = TriggerVerdict::kWait;
    v.reason = absl::StrCat("no ", Name(t.price), ": ",
                            t.price == TriggerPrice::kMid ? "a side of the book is empty"
                                                          : "that side of the book is empty");
    return v;
  }
  bool fires = Crosses(t, *v.price);
  v.kind = fires ? TriggerVerdict::kFire : TriggerVerdict::kWait;
  v.reason = absl::StrCat(Name(t.price), " ", FormatMicros(*v.price), fires ? " is " : " is not ",
                          t.below ? "at or below " : "at or above ", LevelText(t.level));
  return v;
}

std::string DescribeTrigger(const Trigger& t) {
  std::string out =
      absl::StrCat(Name(t.price), t.below ? " \u2264 " : " \u2265 ", LevelText(t.level));
  if (t.until) absl::StrAppend(&out, " until ", UntilText(*t.until));
  return out;
}

}  // namespace betteroms::domain
