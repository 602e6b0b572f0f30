#include "oms-server/venue/venue_http.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/decimal.h"

namespace betteroms::venue {
namespace {

using market::HttpResponse;

constexpr size_t kMaxErrorText = 300;

bool LooksLikeHtml(const HttpResponse& r) {
  absl::string_view body = absl::StripLeadingAsciiWhitespace(r.body);
  return absl::StrContains(absl::AsciiStrToLower(r.content_type), "html") ||
         absl::StartsWith(body, "<");
}

}  // namespace

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

std::string ErrorField(const JsonValue& obj) {
  for (const char* key : {"errorMsg", "error", "error_msg", "message"}) {
    std::string text = obj.StringOr(key);
    if (!text.empty()) return text;
  }
  return "";
}

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

absl::Status HttpStatusError(const std::string& endpoint, const HttpResponse& r) {
  std::string text = absl::StrCat("venue: ", endpoint, ": ", HttpErrorText(r));
  if (r.status == 401) return absl::UnauthenticatedError(text);
  if (r.status == 403) return absl::PermissionDeniedError(text);
  if (r.status == 404) return absl::NotFoundError(text);
  if (r.status == 425 || r.status == 429 || r.status >= 500) return absl::UnavailableError(text);
  return absl::InvalidArgumentError(text);
}

}  // namespace betteroms::venue
