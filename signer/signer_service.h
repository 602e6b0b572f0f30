// The signer's gRPC service. GetIdentity answers; signing arrives with the signer issue and
// answers UNIMPLEMENTED until then.
#pragma once

#include <secp256k1.h>

#include <string>

#include "betteroms/signer/v1/signer.grpc.pb.h"
#include "signer/key/secret_key.h"

namespace betteroms::signer {

class SignerService final : public signer::v1::Signer::Service {
 public:
  // Takes the key; derives the address with one randomised secp256k1 context.
  SignerService(key::SecretKey key, uint64_t chain_id);
  ~SignerService() override;

  const std::string& address() const { return address_; }

  grpc::Status GetIdentity(grpc::ServerContext*, const signer::v1::GetIdentityRequest*,
                           signer::v1::Identity* resp) override;
  grpc::Status SignOrder(grpc::ServerContext*, const signer::v1::SignOrderRequest*,
                         signer::v1::SignOrderResponse*) override;
  grpc::Status SignClobAuth(grpc::ServerContext*, const signer::v1::SignClobAuthRequest*,
                            signer::v1::SignClobAuthResponse*) override;

 private:
  key::SecretKey key_;
  uint64_t chain_id_;
  secp256k1_context* ctx_;
  std::string address_;
};

// The EIP-55 address of `key`.
std::string AddressOf(const secp256k1_context* ctx, const key::SecretKey& key);

}  // namespace betteroms::signer
