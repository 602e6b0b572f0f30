// OrderManagerImpl in process: a real gRPC server and stub over the real service, PostgreSQL,
// in-memory books and a fake signer. Each RPC's status code and details, as a client sees them.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <thread>

#include "betteroms/v1/oms.grpc.pb.h"
#include "oms-server/grpc/order_manager.h"
#include "tests/fakes/fake_signer.h"
#include "tests/support/pg_harness.h"
#include "tests/support/plans.h"
#include "tests/support/static_market.h"

namespace betteroms::grpc_api {
namespace {

using test::PlanJson;
using test::TradeJson;
using ::testing::HasSubstr;

constexpr int64_t M = 1'000'000;

// A grpc::Status a test can match on.
MATCHER_P2(GrpcStatusIs, code, message_matcher, "") {
  *result_listener << "whose status is " << arg.error_code() << " \"" << arg.error_message()
                   << "\"";
  return arg.error_code() == code &&
         ::testing::ExplainMatchResult(message_matcher, arg.error_message(), result_listener);
}

class GrpcApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
    db_ = test::TestDatabase::Create();
    pool_ = std::make_unique<store::Pool>(db_->url(), 4);
    domain::Book book;
    book.token_id = "1001";
    book.bids = {{480'000, 100 * M}};
    book.asks = {{500'000, 100 * M}};
    book.min_order_size = 5 * M;
    market_.Set(book);
    market_.SetMarket("1001", {"0x01", {{"1001", "Yes"}, {"1002", "No"}}});
    service_ = std::make_unique<service::OmsService>(
        *pool_, market_, clock_, service::ServiceOptions{domain::FillModel::kBook, &signer_});
    impl_ = std::make_unique<OrderManagerImpl>(*service_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    impl_->RegisterWith(builder);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::OrderManager::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                          grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  // Calls `method` with a 10 s deadline.
  template <typename Req, typename Resp, typename Method>
  grpc::Status Call(Method method, const Req& req, Resp* resp,
                    absl::Duration deadline = absl::Seconds(10)) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    return (stub_.get()->*method)(&ctx, req, resp);
  }

  grpc::Status Submit(const std::string& plan, v1::RunSummary* summary) {
    v1::SubmitPlanRequest req;
    req.set_plan_json(plan);
    return Call(&v1::OrderManager::Stub::SubmitPlan, req, summary);
  }

  int64_t Count(const std::string& sql) {
    return db_->Connect()->Exec("count", sql)->Row(0).Int(0);
  }

  std::unique_ptr<test::TestDatabase> db_;
  std::unique_ptr<store::Pool> pool_;
  test::StaticMarketData market_;
  test::ManualClock clock_;
  test::FakeSigner signer_;
  std::unique_ptr<service::OmsService> service_;
  std::unique_ptr<OrderManagerImpl> impl_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::OrderManager::Stub> stub_;
};

TEST_F(GrpcApiTest, SubmitPlanAnswersWithTheSummaryAndItsOrders) {
  v1::RunSummary summary;
  ASSERT_TRUE(Submit(PlanJson("g1", {TradeJson("1001", "BUY", "MARKET", "10")}), &summary).ok());
  EXPECT_EQ(summary.plan_id(), "g1");
  EXPECT_EQ(summary.mode(), "paper");
  EXPECT_EQ(summary.status(), "completed");
  EXPECT_EQ(summary.orders_filled(), 1);
  EXPECT_EQ(summary.notional_bought(), "10");
  ASSERT_EQ(summary.orders_size(), 1);
  EXPECT_GT(summary.orders(0).id(), 0);
  EXPECT_EQ(summary.orders(0).status(), "filled");
  EXPECT_EQ(summary.orders(0).side(), "BUY");
  EXPECT_EQ(summary.orders(0).time_in_force(), "FOK");
  EXPECT_EQ(summary.orders(0).outcome(), "Yes");  // the venue's name for the plan's "YES"
  ASSERT_EQ(summary.orders(0).fills_size(), 1);
  EXPECT_EQ(summary.orders(0).fills(0).price(), "0.5");
  EXPECT_EQ(summary.orders(0).fills(0).shares(), "20");
  ASSERT_EQ(summary.positions_size(), 1);
  EXPECT_EQ(summary.positions(0).net_shares(), "20");
  EXPECT_EQ(summary.positions(0).mark_price(), "0.49");
}

TEST_F(GrpcApiTest, SubmitPlanRefusalsCarryTheirCodesAndReasons) {
  v1::RunSummary summary;
  EXPECT_THAT(Submit("{not json", &summary),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("the plan is invalid")));
  EXPECT_THAT(Submit(PlanJson("g2", {TradeJson("1001", "BUY", "MARKET", "-1")}), &summary),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("trades[0].size")));
  std::string live = PlanJson("g3", {TradeJson("1001", "BUY", "MARKET", "1")});
  live.replace(live.find("\"paper\""), 7, "\"live\"");
  EXPECT_THAT(Submit(live, &summary),
              GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                           HasSubstr("live trading is not configured on this server")));
  EXPECT_THAT(
      Submit(
          PlanJson("g4", {TradeJson("1001", "SELL", "MARKET", "5", R"(, "sizeUnit": "SHARES")")}),
          &summary),
      GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("SELL of 5 shares")));
  EXPECT_THAT(Submit(PlanJson("g5", {TradeJson("999", "BUY", "MARKET", "5")}), &summary),
              GrpcStatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("999")));
  v1::GetRunRequest get;
  get.set_plan_id("g5");
  v1::Run run;
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::GetRun, get, &run).ok());
  EXPECT_EQ(run.status(), "failed");  // a run whose books could not be read is recorded
  EXPECT_THAT(run.error_message(), HasSubstr("999"));
  std::string plan = PlanJson("g6", {TradeJson("1001", "BUY", "MARKET", "5")});
  ASSERT_TRUE(Submit(plan, &summary).ok());
  EXPECT_THAT(Submit(plan, &summary),
              GrpcStatusIs(grpc::StatusCode::ALREADY_EXISTS, HasSubstr("already ran")));
}

