// Loads known-answer vectors from ../shared/polymarket/vectors (OMS_VECTORS_DIR at build time).
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "common/file.h"
#include "common/json.h"

namespace betteroms::test {

inline std::string ReadTextFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileText(path);
  if (!text.ok()) throw std::runtime_error(std::string(text.status().message()));
  return *text;
}

inline JsonValue LoadVectors(const std::string& name) {
  auto doc = ParseJson(ReadTextFile(std::string(OMS_VECTORS_DIR) + "/" + name));
  if (!doc.ok()) throw std::runtime_error(std::string(doc.status().message()));
  return *doc;
}

}  // namespace betteroms::test
