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
  if (arr == nullptr || arr->is_null()) return out;
  if (!arr->is_array()) {
    return absl::InvalidArgumentError(absl::StrCat("book: ", side, " is not an array"));
  }
  for (const JsonValue& l : arr->items) {
    OMS_ASSIGN_OR_RETURN(int64_t price, Number(l.Find("price"), "level price"));
    OMS_ASSIGN_OR_RETURN(int64_t size, Number(l.Find("size"), "level size"));
    // A price outside (0, 1) or a negative size is no market: refuse the book rather than
    // divide by it.
    if (price <= 0 || price >= kMicro || size < 0) {
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

absl::StatusOr<domain::Book> BookFromJson(const JsonValue& doc, std::string raw) {
  if (!doc.is_object()) return absl::InvalidArgumentError("book: not a JSON object");
  domain::Book book;
  book.token_id = doc.StringOr("asset_id");
  OMS_ASSIGN_OR_RETURN(book.bids, Levels(doc, "bids"));
  OMS_ASSIGN_OR_RETURN(book.asks, Levels(doc, "asks"));
  if (const JsonValue* tick = doc.Find("tick_size"); tick != nullptr && !tick->is_null()) {
    OMS_ASSIGN_OR_RETURN(book.tick, Number(tick, "tick_size"));
  }
  if (const JsonValue* min = doc.Find("min_order_size"); min != nullptr && !min->is_null()) {
    OMS_ASSIGN_OR_RETURN(book.min_order_size, Number(min, "min_order_size"));
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
