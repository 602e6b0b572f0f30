// A health endpoint a kubelet can reach while the API is TLS-only: a second, plaintext gRPC
// server (--health-listen) that answers grpc.health.v1.Health/Check and nothing else: no API, no
// reflection, no Watch. It reveals one bit, serving or not, the same bit the API's own health
// service reports.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace grpc {
class Server;
}

namespace betteroms {

// Checks a --health-listen value: HOST:PORT or [IPv6]:PORT. Any address is allowed (a kubelet
// connects to the pod's address); InvalidArgument otherwise.
absl::Status CheckHealthListen(const std::string& listen);

class HealthProbeServer {
 public:
  // Serves on `listen` (port 0 picks one). Check with service "" or one of `services` answers
  // SERVING when `serving()` is true, else NOT_SERVING; another name is NOT_FOUND. `serving` is
  // called once per Check, on a gRPC thread: it must be cheap (read a flag another thread keeps
  // up to date). Unavailable when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HealthProbeServer>> Start(const std::string& listen,
                                                                  std::vector<std::string> services,
                                                                  std::function<bool()> serving);
  // As Start, and logs the address; nullptr when `listen` is empty (no probe port asked for).
  static absl::StatusOr<std::unique_ptr<HealthProbeServer>> StartIfSet(
      const std::string& listen, std::vector<std::string> services, std::function<bool()> serving);
  ~HealthProbeServer();  // stops serving
  int port() const { return port_; }

 private:
  class Service;
  HealthProbeServer() = default;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace betteroms
