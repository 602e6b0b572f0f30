// ClobVenue, part two: reads and cancels, the L2 calls that are safe to repeat. Each request is
// retried through transport failures, restart and rate-limit windows and 5xx until its deadline
// (a cancel is idempotent: a second DELETE of an order already cancelled answers not_canceled);
// listings page from MA== to LTE= through one pager (PROTOCOL §6, §13.5).
#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "oms-server/venue/clob_venue.h"
#include "oms-server/venue/l2_auth.h"
#include "oms-server/venue/venue_http.h"
#include "oms-server/venue/venue_json.h"

namespace betteroms::venue {
namespace {

using market::HttpRequest;
using market::HttpResponse;

constexpr char kFirstCursor[] = "MA==";  // base64 "0"
constexpr char kLastCursor[] = "LTE=";   // base64 "-1"

// A base-unit integer (a uint256 on chain); values above int64 read as its maximum, which is
// how an unlimited approval looks.
std::optional<int64_t> BaseUnits(const JsonValue* v) {
  if (v == nullptr || (!v->is_string() && !v->is_number())) return std::nullopt;
  absl::string_view text = absl::StripAsciiWhitespace(v->text);
  if (text.empty() || text.size() > 100) return std::nullopt;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  int64_t out = 0;
  if (!absl::SimpleAtoi(text, &out)) return std::numeric_limits<int64_t>::max();
  return out;
}

absl::Status NotAHash(const std::string& hash) {
  return absl::InvalidArgumentError(
      absl::StrCat("venue: \"", Printable(hash), "\" is not an order hash"));
}

int64_t UnixSecondsFrom(absl::Time t) { return std::max<int64_t>(0, absl::ToUnixSeconds(t)); }

// Fills keyed so that a trade seen on two pages counts once.
void AddFills(std::vector<VenueFill> fills, std::set<std::string>& seen_trades,
              std::vector<VenueFill>& out) {
  if (fills.empty() || !seen_trades.insert(fills.front().trade_id).second) return;
  for (VenueFill& fill : fills) out.push_back(std::move(fill));
}

}  // namespace

absl::StatusOr<std::string> ClobVenue::SendL2(const std::string& method, const std::string& path,
                                              const std::string& query, const std::string& body,
                                              absl::Time deadline) {
  std::optional<Signed> who = Credentials();
  const std::string endpoint = absl::StrCat(method, " ", path);
  if (!who) {
    return absl::FailedPreconditionError(
        absl::StrCat("venue: ", endpoint, ": no API credentials (SetCredentials was not called)"));
  }
  absl::Duration backoff = options_.first_backoff;
  std::string last_error = "the deadline had passed";
  while (true) {
    absl::Time now = clock_.Now();
    if (now >= deadline) break;
    // Signed afresh each attempt: POLY_TIMESTAMP must be current.
    auto headers =
        L2Headers(who->credentials, who->address, absl::ToUnixSeconds(now), method, path, body);
    if (!headers.ok()) return headers.status();
    HttpRequest request;
    request.method = method;
    request.url = options_.base_url + path + (query.empty() ? "" : "?" + query);
    request.body = body;
    request.headers = *std::move(headers);
    request.timeout = deadline - now;
    absl::StatusOr<HttpResponse> resp = transport_.Perform(request);
    std::optional<absl::Duration> hint;
    if (!resp.ok()) {
      last_error = std::string(resp.status().message());
    } else if (resp->status >= 200 && resp->status <= 299) {
      if (resp->body.size() > options_.max_response_bytes) {
        return Malformed(endpoint,
                         absl::StrCat("larger than ", options_.max_response_bytes, " bytes"));
      }
      return std::move(resp->body);
    } else if (resp->status == 425 || resp->status == 429 || resp->status >= 500) {
      last_error = HttpErrorText(*resp);
      hint = RetryHint(*resp, now);
    } else {
      return HttpStatusError(endpoint, *resp);
    }
    absl::Duration wait = hint && *hint > absl::ZeroDuration() ? *hint : backoff;
    if (clock_.Now() + wait >= deadline) break;
    Sleep(wait);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
  return absl::UnavailableError(
      absl::StrCat("venue: ", endpoint, " unavailable until the deadline: ", last_error));
}

absl::Status ClobVenue::ForEachListed(
    const std::string& path, const std::string& query, absl::Time deadline,
    const std::function<absl::Status(const JsonValue&)>& on_item) {
  const std::string endpoint = "GET " + path;
  std::set<std::string> seen_cursors;
  std::string cursor = kFirstCursor;
  for (int page = 0;; ++page) {
    if (page >= options_.max_pages) {
      return Malformed(endpoint, absl::StrCat("more than ", options_.max_pages,
                                              " pages: the venue's cursor does not end"));
    }
    seen_cursors.insert(cursor);
    std::string page_query =
        absl::StrCat(query, query.empty() ? "" : "&", "next_cursor=", QueryEscape(cursor));
    OMS_ASSIGN_OR_RETURN(std::string body, SendL2("GET", path, page_query, "", deadline));
    absl::StatusOr<JsonValue> doc = ParseJson(body);
    if (!doc.ok()) return Malformed(endpoint, doc.status().message());
    if (!doc->is_object()) return Malformed(endpoint, "not an object");
    const JsonValue* data = doc->Find("data");
    if (data != nullptr && !data->is_null() && !data->is_array()) {
      return Malformed(endpoint, "data is not an array");
    }
    if (data != nullptr && data->is_array()) {
      for (const JsonValue& item : data->items) OMS_RETURN_IF_ERROR(on_item(item));
    }
    std::string next = doc->StringOr("next_cursor");
    if (next.empty() || next == kLastCursor) return absl::OkStatus();
    if (seen_cursors.count(next) > 0) {
      return Malformed(endpoint, absl::StrCat("next_cursor ", Printable(next),
                                              " repeats: the venue's pages loop"));
    }
    cursor = std::move(next);
  }
}

absl::StatusOr<std::optional<VenueOrder>> ClobVenue::GetOrder(const std::string& hash,
                                                              absl::Time deadline) {
  if (!IsHash(hash)) return NotAHash(hash);
  std::string path = "/data/order/" + hash;
  std::string endpoint = "GET " + path;
  absl::StatusOr<std::string> body = SendL2("GET", path, "", "", deadline);
  // Some deployments answer an unknown id with 404 rather than null.
  if (body.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
  if (!body.ok()) return body.status();
  absl::string_view text = absl::StripAsciiWhitespace(*body);
  if (text.empty() || text == "null") return std::nullopt;
  absl::StatusOr<JsonValue> doc = ParseJson(std::string(text));
  if (!doc.ok()) return Malformed(endpoint, doc.status().message());
  if (doc->is_null()) return std::nullopt;
  absl::StatusOr<VenueOrder> order = VenueOrderFromJson(*doc);
  if (!order.ok()) return Malformed(endpoint, order.status().message());
  if (!absl::EqualsIgnoreCase(order->id, hash)) {
    return Malformed(endpoint, absl::StrCat("the answer is about order ", Printable(order->id)));
  }
  return *std::move(order);
}

absl::StatusOr<std::vector<VenueOrder>> ClobVenue::ListOpenOrders(absl::Time deadline) {
  std::vector<VenueOrder> orders;
  std::map<std::string, size_t> index;  // id -> position in `orders`
  OMS_RETURN_IF_ERROR(
      ForEachListed("/data/orders", "", deadline, [&](const JsonValue& item) -> absl::Status {
        absl::StatusOr<VenueOrder> order = VenueOrderFromJson(item);
        // One entry the OMS cannot read (perhaps not even its own order) does not hide the
        // others: an order of ours missing from the list is read back by its hash.
        if (!order.ok()) {
          LogWarn("venue: an open order could not be read",
                  {{"error", std::string(order.status().message())}});
          return absl::OkStatus();
        }
        auto [it, added] = index.emplace(order->id, orders.size());
        if (added) {
          orders.push_back(*std::move(order));
        } else {
          orders[it->second] = *std::move(order);
        }
        return absl::OkStatus();
      }));
  return orders;
}

absl::StatusOr<std::vector<VenueFill>> ClobVenue::ListFills(
    const std::set<std::string>& order_hashes, absl::Time after, absl::Time deadline) {
  std::set<std::string> hashes;
  for (const std::string& hash : order_hashes) hashes.insert(absl::AsciiStrToLower(hash));
  std::vector<VenueFill> fills;
  // No order of ours can be in any trade: nothing to ask.
  if (hashes.empty()) return fills;
  std::set<std::string> seen_trades;
  std::string query = absl::StrCat("after=", UnixSecondsFrom(after));
  OMS_RETURN_IF_ERROR(
      ForEachListed("/data/trades", query, deadline, [&](const JsonValue& trade) -> absl::Status {
        absl::StatusOr<std::vector<VenueFill>> mine = FillsOfTrade(trade, hashes);
        if (!mine.ok()) return Malformed("GET /data/trades", mine.status().message());
        AddFills(*std::move(mine), seen_trades, fills);
        return absl::OkStatus();
      }));
  return fills;
}

absl::StatusOr<std::vector<std::string>> ClobVenue::TradesOfOrder(const std::string& hash,
                                                                  const std::string& asset_id,
                                                                  absl::Time after,
                                                                  absl::Time deadline) {
  if (!IsHash(hash)) return NotAHash(hash);
  if (!IsTokenId(asset_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("venue: \"", Printable(asset_id), "\" is not a token id"));
  }
  const std::set<std::string> ours = {absl::AsciiStrToLower(hash)};
  std::vector<std::string> ids;
  std::set<std::string> seen_ids;
  std::string query = absl::StrCat("asset_id=", asset_id, "&after=", UnixSecondsFrom(after));
  OMS_RETURN_IF_ERROR(
      ForEachListed("/data/trades", query, deadline, [&](const JsonValue& trade) -> absl::Status {
        absl::StatusOr<std::vector<VenueFill>> mine = FillsOfTrade(trade, ours);
        if (!mine.ok()) return Malformed("GET /data/trades", mine.status().message());
        if (!mine->empty() && seen_ids.insert(mine->front().trade_id).second) {
          ids.push_back(mine->front().trade_id);
        }
        return absl::OkStatus();
      }));
  return ids;
}

absl::StatusOr<BalanceAllowance> ClobVenue::GetBalanceAllowance(AssetType type,
                                                                const std::string& token_id,
                                                                absl::Time deadline) {
  std::string query;
  if (type == AssetType::kCollateral) {
    query = absl::StrCat("asset_type=COLLATERAL&signature_type=", options_.signature_type);
  } else {
    if (!IsTokenId(token_id)) {
      return absl::InvalidArgumentError(
          absl::StrCat("venue: \"", Printable(token_id), "\" is not a token id"));
    }
    query = absl::StrCat("asset_type=CONDITIONAL&token_id=", token_id,
                         "&signature_type=", options_.signature_type);
  }
  const std::string endpoint = "GET /balance-allowance";
  OMS_ASSIGN_OR_RETURN(std::string body, SendL2("GET", "/balance-allowance", query, "", deadline));
  absl::StatusOr<JsonValue> doc = ParseJson(body);
  if (!doc.ok()) return Malformed(endpoint, doc.status().message());
  if (!doc->is_object()) return Malformed(endpoint, "not an object");
  BalanceAllowance out;
  std::optional<int64_t> balance = BaseUnits(doc->Find("balance"));
  if (!balance) return Malformed(endpoint, "balance is not an integer of base units");
  out.balance = *balance;
  if (const JsonValue* allowances = doc->Find("allowances"); allowances != nullptr) {
    if (!allowances->is_object()) return Malformed(endpoint, "allowances is not an object");
    for (const JsonValue& member : allowances->members) {
      std::optional<int64_t> amount = BaseUnits(&member);
      if (!amount) {
        return Malformed(endpoint, absl::StrCat("the allowance of ", Printable(member.name),
                                                " is not an integer of base units"));
      }
      out.allowances[absl::AsciiStrToLower(member.name)] = *amount;
    }
  }
  return out;
}

absl::StatusOr<CancelAnswer> ClobVenue::Cancel(const std::string& path, const std::string& body,
                                               absl::Time deadline) {
  const std::string endpoint = "DELETE " + path;
  OMS_ASSIGN_OR_RETURN(std::string answer, SendL2("DELETE", path, "", body, deadline));
  absl::StatusOr<JsonValue> doc = ParseJson(answer);
  if (!doc.ok()) return Malformed(endpoint, doc.status().message());
  absl::StatusOr<CancelAnswer> parsed = CancelAnswerFromJson(*doc);
  if (!parsed.ok()) return Malformed(endpoint, parsed.status().message());
  return parsed;
}

absl::StatusOr<bool> ClobVenue::CancelOrder(const std::string& hash, absl::Time deadline) {
  if (!IsHash(hash)) return NotAHash(hash);
  absl::StatusOr<CancelAnswer> answer =
      Cancel("/order", absl::StrCat("{\"orderID\":\"", hash, "\"}"), deadline);
  // An id the venue does not know may be answered 404: not cancelled, as not_canceled says.
  if (answer.status().code() == absl::StatusCode::kNotFound) return false;
  if (!answer.ok()) return answer.status();
  // Cancelled only when listed in canceled.
  return std::find(answer->canceled.begin(), answer->canceled.end(), absl::AsciiStrToLower(hash)) !=
         answer->canceled.end();
}

absl::StatusOr<CancelAnswer> ClobVenue::CancelOrders(const std::vector<std::string>& hashes,
                                                     absl::Time deadline) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const std::string& hash : hashes) {
    if (!IsHash(hash)) return NotAHash(hash);
    std::string id = absl::AsciiStrToLower(hash);
    if (seen.insert(id).second) ids.push_back(std::move(id));
  }
  CancelAnswer merged;
  size_t per_request = std::max<size_t>(1, options_.cancel_batch_size);
  for (size_t start = 0; start < ids.size(); start += per_request) {
    size_t end = std::min(ids.size(), start + per_request);
    // Ids are 0x and hex digits (IsHash), so they need no escaping.
    std::string body = "[";
    for (size_t i = start; i < end; ++i) {
      absl::StrAppend(&body, i > start ? "," : "", "\"", ids[i], "\"");
    }
    body.push_back(']');
    OMS_ASSIGN_OR_RETURN(CancelAnswer answer, Cancel("/orders", body, deadline));
    for (std::string& id : answer.canceled) merged.canceled.push_back(std::move(id));
    for (auto& [id, reason] : answer.not_canceled) merged.not_canceled[id] = std::move(reason);
  }
  return merged;
}

absl::StatusOr<CancelAnswer> ClobVenue::CancelAll(absl::Time deadline) {
  return Cancel("/cancel-all", "", deadline);
}

}  // namespace betteroms::venue
