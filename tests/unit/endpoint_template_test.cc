// Metric labels for CLOB requests: the endpoint without ids, so series stay bounded.
#include <gtest/gtest.h>

#include "oms-server/market/endpoint.h"

namespace betteroms::market {
namespace {

TEST(EndpointTemplateTest, DropsTheHostAndTheQuery) {
  EXPECT_EQ(EndpointTemplate("https://clob.polymarket.com/book?token_id=7132104567925221"),
            "/book");
  EXPECT_EQ(EndpointTemplate("http://127.0.0.1:4000/data/trades?maker_address=0xabc&next=MA=="),
            "/data/trades");
  EXPECT_EQ(EndpointTemplate("/orders"), "/orders");
}

TEST(EndpointTemplateTest, ReplacesIdsAndHashesWithAPlaceholder) {
  EXPECT_EQ(EndpointTemplate("https://clob.polymarket.com/data/order/0xdeadBEEF01"),
            "/data/order/{id}");
  EXPECT_EQ(
      EndpointTemplate("https://clob.polymarket.com/markets-by-token/"
                       "71321045679252212594626385532706912750332728571942532289631379312455"),
      "/markets-by-token/{id}");
  EXPECT_EQ(EndpointTemplate("https://clob.polymarket.com/clob-markets/0xa1"),
            "/clob-markets/{id}");
}

TEST(EndpointTemplateTest, AnythingElseIsOther) {
  EXPECT_EQ(EndpointTemplate("https://clob.polymarket.com/"), "other");
  EXPECT_EQ(EndpointTemplate("https://clob.polymarket.com/some/free-text-here"), "other");
  EXPECT_EQ(EndpointTemplate("https://clob.polymarket.com/order/extra"), "other");
  EXPECT_EQ(EndpointTemplate("not a url"), "other");
}

}  // namespace
}  // namespace betteroms::market
