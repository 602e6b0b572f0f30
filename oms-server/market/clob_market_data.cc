#include "oms-server/market/clob_market_data.h"

#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/json.h"
#include "common/status_macros.h"
#include "oms-server/domain/plan.h"

namespace betteroms::market {

namespace {

bool Retryable(int status) { return status == 425 || status == 429 || status >= 500; }

std::string VenueError(const std::string& body) {
  auto doc = ParseJson(body);
  if (doc.ok() && doc->is_object()) {
    std::string msg = doc->StringOr("error");
    if (!msg.empty()) return msg;
  }
  return body.substr(0, 200);
}

// A venue answer that does not parse is the venue's fault, not the caller's: Unknown, naming the
// endpoint so the trader sees which call went wrong.
absl::Status Malformed(const std::string& path, const absl::Status& why) {
  return absl::UnknownError(
      absl::StrCat("market data: malformed answer from ", path, ": ", std::string(why.message())));
}

// A condition id goes into the next request's path, so only 0x-hex is taken.
bool IsConditionId(const std::string& id) {
  if (id.size() < 3 || !absl::StartsWith(id, "0x")) return false;
  for (size_t i = 2; i < id.size(); ++i) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

}  // namespace

ClobMarketData::ClobMarketData(std::string base_url, HttpTransport& transport, RetryPolicy retry,
                               absl::Duration market_ttl)
    : base_url_(std::move(base_url)),
      transport_(transport),
      retry_(retry),
      market_ttl_(market_ttl) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

absl::StatusOr<std::string> ClobMarketData::Call(const std::string& method, const std::string& path,
                                                 const std::string& body,
                                                 const std::string& token) {
  absl::Duration backoff = retry_.first_backoff;
  std::string last_error;
  absl::StatusCode last_code = absl::StatusCode::kUnavailable;
  for (int attempt = 1; attempt <= retry_.attempts; ++attempt) {
    if (attempt > 1) {
      std::this_thread::sleep_for(absl::ToChronoMilliseconds(backoff));
      backoff *= 2;
    }
    auto resp = transport_.Request(method, base_url_ + path, body);
    // An oversized answer is untrusted input, not an outage: asking again would fetch it again.
    if ((!resp.ok() && resp.status().code() == absl::StatusCode::kResourceExhausted) ||
        (resp.ok() && resp->body.size() > kMaxAnswerBytes)) {
      return absl::UnknownError(absl::StrCat("market data: refused the answer of ", base_url_, path,
                                             " for token ", token, ": larger than ",
                                             kMaxAnswerBytes, " bytes"));
    }
    if (!resp.ok()) {
      last_code = resp.status().code() == absl::StatusCode::kDeadlineExceeded
                      ? absl::StatusCode::kDeadlineExceeded
                      : absl::StatusCode::kUnavailable;
      last_error = std::string(resp.status().message());
      continue;
    }
    if (resp->status == 200) return std::move(resp->body);
    if (Retryable(resp->status)) {
      last_code = absl::StatusCode::kUnavailable;
      last_error = absl::StrCat("HTTP ", resp->status, ": ", VenueError(resp->body));
      continue;
    }
    if (resp->status == 404) {
      return absl::NotFoundError(absl::StrCat("no order book for token ", token));
    }
    if (resp->status == 403) {
      bool html =
          absl::StrContains(resp->content_type, "html") || absl::StartsWith(resp->body, "<");
      return absl::PermissionDeniedError(
          html ? absl::StrCat("market data: blocked by the venue's firewall (HTTP 403) at ",
                              base_url_)
               : absl::StrCat("market data: the venue refused the request (HTTP 403): ",
                              VenueError(resp->body)));
    }
    if (resp->status == 400) {
      return absl::InvalidArgumentError(absl::StrCat("market data: the venue refused ", path,
                                                     " for token ", token, ": ",
                                                     VenueError(resp->body)));
    }
    return absl::UnknownError(
        absl::StrCat("market data: unexpected HTTP ", resp->status, " from ", base_url_, path));
  }
  return absl::Status(
      last_code, absl::StrCat("the Polymarket CLOB at ", base_url_, " is unavailable (", last_error,
                              ") after ", retry_.attempts, " attempts"));
}

absl::Status ClobMarketData::RefusedBook(const std::string& token, absl::string_view why) const {
  return absl::UnknownError(absl::StrCat("market data: refused the book for token ", token,
                                         " from ", base_url_, ": ", why));
}

absl::Status ClobMarketData::CheckBookToken(const std::string& token, domain::Book& book) const {
  // A book for another token would price this one on someone else's market.
  std::optional<std::string> asset = domain::NormaliseTokenId(book.token_id);
  if (!asset || *asset != domain::NormaliseTokenId(token).value_or(token)) {
    return RefusedBook(token, book.token_id.empty()
                                  ? std::string("the answer names no asset_id")
                                  : absl::StrCat("the answer is the book of asset_id ",
                                                 book.token_id.substr(0, 100)));
  }
  book.token_id = token;
  return absl::OkStatus();
}

absl::StatusOr<domain::Book> ClobMarketData::GetBook(const std::string& token) {
  OMS_ASSIGN_OR_RETURN(std::string body, Call("GET", "/book?token_id=" + token, "", token));
  absl::StatusOr<domain::Book> book = ParseBookJson(body);
  if (!book.ok()) return RefusedBook(token, book.status().message());
  OMS_RETURN_IF_ERROR(CheckBookToken(token, *book));
  return *std::move(book);
}

absl::StatusOr<std::map<std::string, domain::Book>> ClobMarketData::GetBooks(
    const std::vector<std::string>& tokens) {
  std::map<std::string, domain::Book> books;
  for (size_t start = 0; start < tokens.size(); start += kBooksPerRequest) {
    size_t end = std::min(tokens.size(), start + kBooksPerRequest);
    if (end - start == 1) {
      OMS_ASSIGN_OR_RETURN(books[tokens[start]], GetBook(tokens[start]));
      continue;
    }
    std::string body = "[";
    std::map<std::string, std::string> asked;  // normalised id -> the token as asked
    for (size_t i = start; i < end; ++i) {
      absl::StrAppend(&body, i > start ? "," : "", "{\"token_id\":\"", tokens[i], "\"}");
      asked[domain::NormaliseTokenId(tokens[i]).value_or(tokens[i])] = tokens[i];
    }
    body += "]";
    std::string names = absl::StrCat(tokens[start], " and ", end - start - 1, " more");
    OMS_ASSIGN_OR_RETURN(std::string resp, Call("POST", "/books", body, tokens[start]));
    absl::StatusOr<JsonValue> doc = ParseJson(resp);
    if (!doc.ok()) return RefusedBook(names, doc.status().message());
    if (!doc->is_array()) return RefusedBook(names, "POST /books did not return an array");
    for (const JsonValue& item : doc->items) {
      std::string asset =
          item.is_object() && item.Find("asset_id") != nullptr ? item.Find("asset_id")->text : "";
      std::optional<std::string> id = domain::NormaliseTokenId(asset);
      auto token = id ? asked.find(*id) : asked.end();
      if (token == asked.end()) {
        return RefusedBook(names, asset.empty()
                                      ? std::string("a book names no asset_id")
                                      : absl::StrCat("a book is of asset_id ", asset.substr(0, 100),
                                                     ", which was not asked for"));
      }
      absl::StatusOr<domain::Book> book = BookFromJson(item, DumpJson(item));
      if (!book.ok()) return RefusedBook(token->second, book.status().message());
      book->token_id = token->second;
      books[token->second] = *std::move(book);
    }
    for (size_t i = start; i < end; ++i) {
      if (books.count(tokens[i]) == 0) {
        return absl::NotFoundError(absl::StrCat("no order book for token ", tokens[i]));
      }
    }
  }
  return books;
}

absl::StatusOr<int64_t> ClobMarketData::GetTickSize(const std::string& token) {
  OMS_ASSIGN_OR_RETURN(std::string body, Call("GET", "/tick-size?token_id=" + token, "", token));
  OMS_ASSIGN_OR_RETURN(JsonValue doc, ParseJson(body));
  const JsonValue* v = doc.Find("minimum_tick_size");
  if (v == nullptr) return absl::UnknownError("market data: /tick-size without minimum_tick_size");
  return ParseJsonNumberMicros(v->text, 6);
}

absl::StatusOr<bool> ClobMarketData::GetNegRisk(const std::string& token) {
  OMS_ASSIGN_OR_RETURN(std::string body, Call("GET", "/neg-risk?token_id=" + token, "", token));
  OMS_ASSIGN_OR_RETURN(JsonValue doc, ParseJson(body));
  const JsonValue* v = doc.Find("neg_risk");
  if (v == nullptr || !v->is_bool()) {
    return absl::UnknownError("market data: /neg-risk without neg_risk");
  }
  return v->boolean;
}

absl::StatusOr<int64_t> ClobMarketData::GetMidpoint(const std::string& token) {
  OMS_ASSIGN_OR_RETURN(std::string body, Call("GET", "/midpoint?token_id=" + token, "", token));
  OMS_ASSIGN_OR_RETURN(JsonValue doc, ParseJson(body));
  const JsonValue* v = doc.Find("mid");
  if (v == nullptr) return absl::UnknownError("market data: /midpoint without mid");
  return ParseJsonNumberMicros(v->text, 6);
}

std::optional<domain::MarketInfo> ClobMarketData::CachedMarket(const std::string& token) {
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = markets_.find(token);
  if (it == markets_.end()) return std::nullopt;
  if (absl::Now() >= it->second.expires) {
    markets_.erase(it);
    return std::nullopt;
  }
  return it->second.market;
}

absl::StatusOr<std::optional<domain::MarketInfo>> ClobMarketData::FetchMarket(
    const std::string& condition_id, const std::string& token) {
  std::string path = "/clob-markets/" + condition_id;
  absl::StatusOr<std::string> body = Call("GET", path, "", token);
  // The venue named this condition a moment ago; if it no longer knows it, neither do we.
  if (body.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
  if (!body.ok()) return body.status();
  absl::StatusOr<domain::MarketInfo> market = ParseClobMarketJson(*body);
  if (!market.ok()) return Malformed(path, market.status());
  absl::Time now = absl::Now();
  std::lock_guard<std::mutex> lock(cache_mu_);
  // Sweep on insert, so a long-running server does not keep every token it ever saw.
  for (auto it = markets_.begin(); it != markets_.end();) {
    it = now >= it->second.expires ? markets_.erase(it) : std::next(it);
  }
  CachedEntry entry{*market, now + market_ttl_};
  // Under each token it lists, so a sibling token needs no /markets-by-token of its own; and
  // under the token asked about, in case the venue's list leaves it out.
  for (const domain::TokenOutcome& t : market->tokens) markets_[t.token_id] = entry;
  markets_[token] = std::move(entry);
  return std::optional<domain::MarketInfo>(std::move(*market));
}

absl::StatusOr<std::optional<std::string>> ClobMarketData::ConditionOf(const std::string& token) {
  if (std::optional<domain::MarketInfo> cached = CachedMarket(token);
      cached && IsConditionId(cached->condition_id)) {
    return cached->condition_id;
  }
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = conditions_.find(token);
    if (it != conditions_.end() && absl::Now() < it->second.second) return it->second.first;
  }
  std::string path = "/markets-by-token/" + token;
  absl::StatusOr<std::string> body = Call("GET", path, "", token);
  // Unknown to the venue: absent, and not cached, since it may be listed any minute.
  if (body.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
  if (!body.ok()) return body.status();
  absl::StatusOr<JsonValue> doc = ParseJson(*body);
  if (!doc.ok()) return Malformed(path, doc.status());
  std::string condition_id = doc->is_object() ? doc->StringOr("condition_id") : "";
  if (!IsConditionId(condition_id)) {
    return Malformed(path, absl::InvalidArgumentError("condition_id is not a 0x condition id"));
  }
  CacheCondition({token}, condition_id);
  return condition_id;
}

void ClobMarketData::CacheCondition(const std::vector<std::string>& tokens,
                                    const std::string& condition_id) {
  absl::Time now = absl::Now();
  std::lock_guard<std::mutex> lock(cache_mu_);
  for (auto it = conditions_.begin(); it != conditions_.end();) {
    it = now >= it->second.second ? conditions_.erase(it) : std::next(it);
  }
  for (const std::string& token : tokens) conditions_[token] = {condition_id, now + market_ttl_};
}

absl::StatusOr<std::map<std::string, domain::MarketInfo>> ClobMarketData::GetMarkets(
    const std::vector<std::string>& tokens) {
  std::map<std::string, domain::MarketInfo> markets;
  for (const std::string& token : tokens) {
    if (markets.count(token) != 0) continue;
    // The token goes into a URL path: only a normalised decimal id is taken.
    if (domain::NormaliseTokenId(token) != token) {
      return absl::InvalidArgumentError(
          absl::StrCat("market data: \"", token, "\" is not a normalised token id"));
    }
    if (std::optional<domain::MarketInfo> cached = CachedMarket(token)) {
      markets[token] = std::move(*cached);
      continue;
    }
    OMS_ASSIGN_OR_RETURN(std::optional<std::string> condition_id, ConditionOf(token));
    if (!condition_id) continue;
    OMS_ASSIGN_OR_RETURN(std::optional<domain::MarketInfo> market,
                         FetchMarket(*condition_id, token));
    if (market) markets[token] = std::move(*market);
  }
  return markets;
}

absl::StatusOr<std::map<std::string, domain::MarketResolution>> ClobMarketData::GetResolutions(
    const std::vector<std::string>& tokens) {
  std::map<std::string, domain::MarketResolution> found;  // by token, siblings included
  // By condition id, each asked once this call; nullopt when the venue did not know it.
  std::map<std::string, std::optional<domain::MarketResolution>> asked;
  for (const std::string& token : tokens) {
    if (found.count(token) != 0) continue;
    if (domain::NormaliseTokenId(token) != token) {
      return absl::InvalidArgumentError(
          absl::StrCat("market data: \"", token, "\" is not a normalised token id"));
    }
    OMS_ASSIGN_OR_RETURN(std::optional<std::string> condition_id, ConditionOf(token));
    if (!condition_id) continue;
    auto it = asked.find(*condition_id);
    if (it == asked.end()) {
      OMS_ASSIGN_OR_RETURN(std::optional<ClobMarketState> state,
                           FetchMarketState(*condition_id, token));
      if (state) state->resolution.condition_id = *condition_id;
      if (state) {
        for (const std::string& sibling : state->tokens) found[sibling] = state->resolution;
      }
      it = asked.emplace(*condition_id, state ? std::optional(state->resolution) : std::nullopt)
               .first;
    }
    // Also when the venue's list leaves out the token asked about.
    if (it->second) found[token] = *it->second;
  }
  std::map<std::string, domain::MarketResolution> resolutions;
  for (const std::string& token : tokens) {
    if (auto it = found.find(token); it != found.end()) resolutions[token] = it->second;
  }
  return resolutions;
}

absl::StatusOr<std::optional<ClobMarketState>> ClobMarketData::FetchMarketState(
    const std::string& condition_id, const std::string& token) {
  std::string path = "/markets/" + condition_id;
  absl::StatusOr<std::string> body = Call("GET", path, "", token);
  if (body.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
  if (!body.ok()) return body.status();
  absl::StatusOr<ClobMarketState> state = ParseMarketStateJson(*body);
  if (!state.ok()) return Malformed(path, state.status());
  if (!state->condition_id.empty() &&
      absl::AsciiStrToLower(state->condition_id) != absl::AsciiStrToLower(condition_id)) {
    return Malformed(path, absl::InvalidArgumentError(absl::StrCat(
                               "the answer is about market ", state->condition_id.substr(0, 80))));
  }
  CacheCondition(state->tokens, condition_id);
  return std::optional<ClobMarketState>(*std::move(state));
}

}  // namespace betteroms::market
