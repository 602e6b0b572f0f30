#include "common/health_probe.h"

#include <grpcpp/ext/health_check_service_server_builder_option.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/server_builder_option.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/net.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace betteroms {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// Drops the builder plugins every server gets by default (server reflection registers itself in
// every process that links it): this port serves the health check alone.
class NoPlugins : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->clear();
  }
};

}  // namespace

class HealthProbeServer::Service final : public grpc::health::v1::Health::Service {
 public:
  Service(std::vector<std::string> services, std::function<bool()> serving)
      : services_(std::move(services)), serving_(std::move(serving)) {}

  grpc::Status Check(grpc::ServerContext*, const HealthCheckRequest* req,
                     HealthCheckResponse* resp) override {
    if (!req->service().empty() &&
        std::find(services_.begin(), services_.end(), req->service()) == services_.end()) {
      return {grpc::StatusCode::NOT_FOUND, "unknown service"};
    }
    resp->set_status(serving_() ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
    return grpc::Status::OK;
  }

 private:
  std::vector<std::string> services_;
  std::function<bool()> serving_;
};

absl::Status CheckHealthListen(const std::string& listen) {
  if (!ParseHostPort(listen)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--health-listen must be HOST:PORT or [IPv6]:PORT, got \"", listen, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<HealthProbeServer>> HealthProbeServer::StartIfSet(
    const std::string& listen, std::vector<std::string> services, std::function<bool()> serving) {
  if (listen.empty()) return nullptr;
  absl::StatusOr<std::unique_ptr<HealthProbeServer>> probe =
      Start(listen, std::move(services), std::move(serving));
  if (probe.ok()) {
    LogInfo("health probe listening",
            {{"address", listen}, {"port", std::to_string((*probe)->port())}});
  }
  return probe;
}

absl::StatusOr<std::unique_ptr<HealthProbeServer>> HealthProbeServer::Start(
    const std::string& listen, std::vector<std::string> services, std::function<bool()> serving) {
  std::unique_ptr<HealthProbeServer> probe(new HealthProbeServer());
  probe->service_ = std::make_unique<Service>(std::move(services), std::move(serving));
  grpc::ServerBuilder builder;
  // Neither the default health service (with Watch) nor reflection: our Check only.
  builder.SetOption(std::make_unique<grpc::HealthCheckServiceServerBuilderOption>(nullptr));
  builder.SetOption(std::make_unique<NoPlugins>());
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &probe->port_);
  builder.RegisterService(probe->service_.get());
  grpc::ResourceQuota quota("health-probe");
  quota.SetMaxThreads(4);
  builder.SetResourceQuota(quota);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 1);
  probe->server_ = builder.BuildAndStart();
  if (probe->server_ == nullptr || probe->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot serve health checks on ", listen,
                                               " (address in use or not available)"));
  }
  return probe;
}

HealthProbeServer::~HealthProbeServer() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }
}

}  // namespace betteroms
