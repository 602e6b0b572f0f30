// health: the standard gRPC health check of oms-server (SERVING once its database answers).
#include <memory>
#include <string>

#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace betteroms::omsctl {

void AddHealthCommand(CLI::App& app, Client& client, int& exit_code) {
  CLI::App* health = app.add_subcommand("health", "ask oms-server whether it is serving");
  health->callback([&client, &exit_code] {
    using grpc::health::v1::HealthCheckResponse;
    if (absl::Status connected = client.Connect(); !connected.ok()) {
      exit_code = UsageError(connected);
      return;
    }
    auto stub = grpc::health::v1::Health::NewStub(client.channel());
    grpc::health::v1::HealthCheckRequest req;
    HealthCheckResponse resp;
    std::unique_ptr<grpc::ClientContext> context = client.NewContext();
    grpc::Status st = stub->Check(context.get(), req, &resp);
    if (!st.ok()) {
      exit_code = client.Error(st);
      return;
    }
    Print(client.json(), resp,
          [&resp] { return HealthCheckResponse::ServingStatus_Name(resp.status()) + "\n"; });
    // NOT_SERVING means a dependency (the database) is down: the same class as unreachable.
    exit_code = resp.status() == HealthCheckResponse::SERVING ? kOk : kUnavailable;
  });
}

}  // namespace betteroms::omsctl
