#include "common/call_context.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace betteroms {
namespace {

class BackgroundContext : public CallContext {
 public:
  absl::Time deadline() const override { return absl::InfiniteFuture(); }
  bool cancelled() const override { return false; }
};

}  // namespace

absl::Status CallContext::Check(std::string_view step) const {
  // The deadline first: gRPC also reports a request past its deadline as cancelled.
  if (absl::Now() >= deadline()) {
    return absl::DeadlineExceededError(
        absl::StrCat("the request's deadline passed before ", std::string(step)));
  }
  if (cancelled()) {
    return absl::CancelledError(
        absl::StrCat("the client cancelled the request before ", std::string(step)));
  }
  return absl::OkStatus();
}

const CallContext& CallContext::Background() {
  static const BackgroundContext* background = new BackgroundContext();
  return *background;
}

}  // namespace betteroms
