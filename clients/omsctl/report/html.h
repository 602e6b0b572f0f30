// HTML text for the report: every string that came from the server (plan ids, reasons, venue
// messages are user or venue text) goes through Escape before it reaches the page.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace betteroms::omsctl::report {

// Escapes & < > " and ' so the text is inert in element content and in quoted attributes.
std::string Escape(absl::string_view text);

// <tag class="css">escaped text</tag>; `css` may be empty.
std::string Element(absl::string_view tag, absl::string_view css, absl::string_view text);

}  // namespace betteroms::omsctl::report
