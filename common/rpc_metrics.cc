#include "common/rpc_metrics.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/interceptor.h>

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/metrics.h"

namespace betteroms {
namespace {

using grpc::experimental::InterceptionHookPoints;

struct MethodName {
  std::string service;
  std::string method;
};

class RpcMetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit RpcMetricsInterceptor(const MethodName* name) : name_(name) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics::ObserveRpc(name_->service, name_->method,
                          GrpcCodeName(methods->GetSendStatus().error_code()), watch_.Seconds());
    }
    methods->Proceed();
  }

 private:
  const MethodName* name_;
  metrics::Stopwatch watch_;  // the interceptor is made as the call arrives
};

class RpcMetricsFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcMetricsFactory(const std::vector<std::string>& services) {
    const auto* pool = google::protobuf::DescriptorPool::generated_pool();
    for (const std::string& name : services) {
      const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
      if (service == nullptr) continue;
      for (int i = 0; i < service->method_count(); ++i) {
        const std::string& method = service->method(i)->name();
        known_[absl::StrCat("/", name, "/", method)] = {name, method};
      }
    }
  }

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    auto it = info->method() != nullptr ? known_.find(info->method()) : known_.end();
    return new RpcMetricsInterceptor(it == known_.end() ? &unknown_ : &it->second);
  }

 private:
  std::map<std::string, MethodName, std::less<>> known_;
  MethodName unknown_{"unknown", "unknown"};
};

}  // namespace

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
RpcMetricsInterceptors(const std::vector<std::string>& services) {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> out;
  out.push_back(std::make_unique<RpcMetricsFactory>(services));
  return out;
}

const char* GrpcCodeName(int code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  if (code < 0 || code >= static_cast<int>(std::size(kNames))) return "UNKNOWN";
  return kNames[code];
}

}  // namespace betteroms
