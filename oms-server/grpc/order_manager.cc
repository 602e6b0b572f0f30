#include "oms-server/grpc/order_manager.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/metrics.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "oms-server/grpc/convert.h"
#include "oms-server/grpc/plan_request.h"
#include "oms-server/service/tick_metrics.h"
#include "store/db.h"

namespace betteroms::grpc_api {
namespace {

// The caller's deadline and cancellation, as the service sees them.
class GrpcCallContext : public CallContext {
 public:
  explicit GrpcCallContext(grpc::ServerContext* ctx) : ctx_(ctx) {}
  absl::Time deadline() const override {
    auto d = ctx_->deadline();
    if (d >= std::chrono::system_clock::time_point::max() - std::chrono::hours(24 * 365)) {
      return absl::InfiniteFuture();  // no deadline set
    }
    return absl::FromChrono(d);
  }
  bool cancelled() const override { return ctx_->IsCancelled(); }

 private:
  grpc::ServerContext* ctx_;
};

// Converts the service's answer, or maps its status.
template <typename T, typename Resp>
grpc::Status Reply(const absl::StatusOr<T>& result, Resp* resp) {
  if (!result.ok()) return ToGrpc(result.status());
  *resp = ToApi(*result);
  return grpc::Status::OK;
}

// Tells the caller how long the server spent on the request, so clients and benchmarks can tell
// server time from network and client time, and what it cost the database: x-oms-db-statements
// and x-oms-db-prepares (executed and prepared by this handler's thread) and x-oms-db-commits
// (committed in the process meanwhile).
class ServerTimer {
 public:
  explicit ServerTimer(grpc::ServerContext* ctx)
      : ctx_(ctx),
        start_(absl::Now()),
        statements_(store::StatementsOnThisThread()),
        prepares_(store::PreparesOnThisThread()),
        commits_(store::TransactionsCommitted()) {}
  ~ServerTimer() {
    ctx_->AddTrailingMetadata("x-oms-server-us",
                              std::to_string(absl::ToInt64Microseconds(absl::Now() - start_)));
    ctx_->AddTrailingMetadata("x-oms-db-statements",
                              std::to_string(store::StatementsOnThisThread() - statements_));
    ctx_->AddTrailingMetadata("x-oms-db-prepares",
                              std::to_string(store::PreparesOnThisThread() - prepares_));
    ctx_->AddTrailingMetadata("x-oms-db-commits",
                              std::to_string(store::TransactionsCommitted() - commits_));
  }

 private:
  grpc::ServerContext* ctx_;
  absl::Time start_;
  int64_t statements_;
  int64_t prepares_;
  int64_t commits_;
};

}  // namespace

size_t DetailsBudget(const grpc::ServerContext& ctx) {
  auto it = ctx.client_metadata().find(kMaxErrorDetailsHeader);
  size_t asked = 0;
  if (it == ctx.client_metadata().end() ||
      !absl::SimpleAtoi(absl::string_view(it->second.data(), it->second.size()), &asked)) {
    return kDefaultDetailsBytes;
  }
  return std::clamp(asked, kDefaultDetailsBytes, kMostDetailsBytes);
}

grpc::Status ToGrpc(const absl::Status& status, size_t details_bytes) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  std::vector<domain::Violation> violations = domain::ViolationsOf(status);
  if (violations.empty()) return {code, message};
  google::rpc::BadRequest bad_request;
  size_t bytes = 0;
  for (size_t i = 0; i < violations.size(); ++i) {
    const domain::Violation& v = violations[i];
    google::rpc::BadRequest::FieldViolation f;
    f.set_field(v.path);
    f.set_description(v.message);
    bytes += f.ByteSizeLong() + 8;      // the entry's tag and length
    if (bytes + 256 > details_bytes) {  // room for the message and the last entry
      google::rpc::BadRequest::FieldViolation* more = bad_request.add_field_violations();
      more->set_description(
          absl::StrCat("and ", violations.size() - i,
                       " more not sent: this client accepts little metadata; send the header ",
                       kMaxErrorDetailsHeader, " (bytes) to receive them all, as omsctl does"));
      break;
    }
    *bad_request.add_field_violations() = std::move(f);
  }
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  details.add_details()->PackFrom(bad_request);
  return {code, message, details.SerializeAsString()};
}

