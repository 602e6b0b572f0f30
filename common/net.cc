#include "common/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"

namespace betteroms {

std::optional<HostPort> ParseHostPort(const std::string& text) {
  std::string host;
  std::string port;
  if (absl::StartsWith(text, "[")) {
    size_t close = text.find("]:");
    if (close == std::string::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    size_t colon = text.find(':');
    if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos) {
      return std::nullopt;  // no port, or an IPv6 address without brackets
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  int number = 0;
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
      !absl::SimpleAtoi(port, &number) || number > 65535) {
    return std::nullopt;
  }
  return HostPort{host, number};
}

bool IsLoopbackHost(const std::string& host) {
  if (absl::AsciiStrToLower(host) == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;  // ::ffff:127.x.y.z
  }
  return false;
}

bool IsLoopbackAddress(const std::string& host_port) {
  std::optional<HostPort> parsed = ParseHostPort(host_port);
  return parsed.has_value() && IsLoopbackHost(parsed->host);
}

}  // namespace betteroms
