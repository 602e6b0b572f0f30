// Deprecated include path: the gRPC service moved to signer/grpc/signer_service.h and the address
// helpers to signer/identity.h. Kept only because tests/unit/crypto_test.cc (not the signer's to
// edit) includes it for AddressOf; delete once that include reads "signer/identity.h".
#pragma once

#include "signer/identity.h"
