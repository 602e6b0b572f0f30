#include "oms-server/venue/clob_venue.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <limits>
#include <set>
#include <thread>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/json.h"
#include "common/status_macros.h"
#include "oms-server/venue/l2_auth.h"
#include "oms-server/venue/venue_errors.h"

namespace betteroms::venue {
namespace {

using market::HttpRequest;
using market::HttpResponse;

constexpr size_t kMaxErrorText = 300;
constexpr int64_t kMaxSalt = int64_t{1} << 53;

// The venue's text as it may appear in a message: printable ASCII, bounded.
std::string Printable(absl::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxErrorText)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : ' ');
  }
  if (text.size() > kMaxErrorText) out += "...";
  return out;
}

std::optional<JsonValue> ParseObjectOrArray(const std::string& body) {
  absl::StatusOr<JsonValue> doc = ParseJson(body);
  if (!doc.ok()) return std::nullopt;
  return *std::move(doc);
}

// The first non-empty of the error fields the venue uses.
std::string ErrorField(const JsonValue& obj) {
  for (const char* key : {"errorMsg", "error", "error_msg", "message"}) {
    std::string text = obj.StringOr(key);
    if (!text.empty()) return text;
  }
  return "";
}

bool LooksLikeHtml(const HttpResponse& r) {
  absl::string_view body = absl::StripLeadingAsciiWhitespace(r.body);
  return absl::StrContains(absl::AsciiStrToLower(r.content_type), "html") ||
         absl::StartsWith(body, "<");
}

// What an HTTP error answer said, as one line: the JSON error, or a description of the body.
std::string HttpErrorText(const HttpResponse& r) {
  if (r.status == 403 && LooksLikeHtml(r)) {
    return "HTTP 403: blocked by the venue's firewall (an HTML page, not the API)";
  }
  if (std::optional<JsonValue> doc = ParseObjectOrArray(r.body); doc && doc->is_object()) {
    std::string text = ErrorField(*doc);
    if (!text.empty()) return Printable(text);
  }
  absl::string_view body = absl::StripAsciiWhitespace(r.body);
  if (r.status == 425 && body.empty()) return "HTTP 425: the matching engine is restarting";
  if (r.status == 429 && body.empty()) return "HTTP 429 Too Many Requests";
  if (body.empty()) return absl::StrCat("HTTP ", r.status, " with an empty body");
  if (LooksLikeHtml(r)) return absl::StrCat("HTTP ", r.status, " (an HTML page, not the API)");
  return absl::StrCat("HTTP ", r.status, ": ", Printable(body));
}

enum class Window { kNone, kRetry, kDisabled };

// Whether a 425/429/503 answer is a window to wait out (PROTOCOL §7.3, §8).
Window WindowOf(const HttpResponse& r) {
  if (r.status == 425 || r.status == 429) return Window::kRetry;
  if (r.status != 503) return Window::kNone;
  std::optional<JsonValue> doc = ParseObjectOrArray(r.body);
  if (!doc || !doc->is_object()) return Window::kNone;
  std::string error = absl::AsciiStrToLower(ErrorField(*doc));
  if (absl::StrContains(error, "trading is currently disabled")) return Window::kDisabled;
  if (doc->StringOr("code") == "post_only_mode" || absl::StrContains(error, "post-only mode") ||
      absl::StrContains(error, "cancel-only")) {
    return Window::kRetry;
  }
  return Window::kNone;
}

std::optional<int64_t> Digits(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  int64_t v = 0;
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  if (!absl::SimpleAtoi(text, &v)) return std::nullopt;
  return v;
}

