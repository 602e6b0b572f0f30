#include "common/fault_point.h"

#include <csignal>
#include <cstdlib>
#include <string>

#include "common/log.h"

namespace betteroms {

void FaultPoint(std::string_view name) {
  // Read once: the environment does not change under a running server, and the hot paths that
  // call this must not pay for getenv.
  static const std::string armed = [] {
    const char* value = std::getenv("BETTEROMS_FAULT_POINT");
    return std::string(value == nullptr ? "" : value);
  }();
  if (armed.empty() || armed != name) return;
  LogError("test fault point reached: killing the process", {{"point", std::string(name)}});
  std::raise(SIGKILL);
}

}  // namespace betteroms
