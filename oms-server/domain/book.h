// An order book normalised for trading: best level first on both sides, whatever the venue's
// array order (the CLOB lists both sides worst-first).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace betteroms::domain {

struct Level {
  int64_t price = 0;  // micro-units
  int64_t size = 0;   // shares, micro-units
};

struct Book {
  std::string token_id;
  std::vector<Level> bids;  // highest first
  std::vector<Level> asks;  // lowest first
  int64_t tick = 10'000;    // 0.01
  int64_t min_order_size = 0;
  bool neg_risk = false;
  std::string timestamp;
  std::string hash;      // the venue's hash, or ours for recorded books
  std::string raw_json;  // the document as received, stored with fills

  std::optional<int64_t> BestBid() const;
  std::optional<int64_t> BestAsk() const;
  // (best bid + best ask) / 2 rounded down; one side alone when the other is empty.
  std::optional<int64_t> Midpoint() const;
};

using BookMap = std::map<std::string, Book>;  // by token id

// Sorts both sides best-first, merges equal prices and drops empty levels.
void NormaliseBook(Book& book);

}  // namespace betteroms::domain