// How long the venue asks us to wait: Retry-After (seconds or an HTTP-date), then the body's
// retry_after_seconds, then Poly-RateLimit-Reset (unix seconds; a small number is read as a
// delay). nullopt when it gives no hint.
std::optional<absl::Duration> RetryHint(const HttpResponse& r, absl::Time now) {
  if (std::string ra = r.Header("Retry-After"); !ra.empty()) {
    if (std::optional<int64_t> s = Digits(ra)) return absl::Seconds(*s);
    absl::Time when;
    std::string err;
    if (absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(absl::StripAsciiWhitespace(ra)),
                        &when, &err)) {
      return std::max(absl::ZeroDuration(), when - now);
    }
  }
  if (std::optional<JsonValue> doc = ParseObjectOrArray(r.body); doc && doc->is_object()) {
    if (const JsonValue* v = doc->Find("retry_after_seconds");
        v != nullptr && (v->is_number() || v->is_string())) {
      absl::StatusOr<int64_t> micros = ParseJsonNumberMicros(v->text);
      if (micros.ok() && *micros >= 0) return absl::Microseconds(*micros);
    }
  }
  if (std::optional<int64_t> reset = Digits(r.Header("Poly-RateLimit-Reset"))) {
    if (*reset < 1'000'000'000) return absl::Seconds(*reset);
    return std::max(absl::ZeroDuration(), absl::FromUnixSeconds(*reset) - now);
  }
  return std::nullopt;
}

bool IsAcceptedStatus(const std::string& status) {
  return status == "live" || status == "matched" || status == "delayed";
}

// A decimal amount from the venue ("4.599999", "" for none) in micro-units.
std::optional<int64_t> DecimalMicros(const JsonValue* v) {
  if (v == nullptr || v->is_null()) return 0;
  if (!v->is_string() && !v->is_number()) return std::nullopt;
  if (v->is_string() && absl::StripAsciiWhitespace(v->text).empty()) return 0;
  absl::StatusOr<RoundedMicros> micros = ParseJsonNumberRounded(
      std::string(absl::StripAsciiWhitespace(v->text)), 6, Rounding::kTowardZero);
  if (!micros.ok() || micros->micros < 0) return std::nullopt;
  return micros->micros;
}

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

PostResult Classify(const JsonValue& entry) {
  PostResult r;
  if (!entry.is_object()) {
    r.outcome = PostOutcome::kAmbiguous;
    r.error =
        absl::StrCat("venue: an order's answer is ", JsonKindName(entry.kind), ", not an object");
    r.reason =
        "The venue's answer could not be read, so the order may or may not be placed; "
        "it will be confirmed by its hash.";
    return r;
  }
  const JsonValue* success = entry.Find("success");
  bool ok = success != nullptr && success->is_bool() && success->boolean;
  std::string error = ErrorField(entry);
  r.order_id = entry.StringOr("orderID");
  std::string status = absl::AsciiStrToLower(entry.StringOr("status"));
  if (ok && error.empty() && !r.order_id.empty() && IsAcceptedStatus(status)) {
    r.outcome = PostOutcome::kAccepted;
    r.status = status;
    r.making = DecimalMicros(entry.Find("makingAmount")).value_or(0);
    r.taking = DecimalMicros(entry.Find("takingAmount")).value_or(0);
    if (const JsonValue* ids = entry.Find("tradeIDs"); ids != nullptr && ids->is_array()) {
      for (const JsonValue& id : ids->items) {
        if (id.is_string() && !id.text.empty()) r.trade_ids.push_back(id.text);
      }
    }
    return r;
  }
  r.outcome = PostOutcome::kRejected;
  if (!error.empty()) {
    r.error = Printable(error);
  } else if (!ok) {
    r.error = "success false without an error message";
  } else if (r.order_id.empty()) {
    r.error = "an answer without an orderID";
  } else {
    r.error = absl::StrCat("status ", status.empty() ? "missing" : Printable(status));
  }
  r.reason = TraderReason(r.error);
  // The engine failed while running the order: it may have matched (PROTOCOL §7.2).
  std::string lower = absl::AsciiStrToLower(r.error);
  if (absl::StrContains(lower, "execution_error") ||
      absl::StrContains(lower, "could not run the execution")) {
    r.outcome = PostOutcome::kAmbiguous;
  }
  return r;
}

std::vector<PostResult> All(size_t count, PostOutcome outcome, const std::string& error,
                            const std::string& reason) {
  PostResult r;
  r.outcome = outcome;
  r.error = error;
  r.reason = reason;
  return {count, r};
}

