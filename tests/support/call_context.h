// A CallContext a test controls: cancel it, or give it a deadline, from any thread.
#pragma once

#include <atomic>

#include "common/call_context.h"

namespace betteroms::test {

class ManualCallContext : public CallContext {
 public:
  absl::Time deadline() const override { return deadline_.load(); }
  bool cancelled() const override { return cancelled_.load(); }
  void Cancel() { cancelled_ = true; }
  void SetDeadline(absl::Time t) { deadline_ = t; }

 private:
  std::atomic<bool> cancelled_{false};
  std::atomic<absl::Time> deadline_{absl::InfiniteFuture()};
};

}  // namespace betteroms::test
