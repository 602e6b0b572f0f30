// The signer's economics: price and notional come from the order's amounts on both sides, exactly
// and with no intermediate that can wrap, so no choice of sizes talks it into signing a price
// outside (0, 1) or the band, with or without notional caps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <variant>

#include "common/hex.h"
#include "signer/signing_core.h"
#include "tests/support/process.h"
#include "tests/support/signer_matchers.h"
#include "tests/support/static_market.h"
#include "tests/support/status_matchers.h"

namespace betteroms::signer {
namespace {

using ::betteroms::test::IsOk;
using ::testing::HasSubstr;

constexpr char kKeyHex[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr char kAddress[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
// 216749242866087232 * 10^6 ≡ 512000 (mod 2^64): as a 64-bit price this collateral for one
// micro-share reads 0.512, inside any band.
constexpr int64_t kWraps = 216'749'242'866'087'232;

class EconomicsTest : public ::testing::Test {
 protected:
  void SetUp() override { clock_.Set(absl::FromUnixSeconds(1'800'000'000)); }

  std::unique_ptr<SigningCore> Core(const std::string& json) {
    dir_.Write("policy.json", json);
    auto p = policy::LoadPolicy(dir_.File("policy.json"), *crypto::ParseAddress(kAddress));
    EXPECT_THAT(p, IsOk());
    auto bytes = *FromHex(kKeyHex);
    auto core = SigningCore::Create(
        *key::SecretKey::FromBytes(bytes.data(), bytes.size()), p.ok() ? *p : policy::RefuseAll(),
        dir_.File("state-" + std::to_string(++cores_)), nullptr, clock_);
    EXPECT_THAT(core, IsOk());
    return std::move(*core);
  }

  // An order with these raw amounts; BUY: maker = USDC, taker = shares; SELL the reverse.
  SignRequest Order(bool buy, crypto::Word maker_amount, crypto::Word taker_amount) {
    SignRequest r;
    r.intent_id = "i-" + std::to_string(++intents_);
    r.chain_id = 137;
    r.exchange = crypto::Exchange::kCtfV2;
    r.order.salt = crypto::WordFromUint64(42);
    r.order.maker = *crypto::ParseAddress(kAddress);
    r.order.signer = r.order.maker;
    r.order.token_id = *crypto::ParseUint256("1234");
    r.order.maker_amount = maker_amount;
    r.order.taker_amount = taker_amount;
    r.order.side = buy ? 0 : 1;
    r.order.timestamp = crypto::WordFromUint64(1'800'000'000'000);
    return r;
  }
  SignRequest Buy(int64_t usdc, int64_t shares) {
    return Order(true, crypto::WordFromUint64(static_cast<uint64_t>(usdc)),
                 crypto::WordFromUint64(static_cast<uint64_t>(shares)));
  }
  SignRequest Sell(int64_t shares, int64_t usdc) {
    return Order(false, crypto::WordFromUint64(static_cast<uint64_t>(shares)),
                 crypto::WordFromUint64(static_cast<uint64_t>(usdc)));
  }

  test::TempDir dir_;
  test::ManualClock clock_;
  int cores_ = 0;
  int intents_ = 0;
};

constexpr char kNoCaps[] = R"({"chain_id": 137})";
constexpr char kCaps[] = R"({"chain_id": 137, "max_order_notional": "1000",
  "max_daily_notional": "1500", "price_band": {"min": "0.05", "max": "0.95"}})";

TEST_F(EconomicsTest, AmountsThatWrapA64BitPriceAreRefusedWithoutCaps) {
  auto core = Core(kNoCaps);
  EXPECT_THAT(core->SignOrder(Buy(kWraps, 1), "t"),
              IsRefusedBy("price_band", HasSubstr("is not below 1")));
  EXPECT_THAT(core->SignOrder(Sell(1, kWraps), "t"),
              IsRefusedBy("price_band", HasSubstr("is not below 1")));
  // A price a hair under 1 that rounds down to the band's default maximum 0.999999.
  EXPECT_THAT(core->SignOrder(Buy(kMax - 1, kMax), "t"),
              IsRefusedBy("price_band", "price 1 is outside 0.000001-0.999999"));
  EXPECT_THAT(core->SignOrder(Sell(kMax, kMax - 1), "t"),
              IsRefusedBy("price_band", "price 1 is outside 0.000001-0.999999"));
  // Sizes alone never refuse: the largest amounts at a fair price sign.
  EXPECT_THAT(core->SignOrder(Buy(kMax / 2, kMax), "t"), IsSigned());
  EXPECT_THAT(core->SignOrder(Sell(kMax, kMax / 4), "t"), IsSigned());
}

TEST_F(EconomicsTest, AnImpliedPriceOfOneOrMoreIsRefusedWithCapsToo) {
  auto core = Core(kCaps);
  // The price band is checked before the caps: the rule named is the price, not the size.
  EXPECT_THAT(core->SignOrder(Buy(kWraps, 1), "t"),
              IsRefusedBy("price_band", HasSubstr("is not below 1")));
  EXPECT_THAT(core->SignOrder(Buy(2'000'000, 2'000'000), "t"),
              IsRefusedBy("price_band", "implied price 1 (2 USDC for 2 shares) is not below 1"));
  EXPECT_THAT(core->SignOrder(Sell(1'000'000, 3'000'000), "t"),
              IsRefusedBy("price_band", HasSubstr("implied price 3 ")));
}

TEST_F(EconomicsTest, ThePriceBandIsExactOnBothSides) {
  auto core = Core(kCaps);
  // 9.500001 USDC for 10 shares is 0.9500001: above 0.95, though it rounds down to it.
  EXPECT_THAT(core->SignOrder(Buy(9'500'001, 10'000'000), "t"),
              IsRefusedBy("price_band", "price 0.950001 is outside 0.05-0.95"));
  EXPECT_THAT(core->SignOrder(Sell(10'000'000, 9'500'001), "t"),
              IsRefusedBy("price_band", "price 0.950001 is outside 0.05-0.95"));
  EXPECT_THAT(core->SignOrder(Buy(499'999, 10'000'000), "t"),
              IsRefusedBy("price_band", "price 0.049999 is outside 0.05-0.95"));
  EXPECT_THAT(core->SignOrder(Sell(10'000'000, 499'999), "t"),
              IsRefusedBy("price_band", "price 0.049999 is outside 0.05-0.95"));
  // The band's edges themselves sign.
  EXPECT_THAT(core->SignOrder(Buy(9'500'000, 10'000'000), "t"), IsSigned());
  EXPECT_THAT(core->SignOrder(Sell(10'000'000, 500'000), "t"), IsSigned());
}

TEST_F(EconomicsTest, ZeroOrImplausibleAmountsAreRefusedByTheAmountsRule) {
  auto core = Core(kNoCaps);
  EXPECT_THAT(core->SignOrder(Buy(0, 1'000'000), "t"),
              IsRefusedBy("amounts", HasSubstr("must be positive")));
  EXPECT_THAT(core->SignOrder(Buy(1'000'000, 0), "t"),
              IsRefusedBy("amounts", HasSubstr("must be positive")));
  EXPECT_THAT(core->SignOrder(Sell(0, 1'000'000), "t"),
              IsRefusedBy("amounts", HasSubstr("must be positive")));
  EXPECT_THAT(core->SignOrder(Sell(1'000'000, 0), "t"),
              IsRefusedBy("amounts", HasSubstr("must be positive")));
  EXPECT_THAT(core->SignOrder(Buy(0, 0), "t"),
              IsRefusedBy("amounts", HasSubstr("must be positive")));
  // 2^64 shares, and 2^255 USDC: beyond 63 bits.
  crypto::Word huge{};
  huge[23] = 1;
  EXPECT_THAT(core->SignOrder(Order(true, crypto::WordFromUint64(1), huge), "t"),
              IsRefusedBy("amounts", HasSubstr("beyond any plausible order")));
  huge = crypto::Word{};
  huge[0] = 0x80;
  EXPECT_THAT(core->SignOrder(Order(false, crypto::WordFromUint64(1), huge), "t"),
              IsRefusedBy("amounts", HasSubstr("beyond any plausible order")));
}

TEST_F(EconomicsTest, TheDailyCapCannotBeWrappedByHugeOrders) {
  // The largest cap a policy can state, about 10^12 USDC (10^18 micro-USDC).
  auto core = Core(R"({"chain_id": 137, "max_daily_notional": "999999999999"})");
  ASSERT_THAT(core->SignOrder(Buy(500'000'000'000'000'000, 1'000'000'000'000'000'000), "t"),
              IsSigned());
  // 0.5e18 + 8.8e18 micro-USDC is past 2^63: a 64-bit sum would go negative and pass.
  EXPECT_THAT(core->SignOrder(Buy(8'800'000'000'000'000'000, kMax), "t"),
              IsRefusedBy("max_daily_notional", HasSubstr("exceeds max_daily_notional")));
  EXPECT_THAT(core->SignOrder(Sell(kMax, 8'800'000'000'000'000'000), "t"),
              IsRefusedBy("max_daily_notional", HasSubstr("exceeds max_daily_notional")));
}

}  // namespace
}  // namespace betteroms::signer
