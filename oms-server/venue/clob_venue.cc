// ClobVenue, part one: construction, credentials, the L1 /auth/* calls and posting orders, whose
// retries must never turn an ambiguous POST into a second order (PROTOCOL §7, §13.3). Reads and
// cancels, which are safe to repeat, are in clob_venue_reads.cc.
#include "oms-server/venue/clob_venue.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/json.h"
#include "oms-server/venue/l2_auth.h"
#include "oms-server/venue/venue_errors.h"
#include "oms-server/venue/venue_http.h"
#include "oms-server/venue/venue_json.h"

namespace betteroms::venue {
namespace {

using market::HttpRequest;
using market::HttpResponse;

constexpr int64_t kMaxSalt = int64_t{1} << 53;

bool IsAcceptedStatus(const std::string& status) {
  return status == "live" || status == "matched" || status == "delayed";
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

}  // namespace betteroms::venue
