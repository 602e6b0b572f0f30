// The signer's gRPC edge: checks the caller (pinned client certificate when mTLS), converts the
// typed request, and maps the core's outcomes to gRPC statuses, a refusal with its rule as data.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "betteroms/signer/v1/signer.grpc.pb.h"
#include "signer/signing_core.h"

namespace betteroms::signer::grpc_api {

// Uses the callback API: a signature waiting for the disk holds no thread.
class SignerService final : public v1::Signer::CallbackService {
 public:
  // `pinned` holds allowed client-certificate SHA-256 fingerprints (lower-case hex, no colons);
  // empty = any certificate the client CA signed.
  SignerService(SigningCore& core, std::set<std::string> pinned)
      : core_(core), pinned_(std::move(pinned)) {}

  grpc::ServerUnaryReactor* GetIdentity(grpc::CallbackServerContext* ctx,
                                        const v1::GetIdentityRequest*, v1::Identity* resp) override;
  // A refusal ends with RefusalStatus and the v1::PolicyRefusal trailer (see convert.h).
  grpc::ServerUnaryReactor* SignOrder(grpc::CallbackServerContext* ctx,
                                      const v1::SignOrderRequest* req,
                                      v1::SignOrderResponse* resp) override;
  grpc::ServerUnaryReactor* SignClobAuth(grpc::CallbackServerContext* ctx,
                                         const v1::SignClobAuthRequest* req,
                                         v1::SignClobAuthResponse* resp) override;

 private:
  // The caller as the audit log names it; PermissionDenied for an unpinned certificate.
  absl::StatusOr<std::string> Caller(grpc::CallbackServerContext* ctx);

  SigningCore& core_;
  std::set<std::string> pinned_;
  // Parsed client certificates by PEM text: parsing one costs more than the rest of a call.
  std::mutex certs_mu_;
  std::map<std::string, std::pair<std::string, std::string>> certs_;
};

}  // namespace betteroms::signer::grpc_api
