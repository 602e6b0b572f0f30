// The HTTP endpoint Prometheus scrapes: GET /metrics on --metrics-listen, serving the process's
// registry (common/metrics.h). Plain HTTP: it is meant for loopback, or a network where only the
// scraper reaches it (a NetworkPolicy, or a TLS-terminating proxy in front).
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace prometheus {
class Collectable;
class Exposer;
}  // namespace prometheus

namespace betteroms::metrics {

// Checks a --metrics-listen value: HOST:PORT with an IP address or localhost, and loopback
// unless `allow_public` (the --metrics-public flag, named in the message). InvalidArgument says
// what is wrong.
absl::Status CheckMetricsListen(const std::string& listen, bool allow_public);

class MetricsServer {
 public:
  // Starts serving on `listen` (port 0 picks a free port). Unavailable when the address cannot be
  // bound.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& listen);
  ~MetricsServer();
  int port() const { return port_; }

 private:
  MetricsServer(std::unique_ptr<prometheus::Exposer> exposer,
                std::shared_ptr<prometheus::Collectable> collectable, int port);
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<prometheus::Collectable> collectable_;  // the exposer holds a weak pointer
  int port_;
};

}  // namespace betteroms::metrics
