#include "common/net.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

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

std::vector<std::string> ResolveHost(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::vector<std::string> out;
  if (getaddrinfo(name.c_str(), nullptr, &hints, &found) != 0) return out;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* addr = nullptr;
    if (a->ai_family == AF_INET) {
      addr = &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr;
    } else if (a->ai_family == AF_INET6) {
      addr = &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr;
    }
    if (addr != nullptr && inet_ntop(a->ai_family, addr, text, sizeof(text)) != nullptr) {
      out.emplace_back(text);
    }
  }
  freeaddrinfo(found);
  return out;
}

bool IsLoopbackIp(const std::string& ip) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;  // ::ffff:127.x.y.z
  }
  return false;
}

bool IsLoopbackHost(const std::string& host, const Resolver& resolve) {
  if (IsLoopbackIp(host)) return true;
  if (absl::AsciiStrToLower(host) != "localhost") return false;
  std::vector<std::string> addresses = resolve(host);
  return !addresses.empty() && std::all_of(addresses.begin(), addresses.end(), IsLoopbackIp);
}

bool IsLoopbackAddress(const std::string& host_port, const Resolver& resolve) {
  std::optional<HostPort> parsed = ParseHostPort(host_port);
  return parsed.has_value() && IsLoopbackHost(parsed->host, resolve);
}

}  // namespace betteroms