TEST_F(GrpcApiTest, ValidatePlanListsViolationsWithTheirPaths) {
  v1::ValidatePlanRequest req;
  req.set_plan_json(PlanJson(
      "v1",
      {TradeJson("1001", "BUY", "LIMIT", "10", R"(, "price": 0.555, "sizeUnit": "SHARES")"),
       TradeJson("1001", "BUY", "LIMIT", "10", R"(, "price": 0.005, "sizeUnit": "SHARES")")}));
  v1::ValidatePlanResponse resp;
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::ValidatePlan, req, &resp).ok());
  EXPECT_FALSE(resp.valid());
  EXPECT_EQ(resp.plan_id(), "v1");
  EXPECT_EQ(resp.mode(), "paper");
  EXPECT_EQ(resp.trade_count(), 2);
  // Off the tick, a price moves onto it in the trader's favour; then the range is checked.
  ASSERT_EQ(resp.warnings_size(), 2);
  EXPECT_EQ(resp.warnings(0).path(), "trades[0].price");
  EXPECT_THAT(resp.warnings(0).message(), HasSubstr("moved to 0.55"));
  ASSERT_EQ(resp.violations_size(), 1);
  EXPECT_EQ(resp.violations(0).path(), "trades[1].price");
  EXPECT_THAT(resp.violations(0).message(), HasSubstr("invalid price (0)"));
  EXPECT_EQ(Count("SELECT count(*) FROM execution_history"), 0);
}

TEST_F(GrpcApiTest, RunsAreFoundListedAndFilteredByMode) {
  v1::RunSummary summary;
  ASSERT_TRUE(Submit(PlanJson("r1", {TradeJson("1001", "BUY", "MARKET", "5")}), &summary).ok());
  v1::GetRunRequest get;
  get.set_plan_id("r1");
  v1::Run run;
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::GetRun, get, &run).ok());
  EXPECT_EQ(run.status(), "completed");
  EXPECT_EQ(run.summary().orders_placed(), 1);
  EXPECT_EQ(run.trade_count(), 1);
  get.set_plan_id("nope");
  EXPECT_THAT(Call(&v1::OrderManager::Stub::GetRun, get, &run),
              GrpcStatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("no run for plan \"nope\"")));

  v1::ListRunsRequest list;
  v1::ListRunsResponse runs;
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::ListRuns, list, &runs).ok());
  ASSERT_EQ(runs.runs_size(), 1);
  EXPECT_FALSE(runs.runs(0).has_summary());  // lists stay small
  list.set_mode("live");
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::ListRuns, list, &runs).ok());
  EXPECT_EQ(runs.runs_size(), 0);
  list.set_mode("Paper");
  EXPECT_THAT(Call(&v1::OrderManager::Stub::ListRuns, list, &runs),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("mode must be")));
}

