#include <openssl/evp.h>

#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/hex.h"
#include "common/json.h"
#include "common/status_macros.h"
#include "oms-server/market/market_data.h"

namespace betteroms::market {
namespace {

// Venue numbers arrive as strings ("0.55") or, on some endpoints, as JSON numbers.
absl::StatusOr<int64_t> Number(const JsonValue* v, const char* what) {
  if (v == nullptr || !(v->is_string() || v->is_number())) {
    return absl::InvalidArgumentError(absl::StrCat("book: ", what, " is missing"));
  }
  auto micros = ParseJsonNumberMicros(v->text, 6);
  if (!micros.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("book: ", what, ": ", micros.status().message()));
  }
  return *micros;
}

absl::StatusOr<std::vector<domain::Level>> Levels(const JsonValue& book, const char* side) {
  std::vector<domain::Level> out;
  const JsonValue* arr = book.Find(side);
  // A missing side is not an empty one: the venue always sends both, so the answer is not a book.
  if (arr == nullptr || arr->is_null()) {
    return absl::InvalidArgumentError(absl::StrCat("book: ", side, " is missing"));
  }
  if (!arr->is_array()) {
    return absl::InvalidArgumentError(absl::StrCat("book: ", side, " is not an array"));
  }
  if (arr->items.size() > kMaxBookLevels) {
    return absl::InvalidArgumentError(absl::StrCat("book: ", side, " has ", arr->items.size(),
                                                   " levels, more than ", kMaxBookLevels));
  }
  out.reserve(arr->items.size());
  for (const JsonValue& l : arr->items) {
    if (!l.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("book: a level of ", side, " is not an object"));
    }
    OMS_ASSIGN_OR_RETURN(int64_t price, Number(l.Find("price"), "level price"));
    OMS_ASSIGN_OR_RETURN(int64_t size, Number(l.Find("size"), "level size"));
    // A price outside (0, 1) is no market, and a size of 0 or less, or beyond any real book, is
    // no depth: refuse the book rather than trade on it (or divide by it).
    if (price <= 0 || price >= kMicro || size <= 0 || size > kMaxLevelShares) {
      return absl::InvalidArgumentError(absl::StrCat("book: ", side, " level at price ",
                                                     FormatMicros(price), " size ",
                                                     FormatMicros(size), " is not a market"));
    }
    out.push_back({price, size});
  }
  return out;
}

std::string Sha256Hex(const std::string& text) {
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return ToHex({digest, len});
}

}  // namespace

bool IsVenueTick(int64_t tick) {
  return tick == 100'000 || tick == 10'000 || tick == 5'000 || tick == 2'500 || tick == 1'000 ||
         tick == 100;
}

absl::StatusOr<domain::Book> BookFromJson(const JsonValue& doc, std::string raw) {
  if (!doc.is_object()) return absl::InvalidArgumentError("book: not a JSON object");
  domain::Book book;
  if (const JsonValue* asset = doc.Find("asset_id"); asset != nullptr && !asset->is_null()) {
    if (!asset->is_string() && !asset->is_number()) {
      return absl::InvalidArgumentError("book: asset_id is not a token id");
    }
    book.token_id = asset->text;
  }
  OMS_ASSIGN_OR_RETURN(book.bids, Levels(doc, "bids"));
  OMS_ASSIGN_OR_RETURN(book.asks, Levels(doc, "asks"));
  if (const JsonValue* tick = doc.Find("tick_size"); tick != nullptr && !tick->is_null()) {
    OMS_ASSIGN_OR_RETURN(book.tick, Number(tick, "tick_size"));
    if (!IsVenueTick(book.tick)) {
      return absl::InvalidArgumentError(absl::StrCat("book: tick_size ", FormatMicros(book.tick),
                                                     " is not one of the venue's ticks"));
    }
  }
  if (const JsonValue* min = doc.Find("min_order_size"); min != nullptr && !min->is_null()) {
    OMS_ASSIGN_OR_RETURN(book.min_order_size, Number(min, "min_order_size"));
    if (book.min_order_size < 0 || book.min_order_size > kMaxMinOrderShares) {
      return absl::InvalidArgumentError(
          absl::StrCat("book: min_order_size ", FormatMicros(book.min_order_size),
                       " is not a share count from 0 to ", FormatMicros(kMaxMinOrderShares)));
    }
  }
  if (const JsonValue* nr = doc.Find("neg_risk"); nr != nullptr && nr->is_bool()) {
    book.neg_risk = nr->boolean;
  }
  book.timestamp = doc.StringOr("timestamp");
  book.hash = doc.StringOr("hash");
  if (book.hash.empty()) book.hash = Sha256Hex(raw);
  book.raw_json = std::move(raw);
  domain::NormaliseBook(book);
  return book;
}

absl::StatusOr<domain::Book> ParseBookJson(const std::string& text) {
  OMS_ASSIGN_OR_RETURN(JsonValue doc, ParseJson(text));
  return BookFromJson(doc, text);
}

}  // namespace betteroms::market
