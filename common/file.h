// Whole-file reads, for the small text files the processes load (certificates, policies, plans).
#pragma once

#include <optional>
#include <string>

namespace betteroms {

// The file's bytes, or nullopt when it cannot be opened.
std::optional<std::string> ReadFileText(const std::string& path);

}  // namespace betteroms
