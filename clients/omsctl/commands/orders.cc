// orders list|cancel: orders across plans, and cancelling a resting one.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"
#include "clients/omsctl/views.h"

namespace betteroms::omsctl {

using v1::OrderManager;

void AddOrdersCommands(CLI::App& app, Client& client, int& exit_code) {
  CLI::App* orders = app.add_subcommand("orders", "list or cancel orders");
  orders->require_subcommand(1);

  auto plan = std::make_shared<std::string>();
  auto status = std::make_shared<std::string>();
  auto mode = std::make_shared<std::string>();
  auto limit = std::make_shared<int>(100);
  CLI::App* list = orders->add_subcommand("list", "newest orders first");
  list->add_option("--plan", *plan, "only this plan's orders");
  list->add_option("--status", *status,
                   "open, partially_filled, filled, cancelled, expired or rejected; live orders "
                   "also new, signed, submitting, unknown, delayed or not_sent");
  list->add_option("--mode", *mode, "paper or live")->check(CLI::IsMember({"paper", "live"}));
  list->add_option("--limit", *limit, "at most this many")->capture_default_str();
  list->callback([&client, &exit_code, plan, status, mode, limit] {
    v1::ListOrdersRequest req;
    req.set_plan_id(*plan);
    req.set_status(*status);
    req.set_mode(*mode);
    req.set_limit(*limit);
    v1::ListOrdersResponse resp;
    if (!client.Call(&OrderManager::Stub::ListOrders, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] { return OrdersTable(resp.orders(), true); });
    exit_code = kOk;
  });

  auto id = std::make_shared<int64_t>(0);
  auto cancel_plan = std::make_shared<std::string>();
  auto all = std::make_shared<bool>(false);
  CLI::App* cancel = orders->add_subcommand(
      "cancel",
      "cancel a resting order, a plan's resting orders, or all of them; live orders at the venue");
  CLI::Option* id_opt = cancel->add_option("id", *id, "order id (from `orders list`)");
  CLI::Option* plan_opt =
      cancel->add_option("--plan", *cancel_plan, "every resting order of this plan");
  CLI::Option* all_opt = cancel->add_flag(
      "--all", *all, "every resting order (live: every order of the account at the venue)");
  id_opt->excludes(plan_opt)->excludes(all_opt);
  plan_opt->excludes(all_opt);
  cancel->footer(
      "An order the venue had already filled is shown as it is, never as cancelled; fills\n"
      "before a cancel stand, and the ticks that follow read their trades.");
  cancel->callback([&client, &exit_code, id, id_opt, cancel_plan, all] {
    if (!id_opt->empty()) {
      v1::CancelOrderRequest req;
      req.set_id(*id);
      v1::Order resp;
      if (!client.Call(&OrderManager::Stub::CancelOrder, req, &resp, exit_code)) return;
      Print(client.json(), resp, [&resp] {
        if (resp.status() != "cancelled") {
          return absl::StrCat("order ", resp.id(), " was not cancelled: it is ", resp.status(),
                              " (", resp.filled_shares(), " of ", resp.size_shares(),
                              " shares filled)\n");
        }
        return absl::StrCat("order ", resp.id(), " cancelled (", resp.filled_shares(), " of ",
                            resp.size_shares(), " shares had filled)\n");
      });
      exit_code = kOk;
      return;
    }
    if (cancel_plan->empty() && !*all) {
      exit_code = UsageError(
          absl::InvalidArgumentError("orders cancel: give an order id, --plan PLAN_ID or --all"));
      return;
    }
    v1::CancelOrdersRequest req;
    req.set_plan_id(*cancel_plan);
    req.set_all(*all);
    v1::CancelOrdersResponse resp;
    if (!client.Call(&OrderManager::Stub::CancelOrders, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] {
      std::string out = resp.message() + "\n";
      if (resp.orders_size() > 0) out += OrdersTable(resp.orders(), true);
      return out;
    });
    exit_code = kOk;
  });
}

}  // namespace betteroms::omsctl
