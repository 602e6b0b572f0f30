// JSON log lines on stderr: {"ts":"...","level":"info","msg":"...", ...fields}.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace betteroms {

using LogField = std::pair<std::string_view, std::string>;

void LogInfo(std::string_view msg, std::initializer_list<LogField> fields = {});
void LogWarn(std::string_view msg, std::initializer_list<LogField> fields = {});
void LogError(std::string_view msg, std::initializer_list<LogField> fields = {});

}  // namespace betteroms
