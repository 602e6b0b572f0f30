// The venue's error strings (PROTOCOL §4, §5.3, §5.4, §7.2, §7.3) as plain sentences for the
// trader. Pure text in, text out; the service never compares these.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace betteroms::venue {

// A sentence saying what happened and, where there is something to do, what to do. Matching is
// case-insensitive on the fragments the venue is known to send; an unknown text comes back as
// it is, so nothing the venue said is lost.
std::string TraderReason(absl::string_view venue_error);

}  // namespace betteroms::venue
