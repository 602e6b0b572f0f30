// omsctl output: aligned tables for people, proto JSON for programs, colour only on a terminal.
#pragma once

#include <google/protobuf/message.h>

#include <functional>
#include <string>
#include <vector>

namespace betteroms::omsctl {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Columns left-aligned, numbers (columns in `right`) right-aligned, two spaces apart.
  std::string Render(const std::vector<size_t>& right = {}) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Proto JSON with the API's field names, indented.
std::string ToJson(const google::protobuf::Message& m);

// Writes `message` to stdout as proto JSON (one line break after it) when `json`, else the text
// that `text` renders; every command prints its answer through here.
void Print(bool json, const google::protobuf::Message& message,
           const std::function<std::string()>& text);

// "$1,234.50" from a decimal string ("1234.5"); "-$3.20" for negatives; "" stays "".
std::string Dollars(const std::string& decimal);
// Shares with two decimals when they have any fraction: "181.82", "10".
std::string SharesText(const std::string& decimal);
// A long token id shortened for tables: "7123456…89012".
std::string ShortToken(const std::string& token);
// An order hash shortened for tables: "0x3f9a1c…7e2d"; "" stays "".
std::string ShortHash(const std::string& hash);

// ANSI colour when stdout is a terminal and NO_COLOR is unset.
std::string Colour(const std::string& text, const std::string& status);
std::string Bold(const std::string& text);

}  // namespace betteroms::omsctl