bool IsSalt(const std::string& salt) {
  std::optional<int64_t> v = Digits(salt);
  return v.has_value() && *v < kMaxSalt && (salt.size() == 1 || salt[0] != '0');
}

bool IsHash(const std::string& hash) {
  if (hash.size() < 3 || hash.size() > 130 || !absl::StartsWith(hash, "0x")) return false;
  return std::all_of(hash.begin() + 2, hash.end(),
                     [](char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); });
}

bool IsTokenId(const std::string& id) {
  return !id.empty() && id.size() <= 80 && std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

std::string QueryEscape(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%",
                      absl::AsciiStrToUpper(absl::StrCat(absl::Hex(c, absl::kZeroPad2))));
    }
  }
  return out;
}

absl::Status Malformed(const std::string& endpoint, absl::string_view why) {
  return absl::InternalError(absl::StrCat("venue: malformed answer from ", endpoint, ": ", why));
}

// The status of a non-2xx answer to a read or an auth call.
absl::Status HttpStatusError(const std::string& endpoint, const HttpResponse& r) {
  std::string text = absl::StrCat("venue: ", endpoint, ": ", HttpErrorText(r));
  if (r.status == 401) return absl::UnauthenticatedError(text);
  if (r.status == 403) return absl::PermissionDeniedError(text);
  if (r.status == 404) return absl::NotFoundError(text);
  if (r.status == 425 || r.status == 429 || r.status >= 500) return absl::UnavailableError(text);
  return absl::InvalidArgumentError(text);
}

}  // namespace

ClobVenue::ClobVenue(ClobVenueOptions options, market::HttpTransport& transport, const Clock& clock)
    : options_(std::move(options)), transport_(transport), clock_(clock) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') {
    options_.base_url.pop_back();
  }
  if (options_.batch_size == 0) options_.batch_size = 1;
}

void ClobVenue::Sleep(absl::Duration d) const {
  if (d <= absl::ZeroDuration()) return;
  if (options_.sleep) {
    options_.sleep(d);
  } else {
    std::this_thread::sleep_for(absl::ToChronoMicroseconds(d));
  }
}

void ClobVenue::SetCredentials(const ApiCredentials& credentials, const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  OPENSSL_cleanse(credentials_.secret.data(), credentials_.secret.size());
  OPENSSL_cleanse(credentials_.passphrase.data(), credentials_.passphrase.size());
  credentials_ = credentials;
  address_ = address;
}

std::string ClobVenue::ApiKey() const {
  std::lock_guard<std::mutex> lock(mu_);
  return credentials_.api_key;
}

std::optional<ClobVenue::Signed> ClobVenue::Credentials() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (credentials_.api_key.empty()) return std::nullopt;
  return Signed{credentials_, address_};
}

absl::StatusOr<HttpResponse> ClobVenue::SendL1(const std::string& method, const std::string& path,
                                               const L1Auth& auth) {
  HttpRequest request;
  request.method = method;
  request.url = options_.base_url + path;
  request.headers = {{"POLY_ADDRESS", auth.address},
                     {"POLY_SIGNATURE", auth.signature},
                     {"POLY_TIMESTAMP", auth.timestamp},
                     {"POLY_NONCE", auth.nonce}};
  absl::StatusOr<HttpResponse> resp = transport_.Perform(request);
  if (!resp.ok()) {
    return absl::UnavailableError(
        absl::StrCat("venue: ", method, " ", path, ": ", resp.status().message()));
  }
  return resp;
}

