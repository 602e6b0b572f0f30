#include "clients/omsctl/commands.h"

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/omsctl/output.h"
#include "common/decimal.h"
#include "common/file.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace betteroms::omsctl {
namespace {

using v1::OrderManager;

int ExitFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kOk;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::OUT_OF_RANGE:
      return kInvalidInput;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kUnavailable;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return kConflict;
    default:
      return kRunFailed;
  }
}

class Client {
 public:
  explicit Client(const GlobalOptions& o) : options_(o) {}

  std::unique_ptr<OrderManager::Stub> Stub() { return OrderManager::NewStub(Channel()); }

  std::shared_ptr<grpc::Channel> Channel() {
    std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
    if (!options_.tls_ca.empty()) {
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = ReadAll(options_.tls_ca);
      creds = grpc::SslCredentials(ssl);
    }
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    return grpc::CreateCustomChannel(options_.server, creds, args);
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(
        std::chrono::system_clock::now() +
        std::chrono::milliseconds(static_cast<int64_t>(options_.timeout_seconds * 1000)));
    if (!options_.auth_token_file.empty()) {
      ctx->AddMetadata(
          "authorization",
          "Bearer " + std::string(absl::StripAsciiWhitespace(ReadAll(options_.auth_token_file))));
    }
    return ctx;
  }

  // Prints the error line and returns the exit code for it.
  int Error(const grpc::Status& st) {
    std::string msg = st.error_message();
    if (st.error_code() == grpc::StatusCode::UNAVAILABLE &&
        (msg.find("failed to connect") != std::string::npos ||
         msg.find("Connection refused") != std::string::npos ||
         msg.find("connections to all backends failing") != std::string::npos)) {
      msg = absl::StrCat("cannot reach oms-server at ", options_.server,
                         " (is it running? set --server or BETTEROMS_SERVER)");
    } else if (st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      msg = absl::StrCat("oms-server at ", options_.server, " did not answer within ",
                         options_.timeout_seconds, "s");
    }
    std::cerr << "error: " << msg << "\n";
    return ExitFor(st.error_code());
  }

  // Calls one OrderManager RPC; on failure prints the error, sets `exit_code` and returns false.
  template <typename Request, typename Response>
  bool Call(grpc::Status (OrderManager::Stub::*method)(grpc::ClientContext*, const Request&,
                                                       Response*),
            const Request& req, Response* resp, int& exit_code) {
    auto stub = Stub();
    auto ctx = Context();
    grpc::Status st = (stub.get()->*method)(ctx.get(), req, resp);
    if (!st.ok()) exit_code = Error(st);
    return st.ok();
  }

  bool json() const { return options_.output == "json"; }

  static std::string ReadAll(const std::string& path) { return ReadFileText(path).value_or(""); }

 private:
  const GlobalOptions& options_;
};

