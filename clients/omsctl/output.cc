#include "clients/omsctl/output.h"

#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"

namespace betteroms::omsctl {
namespace {

bool UseColour() {
  static const bool kColour = isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
  return kColour;
}

// Display width: UTF-8 continuation bytes take no column.
size_t Width(const std::string& s) {
  size_t w = 0;
  bool escape = false;
  for (unsigned char c : s) {
    if (c == 0x1b) escape = true;
    if (escape) {
      if (c == 'm') escape = false;
      continue;
    }
    if ((c & 0xc0) != 0x80) ++w;
  }
  return w;
}

}  // namespace

std::string Table::Render(const std::vector<size_t>& right) const {
  std::vector<size_t> widths(header_.size(), 0);
  for (size_t i = 0; i < header_.size(); ++i) widths[i] = Width(header_[i]);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], Width(row[i]));
    }
  }
  auto line = [&](const std::vector<std::string>& cells, bool header) {
    std::string out;
    for (size_t i = 0; i < widths.size(); ++i) {
      std::string cell = i < cells.size() ? cells[i] : "";
      std::string pad(widths[i] - Width(cell), ' ');
      bool r = std::find(right.begin(), right.end(), i) != right.end();
      std::string text = r ? pad + cell : cell + (i + 1 < widths.size() ? pad : "");
      out += (i > 0 ? "  " : "") + (header ? Bold(text) : text);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(header_, true);
  for (const auto& row : rows_) out += line(row, false);
  return out;
}

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = true;
  opts.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, opts);
  return out;
}

void Print(bool json, const google::protobuf::Message& message,
           const std::function<std::string()>& text) {
  if (json) {
    std::cout << ToJson(message) << "\n";
  } else {
    std::cout << text();
  }
}

std::string Dollars(const std::string& decimal) {
  if (decimal.empty()) return "";
  bool negative = decimal[0] == '-';
  std::string d = negative ? decimal.substr(1) : decimal;
  size_t dot = d.find('.');
  std::string whole = d.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : d.substr(dot + 1);
  // Cents, rounded half-up on the third decimal; more precision would be noise to a person.
  while (frac.size() < 3) frac.push_back('0');
  int cents = std::stoi(frac.substr(0, 2));
  if (frac[2] >= '5') ++cents;
  int64_t w = std::stoll(whole);
  if (cents == 100) {
    cents = 0;
    ++w;
  }
  std::string digits = std::to_string(w);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[i]);
  }
  return absl::StrCat(negative && (w > 0 || cents > 0) ? "-" : "", "$", grouped, ".",
                      cents < 10 ? "0" : "", cents);
}

std::string SharesText(const std::string& decimal) { return decimal.empty() ? "0" : decimal; }

std::string ShortToken(const std::string& token) {
  if (token.size() <= 14) return token;
  return token.substr(0, 6) + "…" + token.substr(token.size() - 5);
}

std::string ShortHash(const std::string& hash) {
  if (hash.size() <= 14) return hash;
  return hash.substr(0, 8) + "…" + hash.substr(hash.size() - 4);
}

std::string Colour(const std::string& text, const std::string& status) {
  if (!UseColour()) return text;
  std::string code = "0";
  if (status == "filled" || status == "completed") code = "32";
  if (status == "open" || status == "partially_filled" || status == "running" || status == "new" ||
      status == "signed" || status == "submitting" || status == "delayed") {
    code = "33";
  }
  if (status == "rejected" || status == "failed" || status == "expired" || status == "not_sent" ||
      status == "unknown") {
    code = "31";
  }
  if (status == "cancelled") code = "90";
  return absl::StrCat("\x1b[", code, "m", text, "\x1b[0m");
}

std::string Bold(const std::string& text) {
  return UseColour() ? absl::StrCat("\x1b[1m", text, "\x1b[0m") : text;
}

}  // namespace betteroms::omsctl
