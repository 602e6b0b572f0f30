// A read-only JSON tree that keeps every number's exact text, so money is parsed as decimals
// and never passes through a double.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace betteroms {

class JsonValue {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // a string's value, or a number's text as written
  std::vector<JsonValue> items;
  // An object's members in document order; each member's name is in its `name`.
  std::vector<JsonValue> members;
  std::string name;

  bool is_null() const { return kind == Kind::kNull; }
  bool is_string() const { return kind == Kind::kString; }
  bool is_number() const { return kind == Kind::kNumber; }
  bool is_bool() const { return kind == Kind::kBool; }
  bool is_array() const { return kind == Kind::kArray; }
  bool is_object() const { return kind == Kind::kObject; }

  // The member named `key`, or nullptr.
  const JsonValue* Find(std::string_view key) const;
  // The member's string value, or `fallback` when absent or not a string.
  std::string StringOr(std::string_view key, const std::string& fallback = "") const;
};

// Names a kind for messages: "a string", "an object", ...
const char* JsonKindName(JsonValue::Kind kind);

// What one document may hold. Parsing costs time and memory in proportion to the text, within
// these bounds, whatever its shape (duplicate keys are found by sorting, not by pairs).
struct JsonLimits {
  int max_depth = 64;                           // arrays and objects open at once
  size_t max_values = static_cast<size_t>(-1);  // values of any kind, containers included
};

// Parses a JSON document. InvalidArgument with the position on a syntax error, a duplicate key,
// nesting deeper than `limits.max_depth` or more than `limits.max_values` values.
absl::StatusOr<JsonValue> ParseJson(std::string_view text, const JsonLimits& limits = {});

// Compact JSON text of `value`; numbers are written as they were read.
std::string DumpJson(const JsonValue& value);

}  // namespace betteroms
