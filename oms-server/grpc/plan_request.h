// SubmitPlan and ValidatePlan requests read from their bytes. A proto3 `string` must be UTF-8, so
// protobuf refuses a request whose plan is not, and gRPC would answer INTERNAL with no message
// after a warning on stderr. Reading the bytes first lets the server answer what the trader
// needs: INVALID_ARGUMENT, the limit or the offset of the first bad byte.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/statusor.h"
#include "betteroms/v1/oms.pb.h"

namespace betteroms::grpc_api {

// The request in `bytes` (a serialized SubmitPlanRequest or ValidatePlanRequest). Its plan_json
// passes CheckPlanText (size, UTF-8) before the message is parsed; InvalidArgument otherwise,
// or when the bytes are not a message of that type.
absl::StatusOr<v1::SubmitPlanRequest> ReadSubmitPlanRequest(const grpc::ByteBuffer& bytes);
absl::StatusOr<v1::ValidatePlanRequest> ReadValidatePlanRequest(const grpc::ByteBuffer& bytes);

}  // namespace betteroms::grpc_api