// Reads a plan from a file, or stdin for "-" or no argument.
bool ReadPlan(const std::string& path, std::string& out) {
  if (path.empty() || path == "-") {
    if (path.empty() && isatty(STDIN_FILENO) != 0) {
      std::cerr << "error: give a plan file, or pipe a plan in (omsctl plan submit plan.json)\n";
      return false;
    }
    out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (out.empty()) {
      std::cerr << "error: no plan on standard input (give a file, or pipe the plan in)\n";
      return false;
    }
    return true;
  }
  std::ifstream in(path);
  if (!in) {
    std::cerr << "error: cannot read plan file " << path << ": " << std::strerror(errno) << "\n";
    return false;
  }
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

std::string PositionsTable(const google::protobuf::RepeatedPtrField<v1::Position>& positions) {
  Table t({"MODE", "TOKEN", "OUTCOME", "SHARES", "AVG", "COST", "REALIZED", "UNREALIZED", "MARK",
           "LIQ VALUE"});
  for (const auto& p : positions) {
    t.Add({p.mode(), ShortToken(p.market_token_id()), p.outcome(), SharesText(p.net_shares()),
           p.avg_price(), Dollars(p.cost_basis()), Dollars(p.realized_pnl()),
           OrDash(Dollars(p.unrealized_pnl())), OrDash(p.mark_price()),
           OrDash(Dollars(p.liquidation_value()))});
  }
  return t.Render({3, 4, 5, 6, 7, 8, 9});
}

// A market BUY is sized in collateral; every other order in shares.
std::string SizeText(const v1::Order& o) {
  if (o.order_type() == "MARKET" && o.side() == "BUY") {
    int64_t maker = 0;
    if (absl::SimpleAtoi(o.maker_amount(), &maker)) return Dollars(FormatMicros(maker));
  }
  return o.size_shares();
}

std::string OrdersTable(const google::protobuf::RepeatedPtrField<v1::Order>& orders,
                        bool with_plan) {
  std::vector<std::string> header = {"ID",    "#",        "SIDE",  "TYPE", "TIF",
                                     "TOKEN", "OUTCOME",  "LIMIT", "SIZE", "FILLED",
                                     "AVG",   "NOTIONAL", "STATUS"};
  if (with_plan) header.insert(header.begin() + 1, "PLAN");
  Table t(header);
  for (const auto& o : orders) {
    std::vector<std::string> row = {std::to_string(o.id()),
                                    std::to_string(o.trade_index()),
                                    o.side(),
                                    o.order_type(),
                                    o.time_in_force(),
                                    ShortToken(o.market_token_id()),
                                    o.outcome(),
                                    OrDash(o.limit_price()),
                                    SizeText(o),
                                    o.filled_shares(),
                                    OrDash(o.avg_fill_price()),
                                    Dollars(o.notional()),
                                    Colour(o.status(), o.status())};
    if (with_plan) row.insert(row.begin() + 1, o.plan_id());
    t.Add(row);
  }
  size_t shift = with_plan ? 1 : 0;
  std::string out =
      t.Render({0, 1 + shift, 7 + shift, 8 + shift, 9 + shift, 10 + shift, 11 + shift});
  for (const auto& o : orders) {
    if (!o.reason().empty()) out += absl::StrCat("  order ", o.id(), ": ", o.reason(), "\n");
  }
  return out;
}

void PrintSummary(const v1::RunSummary& s) {
  std::cout << Bold("Run " + s.plan_id()) << "  " << s.mode() << "  "
            << Colour(s.status(), s.status()) << "  " << s.started_at()
            << (s.finished_at().empty() ? "" : " → " + s.finished_at()) << "\n";
  if (!s.error_message().empty()) std::cout << "error: " << s.error_message() << "\n";
  std::cout << "Orders: " << s.orders_placed() << " placed, " << s.orders_filled() << " filled, "
            << s.orders_partially_filled() << " partially filled, " << s.orders_open() << " open, "
            << s.orders_rejected() << " rejected\n";
  std::cout << "Bought " << Dollars(s.notional_bought()) << "   Sold " << Dollars(s.notional_sold())
            << "   Realized P&L " << Dollars(s.realized_pnl()) << "\n";
  if (s.orders_size() > 0) std::cout << "\n" << OrdersTable(s.orders(), false);
  if (s.positions_size() > 0) std::cout << "\nPositions\n" << PositionsTable(s.positions());
}

// Submits each plan file of `dir` in name order, one line per plan; a plan that already ran with
// the same content is skipped. Returns the worst exit code.
int SubmitDirectory(Client& client, const std::string& dir, bool retry) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  if (ec) {
    std::cerr << "error: cannot read " << dir << ": " << ec.message() << "\n";
    return kInvalidInput;
  }
  std::sort(files.begin(), files.end());
  int worst = kOk;
  for (const std::string& file : files) {
    std::string text;
    int code = kOk;
    if (!ReadPlan(file, text)) {
      worst = std::max(worst, static_cast<int>(kInvalidInput));
      continue;
    }
    v1::SubmitPlanRequest req;
    req.set_plan_json(text);
    req.set_retry(retry);
    v1::RunSummary resp;
    auto stub = client.Stub();
    auto ctx = client.Context();
    grpc::Status st = stub->SubmitPlan(ctx.get(), req, &resp);
    if (st.ok()) {
      std::cout << file << ": " << resp.plan_id() << " " << resp.status() << ", "
                << resp.orders_placed() << " orders (" << resp.orders_filled() << " filled, "
                << resp.orders_open() << " open, " << resp.orders_rejected() << " rejected)\n";
      code = resp.status() == "completed" ? kOk : kRunFailed;
    } else if (st.error_code() == grpc::StatusCode::ALREADY_EXISTS &&
               st.error_message().find("already ran: completed") != std::string::npos) {
      std::cout << file << ": skipped, " << st.error_message() << "\n";
    } else {
      std::cout << file << ": error: " << st.error_message() << "\n";
      code = ExitFor(st.error_code());
    }
    worst = std::max(worst, code);
  }
  return worst;
}

