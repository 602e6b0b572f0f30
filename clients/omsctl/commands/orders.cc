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
  CLI::App* cancel = orders->add_subcommand("cancel", "cancel a resting order");
  cancel->add_option("id", *id, "order id (from `orders list`)")->required();
  cancel->callback([&client, &exit_code, id] {
    v1::CancelOrderRequest req;
    req.set_id(*id);
    v1::Order resp;
    if (!client.Call(&OrderManager::Stub::CancelOrder, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] {
      return absl::StrCat("order ", resp.id(), " cancelled (", resp.filled_shares(), " of ",
                          resp.size_shares(), " shares had filled)\n");
    });
    exit_code = kOk;
  });
}

}  // namespace betteroms::omsctl
