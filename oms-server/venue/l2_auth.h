// L2 authentication (PROTOCOL §4): the POLY_SIGNATURE HMAC over timestamp, method, path and body,
// and the five headers every trading and account request carries. Secrets never appear in a
// message this file returns.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "oms-server/venue/venue.h"

namespace betteroms::venue {

// base64url(HMAC-SHA256(base64-decode(secret), timestamp + method + request_path + body)), with
// the '=' padding kept. The secret may use either base64 alphabet, with or without padding.
// `request_path` excludes the host and the query string; `body` is the exact bytes sent ("" for
// none). InvalidArgument (not naming the secret) when the secret is not base64.
absl::StatusOr<std::string> L2Signature(absl::string_view secret, int64_t timestamp,
                                        absl::string_view method, absl::string_view request_path,
                                        absl::string_view body);

// POLY_ADDRESS (the signer address the key belongs to), POLY_SIGNATURE, POLY_TIMESTAMP,
// POLY_API_KEY, POLY_PASSPHRASE, in that order. Errors as L2Signature.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> L2Headers(
    const ApiCredentials& credentials, const std::string& address, int64_t timestamp,
    absl::string_view method, absl::string_view request_path, absl::string_view body);

// True when `secret` decodes as base64 in either alphabet (what L2Signature accepts).
bool IsBase64Secret(absl::string_view secret);

}  // namespace betteroms::venue
