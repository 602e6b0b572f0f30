// A plan's bytes before parsing (size, UTF-8) and the JSON parser's bounds: refusals are checked
// here; how long a hostile document takes is measured in tests/bench/bench_micro.cc.
#include "common/plan_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/json.h"
#include "tests/support/status_matchers.h"

namespace betteroms {
namespace {

using test::IsOk;
using test::StatusIs;
using ::testing::HasSubstr;

TEST(Utf8, WellFormedTextHasNoInvalidByte) {
  for (const std::string& text :
       {std::string(""), std::string("plain ascii {\"a\": 1}"), std::string("caf\xc3\xa9"),
        std::string("\xe2\x82\xac 5"), std::string("\xf0\x9f\x93\x88 up"),
        std::string("\xf4\x8f\xbf\xbf"), std::string("nul \0 byte", 10)}) {
    EXPECT_EQ(FirstInvalidUtf8(text), std::nullopt) << text;
  }
}

TEST(Utf8, TheOffsetIsTheFirstByteOfTheBadSequence) {
  struct Case {
    std::string text;
    size_t offset;
  };
  for (const Case& c : std::vector<Case>{
           {"ab\xff", 2},                // never used in UTF-8
           {"abc\x80", 3},               // a continuation byte without a lead
           {"\xc3\xa9\xc3", 2},          // cut short by the end
           {"x\xc3(", 1},                // a lead byte without its continuation
           {"\xc0\x80", 0},              // overlong NUL
           {"\xe0\x80\xaf", 0},          // overlong '/'
           {"ok\xed\xa0\x80", 2},        // a UTF-16 surrogate
           {"\xf4\x90\x80\x80", 0},      // past U+10FFFF
           {"\xe2\x82\xac\xe2\x82", 3},  // a good euro sign, then half of one
           {std::string(1000, 'a') + "\xfe", 1000},
       }) {
    EXPECT_EQ(FirstInvalidUtf8(c.text), c.offset) << c.text;
  }
}

TEST(PlanText, APlanThatIsNotUtf8IsRefusedWithTheOffsetAndTheByte) {
  EXPECT_THAT(CheckPlanText("{\"planId\": \"p\xff\"}"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not valid UTF-8: byte 0xff at offset 13")));
  EXPECT_THAT(CheckPlanText("{\"planId\": \"caf\xc3\xa9\"}"), IsOk());
}

TEST(PlanText, APlanLargerThanTheLimitIsRefusedNamingTheLimit) {
  EXPECT_THAT(CheckPlanText(std::string(kMaxPlanBytes, ' ')), IsOk());
  // Not read at all: the byte that is not UTF-8 is past the limit and never looked at.
  std::string big(kMaxPlanBytes + 1, ' ');
  big.back() = '\xff';
  EXPECT_THAT(CheckPlanText(big),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("the plan is 8388609 bytes; the limit is 8388608 bytes (8 MiB)")));
}

// An object of `n` keys "k0".."k{n-1}", with "k0" again at the end when `duplicate`.
std::string ManyKeys(int n, bool duplicate) {
  std::string out = "{";
  for (int i = 0; i < n; ++i) out += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  if (duplicate) out += ",\"k0\":1";
  return out + "}";
}

TEST(JsonLimits, ADuplicateKeyIsFoundAmongManyKeys) {
  EXPECT_TRUE(ParseJson(ManyKeys(50'000, false)).ok());
  EXPECT_THAT(ParseJson(ManyKeys(50'000, true)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate key \"k0\"")));
  EXPECT_THAT(ParseJson(R"({"a": {"b": 1, "c": 2, "b": 3}})").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate key \"b\"")));
  // The same key in two objects is not a duplicate.
  EXPECT_TRUE(ParseJson(R"([{"a": 1}, {"a": 2}, {"x": {"a": 3}, "a": 4}])").ok());
}

TEST(JsonLimits, NestingAndValueCountAreBounded) {
  JsonLimits limits;
  limits.max_depth = 4;
  limits.max_values = 10;
  EXPECT_TRUE(ParseJson("[[[[1]]]]", limits).ok());
  EXPECT_THAT(ParseJson("[[[[[1]]]]]", limits).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("deeper than 4 levels")));
  EXPECT_TRUE(ParseJson("[1,2,3,4,5,6,7,8,9]", limits).ok());  // 10 values with the array
  EXPECT_THAT(ParseJson("[1,2,3,4,5,6,7,8,9,10]", limits).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("more than 10 values")));
  EXPECT_THAT(ParseJson("[[],[],[],[],[],[],[],[],[],[]]", limits).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("more than 10 values")));
  // Without limits given, the default depth still holds.
  EXPECT_THAT(ParseJson(std::string(100'000, '[') + std::string(100'000, ']')).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("deeper than 64 levels")));
}

}  // namespace
}  // namespace betteroms
