// Who is who, from key and certificate bytes: the key's Ethereum address and a client
// certificate's fingerprint. No gRPC here.
#pragma once

#include <secp256k1.h>

#include <string>
#include <utility>

#include "signer/key/secret_key.h"

namespace betteroms::signer {

// The EIP-55 address of `key`; empty when the key is not a valid secp256k1 secret.
std::string AddressOf(const secp256k1_context* ctx, const key::SecretKey& key);

// SHA-256 fingerprint (lower-case hex) and subject of a PEM certificate; empty when unreadable.
std::pair<std::string, std::string> CertificateIdentity(const std::string& pem);

}  // namespace betteroms::signer
