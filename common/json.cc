#include "common/json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace betteroms {
namespace {

// Builds a JsonValue tree from nlohmann's SAX events; numbers keep their source text.
class TreeBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit TreeBuilder(const JsonLimits& limits) : limits_(limits) {}

  JsonValue root;
  std::string error;

  bool null() override { return Add(JsonValue{}); }
  bool boolean(bool value) override {
    JsonValue v;
    v.kind = JsonValue::Kind::kBool;
    v.boolean = value;
    return Add(std::move(v));
  }
  bool number_integer(number_integer_t value) override { return AddNumber(std::to_string(value)); }
  bool number_unsigned(number_unsigned_t value) override {
    return AddNumber(std::to_string(value));
  }
  bool number_float(number_float_t /*value*/, const string_t& text) override {
    return AddNumber(text);
  }
  bool string(string_t& value) override {
    JsonValue v;
    v.kind = JsonValue::Kind::kString;
    v.text = std::move(value);
    return Add(std::move(v));
  }
  bool binary(binary_t& /*value*/) override { return false; }
  bool start_object(std::size_t /*size*/) override { return Open(JsonValue::Kind::kObject); }
  bool key(string_t& value) override {
    JsonValue* obj = stack_.back();
    obj->members.emplace_back();
    obj->members.back().name = std::move(value);
    return true;
  }
  // Duplicates are looked for once the object is complete: sorting its names costs
  // O(n log n), where comparing each new key with the earlier ones would cost O(n^2).
  bool end_object() override {
    const std::vector<JsonValue>& members = stack_.back()->members;
    if (members.size() > 1) {
      std::vector<const std::string*> names;
      names.reserve(members.size());
      for (const JsonValue& m : members) names.push_back(&m.name);
      std::sort(names.begin(), names.end(),
                [](const std::string* a, const std::string* b) { return *a < *b; });
      auto dup =
          std::adjacent_find(names.begin(), names.end(),
                             [](const std::string* a, const std::string* b) { return *a == *b; });
      if (dup != names.end()) {
        error = absl::StrCat("duplicate key \"", **dup, "\"");
        return false;
      }
    }
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t /*size*/) override { return Open(JsonValue::Kind::kArray); }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    if (error.empty()) {
      std::string what = ex.what();
      // nlohmann prefixes "[json.exception.parse_error.101] parse error at line 1, column 2: ".
      if (size_t colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
      error = absl::StrCat("at byte ", position, ": ", what);
    }
    return false;
  }

 private:
  // Places `value` where the parser is: the root, the next array item, or the pending member.
  JsonValue* Place(JsonValue value) {
    if (stack_.empty()) {
      root = std::move(value);
      return &root;
    }
    JsonValue* parent = stack_.back();
    if (parent->is_array()) {
      parent->items.push_back(std::move(value));
      return &parent->items.back();
    }
    value.name = std::move(parent->members.back().name);
    parent->members.back() = std::move(value);
    return &parent->members.back();
  }
  bool Add(JsonValue value) {
    if (!Count()) return false;
    Place(std::move(value));
    return true;
  }
  // Counts a value against the limit; false (with the error) past it.
  bool Count() {
    if (++values_ > limits_.max_values) {
      error = absl::StrCat("more than ", limits_.max_values, " values");
      return false;
    }
    return true;
  }
  bool AddNumber(std::string text) {
    JsonValue v;
    v.kind = JsonValue::Kind::kNumber;
    v.text = std::move(text);
    return Add(std::move(v));
  }
  bool Open(JsonValue::Kind kind) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      error = absl::StrCat("nesting deeper than ", limits_.max_depth, " levels");
      return false;
    }
    if (!Count()) return false;
    JsonValue v;
    v.kind = kind;
    stack_.push_back(Place(std::move(v)));
    return true;
  }

  const JsonLimits& limits_;
  size_t values_ = 0;
  // Pointers stay valid: a container is only appended to while it is the innermost open one.
  std::vector<JsonValue*> stack_;
};

}  // namespace

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const JsonValue& member : members) {
    if (member.name == key) return &member;
  }
  return nullptr;
}

std::string JsonValue::StringOr(std::string_view key, const std::string& fallback) const {
  const JsonValue* v = Find(key);
  return v != nullptr && v->is_string() ? v->text : fallback;
}

const char* JsonKindName(JsonValue::Kind kind) {
  switch (kind) {
    case JsonValue::Kind::kNull:
      return "null";
    case JsonValue::Kind::kBool:
      return "a boolean";
    case JsonValue::Kind::kNumber:
      return "a number";
    case JsonValue::Kind::kString:
      return "a string";
    case JsonValue::Kind::kArray:
      return "an array";
    case JsonValue::Kind::kObject:
      return "an object";
  }
  return "unknown";
}

absl::StatusOr<JsonValue> ParseJson(std::string_view text, const JsonLimits& limits) {
  TreeBuilder builder(limits);
  bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder,
                                      nlohmann::json::input_format_t::json, true);
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON: ", builder.error.empty() ? "malformed" : builder.error));
  }
  return std::move(builder.root);
}

std::string DumpJson(const JsonValue& value) {
  auto quote = [](const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  switch (value.kind) {
    case JsonValue::Kind::kNull:
      return "null";
    case JsonValue::Kind::kBool:
      return value.boolean ? "true" : "false";
    case JsonValue::Kind::kNumber:
      return value.text;
    case JsonValue::Kind::kString:
      return quote(value.text);
    case JsonValue::Kind::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < value.items.size(); ++i) {
        if (i > 0) out.push_back(',');
        out += DumpJson(value.items[i]);
      }
      return out + "]";
    }
    case JsonValue::Kind::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < value.members.size(); ++i) {
        if (i > 0) out.push_back(',');
        out += quote(value.members[i].name) + ":" + DumpJson(value.members[i]);
      }
      return out + "}";
    }
  }
  return "null";
}

}  // namespace betteroms
