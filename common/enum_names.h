// A table of an enum's values and their spellings, looked up both ways. The domain's API names
// and the store's SQL text are two such tables, kept apart on purpose.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace betteroms {

template <typename E, size_t N>
using EnumNames = std::array<std::pair<E, std::string_view>, N>;

// The spelling of `value`: a literal, so NUL-terminated. "?" only when the table misses it.
template <typename E, size_t N>
const char* NameIn(const EnumNames<E, N>& names, E value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name.data();
  }
  return "?";
}

template <typename E, size_t N>
std::optional<E> ParseIn(const EnumNames<E, N>& names, std::string_view text) {
  for (const auto& [v, name] : names) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace betteroms
