// book TOKEN: a token's order book as oms-server reads it, best prices first.
#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"
#include "clients/omsctl/views.h"

namespace betteroms::omsctl {
namespace {

// Fifteen levels a side: deeper levels do not fit a terminal and rarely matter to a decision.
constexpr int kLevels = 15;

std::string BookText(const v1::Book& book) {
  std::string out =
      absl::StrCat("token ", book.market_token_id(), "\ntick ", book.tick_size(), "  min size ",
                   book.min_order_size(), "  mid ", OrDash(book.midpoint()), "\n");
  Table t({"BID SIZE", "BID", "ASK", "ASK SIZE"});
  int rows = std::max(book.bids_size(), book.asks_size());
  for (int i = 0; i < rows && i < kLevels; ++i) {
    t.Add({i < book.bids_size() ? book.bids(i).size() : "",
           i < book.bids_size() ? book.bids(i).price() : "",
           i < book.asks_size() ? book.asks(i).price() : "",
           i < book.asks_size() ? book.asks(i).size() : ""});
  }
  return out + t.Render({0, 1, 2, 3});
}

}  // namespace

void AddBookCommand(CLI::App& app, Client& client, int& exit_code) {
  auto token = std::make_shared<std::string>();
  CLI::App* book = app.add_subcommand("book", "the order book of a token, best prices first");
  book->add_option("token", *token, "market token id")->required();
  book->callback([&client, &exit_code, token] {
    v1::GetBookRequest req;
    req.set_market_token_id(*token);
    v1::Book resp;
    if (!client.Call(&v1::OrderManager::Stub::GetBook, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] { return BookText(resp); });
    exit_code = kOk;
  });
}

}  // namespace betteroms::omsctl