void AddPlanCommands(CLI::App& app, Client& client, int& exit_code) {
  auto* plan = app.add_subcommand("plan", "submit or validate trade plans");
  plan->require_subcommand(1);
  auto submit_file = std::make_shared<std::string>();
  auto retry = std::make_shared<bool>(false);
  auto dir = std::make_shared<std::string>();
  auto submit = [&client, &exit_code, submit_file, retry, dir] {
    if (!dir->empty()) {
      exit_code = SubmitDirectory(client, *dir, *retry);
      return;
    }
    std::string text;
    if (!ReadPlan(*submit_file, text)) {
      exit_code = kInvalidInput;
      return;
    }
    v1::SubmitPlanRequest req;
    req.set_plan_json(text);
    req.set_retry(*retry);
    v1::RunSummary resp;
    if (!client.Call(&OrderManager::Stub::SubmitPlan, req, &resp, exit_code)) return;
    if (client.json()) {
      std::cout << ToJson(resp) << "\n";
    } else {
      PrintSummary(resp);
    }
    exit_code = resp.status() == "completed" ? kOk : kRunFailed;
  };
  CLI::App* cmd = plan->add_subcommand("submit", "run a plan: FILE, or - / nothing for stdin");
  cmd->add_option("file", *submit_file, "plan JSON file; - or omitted reads standard input");
  cmd->add_option("--dir", *dir,
                  "run every DIR/*.json not run yet, in name order (plans that already ran are "
                  "skipped; for a scheduled job)");
  cmd->add_flag("--retry", *retry, "run again a plan whose earlier run failed before any order");
  cmd->callback(submit);

  auto validate_file = std::make_shared<std::string>();
  auto* validate =
      plan->add_subcommand("validate", "check a plan against the rules and the market");
  validate->add_option("file", *validate_file, "plan JSON file; - or omitted reads standard input");
  validate->callback([&client, &exit_code, validate_file] {
    std::string text;
    if (!ReadPlan(*validate_file, text)) {
      exit_code = kInvalidInput;
      return;
    }
    v1::ValidatePlanRequest req;
    req.set_plan_json(text);
    v1::ValidatePlanResponse resp;
    if (!client.Call(&OrderManager::Stub::ValidatePlan, req, &resp, exit_code)) return;
    if (client.json()) {
      std::cout << ToJson(resp) << "\n";
    } else if (resp.valid()) {
      std::cout << "plan " << resp.plan_id() << " is valid (" << resp.mode() << ", "
                << resp.trade_count() << " trade" << (resp.trade_count() == 1 ? "" : "s") << ")\n";
    } else {
      std::cout << "plan is invalid (" << resp.violations_size() << " problem"
                << (resp.violations_size() == 1 ? "" : "s") << "):\n";
      for (const auto& v : resp.violations()) {
        std::cout << "  " << (v.path().empty() ? "plan" : v.path()) << ": " << v.message() << "\n";
      }
    }
    exit_code = resp.valid() ? kOk : kInvalidInput;
  });
}

