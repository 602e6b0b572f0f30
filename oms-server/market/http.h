// HTTP for venue calls: a small transport interface and its libcurl implementation.
//
// Transport failures say whether the request may have reached the server, because a POST that
// may have landed must never be re-signed as a new order (PROTOCOL §13.3):
//   Unavailable       nothing was sent: the connection never opened (name resolution, refused,
//                     connect timeout, TLS handshake).
//   InvalidArgument   nothing was sent: the request was refused locally (a header with a line
//                     break, an unsupported method).
//   DeadlineExceeded  the request started and then timed out: it may have been sent.
//   Unknown           the connection broke after the request started (reset, closed, truncated
//                     answer): it may have been sent.
//   ResourceExhausted the answer was larger than the transport takes (CurlOptions::
//                     max_body_bytes) and was dropped: the request was sent.
// Any other code counts as "may have been sent". RequestMayHaveBeenSent() reads a status so.
// An HTTP answer, whatever its status code, is a successful response.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace betteroms::market {

// Header lines in the order they were written or received; names compare case-insensitively.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET, POST or DELETE
  std::string url;
  std::string body;  // sent when non-empty (POST sends it even when empty)
  HttpHeaders headers;
  // Caps the transport's own total timeout for this request; zero keeps the transport's.
  absl::Duration timeout = absl::ZeroDuration();
};

struct HttpResponse {
  int status = 0;  // HTTP status code
  std::string body;
  std::string content_type;
  HttpHeaders headers;  // of the final response

  // The first header named `name` (any case), or "".
  std::string Header(absl::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (absl::EqualsIgnoreCase(key, name)) return value;
    }
    return "";
  }
};

// False when a failed request certainly never reached the server (see the codes above).
inline bool RequestMayHaveBeenSent(const absl::Status& status) {
  return !status.ok() && status.code() != absl::StatusCode::kUnavailable &&
         status.code() != absl::StatusCode::kInvalidArgument;
}

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Performs one request. Failures are coded as the file's header describes.
  virtual absl::StatusOr<HttpResponse> Perform(const HttpRequest& request) = 0;

  // A request without headers of its own.
  absl::StatusOr<HttpResponse> Request(const std::string& method, const std::string& url,
                                       const std::string& body) {
    HttpRequest request;
    request.method = method;
    request.url = url;
    request.body = body;
    return Perform(request);
  }
};

struct CurlOptions {
  absl::Duration connect_timeout = absl::Seconds(3);
  absl::Duration total_timeout = absl::Seconds(10);
  // Larger answers are dropped (ResourceExhausted): a venue answer is untrusted input.
  size_t max_body_bytes = 16 << 20;
};

class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(CurlOptions options = {});
  absl::StatusOr<HttpResponse> Perform(const HttpRequest& request) override;

 private:
  CurlOptions options_;
};

}  // namespace betteroms::market
