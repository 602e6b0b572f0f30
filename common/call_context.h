// What a request's caller still wants: its deadline, and whether it gave up. The gRPC edge makes
// one from its ServerContext; in-process callers (tests, the server's own tick) use Background().
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace betteroms {

class CallContext {
 public:
  virtual ~CallContext() = default;
  // When the caller stops waiting; InfiniteFuture when it never does.
  virtual absl::Time deadline() const = 0;
  // True once the caller cancelled (or went away).
  virtual bool cancelled() const = 0;

  // OK while the caller still waits; Cancelled or DeadlineExceeded naming `step` once it gave up,
  // so work stops at its next step and commits nothing.
  absl::Status Check(std::string_view step) const;

  // A caller with no deadline that never cancels.
  static const CallContext& Background();
};

}  // namespace betteroms
