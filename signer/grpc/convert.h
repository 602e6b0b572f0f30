// The signer's proto ↔ signing-core conversions, and the one place its absl::Status becomes a
// grpc::Status: the typed request in, signatures and policy refusals out.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "betteroms/signer/v1/signer.pb.h"
#include "signer/policy/policy.h"
#include "signer/signing_core.h"

namespace betteroms::signer::grpc_api {

// The binary trailing-metadata key that carries a serialized v1::PolicyRefusal.
inline constexpr char kPolicyRefusalTrailer[] = "betteroms-policy-refusal-bin";

// The core's request from the wire's. InvalidArgument names the field ("order.maker: ...").
absl::StatusOr<SignRequest> ToSignRequest(const v1::SignOrderRequest& request);

// Same code, same message.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The wire form of a refusal: the rule's id and the message.
v1::PolicyRefusal ToProto(const policy::Refusal& refusal);

// PERMISSION_DENIED (RESOURCE_EXHAUSTED for max_signs_per_second) with the message
// "policy: <rule>: <message>". The trailer from ToProto goes with it.
grpc::Status RefusalStatus(const policy::Refusal& refusal);

}  // namespace betteroms::signer::grpc_api
