// L2 API credentials from a file (a mounted Secret): {"apiKey", "secret", "passphrase"}.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "oms-server/venue/venue.h"

namespace betteroms::venue {

// Reads and checks the credentials file. PermissionDenied, naming the file and its mode, when
// group or others may read it; NotFound when it does not exist; InvalidArgument when it is not a
// JSON object whose apiKey, secret and passphrase are non-empty strings, or the secret is not
// base64. No message ever carries the secret or the passphrase.
absl::StatusOr<ApiCredentials> LoadCredentials(const std::string& path);

}  // namespace betteroms::venue
