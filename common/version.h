// The build's identity for --version: the git revision the binary was built from.
#pragma once

#include <string>

namespace betteroms {

// `git describe --always --dirty` of the source tree at build time ("44e18ca",
// "v1.2-3-g44e18ca-dirty"), or "unknown" when it was not built from a git checkout.
const char* GitRevision();

// "<binary> <revision>", the line every binary's --version prints.
std::string VersionLine(const std::string& binary);

}  // namespace betteroms
