#include "common/version.h"

#include "common/git_revision.h"  // generated at build time

namespace betteroms {

const char* GitRevision() { return BETTEROMS_GIT_REVISION; }

std::string VersionLine(const std::string& binary) { return binary + " " + GitRevision(); }

}  // namespace betteroms
