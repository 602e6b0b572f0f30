// gRPC server metrics for both processes: an interceptor that records every call's service,
// method, status code and latency (metrics::ObserveRpc). Methods outside the registered services
// are counted as "unknown", so a client probing names cannot grow the label sets.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>
#include <vector>

namespace betteroms {

// Interceptor creators for ServerBuilder::experimental().SetInterceptorCreators, for a server
// whose services are `services` (full names, e.g. "betteroms.v1.OrderManager"; their methods are
// read from the generated descriptors).
std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
RpcMetricsInterceptors(const std::vector<std::string>& services);

// "OK", "INVALID_ARGUMENT", ...: the canonical name of a gRPC status code.
const char* GrpcCodeName(int code);

}  // namespace betteroms
