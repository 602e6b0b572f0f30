// How ClobVenue reads the venue's HTTP answers (PROTOCOL §6-§8): the error text of a failed
// answer, restart and rate-limit windows and how long they ask us to wait, the status a failed
// read maps to; and what may go into a request's path, query or body. Internal to the venue
// client; pure text in, text or status out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/json.h"
#include "oms-server/market/http.h"

namespace betteroms::venue {

// The venue's text as it may appear in a message: printable ASCII, at most 300 characters.
std::string Printable(absl::string_view text);

// `body` parsed as JSON, or nullopt when it is not JSON.
std::optional<JsonValue> ParseObjectOrArray(const std::string& body);

// The first non-empty of the error fields the venue uses (errorMsg, error, error_msg, message).
std::string ErrorField(const JsonValue& obj);

// What an HTTP error answer said, as one line: the JSON error, or a description of the body.
std::string HttpErrorText(const market::HttpResponse& r);

enum class Window { kNone, kRetry, kDisabled };

// Whether a 425/429/503 answer is a window to wait out (PROTOCOL §7.3, §8).
Window WindowOf(const market::HttpResponse& r);

// Up to 18 decimal digits (surrounding ASCII whitespace allowed), or nullopt.
std::optional<int64_t> Digits(absl::string_view text);

// How long the venue asks us to wait: Retry-After (seconds or an HTTP-date), then the body's
// retry_after_seconds, then Poly-RateLimit-Reset (unix seconds; a small number is read as a
// delay). nullopt when it gives no hint.
std::optional<absl::Duration> RetryHint(const market::HttpResponse& r, absl::Time now);

// Internal "venue: malformed answer from <endpoint>: <why>": the venue's fault, not the caller's.
absl::Status Malformed(const std::string& endpoint, absl::string_view why);

// The status of a non-2xx answer to a read, a cancel or an auth call: 401 Unauthenticated, 403
// PermissionDenied, 404 NotFound, 425/429/5xx Unavailable, another 4xx InvalidArgument; the
// message names the endpoint and carries the venue's text.
absl::Status HttpStatusError(const std::string& endpoint, const market::HttpResponse& r);

// An order hash as it may go into a path or a body: 0x and hex digits.
bool IsHash(const std::string& hash);
// A decimal token id as it may go into a query.
bool IsTokenId(const std::string& id);
// Percent-encodes everything but RFC 3986's unreserved characters.
std::string QueryEscape(absl::string_view text);

}  // namespace betteroms::venue