OrderManagerImpl::OrderManagerImpl(service::OmsService& service) : service_(service) {
  using grpc::internal::RpcMethodHandler;
  using grpc::internal::RpcServiceMethod;
  const std::string service_name = v1::OrderManager::service_full_name();
  // grpc::Service keeps the name's pointer: the strings live as long as the process.
  static const std::string kSubmitPlan = absl::StrCat("/", service_name, "/SubmitPlan");
  static const std::string kValidatePlan = absl::StrCat("/", service_name, "/ValidatePlan");
  AddMethod(new RpcServiceMethod(
      kSubmitPlan.c_str(), grpc::internal::RpcMethod::NORMAL_RPC,
      new RpcMethodHandler<OrderManagerImpl, grpc::ByteBuffer, v1::RunSummary>(
          [](OrderManagerImpl* self, grpc::ServerContext* ctx, const grpc::ByteBuffer* req,
             v1::RunSummary* resp) { return self->SubmitPlanBytes(ctx, req, resp); },
          this)));
  AddMethod(new RpcServiceMethod(
      kValidatePlan.c_str(), grpc::internal::RpcMethod::NORMAL_RPC,
      new RpcMethodHandler<OrderManagerImpl, grpc::ByteBuffer, v1::ValidatePlanResponse>(
          [](OrderManagerImpl* self, grpc::ServerContext* ctx, const grpc::ByteBuffer* req,
             v1::ValidatePlanResponse* resp) { return self->ValidatePlanBytes(ctx, req, resp); },
          this)));
}

void OrderManagerImpl::RegisterWith(grpc::ServerBuilder& builder) {
  builder.RegisterService(this);
  builder.RegisterCallbackGenericService(&unknown_methods_);
}

grpc::Status OrderManagerImpl::SubmitPlanBytes(grpc::ServerContext* ctx,
                                               const grpc::ByteBuffer* bytes,
                                               v1::RunSummary* resp) {
  ServerTimer timer(ctx);
  absl::StatusOr<v1::SubmitPlanRequest> req = ReadSubmitPlanRequest(*bytes);
  if (!req.ok()) return ToGrpc(req.status());
  GrpcCallContext call(ctx);
  absl::StatusOr<domain::RunSummary> summary =
      service_.SubmitPlan(req->plan_json(), req->retry(), call, req->run_at());
  if (!summary.ok()) return ToGrpc(summary.status(), DetailsBudget(*ctx));
  *resp = ToApi(*summary);
  return grpc::Status::OK;
}

grpc::Status OrderManagerImpl::ValidatePlanBytes(grpc::ServerContext* ctx,
                                                 const grpc::ByteBuffer* bytes,
                                                 v1::ValidatePlanResponse* resp) {
  absl::StatusOr<v1::ValidatePlanRequest> req = ReadValidatePlanRequest(*bytes);
  if (!req.ok()) return ToGrpc(req.status());
  GrpcCallContext call(ctx);
  return Reply(service_.ValidatePlan(req->plan_json(), call), resp);
}

grpc::Status OrderManagerImpl::GetRun(grpc::ServerContext* ctx, const v1::GetRunRequest* req,
                                      v1::Run* resp) {
  GrpcCallContext call(ctx);
  return Reply(service_.GetRun(req->plan_id(), call), resp);
}

grpc::Status OrderManagerImpl::ListRuns(grpc::ServerContext* ctx, const v1::ListRunsRequest* req,
                                        v1::ListRunsResponse* resp) {
  absl::StatusOr<service::RunQuery> query = FromApi(*req);
  if (!query.ok()) return ToGrpc(query.status());
  GrpcCallContext call(ctx);
  auto runs = service_.ListRuns(*query, call);
  if (!runs.ok()) return ToGrpc(runs.status());
  for (const auto& run : *runs) *resp->add_runs() = ToApi(run);
  return grpc::Status::OK;
}

grpc::Status OrderManagerImpl::ListOrders(grpc::ServerContext* ctx,
                                          const v1::ListOrdersRequest* req,
                                          v1::ListOrdersResponse* resp) {
  absl::StatusOr<service::OrderQuery> query = FromApi(*req);
  if (!query.ok()) return ToGrpc(query.status());
  GrpcCallContext call(ctx);
  auto orders = service_.ListOrders(*query, call);
  if (!orders.ok()) return ToGrpc(orders.status());
  for (const auto& order : *orders) *resp->add_orders() = ToApi(order);
  return grpc::Status::OK;
}

grpc::Status OrderManagerImpl::CancelOrder(grpc::ServerContext* ctx,
                                           const v1::CancelOrderRequest* req, v1::Order* resp) {
  GrpcCallContext call(ctx);
  return Reply(service_.CancelOrder(req->id(), call), resp);
}

