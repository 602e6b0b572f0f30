// Matchers for a signer outcome, a signature or a policy refusal (std::variant), by rule id.
#pragma once

#include <gmock/gmock.h>

#include <string>
#include <variant>

#include "signer/policy/policy.h"

namespace betteroms::signer {

MATCHER(IsSigned, "is signed") {
  if (!arg.ok()) {
    *result_listener << "whose status is " << arg.status();
    return false;
  }
  if (const auto* refusal = std::get_if<policy::Refusal>(&*arg)) {
    *result_listener << "refused by " << policy::RuleId(refusal->rule) << ": " << refusal->message;
    return false;
  }
  return true;
}

// A refusal by the rule with id `rule` whose message matches `message_matcher`.
MATCHER_P2(IsRefusedBy, rule, message_matcher, std::string("is refused by ") + rule) {
  if (!arg.ok()) {
    *result_listener << "whose status is " << arg.status();
    return false;
  }
  const auto* refusal = std::get_if<policy::Refusal>(&*arg);
  if (refusal == nullptr) {
    *result_listener << "which signed";
    return false;
  }
  *result_listener << "refused by " << policy::RuleId(refusal->rule) << ": " << refusal->message;
  return policy::RuleId(refusal->rule) == rule &&
         ::testing::ExplainMatchResult(message_matcher, refusal->message, result_listener);
}

}  // namespace betteroms::signer
