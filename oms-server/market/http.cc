#include "oms-server/market/http.h"

#include <curl/curl.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace betteroms::market {
namespace {

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// curl_global_init is not thread-safe: run it once before any handle exists.
void InitCurlOnce() {
  static const bool kInit = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)kInit;
}

}  // namespace

CurlTransport::CurlTransport(CurlOptions options) : options_(options) { InitCurlOnce(); }

absl::StatusOr<HttpResponse> CurlTransport::Request(const std::string& method,
                                                    const std::string& url,
                                                    const std::string& body) {
  // One handle per thread: thread-safe, and its connection cache keeps the TLS session to the
  // venue alive between requests (a new HTTPS handshake costs far more than the request).
  thread_local std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                                        &curl_easy_cleanup);
  if (!curl) return absl::ResourceExhaustedError("http: cannot create a curl handle");
  CURL* h = curl.get();
  curl_easy_reset(h);  // clears options, keeps connections
  HttpResponse resp;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr,
                                                                      &curl_slist_free_all);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.total_timeout)));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "betteroms/0.1");
  if (method == "POST") {
    headers.reset(curl_slist_append(nullptr, "Content-Type: application/json"));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  } else if (method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(
        absl::StrCat("timed out after ", absl::FormatDuration(options_.total_timeout)));
  }
  if (rc != CURLE_OK) return absl::UnavailableError(curl_easy_strerror(rc));
  long code = 0;  // NOLINT(google-runtime-int): curl's API writes a long
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  resp.status = static_cast<int>(code);
  char* type = nullptr;
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
  if (type != nullptr) resp.content_type = type;
  return resp;
}

}  // namespace betteroms::market
