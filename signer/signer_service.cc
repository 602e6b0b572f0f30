#include "signer/signer_service.h"

#include <openssl/rand.h>

#include "signer/crypto/address.h"

namespace betteroms::signer {

std::string AddressOf(const secp256k1_context* ctx, const key::SecretKey& key) {
  secp256k1_pubkey pubkey;
  if (secp256k1_ec_pubkey_create(ctx, &pubkey, key.data()) != 1) return "";
  return crypto::ChecksumAddress(crypto::AddressFromPublicKey(ctx, pubkey));
}

SignerService::SignerService(key::SecretKey key, uint64_t chain_id)
    : key_(std::move(key)),
      chain_id_(chain_id),
      ctx_(secp256k1_context_create(SECP256K1_CONTEXT_NONE)) {
  // Randomise once against side channels, as libsecp256k1 recommends.
  unsigned char seed[32];
  if (RAND_bytes(seed, sizeof(seed)) == 1) {
    int randomized = secp256k1_context_randomize(ctx_, seed);
    (void)randomized;
  }
  address_ = AddressOf(ctx_, key_);
}

SignerService::~SignerService() { secp256k1_context_destroy(ctx_); }

grpc::Status SignerService::GetIdentity(grpc::ServerContext*, const signer::v1::GetIdentityRequest*,
                                        signer::v1::Identity* resp) {
  resp->set_address(address_);
  resp->set_chain_id(chain_id_);
  resp->set_policy_summary("no policy loaded; signing is not available in this build");
  return grpc::Status::OK;
}

grpc::Status SignerService::SignOrder(grpc::ServerContext*, const signer::v1::SignOrderRequest*,
                                      signer::v1::SignOrderResponse*) {
  return {grpc::StatusCode::UNIMPLEMENTED, "SignOrder is not implemented yet"};
}

grpc::Status SignerService::SignClobAuth(grpc::ServerContext*,
                                         const signer::v1::SignClobAuthRequest*,
                                         signer::v1::SignClobAuthResponse*) {
  return {grpc::StatusCode::UNIMPLEMENTED, "SignClobAuth is not implemented yet"};
}

}  // namespace betteroms::signer
