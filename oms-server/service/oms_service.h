// Orchestration of the OMS: validation, paper runs, ticks, cancels and positions over the store
// and market data. Returns API messages (protobuf, no gRPC headers) and absl::Status; the gRPC
// adapter only maps statuses.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "betteroms/v1/oms.pb.h"
#include "common/time.h"
#include "oms-server/domain/fill_engine.h"
#include "oms-server/domain/plan.h"
#include "oms-server/market/market_data.h"
#include "oms-server/signer_client/order_signer.h"
#include "store/db.h"

namespace betteroms::service {

struct ServiceOptions {
  domain::FillModel fill_model = domain::FillModel::kBook;
  signer_client::OrderSigner* signer = nullptr;  // none: GetAccount says so
};

// A plan that passed static validation, with its verbatim text and content hash.
struct PreparedPlan {
  domain::Plan plan;
  std::string json;
  std::string hash;
};

class OmsService {
 public:
  // All references must outlive the service.
  OmsService(store::Pool& pool, market::MarketData& market, const Clock& clock,
             ServiceOptions options = {});

  // Runs a plan. InvalidArgument lists every violation; AlreadyExists names the earlier run;
  // FailedPrecondition for a SELL without shares; Unavailable when the CLOB or database is down;
  // Unimplemented for live plans (not built yet).
  absl::StatusOr<v1::RunSummary> SubmitPlan(const std::string& plan_json, bool retry);
  // Static and market validation; changes nothing. Unavailable when market data is down.
  absl::StatusOr<v1::ValidatePlanResponse> ValidatePlan(const std::string& plan_json);
  absl::StatusOr<v1::Run> GetRun(const std::string& plan_id);
  absl::StatusOr<v1::ListRunsResponse> ListRuns(const v1::ListRunsRequest& req);
  absl::StatusOr<v1::ListOrdersResponse> ListOrders(const v1::ListOrdersRequest& req);
  // Cancels a resting paper order. FailedPrecondition when it is not resting.
  absl::StatusOr<v1::Order> CancelOrder(int64_t id);
  absl::StatusOr<v1::GetPositionsResponse> GetPositions(const std::string& mode);
  // One maintenance pass; returns at once (skipped) when another tick holds the lock.
  absl::StatusOr<v1::TickReport> RunTick();
  absl::StatusOr<v1::Book> GetBook(const std::string& token);
  // The signer's address, chain and policy. FailedPrecondition without a signer.
  absl::StatusOr<v1::Account> GetAccount();
  // OK once the database answers.
  absl::Status CheckDatabase();

 private:
  // Claims the planId (or a failed run of it, on retry). AlreadyExists explains the earlier run.
  absl::Status ClaimRun(store::Connection& conn, const PreparedPlan& prepared, bool retry,
                        absl::Time started);
  // Simulates and writes a claimed paper run, inside the caller's transaction.
  absl::StatusOr<v1::RunSummary> RunPaperPlan(store::Connection& conn, const PreparedPlan& prepared,
                                              absl::Time started);

  store::Pool& pool_;
  market::MarketData& market_;
  const Clock& clock_;
  ServiceOptions options_;
};

}  // namespace betteroms::service