void AddRunCommands(CLI::App& app, Client& client, int& exit_code) {
  auto* runs = app.add_subcommand("runs", "list runs or show one");
  runs->require_subcommand(1);
  auto limit = std::make_shared<int>(50);
  auto mode = std::make_shared<std::string>();
  auto* list = runs->add_subcommand("list", "newest runs first");
  list->add_option("--limit", *limit, "at most this many")->capture_default_str();
  list->add_option("--mode", *mode, "paper or live")->check(CLI::IsMember({"paper", "live"}));
  list->callback([&client, &exit_code, limit, mode] {
    v1::ListRunsRequest req;
    req.set_limit(*limit);
    req.set_mode(*mode);
    v1::ListRunsResponse resp;
    if (!client.Call(&OrderManager::Stub::ListRuns, req, &resp, exit_code)) return;
    if (client.json()) {
      std::cout << ToJson(resp) << "\n";
    } else {
      Table t({"PLAN", "MODE", "STATUS", "TRADES", "STARTED", "FINISHED", "ERROR"});
      for (const auto& r : resp.runs()) {
        t.Add({r.plan_id(), r.mode(), Colour(r.status(), r.status()),
               std::to_string(r.trade_count()), r.started_at(), OrDash(r.finished_at()),
               r.error_message().substr(0, 60)});
      }
      std::cout << t.Render({3});
    }
    exit_code = kOk;
  });
  auto plan_id = std::make_shared<std::string>();
  auto* show = runs->add_subcommand("show", "one run with its summary");
  show->add_option("plan_id", *plan_id, "the planId")->required();
  show->callback([&client, &exit_code, plan_id] {
    v1::GetRunRequest req;
    req.set_plan_id(*plan_id);
    v1::Run resp;
    if (!client.Call(&OrderManager::Stub::GetRun, req, &resp, exit_code)) return;
    if (client.json()) {
      std::cout << ToJson(resp) << "\n";
    } else if (resp.has_summary()) {
      PrintSummary(resp.summary());
    } else {
      std::cout << Bold("Run " + resp.plan_id()) << "  " << resp.mode() << "  "
                << Colour(resp.status(), resp.status()) << "  " << resp.started_at()
                << (resp.finished_at().empty() ? "" : " → " + resp.finished_at()) << "\n"
                << "Trades: " << resp.trade_count() << "\n";
      if (!resp.error_message().empty()) std::cout << "error: " << resp.error_message() << "\n";
    }
    exit_code = kOk;
  });
}

void AddOrderCommands(CLI::App& app, Client& client, int& exit_code) {
  auto* orders = app.add_subcommand("orders", "list or cancel orders");
  orders->require_subcommand(1);
  auto req = std::make_shared<v1::ListOrdersRequest>();
  auto plan = std::make_shared<std::string>();
  auto status = std::make_shared<std::string>();
  auto mode = std::make_shared<std::string>();
  auto limit = std::make_shared<int>(100);
  auto* list = orders->add_subcommand("list", "newest orders first");
  list->add_option("--plan", *plan, "only this plan's orders");
  list->add_option("--status", *status,
                   "open, partially_filled, filled, cancelled, expired or rejected");
  list->add_option("--mode", *mode, "paper or live")->check(CLI::IsMember({"paper", "live"}));
  list->add_option("--limit", *limit, "at most this many")->capture_default_str();
  list->callback([&client, &exit_code, plan, status, mode, limit] {
    v1::ListOrdersRequest r;
    r.set_plan_id(*plan);
    r.set_status(*status);
    r.set_mode(*mode);
    r.set_limit(*limit);
    v1::ListOrdersResponse resp;
    if (!client.Call(&OrderManager::Stub::ListOrders, r, &resp, exit_code)) return;
    std::cout << (client.json() ? ToJson(resp) + "\n" : OrdersTable(resp.orders(), true));
    exit_code = kOk;
  });
  auto id = std::make_shared<int64_t>(0);
  auto* cancel = orders->add_subcommand("cancel", "cancel a resting order");
  cancel->add_option("id", *id, "order id (from `orders list`)")->required();
  cancel->callback([&client, &exit_code, id] {
    v1::CancelOrderRequest r;
    r.set_id(*id);
    v1::Order resp;
    if (!client.Call(&OrderManager::Stub::CancelOrder, r, &resp, exit_code)) return;
    if (client.json()) {
      std::cout << ToJson(resp) << "\n";
    } else {
      std::cout << "order " << resp.id() << " cancelled (" << resp.filled_shares() << " of "
                << resp.size_shares() << " shares had filled)\n";
    }
    exit_code = kOk;
  });
}

