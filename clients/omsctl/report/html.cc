#include "clients/omsctl/report/html.h"

#include "absl/strings/str_cat.h"

namespace betteroms::omsctl::report {

std::string Escape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Element(absl::string_view tag, absl::string_view css, absl::string_view text) {
  std::string cls = css.empty() ? "" : absl::StrCat(" class=\"", css, "\"");
  return absl::StrCat("<", tag, cls, ">", Escape(text), "</", tag, ">");
}

}  // namespace betteroms::omsctl::report
