#include "common/log.h"

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/time.h"

namespace betteroms {
namespace {

void Log(std::string_view level, std::string_view msg, std::initializer_list<LogField> fields) {
  nlohmann::ordered_json line;
  line["ts"] = FormatRfc3339(absl::Now());
  line["level"] = level;
  line["msg"] = msg;
  for (const auto& [k, v] : fields) line[std::string(k)] = v;
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace

void LogInfo(std::string_view msg, std::initializer_list<LogField> fields) {
  Log("info", msg, fields);
}
void LogWarn(std::string_view msg, std::initializer_list<LogField> fields) {
  Log("warn", msg, fields);
}
void LogError(std::string_view msg, std::initializer_list<LogField> fields) {
  Log("error", msg, fields);
}

}  // namespace betteroms
