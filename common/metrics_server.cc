#include "common/metrics_server.h"

#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <exception>

#include "absl/strings/str_cat.h"
#include "common/metrics.h"
#include "common/net.h"

namespace betteroms::metrics {

absl::Status CheckMetricsListen(const std::string& listen, bool allow_public) {
  if (!ParseHostPort(listen)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics-listen must be HOST:PORT or [IPv6]:PORT, got \"", listen, "\""));
  }
  if (!allow_public && !IsLoopbackAddress(listen)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "refusing to serve metrics on ", listen,
        " beyond loopback: plain HTTP shows the process's activity to whoever connects; add "
        "--metrics-public when only the scraper can reach it (a NetworkPolicy, or a TLS proxy)"));
  }
  return absl::OkStatus();
}

namespace {

// The registry, with the scrape hooks run first so gauges read from elsewhere are fresh.
class HookedRegistry : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    RunScrapeHooks();
    return Registry()->Collect();
  }
};

}  // namespace

MetricsServer::MetricsServer(std::unique_ptr<prometheus::Exposer> exposer,
                             std::shared_ptr<prometheus::Collectable> collectable, int port)
    : exposer_(std::move(exposer)), collectable_(std::move(collectable)), port_(port) {}

MetricsServer::~MetricsServer() = default;

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& listen) {
  std::unique_ptr<prometheus::Exposer> exposer;
  // civetweb reports a failed bind by throwing from the constructor.
  try {
    exposer = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
  auto collectable = std::make_shared<HookedRegistry>();
  exposer->RegisterCollectable(collectable);
  std::vector<int> ports = exposer->GetListeningPorts();
  int port = ports.empty() ? 0 : ports.front();
  return std::unique_ptr<MetricsServer>(
      new MetricsServer(std::move(exposer), std::move(collectable), port));
}

}  // namespace betteroms::metrics