absl::StatusOr<ApiCredentials> ClobVenue::DeriveOrCreateApiKey(const L1Auth& auth) {
  std::string endpoint = "GET /auth/derive-api-key";
  absl::StatusOr<HttpResponse> resp = SendL1("GET", "/auth/derive-api-key", auth);
  if (!resp.ok()) return resp.status();
  if (resp->status == 400 &&
      absl::StrContains(absl::AsciiStrToLower(HttpErrorText(*resp)), "could not derive api key")) {
    endpoint = "POST /auth/api-key";
    resp = SendL1("POST", "/auth/api-key", auth);
    if (!resp.ok()) return resp.status();
  }
  if (resp->status == 401) {
    return absl::UnauthenticatedError(absl::StrCat("venue: ", endpoint,
                                                   " refused the L1 headers of ", auth.address,
                                                   ": ", HttpErrorText(*resp)));
  }
  if (resp->status < 200 || resp->status > 299) return HttpStatusError(endpoint, *resp);
  if (resp->body.size() > options_.max_response_bytes) {
    return Malformed(endpoint, "the answer is too large");
  }
  // The answer holds the secret: no part of it goes into a message.
  absl::StatusOr<JsonValue> doc = ParseJson(resp->body);
  OPENSSL_cleanse(resp->body.data(), resp->body.size());
  if (!doc.ok() || !doc->is_object()) return Malformed(endpoint, "not a JSON object");
  ApiCredentials key;
  key.api_key = doc->StringOr("apiKey");
  key.secret = doc->StringOr("secret");
  key.passphrase = doc->StringOr("passphrase");
  for (JsonValue& member : doc->members) OPENSSL_cleanse(member.text.data(), member.text.size());
  if (key.api_key.empty() || key.secret.empty() || key.passphrase.empty()) {
    return Malformed(endpoint, "apiKey, secret and passphrase must all be non-empty strings");
  }
  if (!IsBase64Secret(key.secret)) return Malformed(endpoint, "the secret is not base64");
  return key;
}

