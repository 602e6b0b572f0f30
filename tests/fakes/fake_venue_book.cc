#include "tests/fakes/fake_venue_book.h"

#include <string>

#include "common/decimal.h"
#include "common/int128.h"

namespace betteroms::test {
namespace {

std::optional<int64_t> Micros(const nlohmann::ordered_json& v) {
  if (!v.is_string()) return std::nullopt;
  auto m = ParseMicros(v.get<std::string>());
  if (!m.ok()) return std::nullopt;
  return *m;
}

// A level at `price` is within the limit: price ≤ maker/taker for a BUY, ≥ taker/maker for a SELL.
bool WithinLimit(const Taker& t, int64_t price) {
  if (t.buy) {
    return static_cast<Int128>(price) * t.taker_amount <=
           static_cast<Int128>(t.maker_amount) * kMicro;
  }
  return static_cast<Int128>(price) * t.maker_amount >=
         static_cast<Int128>(t.taker_amount) * kMicro;
}

const char* Side(const Taker& t) { return t.buy ? "asks" : "bids"; }

}  // namespace

Walk WalkBook(const nlohmann::ordered_json& book, const Taker& taker,
              nlohmann::ordered_json* consumed) {
  Walk walk;
  walk.remaining = taker.remaining;
  nlohmann::ordered_json out = book;
  if (!out.contains(Side(taker)) || !out[Side(taker)].is_array()) {
    if (consumed) *consumed = out;
    return walk;
  }
  nlohmann::ordered_json& levels = out[Side(taker)];
  // Best level last: walk from the end, trimming what is taken.
  while (!levels.empty() && walk.remaining > 0) {
    nlohmann::ordered_json& level = levels.back();
    auto price = Micros(level.value("price", nlohmann::ordered_json()));
    auto size = Micros(level.value("size", nlohmann::ordered_json()));
    if (!price || !size || *price <= 0 || !WithinLimit(taker, *price)) break;
    Fill fill;
    fill.price = *price;
    if (taker.buy && taker.spend_budget) {
      fill.shares = std::min(*size, MulDivFloor(walk.remaining, kMicro, *price));
    } else {
      fill.shares = std::min(*size, walk.remaining);
    }
    if (fill.shares <= 0) break;
    fill.collateral = taker.buy ? MulDivCeil(fill.shares, *price, kMicro)
                                : MulDivFloor(fill.shares, *price, kMicro);
    walk.remaining -= taker.spend_budget ? fill.collateral : fill.shares;
    walk.shares += fill.shares;
    walk.collateral += fill.collateral;
    walk.fills.push_back(fill);
    if (fill.shares == *size) {
      levels.erase(levels.size() - 1);
    } else {
      level["size"] = FormatMicros(*size - fill.shares);
    }
  }
  if (consumed) {
    // The venue's hash changes with the content; a cheap stand-in keeps snapshots distinct.
    if (out.contains("hash")) out["hash"] = std::to_string(std::hash<std::string>{}(out.dump()));
    *consumed = std::move(out);
  }
  return walk;
}

bool Crosses(const nlohmann::ordered_json& book, const Taker& taker) {
  if (!book.contains(Side(taker)) || !book[Side(taker)].is_array() || book[Side(taker)].empty()) {
    return false;
  }
  auto price = Micros(book[Side(taker)].back().value("price", nlohmann::ordered_json()));
  return price && WithinLimit(taker, *price);
}

}  // namespace betteroms::test