void AddMarketCommands(CLI::App& app, Client& client, int& exit_code) {
  auto mode = std::make_shared<std::string>();
  auto* positions = app.add_subcommand("positions", "positions and P&L by mode and token");
  positions->add_option("--mode", *mode, "paper or live")->check(CLI::IsMember({"paper", "live"}));
  positions->callback([&client, &exit_code, mode] {
    v1::GetPositionsRequest r;
    r.set_mode(*mode);
    v1::GetPositionsResponse resp;
    if (!client.Call(&OrderManager::Stub::GetPositions, r, &resp, exit_code)) return;
    std::cout << (client.json() ? ToJson(resp) + "\n" : PositionsTable(resp.positions()));
    exit_code = kOk;
  });

  auto token = std::make_shared<std::string>();
  auto* book = app.add_subcommand("book", "the order book of a token, best prices first");
  book->add_option("token", *token, "market token id")->required();
  book->callback([&client, &exit_code, token] {
    v1::GetBookRequest r;
    r.set_market_token_id(*token);
    v1::Book resp;
    if (!client.Call(&OrderManager::Stub::GetBook, r, &resp, exit_code)) return;
    if (client.json()) {
      std::cout << ToJson(resp) << "\n";
    } else {
      std::cout << "token " << resp.market_token_id() << "\ntick " << resp.tick_size()
                << "  min size " << resp.min_order_size() << "  mid " << OrDash(resp.midpoint())
                << "\n";
      Table t({"BID SIZE", "BID", "ASK", "ASK SIZE"});
      int rows = std::max(resp.bids_size(), resp.asks_size());
      for (int i = 0; i < rows && i < 15; ++i) {
        t.Add({i < resp.bids_size() ? resp.bids(i).size() : "",
               i < resp.bids_size() ? resp.bids(i).price() : "",
               i < resp.asks_size() ? resp.asks(i).price() : "",
               i < resp.asks_size() ? resp.asks(i).size() : ""});
      }
      std::cout << t.Render({0, 1, 2, 3});
    }
    exit_code = kOk;
  });

  auto* account = app.add_subcommand("account", "the signing account: address, chain and policy");
  account->callback([&client, &exit_code] {
    v1::Account resp;
    if (!client.Call(&OrderManager::Stub::GetAccount, v1::GetAccountRequest(), &resp, exit_code)) {
      return;
    }
    if (client.json()) {
      std::cout << ToJson(resp) << "\n";
    } else {
      std::cout << "signer   " << resp.signer_address() << "\nchain    " << resp.chain_id()
                << (resp.chain_id() == 137     ? " (Polygon)"
                    : resp.chain_id() == 80002 ? " (Amoy)"
                                               : "")
                << "\nendpoint " << resp.signer_endpoint() << "\npolicy   " << resp.policy_summary()
                << "\n";
    }
    exit_code = kOk;
  });

  auto* health = app.add_subcommand("health", "ask oms-server whether it is serving");
  health->callback([&client, &exit_code] {
    auto stub = grpc::health::v1::Health::NewStub(client.Channel());
    grpc::health::v1::HealthCheckRequest r;
    grpc::health::v1::HealthCheckResponse resp;
    auto ctx = client.Context();
    grpc::Status st = stub->Check(ctx.get(), r, &resp);
    if (!st.ok()) {
      exit_code = client.Error(st);
      return;
    }
    std::string status = grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status());
    std::cout << (client.json() ? ToJson(resp) : status) << "\n";
    exit_code =
        resp.status() == grpc::health::v1::HealthCheckResponse::SERVING ? kOk : kUnavailable;
  });

  auto* tick = app.add_subcommand("tick", "fill, expire and reconcile open orders once");
  tick->callback([&client, &exit_code] {
    v1::RunTickRequest r;
    v1::TickReport resp;
    if (!client.Call(&OrderManager::Stub::RunTick, r, &resp, exit_code)) return;
    if (client.json()) {
      std::cout << ToJson(resp) << "\n";
    } else {
      std::cout << (resp.skipped() ? "tick skipped: "
                                   : "tick " + std::to_string(resp.tick_id()) + ": ")
                << resp.message() << "\n";
    }
    exit_code = kOk;
  });
}

}  // namespace

void AddCommands(CLI::App& app, GlobalOptions& options, int& exit_code) {
  static Client* client = new Client(options);  // lives as long as the process
  AddPlanCommands(app, *client, exit_code);
  AddRunCommands(app, *client, exit_code);
  AddOrderCommands(app, *client, exit_code);
  AddMarketCommands(app, *client, exit_code);
}

}  // namespace betteroms::omsctl
