#include "oms-server/market/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/metrics.h"
#include "oms-server/market/endpoint.h"

namespace betteroms::market {
namespace {

// At most this many response header lines are kept: the venue sends a dozen.
constexpr size_t kMaxHeaders = 200;

struct Transfer {
  HttpResponse response;
  size_t max_body_bytes = 0;
  bool body_too_large = false;
  // Set once curl has a usable connection and is about to send the request: from then on a
  // failure may come after the server received it.
  bool request_started = false;
};

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  auto* transfer = static_cast<Transfer*>(out);
  size_t n = size * count;
  if (transfer->response.body.size() + n > transfer->max_body_bytes) {
    transfer->body_too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  transfer->response.body.append(data, n);
  return n;
}

size_t AppendHeader(char* data, size_t size, size_t count, void* out) {
  auto* transfer = static_cast<Transfer*>(out);
  size_t n = size * count;
  absl::string_view line(data, n);
  if (absl::StartsWith(line, "HTTP/")) {
    // A new status line (after a 100 Continue or an informational answer): keep the last one's.
    transfer->response.headers.clear();
    return n;
  }
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos || transfer->response.headers.size() >= kMaxHeaders) {
    return n;
  }
  transfer->response.headers.emplace_back(
      std::string(absl::StripAsciiWhitespace(line.substr(0, colon))),
      std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  return n;
}

int MarkRequestStarted(void* data, char* /*conn_primary_ip*/, char* /*conn_local_ip*/,
                       int /*conn_primary_port*/, int /*conn_local_port*/) {
  static_cast<Transfer*>(data)->request_started = true;
  return CURL_PREREQFUNC_OK;
}

bool HasLineBreak(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

// curl_global_init is not thread-safe: run it once before any handle exists.
void InitCurlOnce() {
  static const bool kInit = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)kInit;
}

// One request's latency by endpoint template and HTTP status, or how the transport failed.
void RecordRequest(CURL* h, const HttpRequest& request, CURLcode rc, const Transfer& transfer,
                   double seconds) {
  long code = 0;  // NOLINT(google-runtime-int): curl's API writes a long
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  std::string status = rc == CURLE_OK                   ? std::to_string(code)
                       : !transfer.request_started      ? "unavailable"
                       : rc == CURLE_OPERATION_TIMEDOUT ? "deadline_exceeded"
                                                        : "unknown";
  metrics::ObserveVenueHttp(request.method, EndpointTemplate(request.url), status, seconds);
}

}  // namespace

CurlTransport::CurlTransport(CurlOptions options) : options_(options) { InitCurlOnce(); }

absl::StatusOr<HttpResponse> CurlTransport::Perform(const HttpRequest& request) {
  if (request.method != "GET" && request.method != "POST" && request.method != "DELETE") {
    return absl::InvalidArgumentError(absl::StrCat("http: unsupported method ", request.method));
  }
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value) ||
        name.find(':') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("http: refused header \"", name, "\""));
    }
  }
  // One handle per thread: thread-safe, and its connection cache keeps the TLS session to the
  // venue alive between requests (a new HTTPS handshake costs far more than the request).
  thread_local std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                                        &curl_easy_cleanup);
  if (!curl) return absl::UnavailableError("http: cannot create a curl handle");
  CURL* h = curl.get();
  curl_easy_reset(h);  // clears options, keeps connections
  Transfer transfer;
  transfer.max_body_bytes = options_.max_body_bytes;
  absl::Duration timeout = options_.total_timeout;
  if (request.timeout > absl::ZeroDuration()) timeout = std::min(timeout, request.timeout);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr,
                                                                      &curl_slist_free_all);
  auto add_header = [&headers](const std::string& line) {
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next != nullptr) {
      (void)headers.release();
      headers.reset(next);
    }
  };
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(timeout)));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &AppendHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, &MarkRequestStarted);
  curl_easy_setopt(h, CURLOPT_PREREQDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "betteroms/0.1");
  bool has_body = request.method == "POST" || !request.body.empty();
  if (has_body) {
    add_header("Content-Type: application/json");
    // curl would otherwise wait for a 100 Continue before sending a body over 1 KiB (a batch).
    add_header("Expect:");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  }
  if (request.method != "GET" && request.method != "POST") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  for (const auto& [name, value] : request.headers) add_header(absl::StrCat(name, ": ", value));
  if (headers) curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  metrics::Stopwatch watch;
  CURLcode rc = curl_easy_perform(h);
  RecordRequest(h, request, rc, transfer, watch.Seconds());
  if (rc != CURLE_OK) {
    if (!transfer.request_started) {
      return absl::UnavailableError(
          absl::StrCat("http: nothing sent to ", request.url, ": ", curl_easy_strerror(rc)));
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      return absl::DeadlineExceededError(absl::StrCat("http: no answer from ", request.url,
                                                      " within ", absl::FormatDuration(timeout),
                                                      " (the request may have been received)"));
    }
    if (transfer.body_too_large) {
      return absl::ResourceExhaustedError(absl::StrCat("http: the answer from ", request.url,
                                                       " is larger than ", options_.max_body_bytes,
                                                       " bytes"));
    }
    return absl::UnknownError(absl::StrCat("http: connection to ", request.url,
                                           " failed after sending: ", curl_easy_strerror(rc),
                                           " (the request may have been received)"));
  }
  long code = 0;  // NOLINT(google-runtime-int): curl's API writes a long
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  transfer.response.status = static_cast<int>(code);
  char* type = nullptr;
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
  if (type != nullptr) transfer.response.content_type = type;
  return std::move(transfer.response);
}

}  // namespace betteroms::market
