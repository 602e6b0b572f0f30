// libFuzzer target: a /book or POST /books answer, as the venue might send it, must never crash,
// leak or hit undefined behaviour, and a book that is taken must be one to trade on: prices inside
// (0, 1), sizes above 0, both sides best-first, a venue tick. Built and run by scripts/fuzz (clang,
// -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "oms-server/market/clob_market_data.h"
#include "oms-server/market/market_data.h"

namespace {

using betteroms::kMicro;
using betteroms::domain::Book;
using betteroms::domain::Level;

// Stops the run (libFuzzer reports the input) when a taken book breaks its contract.
void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckSide(const std::vector<Level>& levels, bool descending) {
  for (size_t i = 0; i < levels.size(); ++i) {
    Check(levels[i].price > 0 && levels[i].price < kMicro);
    Check(levels[i].size > 0);
    if (i > 0) {
      Check(descending ? levels[i - 1].price > levels[i].price
                       : levels[i - 1].price < levels[i].price);
    }
  }
}

void CheckBook(const Book& book) {
  CheckSide(book.bids, /*descending=*/true);
  CheckSide(book.asks, /*descending=*/false);
  Check(betteroms::market::IsVenueTick(book.tick));
  Check(book.min_order_size >= 0 && book.min_order_size <= betteroms::market::kMaxMinOrderShares);
}

// Answers every request with the fuzzer's bytes.
class EchoTransport : public betteroms::market::HttpTransport {
 public:
  explicit EchoTransport(std::string body) : body_(std::move(body)) {}
  absl::StatusOr<betteroms::market::HttpResponse> Perform(
      const betteroms::market::HttpRequest& /*request*/) override {
    return betteroms::market::HttpResponse{200, body_, "application/json", {}};
  }

 private:
  std::string body_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Book> parsed = betteroms::market::ParseBookJson(text);
  if (parsed.ok()) CheckBook(*parsed);

  // Through the client, as GET /book for one token and POST /books for two: a book taken is the
  // one asked for.
  EchoTransport transport(text);
  betteroms::market::ClobMarketData market("http://clob.fuzz", transport,
                                           betteroms::market::RetryPolicy{1, absl::ZeroDuration()});
  for (const std::vector<std::string>& tokens :
       {std::vector<std::string>{"1001"}, std::vector<std::string>{"1001", "2002"}}) {
    auto books = market.GetBooks(tokens);
    if (!books.ok()) continue;
    Check(books->size() == tokens.size());
    for (const std::string& token : tokens) {
      auto it = books->find(token);
      Check(it != books->end() && it->second.token_id == token);
      CheckBook(it->second);
    }
  }
  return 0;
}