std::vector<PostResult> ClobVenue::PostWithRetries(const Signed& who, const std::string& path,
                                                   const std::string& body, size_t count,
                                                   absl::Time deadline) {
  absl::Duration backoff = options_.first_backoff;
  while (true) {
    auto headers = L2Headers(who.credentials, who.address, absl::ToUnixSeconds(clock_.Now()),
                             "POST", path, body);
    if (!headers.ok()) {
      return All(count, PostOutcome::kNotAccepted, std::string(headers.status().message()),
                 "The API credentials are unusable, so nothing was sent; load valid ones.");
    }
    HttpRequest request;
    request.method = "POST";
    request.url = options_.base_url + path;
    request.body = body;
    request.headers = *std::move(headers);
    absl::StatusOr<HttpResponse> resp = transport_.Perform(request);
    if (!resp.ok()) {
      std::string error = absl::StrCat("venue: POST ", path, ": ", resp.status().message());
      if (!market::RequestMayHaveBeenSent(resp.status())) {
        return All(count, PostOutcome::kNotAccepted, error,
                   "The venue could not be reached, so nothing was sent; the same signed order "
                   "can be posted again.");
      }
      return All(count, PostOutcome::kAmbiguous, error,
                 "The connection failed after the order was sent, so the venue may or may not "
                 "hold it; it must be confirmed by its hash before anything is posted again.");
    }
    const HttpResponse& r = *resp;
    bool oversized = r.body.size() > options_.max_response_bytes;
    if (r.status >= 200 && r.status <= 299) {
      std::optional<JsonValue> doc;
      if (!oversized) doc = ParseObjectOrArray(r.body);
      std::string why = oversized ? "the answer is too large" : !doc ? "not JSON" : "";
      if (doc) {
        if (count == 1 && path == "/order") {
          if (doc->is_object()) return {Classify(*doc)};
          why = "not an object";
        } else if (!doc->is_array()) {
          why = "not an array";
        } else if (doc->items.size() != count) {
          why = absl::StrCat(doc->items.size(), " answers for ", count, " orders");
        } else {
          std::vector<PostResult> results;
          for (const JsonValue& entry : doc->items) results.push_back(Classify(entry));
          return results;
        }
      }
      return All(
          count, PostOutcome::kAmbiguous,
          absl::StrCat("venue: malformed answer from POST ", path, " (HTTP ", r.status, "): ", why),
          "The venue answered but its answer could not be read, so the order may or may "
          "not be placed; it must be confirmed by its hash.");
    }
    std::string error =
        oversized ? absl::StrCat("HTTP ", r.status, " (answer too large)") : HttpErrorText(r);
    Window window = oversized ? Window::kNone : WindowOf(r);
    if (window == Window::kDisabled) {
      return All(count, PostOutcome::kNotAccepted, error, TraderReason(error));
    }
    if (window == Window::kRetry || (oversized && (r.status == 425 || r.status == 429))) {
      absl::Time now = clock_.Now();
      std::optional<absl::Duration> hint = oversized ? std::nullopt : RetryHint(r, now);
      absl::Duration wait = hint && *hint > absl::ZeroDuration() ? *hint : backoff;
      if (now + wait >= deadline) {
        return All(count, PostOutcome::kNotAccepted, error, TraderReason(error));
      }
      Sleep(wait);
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    if (r.status >= 400 && r.status <= 499) {
      return All(count, PostOutcome::kRejected, error, TraderReason(error));
    }
    // 5xx (other than the windows above), or an answer HTTP does not expect here.
    return All(count, PostOutcome::kAmbiguous, absl::StrCat("venue: POST ", path, ": ", error),
               "The venue failed after receiving the order, so it may or may not hold it; it "
               "must be confirmed by its hash before anything is posted again.");
  }
}

std::vector<PostResult> ClobVenue::PostOrders(const std::vector<WireOrder>& orders,
                                              absl::Time deadline) {
  std::vector<PostResult> results(orders.size());
  std::optional<Signed> who = Credentials();
  if (!who) {
    return All(orders.size(), PostOutcome::kNotAccepted,
               "venue: no API credentials (SetCredentials was not called)",
               "The OMS has no API key for the venue yet, so nothing was sent.");
  }
  std::vector<size_t> sendable;
  for (size_t i = 0; i < orders.size(); ++i) {
    if (IsSalt(orders[i].salt)) {
      sendable.push_back(i);
    } else {
      results[i].outcome = PostOutcome::kRejected;
      results[i].error = "venue: the order's salt is not a decimal below 2^53";
      results[i].reason = "The order was built wrongly (its salt), so it was not sent; report it.";
    }
  }
  if (orders.size() == 1 && sendable.size() == 1) {
    results[0] = PostWithRetries(*who, "/order", OrderBodyJson(orders[0], who->credentials.api_key),
                                 1, deadline)[0];
    return results;
  }
  for (size_t start = 0; start < sendable.size(); start += options_.batch_size) {
    size_t end = std::min(sendable.size(), start + options_.batch_size);
    std::string body = "[";
    for (size_t k = start; k < end; ++k) {
      if (k > start) body.push_back(',');
      body += OrderBodyJson(orders[sendable[k]], who->credentials.api_key);
    }
    body.push_back(']');
    std::vector<PostResult> batch = PostWithRetries(*who, "/orders", body, end - start, deadline);
    for (size_t k = start; k < end; ++k) results[sendable[k]] = std::move(batch[k - start]);
  }
  return results;
}

absl::StatusOr<std::string> ClobVenue::GetL2(const std::string& path, const std::string& query,
                                             absl::Time deadline) {
  std::optional<Signed> who = Credentials();
  std::string endpoint = absl::StrCat("GET ", path);
  if (!who) {
    return absl::FailedPreconditionError(
        absl::StrCat("venue: ", endpoint, ": no API credentials (SetCredentials was not called)"));
  }
  absl::Duration backoff = options_.first_backoff;
  std::string last_error = "the deadline had passed";
  while (true) {
    absl::Time now = clock_.Now();
    if (now >= deadline) break;
    auto headers =
        L2Headers(who->credentials, who->address, absl::ToUnixSeconds(now), "GET", path, "");
    if (!headers.ok()) return headers.status();
    HttpRequest request;
    request.url = options_.base_url + path + (query.empty() ? "" : "?" + query);
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

absl::StatusOr<std::string> ClobVenue::DeleteL2(const std::string& path, const std::string& body,
                                                absl::Time deadline) {
  std::optional<Signed> who = Credentials();
  if (!who) {
    return absl::FailedPreconditionError(absl::StrCat(
        "venue: DELETE ", path, ": no API credentials (SetCredentials was not called)"));
  }
  auto headers = L2Headers(who->credentials, who->address, absl::ToUnixSeconds(clock_.Now()),
                           "DELETE", path, body);
  if (!headers.ok()) return headers.status();
  HttpRequest request;
  request.method = "DELETE";
  request.url = options_.base_url + path;
  request.body = body;
  request.headers = *std::move(headers);
  request.timeout = std::max(deadline - clock_.Now(), absl::Seconds(1));
  absl::StatusOr<HttpResponse> resp = transport_.Perform(request);
  if (!resp.ok()) {
    return absl::UnavailableError(
        absl::StrCat("venue: DELETE ", path, ": ", resp.status().message()));
  }
  if (resp->status < 200 || resp->status > 299) return HttpStatusError("DELETE " + path, *resp);
  if (resp->body.size() > options_.max_response_bytes) {
    return Malformed("DELETE " + path, "the answer is too large");
  }
  return std::move(resp->body);
}

absl::StatusOr<bool> ClobVenue::CancelOrder(const std::string& hash, absl::Time deadline) {
  if (!IsHash(hash)) {
    return absl::InvalidArgumentError(
        absl::StrCat("venue: \"", Printable(hash), "\" is not an order hash"));
  }
  absl::StatusOr<std::string> answer =
      DeleteL2("/order", absl::StrCat("{\"orderID\":\"", hash, "\"}"), deadline);
  // An id the venue does not know may be answered 404: not cancelled, as not_canceled says.
  if (answer.status().code() == absl::StatusCode::kNotFound) return false;
  OMS_ASSIGN_OR_RETURN(std::string body, std::move(answer));
  absl::StatusOr<JsonValue> doc = ParseJson(body);
  if (!doc.ok() || !doc->is_object()) return Malformed("DELETE /order", "not an object");
  // {canceled: [ids], not_canceled: {id: reason}}: cancelled only when listed in canceled.
  const JsonValue* canceled = doc->Find("canceled");
  if (canceled == nullptr || !canceled->is_array()) return false;
  for (const JsonValue& id : canceled->items) {
    if (id.is_string() && absl::EqualsIgnoreCase(id.text, hash)) return true;
  }
  return false;
}

absl::StatusOr<std::optional<VenueOrder>> ClobVenue::GetOrder(const std::string& hash,
                                                              absl::Time deadline) {
  if (!IsHash(hash)) {
    return absl::InvalidArgumentError(
        absl::StrCat("venue: \"", Printable(hash), "\" is not an order hash"));
  }
  std::string path = "/data/order/" + hash;
  std::string endpoint = "GET " + path;
  absl::StatusOr<std::string> body = GetL2(path, "", deadline);
  // Some deployments answer an unknown id with 404 rather than null.
  if (body.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
  if (!body.ok()) return body.status();
  absl::string_view text = absl::StripAsciiWhitespace(*body);
  if (text.empty() || text == "null") return std::nullopt;
  absl::StatusOr<JsonValue> doc = ParseJson(std::string(text));
  if (!doc.ok()) return Malformed(endpoint, doc.status().message());
  if (doc->is_null()) return std::nullopt;
  if (!doc->is_object()) {
    return Malformed(endpoint, absl::StrCat(JsonKindName(doc->kind), ", not an object"));
  }
  VenueOrder order;
  order.id = doc->StringOr("id");
  if (order.id.empty()) return Malformed(endpoint, "no id");
  if (!absl::EqualsIgnoreCase(order.id, hash)) {
    return Malformed(endpoint, absl::StrCat("the answer is about order ", Printable(order.id)));
  }
  std::tie(order.status, order.status_reason) = ParseVenueStatus(doc->StringOr("status"));
  if (order.status.empty()) return Malformed(endpoint, "no status");
  order.asset_id = doc->StringOr("asset_id");
  std::optional<domain::Side> side =
      domain::ParseSide(absl::AsciiStrToUpper(doc->StringOr("side")));
  if (!side) return Malformed(endpoint, "side is neither BUY nor SELL");
  order.side = *side;
  const std::pair<const char*, int64_t*> amounts[] = {{"original_size", &order.original_size},
                                                      {"size_matched", &order.size_matched},
                                                      {"price", &order.price}};
  for (const auto& [key, out] : amounts) {
    std::optional<int64_t> micros = DecimalMicros(doc->Find(key));
    if (!micros) return Malformed(endpoint, absl::StrCat(key, " is not a decimal"));
    *out = *micros;
  }
  if (const JsonValue* trades = doc->Find("associate_trades"); trades && trades->is_array()) {
    for (const JsonValue& id : trades->items) {
      if (id.is_string() && !id.text.empty()) order.associate_trades.push_back(id.text);
    }
  }
  return order;
}

absl::StatusOr<std::vector<std::string>> ClobVenue::TradesOfOrder(const std::string& hash,
                                                                  const std::string& asset_id,
                                                                  absl::Time after,
                                                                  absl::Time deadline) {
  if (!IsHash(hash)) {
    return absl::InvalidArgumentError(
        absl::StrCat("venue: \"", Printable(hash), "\" is not an order hash"));
  }
  if (!IsTokenId(asset_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("venue: \"", Printable(asset_id), "\" is not a token id"));
  }
  const std::string endpoint = "GET /data/trades";
  int64_t after_s = std::max<int64_t>(0, absl::ToUnixSeconds(after));
  std::vector<std::string> ids;
  std::set<std::string> seen_ids;
  std::set<std::string> seen_cursors;
  std::string cursor = "MA==";
  for (int page = 0;; ++page) {
    if (page >= options_.max_pages) {
      return Malformed(endpoint, absl::StrCat("more than ", options_.max_pages, " pages"));
    }
    seen_cursors.insert(cursor);
    std::string query = absl::StrCat("asset_id=", asset_id, "&after=", after_s,
                                     "&next_cursor=", QueryEscape(cursor));
    absl::StatusOr<std::string> body = GetL2("/data/trades", query, deadline);
    if (!body.ok()) return body.status();
    absl::StatusOr<JsonValue> doc = ParseJson(*body);
    if (!doc.ok()) return Malformed(endpoint, doc.status().message());
    if (!doc->is_object()) return Malformed(endpoint, "not an object");
    const JsonValue* data = doc->Find("data");
    if (data != nullptr && !data->is_null() && !data->is_array()) {
      return Malformed(endpoint, "data is not an array");
    }
    if (data != nullptr && data->is_array()) {
      for (const JsonValue& trade : data->items) {
        if (!trade.is_object()) return Malformed(endpoint, "a trade is not an object");
        bool mine = absl::EqualsIgnoreCase(trade.StringOr("taker_order_id"), hash);
        if (const JsonValue* makers = trade.Find("maker_orders"); makers && makers->is_array()) {
          for (const JsonValue& maker : makers->items) {
            if (maker.is_object() && absl::EqualsIgnoreCase(maker.StringOr("order_id"), hash)) {
              mine = true;
            }
          }
        }
        std::string id = trade.StringOr("id");
        if (mine && !id.empty() && seen_ids.insert(id).second) ids.push_back(id);
      }
    }
    std::string next = doc->StringOr("next_cursor");
    if (next.empty() || next == "LTE=") break;
    if (seen_cursors.count(next) > 0) {
      return Malformed(endpoint, absl::StrCat("next_cursor ", Printable(next), " repeats"));
    }
    cursor = next;
  }
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
  absl::StatusOr<std::string> body = GetL2("/balance-allowance", query, deadline);
  if (!body.ok()) return body.status();
  absl::StatusOr<JsonValue> doc = ParseJson(*body);
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

absl::StatusOr<std::vector<VenueOrder>> ClobVenue::ListOpenOrders(absl::Time) {
  return absl::UnimplementedError("ListOpenOrders");
}
absl::StatusOr<std::vector<VenueFill>> ClobVenue::ListFills(const std::set<std::string>&,
                                                            absl::Time, absl::Time) {
  return absl::UnimplementedError("ListFills");
}
absl::StatusOr<CancelAnswer> ClobVenue::CancelOrders(const std::vector<std::string>&,
                                                     absl::Time) {
  return absl::UnimplementedError("CancelOrders");
}
absl::StatusOr<CancelAnswer> ClobVenue::CancelAll(absl::Time) {
  return absl::UnimplementedError("CancelAll");
}

}  // namespace betteroms::venue
