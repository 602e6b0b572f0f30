#include "oms-server/domain/order_builder.h"

#include "common/decimal.h"
#include "common/int128.h"

namespace betteroms::domain {
namespace {

Int128 Pow10(int n) {
  Int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

int64_t RoundNormal(int64_t micros, int decimals) {
  auto unit = static_cast<int64_t>(Pow10(6 - decimals));
  return (micros + unit / 2) / unit * unit;
}

// a * b where both are micro-units, rounded down to `decimals` (a product of a 2-decimal size
// and a price of at most 4 decimals is exact in micro-units, so this is the client's fixAmount).
int64_t ProductRoundedDown(int64_t a, int64_t b, int decimals) {
  return RoundDownMicros(MulDivFloor(a, b, kMicro), decimals);
}

}  // namespace

std::optional<RoundConfig> RoundingForTick(int64_t tick) {
  switch (tick) {
    case 100'000:
      return RoundConfig{tick, 1, 2, 3};
    case 10'000:
      return RoundConfig{tick, 2, 2, 4};
    case 5'000:
      return RoundConfig{tick, 3, 2, 5};
    case 2'500:
      return RoundConfig{tick, 4, 2, 6};
    case 1'000:
      return RoundConfig{tick, 3, 2, 5};
    case 100:
      return RoundConfig{tick, 4, 2, 6};
    default:
      return std::nullopt;
  }
}

Amounts LimitOrderAmounts(Side side, int64_t price, int64_t size, const RoundConfig& rc) {
  int64_t p = RoundNormal(price, rc.price_decimals);
  int64_t shares = RoundDownMicros(size, rc.size_decimals);
  int64_t collateral = ProductRoundedDown(shares, p, rc.amount_decimals);
  return side == Side::kBuy ? Amounts{collateral, shares} : Amounts{shares, collateral};
}

Amounts MarketOrderAmounts(Side side, int64_t price, int64_t amount, const RoundConfig& rc) {
  int64_t p = RoundDownMicros(price, rc.price_decimals);
  int64_t maker = RoundDownMicros(amount, rc.size_decimals);
  if (side == Side::kSell) return {maker, ProductRoundedDown(maker, p, rc.amount_decimals)};
  if (p <= 0) return {maker, 0};
  // fixAmount(maker / p): round up at amount_decimals + 4, then down to amount_decimals.
  int a = rc.amount_decimals;
  Int128 num = static_cast<Int128>(maker) * Pow10(a + 4);
  Int128 up = (num + p - 1) / p;  // maker/p at scale a+4, rounded up
  Int128 at_a = up / Pow10(4);    // rounded down to scale a
  return {maker, static_cast<int64_t>(at_a * Pow10(6 - a))};
}

}  // namespace betteroms::domain
