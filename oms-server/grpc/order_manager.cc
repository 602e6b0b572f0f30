#include "oms-server/grpc/order_manager.h"

#include "absl/time/clock.h"

namespace betteroms::grpc_api {
namespace {

template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* resp) {
  if (!result.ok()) return ToGrpc(result.status());
  *resp = std::move(*result);
  return grpc::Status::OK;
}

// Tells the caller how long the server spent on the request, so clients and benchmarks can tell
// server time from network and client time.
class ServerTimer {
 public:
  explicit ServerTimer(grpc::ServerContext* ctx) : ctx_(ctx), start_(absl::Now()) {}
  ~ServerTimer() {
    ctx_->AddTrailingMetadata("x-oms-server-us",
                              std::to_string(absl::ToInt64Microseconds(absl::Now() - start_)));
  }

 private:
  grpc::ServerContext* ctx_;
  absl::Time start_;
};

}  // namespace

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return {static_cast<grpc::StatusCode>(status.code()), std::string(status.message())};
}

grpc::Status OrderManagerImpl::SubmitPlan(grpc::ServerContext* ctx,
                                          const v1::SubmitPlanRequest* req, v1::RunSummary* resp) {
  ServerTimer timer(ctx);
  return Reply(service_.SubmitPlan(req->plan_json(), req->retry()), resp);
}
grpc::Status OrderManagerImpl::ValidatePlan(grpc::ServerContext*,
                                            const v1::ValidatePlanRequest* req,
                                            v1::ValidatePlanResponse* resp) {
  return Reply(service_.ValidatePlan(req->plan_json()), resp);
}
grpc::Status OrderManagerImpl::GetRun(grpc::ServerContext*, const v1::GetRunRequest* req,
                                      v1::Run* resp) {
  return Reply(service_.GetRun(req->plan_id()), resp);
}
grpc::Status OrderManagerImpl::ListRuns(grpc::ServerContext*, const v1::ListRunsRequest* req,
                                        v1::ListRunsResponse* resp) {
  return Reply(service_.ListRuns(*req), resp);
}
grpc::Status OrderManagerImpl::ListOrders(grpc::ServerContext*, const v1::ListOrdersRequest* req,
                                          v1::ListOrdersResponse* resp) {
  return Reply(service_.ListOrders(*req), resp);
}
grpc::Status OrderManagerImpl::CancelOrder(grpc::ServerContext*, const v1::CancelOrderRequest* req,
                                           v1::Order* resp) {
  return Reply(service_.CancelOrder(req->id()), resp);
}
grpc::Status OrderManagerImpl::GetPositions(grpc::ServerContext*,
                                            const v1::GetPositionsRequest* req,
                                            v1::GetPositionsResponse* resp) {
  return Reply(service_.GetPositions(req->mode()), resp);
}
grpc::Status OrderManagerImpl::RunTick(grpc::ServerContext*, const v1::RunTickRequest*,
                                       v1::TickReport* resp) {
  return Reply(service_.RunTick(), resp);
}
grpc::Status OrderManagerImpl::GetBook(grpc::ServerContext*, const v1::GetBookRequest* req,
                                       v1::Book* resp) {
  return Reply(service_.GetBook(req->market_token_id()), resp);
}

grpc::Status OrderManagerImpl::GetAccount(grpc::ServerContext*, const v1::GetAccountRequest*,
                                          v1::Account* resp) {
  return Reply(service_.GetAccount(), resp);
}

}  // namespace betteroms::grpc_api
