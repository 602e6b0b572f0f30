// Whole-file reads, for the small text files the processes load (certificates, policies, plans).
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace betteroms {

// The file's bytes. NotFound when it does not exist, PermissionDenied when it may not be read,
// InvalidArgument for a directory, Internal for other failures; the message names the path and
// the errno text ("read /etc/oms/ca.pem: No such file or directory").
absl::StatusOr<std::string> ReadFileText(const std::string& path);

// The file a command-line `flag` names (a certificate, a key, a token): its bytes, or an error
// naming the flag and the path when none is given, it cannot be read, or it holds nothing but
// whitespace ("--tls-ca: read /x.pem: No such file or directory").
absl::StatusOr<std::string> ReadFlagFile(const std::string& path, const std::string& flag);

}  // namespace betteroms