TEST_F(GrpcApiTest, OrdersAreListedWithFillsAndFilterErrorsNameTheChoices) {
  v1::RunSummary summary;
  ASSERT_TRUE(Submit(PlanJson("o1", {TradeJson("1001", "BUY", "MARKET", "5"),
                                     TradeJson("1001", "BUY", "LIMIT", "10",
                                               R"(, "price": 0.3, "sizeUnit": "SHARES")")}),
                     &summary)
                  .ok());
  v1::ListOrdersRequest req;
  req.set_plan_id("o1");
  v1::ListOrdersResponse resp;
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::ListOrders, req, &resp).ok());
  ASSERT_EQ(resp.orders_size(), 2);
  req.set_status("open");
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::ListOrders, req, &resp).ok());
  ASSERT_EQ(resp.orders_size(), 1);
  EXPECT_EQ(resp.orders(0).limit_price(), "0.3");
  req.set_status("filled");
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::ListOrders, req, &resp).ok());
  ASSERT_EQ(resp.orders_size(), 1);
  EXPECT_EQ(resp.orders(0).fills_size(), 1);
  req.set_status("done");
  EXPECT_THAT(Call(&v1::OrderManager::Stub::ListOrders, req, &resp),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                           HasSubstr("status must be one of cancelled, delayed, expired, filled")));
}

TEST_F(GrpcApiTest, CancelOrderAnswersWithTheOrderOrWhyNot) {
  v1::RunSummary summary;
  ASSERT_TRUE(Submit(PlanJson("c1", {TradeJson("1001", "BUY", "LIMIT", "10",
                                               R"(, "price": 0.3, "sizeUnit": "SHARES")"),
                                     TradeJson("1001", "BUY", "MARKET", "5")}),
                     &summary)
                  .ok());
  v1::CancelOrderRequest req;
  req.set_id(summary.orders(0).id());
  v1::Order order;
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::CancelOrder, req, &order).ok());
  EXPECT_EQ(order.status(), "cancelled");
  EXPECT_EQ(order.reason(), "cancelled by request");
  EXPECT_THAT(Call(&v1::OrderManager::Stub::CancelOrder, req, &order),
              GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("is cancelled")));
  req.set_id(424242);
  EXPECT_THAT(Call(&v1::OrderManager::Stub::CancelOrder, req, &order),
              GrpcStatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("424242")));
}

TEST_F(GrpcApiTest, PositionsTickBookAndAccount) {
  v1::RunSummary summary;
  ASSERT_TRUE(Submit(PlanJson("p1", {TradeJson("1001", "BUY", "MARKET", "5")}), &summary).ok());
  v1::GetPositionsRequest positions_req;
  v1::GetPositionsResponse positions;
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::GetPositions, positions_req, &positions).ok());
  ASSERT_EQ(positions.positions_size(), 1);
  EXPECT_EQ(positions.positions(0).net_shares(), "10");
  positions_req.set_mode("both");
  EXPECT_THAT(Call(&v1::OrderManager::Stub::GetPositions, positions_req, &positions),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("mode must be")));

  v1::TickReport report;
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::RunTick, v1::RunTickRequest(), &report).ok());
  EXPECT_GT(report.tick_id(), 0);
  EXPECT_FALSE(report.skipped());

  v1::GetBookRequest book_req;
  book_req.set_market_token_id("0x3e9");  // 1001 in hex
  v1::Book book;
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::GetBook, book_req, &book).ok());
  EXPECT_EQ(book.market_token_id(), "1001");
  EXPECT_EQ(book.best_ask(), "0.5");
  book_req.set_market_token_id("abc");
  EXPECT_THAT(Call(&v1::OrderManager::Stub::GetBook, book_req, &book),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("not a token id")));
  book_req.set_market_token_id("77");
  EXPECT_THAT(Call(&v1::OrderManager::Stub::GetBook, book_req, &book),
              GrpcStatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("77")));

  v1::Account account;
  ASSERT_TRUE(Call(&v1::OrderManager::Stub::GetAccount, v1::GetAccountRequest(), &account).ok());
  EXPECT_EQ(account.signer_address(), signer_.identity.address);
  EXPECT_EQ(account.signer_endpoint(), "fake-signer");
  signer_.fail_with = absl::UnavailableError("signer: down");
  EXPECT_THAT(Call(&v1::OrderManager::Stub::GetAccount, v1::GetAccountRequest(), &account),
              GrpcStatusIs(grpc::StatusCode::UNAVAILABLE, HasSubstr("signer: down")));
}

TEST_F(GrpcApiTest, AClientWhoseDeadlinePassesMidRunGetsDeadlineExceededAndNothingIsWritten) {
  market_.on_read = [] { std::this_thread::sleep_for(std::chrono::milliseconds(600)); };
  v1::SubmitPlanRequest req;
  req.set_plan_json(PlanJson("slow", {TradeJson("1001", "BUY", "MARKET", "5")}));
  v1::RunSummary summary;
  grpc::Status st =
      Call(&v1::OrderManager::Stub::SubmitPlan, req, &summary, absl::Milliseconds(300));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  server_->Shutdown();  // waits for the handler to finish
  server_.reset();
  EXPECT_EQ(Count("SELECT count(*) FROM execution_history"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 0);
}

}  // namespace
}  // namespace betteroms::grpc_api
