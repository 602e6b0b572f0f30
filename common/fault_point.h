// Test-only crash points: FaultPoint("paper.after_claim") kills the process with SIGKILL right
// there when the environment variable BETTEROMS_FAULT_POINT names that point, so the fault suite
// (tests/faults) can prove that a crash at each step leaves nothing half-written. Inert
// otherwise: the variable is read once, at the first call, and each call costs a comparison.
// Never set it outside tests.
#pragma once

#include <string_view>

namespace betteroms {

// Logs the point and raises SIGKILL when BETTEROMS_FAULT_POINT equals `name`; returns otherwise.
void FaultPoint(std::string_view name);

}  // namespace betteroms
