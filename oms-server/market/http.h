// HTTP for venue calls: a small transport interface and its libcurl implementation.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace betteroms::market {

struct HttpResponse {
  int status = 0;  // HTTP status code
  std::string body;
  std::string content_type;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Performs one request. Transport failures (refused, timeout) are Unavailable or
  // DeadlineExceeded; any HTTP status is a successful response.
  virtual absl::StatusOr<HttpResponse> Request(const std::string& method, const std::string& url,
                                               const std::string& body) = 0;
};

struct CurlOptions {
  absl::Duration connect_timeout = absl::Seconds(3);
  absl::Duration total_timeout = absl::Seconds(10);
};

class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(CurlOptions options = {});
  absl::StatusOr<HttpResponse> Request(const std::string& method, const std::string& url,
                                       const std::string& body) override;

 private:
  CurlOptions options_;
};

}  // namespace betteroms::market
