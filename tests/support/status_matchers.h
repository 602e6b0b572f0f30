// gMock matchers for absl::Status and absl::StatusOr (Abseil 20220623 ships none).
//   EXPECT_THAT(result, IsOk());
//   EXPECT_THAT(result, StatusIs(absl::StatusCode::kNotFound, HasSubstr("no order")));
#pragma once

#include <gmock/gmock.h>

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace betteroms::test {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER(IsOk, negation ? "is not OK" : "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "whose status is " << status;
  return status.ok();
}

MATCHER_P2(StatusIs, code, message_matcher,
           std::string("has code ") + absl::StatusCodeToString(code) + " and a message that " +
               ::testing::DescribeMatcher<std::string>(message_matcher, negation)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "whose status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, std::string(status.message()),
                                       result_listener);
}

// StatusIs(code) matches any message.
template <typename Code>
auto StatusIs(Code code) {
  return StatusIs(code, ::testing::_);
}

}  // namespace betteroms::test