grpc::Status OrderManagerImpl::CancelOrders(grpc::ServerContext* ctx,
                                            const v1::CancelOrdersRequest* req,
                                            v1::CancelOrdersResponse* resp) {
  GrpcCallContext call(ctx);
  auto result = service_.CancelOrders(req->plan_id(), req->all(), call);
  if (!result.ok()) return ToGrpc(result.status());
  for (const auto& o : result->orders) *resp->add_orders() = ToApi(o);
  resp->set_message(result->message);
  return grpc::Status::OK;
}

grpc::Status OrderManagerImpl::GetPositions(grpc::ServerContext* ctx,
                                            const v1::GetPositionsRequest* req,
                                            v1::GetPositionsResponse* resp) {
  absl::StatusOr<std::optional<domain::Mode>> mode = ModeFilter(req->mode());
  if (!mode.ok()) return ToGrpc(mode.status());
  GrpcCallContext call(ctx);
  auto positions = service_.GetPositions(*mode, call, req->check());
  if (!positions.ok()) return ToGrpc(positions.status());
  for (const auto& p : *positions) *resp->add_positions() = ToApi(p);
  return grpc::Status::OK;
}

grpc::Status OrderManagerImpl::RunTick(grpc::ServerContext* ctx, const v1::RunTickRequest*,
                                       v1::TickReport* resp) {
  ServerTimer timer(ctx);
  GrpcCallContext call(ctx);
  metrics::Stopwatch watch;
  absl::StatusOr<domain::TickReport> report = service_.RunTick(call);
  service::RecordTick(report, watch.Seconds());
  return Reply(report, resp);
}

grpc::Status OrderManagerImpl::GetBook(grpc::ServerContext* ctx, const v1::GetBookRequest* req,
                                       v1::Book* resp) {
  GrpcCallContext call(ctx);
  return Reply(service_.GetBook(req->market_token_id(), call), resp);
}

grpc::Status OrderManagerImpl::GetAccount(grpc::ServerContext* ctx, const v1::GetAccountRequest*,
                                          v1::Account* resp) {
  GrpcCallContext call(ctx);
  return Reply(service_.GetAccount(call), resp);
}

grpc::Status OrderManagerImpl::GetTrading(grpc::ServerContext* ctx, const v1::GetTradingRequest*,
                                          v1::TradingState* resp) {
  GrpcCallContext call(ctx);
  return Reply(service_.GetTrading(call), resp);
}

grpc::Status OrderManagerImpl::SetTrading(grpc::ServerContext* ctx,
                                          const v1::SetTradingRequest* req,
                                          v1::TradingState* resp) {
  GrpcCallContext call(ctx);
  return Reply(service_.SetTrading(req->halted(), req->reason(), call), resp);
}

grpc::Status OrderManagerImpl::ListTriggers(grpc::ServerContext* ctx,
                                            const v1::ListTriggersRequest* req,
                                            v1::ListTriggersResponse* resp) {
  absl::StatusOr<service::TriggerQuery> query = FromApi(*req);
  if (!query.ok()) return ToGrpc(query.status());
  GrpcCallContext call(ctx);
  auto triggers = service_.ListTriggers(*query, call);
  if (!triggers.ok()) return ToGrpc(triggers.status());
  for (const auto& t : *triggers) *resp->add_triggers() = ToApi(t);
  return grpc::Status::OK;
}

grpc::Status OrderManagerImpl::CancelTrigger(grpc::ServerContext* ctx,
                                             const v1::CancelTriggerRequest* req,
                                             v1::Trigger* resp) {
  GrpcCallContext call(ctx);
  return Reply(service_.CancelTrigger(req->id(), call), resp);
}

grpc::Status OrderManagerImpl::GetReport(grpc::ServerContext* ctx, const v1::GetReportRequest* req,
                                         v1::Report* resp) {
  ServerTimer timer(ctx);
  absl::StatusOr<service::ReportQuery> query = FromApi(*req);
  if (!query.ok()) return ToGrpc(query.status());
  GrpcCallContext call(ctx);
  return Reply(service_.GetReport(*query, call), resp);
}

grpc::Status OrderManagerImpl::UnschedulePlan(grpc::ServerContext* ctx,
                                              const v1::UnschedulePlanRequest* req, v1::Run* resp) {
  GrpcCallContext call(ctx);
  return Reply(service_.UnschedulePlan(req->plan_id(), call), resp);
}

}  // namespace betteroms::grpc_api
