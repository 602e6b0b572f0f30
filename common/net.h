// Network addresses as the processes' flags give them: "host:port", "[v6]:port". Decisions
// are made on addresses: an IP literal is parsed, and the one name allowed, "localhost", is
// resolved (as the listener will resolve it); no other name is ever looked up.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace betteroms {

struct HostPort {
  std::string host;  // without brackets
  int port = 0;
};

// "host:port" or "[v6]:port" with a port in 0..65535; nullopt otherwise (an IPv6 address
// without brackets, no port, an empty host).
std::optional<HostPort> ParseHostPort(const std::string& text);

// The addresses a name resolves to, as text ("127.0.0.1", "::1"); empty when it does not.
using Resolver = std::function<std::vector<std::string>(const std::string& name)>;

// getaddrinfo (/etc/hosts, then DNS).
std::vector<std::string> ResolveHost(const std::string& name);

// An IP literal: 127.0.0.0/8 as a dotted quad, ::1 or ::ffff:127.x.y.z.
bool IsLoopbackIp(const std::string& ip);

// A loopback IP literal, or "localhost" when it resolves to loopback addresses only (a hosts
// file that maps it elsewhere would expose the port). "127.evil.com" is a name, not an
// address, and is not loopback; it is not looked up.
bool IsLoopbackHost(const std::string& host, const Resolver& resolve = ResolveHost);

// True when `host_port` parses and its host is loopback.
bool IsLoopbackAddress(const std::string& host_port, const Resolver& resolve = ResolveHost);

}  // namespace betteroms
