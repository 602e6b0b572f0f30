// Network addresses as the processes' flags give them: "host:port", "[v6]:port". Decisions
// are made on the parsed address; no name is ever resolved.
#pragma once

#include <optional>
#include <string>

namespace betteroms {

struct HostPort {
  std::string host;  // without brackets
  int port = 0;
};

// "host:port" or "[v6]:port" with a port in 0..65535; nullopt otherwise (an IPv6 address
// without brackets, no port, an empty host).
std::optional<HostPort> ParseHostPort(const std::string& text);

// 127.0.0.0/8 as a dotted quad, ::1, ::ffff:127.x.y.z or "localhost". "127.evil.com" is a
// name, not an address, and is not loopback.
bool IsLoopbackHost(const std::string& host);

// True when `host_port` parses and its host is loopback.
bool IsLoopbackAddress(const std::string& host_port);

}  // namespace betteroms
