#include "signer/grpc/signer_service.h"

#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/hex.h"
#include "common/metrics.h"
#include "signer/grpc/convert.h"
#include "signer/identity.h"

namespace betteroms::signer::grpc_api {
namespace {

// Ends a call refused by the policy: the status, and the refusal as data in the trailer.
void FinishRefused(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor,
                   const policy::Refusal& refusal) {
  metrics::CountRefusal(policy::RuleId(refusal.rule));
  ctx->AddTrailingMetadata(kPolicyRefusalTrailer, ToProto(refusal).SerializeAsString());
  reactor->Finish(RefusalStatus(refusal));
}

}  // namespace

absl::StatusOr<std::string> SignerService::Caller(grpc::CallbackServerContext* ctx) {
  auto auth = ctx->auth_context();
  std::vector<grpc::string_ref> pems =
      auth ? auth->FindPropertyValues("x509_pem_cert") : std::vector<grpc::string_ref>{};
  if (pems.empty()) return absl::StrCat("peer ", ctx->peer());  // Unix socket or loopback
  std::string pem(pems[0].data(), pems[0].size());
  std::pair<std::string, std::string> identity;
  {
    std::lock_guard<std::mutex> lock(certs_mu_);
    auto it = certs_.find(pem);
    if (it == certs_.end()) {
      if (certs_.size() > 64) certs_.clear();  // a handful of clients; never grows unbounded
      it = certs_.emplace(pem, CertificateIdentity(pem)).first;
    }
    identity = it->second;
  }
  const auto& [fingerprint, subject] = identity;
  if (!pinned_.empty() && pinned_.count(fingerprint) == 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("client certificate ", fingerprint, " (", subject, ") is not pinned"));
  }
  return absl::StrCat(subject, " sha256:", fingerprint);
}

grpc::ServerUnaryReactor* SignerService::GetIdentity(grpc::CallbackServerContext* ctx,
                                                     const v1::GetIdentityRequest*,
                                                     v1::Identity* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  absl::StatusOr<std::string> caller = Caller(ctx);
  if (caller.ok()) {
    resp->set_address(core_.address());
    resp->set_chain_id(core_.chain_id());
    resp->set_policy_summary(core_.PolicySummary());
  }
  reactor->Finish(ToGrpcStatus(caller.status()));
  return reactor;
}

grpc::ServerUnaryReactor* SignerService::SignOrder(grpc::CallbackServerContext* ctx,
                                                   const v1::SignOrderRequest* req,
                                                   v1::SignOrderResponse* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  absl::StatusOr<std::string> caller = Caller(ctx);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  absl::StatusOr<SignRequest> request = ToSignRequest(*req);
  if (!request.ok()) {
    reactor->Finish(ToGrpcStatus(request.status()));
    return reactor;
  }
  core_.SignOrderAsync(*request, *caller,
                       [ctx, reactor, resp](absl::StatusOr<SignOutcome> outcome) {
                         if (!outcome.ok()) {
                           reactor->Finish(ToGrpcStatus(outcome.status()));
                           return;
                         }
                         if (auto* refusal = std::get_if<policy::Refusal>(&*outcome)) {
                           FinishRefused(ctx, reactor, *refusal);
                           return;
                         }
                         const SignResult& result = std::get<SignResult>(*outcome);
                         metrics::CountSignature(result.replayed ? "order_replayed" : "order");
                         resp->set_order_hash("0x" + ToHex(result.order_hash));
                         resp->set_signature("0x" + ToHex(result.signature));
                         reactor->Finish(grpc::Status::OK);
                       });
  return reactor;
}

grpc::ServerUnaryReactor* SignerService::SignClobAuth(grpc::CallbackServerContext* ctx,
                                                      const v1::SignClobAuthRequest* req,
                                                      v1::SignClobAuthResponse* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  absl::StatusOr<std::string> caller = Caller(ctx);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  auto nonce = crypto::ParseUint256(req->nonce().empty() ? "0" : req->nonce());
  if (!nonce) {
    reactor->Finish({grpc::StatusCode::INVALID_ARGUMENT, "nonce must be a decimal uint256"});
    return reactor;
  }
  absl::StatusOr<ClobAuthOutcome> outcome =
      core_.SignClobAuth(req->chain_id(), req->timestamp(), *nonce, *caller);
  if (!outcome.ok()) {
    reactor->Finish(ToGrpcStatus(outcome.status()));
  } else if (auto* refusal = std::get_if<policy::Refusal>(&*outcome)) {
    FinishRefused(ctx, reactor, *refusal);
  } else {
    metrics::CountSignature("clob_auth");
    resp->set_address(core_.address());
    resp->set_signature("0x" + ToHex(std::get<crypto::Signature>(*outcome)));
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

}  // namespace betteroms::signer::grpc_api
