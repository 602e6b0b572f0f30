// The gRPC edge of the OMS: converts requests (convert.h), calls the service with the caller's
// deadline and cancellation, converts the reply and maps absl::Status to grpc::Status. Nothing
// else happens here.
#pragma once

#include <grpcpp/generic/async_generic_service.h>

#include "betteroms/v1/oms.grpc.pb.h"
#include "oms-server/service/oms_service.h"

namespace betteroms::grpc_api {

// SubmitPlan and ValidatePlan take their requests as bytes (plan_request.h): the generated
// handlers are switched off and the same method names registered again over grpc::ByteBuffer.
using OrderManagerBase = v1::OrderManager::WithGenericMethod_SubmitPlan<
    v1::OrderManager::WithGenericMethod_ValidatePlan<v1::OrderManager::Service>>;

class OrderManagerImpl final : public OrderManagerBase {
 public:
  explicit OrderManagerImpl(service::OmsService& service);

  // Registers the service with `builder`, and with it a generic service that answers any other
  // method UNIMPLEMENTED as before: gRPC refuses to start a server with methods switched off
  // (marked generic) and no generic service.
  void RegisterWith(grpc::ServerBuilder& builder);

  grpc::Status SubmitPlanBytes(grpc::ServerContext*, const grpc::ByteBuffer* req,
                               v1::RunSummary* resp);
  grpc::Status ValidatePlanBytes(grpc::ServerContext*, const grpc::ByteBuffer* req,
                                 v1::ValidatePlanResponse* resp);
  grpc::Status GetRun(grpc::ServerContext*, const v1::GetRunRequest* req, v1::Run* resp) override;
  grpc::Status ListRuns(grpc::ServerContext*, const v1::ListRunsRequest* req,
                        v1::ListRunsResponse* resp) override;
  grpc::Status ListOrders(grpc::ServerContext*, const v1::ListOrdersRequest* req,
                          v1::ListOrdersResponse* resp) override;
  grpc::Status CancelOrder(grpc::ServerContext*, const v1::CancelOrderRequest* req,
                           v1::Order* resp) override;
  grpc::Status CancelOrders(grpc::ServerContext*, const v1::CancelOrdersRequest* req,
                            v1::CancelOrdersResponse* resp) override;
  grpc::Status GetPositions(grpc::ServerContext*, const v1::GetPositionsRequest* req,
                            v1::GetPositionsResponse* resp) override;
  grpc::Status RunTick(grpc::ServerContext*, const v1::RunTickRequest* req,
                       v1::TickReport* resp) override;
  grpc::Status GetBook(grpc::ServerContext*, const v1::GetBookRequest* req,
                       v1::Book* resp) override;
  grpc::Status GetAccount(grpc::ServerContext*, const v1::GetAccountRequest* req,
                          v1::Account* resp) override;
  grpc::Status GetTrading(grpc::ServerContext*, const v1::GetTradingRequest* req,
                          v1::TradingState* resp) override;
  grpc::Status SetTrading(grpc::ServerContext*, const v1::SetTradingRequest* req,
                          v1::TradingState* resp) override;
  grpc::Status ListTriggers(grpc::ServerContext*, const v1::ListTriggersRequest* req,
                            v1::ListTriggersResponse* resp) override;
  grpc::Status CancelTrigger(grpc::ServerContext*, const v1::CancelTriggerRequest* req,
                             v1::Trigger* resp) override;
  grpc::Status GetReport(grpc::ServerContext* ctx, const v1::GetReportRequest* req,
                         v1::Report* resp) override;
  grpc::Status UnschedulePlan(grpc::ServerContext*, const v1::UnschedulePlanRequest* req,
                              v1::Run* resp) override;

 private:
  service::OmsService& service_;
  grpc::CallbackGenericService unknown_methods_;
};

// The client metadata by which a caller says how many bytes of error details it accepts. gRPC
// clients refuse more than 8 KiB of metadata unless told otherwise (GRPC_ARG_MAX_METADATA_SIZE),
// so the details stay within kDefaultDetailsBytes unless the caller asks for more, as omsctl does.
inline constexpr char kMaxErrorDetailsHeader[] = "x-oms-max-error-details";
inline constexpr size_t kDefaultDetailsBytes = 4 << 10;
inline constexpr size_t kMostDetailsBytes = 4 << 20;

// The details budget `ctx`'s caller asked for (kMaxErrorDetailsHeader), within
// [kDefaultDetailsBytes, kMostDetailsBytes].
size_t DetailsBudget(const grpc::ServerContext& ctx);

// absl::Status → grpc::Status with the same code and message. A status that carries violations
// (domain::ViolationsError) sends them as google.rpc.BadRequest field violations, in a
// google.rpc.Status in the grpc-status-details-bin trailer: as many as fit in `details_bytes`
// (serialized), and then one more whose description says how many were left out.
grpc::Status ToGrpc(const absl::Status& status, size_t details_bytes = kDefaultDetailsBytes);

}  // namespace betteroms::grpc_api
