// The signer's gRPC edge: checks the caller (pinned client certificate when mTLS), converts the
// typed request, and maps the core's decisions to gRPC statuses.
#pragma once

#include <secp256k1.h>

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "betteroms/signer/v1/signer.grpc.pb.h"
#include "signer/key/secret_key.h"
#include "signer/signing_core.h"

namespace betteroms::signer {

// Uses the callback API: a signature waiting for the disk holds no thread.
class SignerService final : public signer::v1::Signer::CallbackService {
 public:
  // `pinned` holds allowed client-certificate SHA-256 fingerprints (hex); empty = any certificate
  // the client CA signed.
  SignerService(SigningCore& core, std::set<std::string> pinned)
      : core_(core), pinned_(std::move(pinned)) {}

  grpc::ServerUnaryReactor* GetIdentity(grpc::CallbackServerContext* ctx,
                                        const signer::v1::GetIdentityRequest*,
                                        signer::v1::Identity* resp) override;
  grpc::ServerUnaryReactor* SignOrder(grpc::CallbackServerContext* ctx,
                                      const signer::v1::SignOrderRequest* req,
                                      signer::v1::SignOrderResponse* resp) override;
  grpc::ServerUnaryReactor* SignClobAuth(grpc::CallbackServerContext* ctx,
                                         const signer::v1::SignClobAuthRequest* req,
                                         signer::v1::SignClobAuthResponse* resp) override;

 private:
  // The caller as the audit log names it; PermissionDenied for an unpinned certificate.
  grpc::Status Caller(grpc::CallbackServerContext* ctx, std::string* caller);
  // Converts the typed request; InvalidArgument names the field.
  static grpc::Status ToRequest(const signer::v1::SignOrderRequest& req, SignRequest* out);

  SigningCore& core_;
  std::set<std::string> pinned_;
  // Parsed client certificates by PEM text: parsing one costs more than the rest of a call.
  std::mutex certs_mu_;
  std::map<std::string, std::pair<std::string, std::string>> certs_;
};

// The EIP-55 address of `key`.
std::string AddressOf(const secp256k1_context* ctx, const key::SecretKey& key);

// SHA-256 fingerprint (lower-case hex) and subject of a PEM certificate; empty when unreadable.
std::pair<std::string, std::string> CertificateIdentity(const std::string& pem);

}  // namespace betteroms::signer
