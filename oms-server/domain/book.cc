#include "oms-server/domain/book.h"

#include <algorithm>

namespace betteroms::domain {
namespace {

void Normalise(std::vector<Level>& levels, bool descending) {
  std::erase_if(levels, [](const Level& l) { return l.size <= 0; });
  std::sort(levels.begin(), levels.end(), [&](const Level& a, const Level& b) {
    return descending ? a.price > b.price : a.price < b.price;
  });
  std::vector<Level> merged;
  for (const Level& l : levels) {
    if (!merged.empty() && merged.back().price == l.price) {
      merged.back().size += l.size;
    } else {
      merged.push_back(l);
    }
  }
  levels = std::move(merged);
}

}  // namespace

std::optional<int64_t> Book::BestBid() const {
  if (bids.empty()) return std::nullopt;
  return bids.front().price;
}

std::optional<int64_t> Book::BestAsk() const {
  if (asks.empty()) return std::nullopt;
  return asks.front().price;
}

std::optional<int64_t> Book::Midpoint() const {
  auto bid = BestBid();
  auto ask = BestAsk();
  if (bid && ask) return (*bid + *ask) / 2;
  return bid ? bid : ask;
}

void NormaliseBook(Book& book) {
  Normalise(book.bids, /*descending=*/true);
  Normalise(book.asks, /*descending=*/false);
}

}  // namespace betteroms::domain
