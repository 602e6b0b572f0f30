#include "oms-server/grpc/plan_request.h"

#include <google/protobuf/unknown_field_set.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/plan_text.h"
#include "common/status_macros.h"

namespace betteroms::grpc_api {
namespace {

constexpr int kPlanJsonField = 1;  // plan_json in both requests

// Every field of the request, read without protobuf's UTF-8 check on strings. Each plan_json
// (the last one counts, but all are checked) must pass CheckPlanText.
template <typename Request>
absl::StatusOr<Request> Read(const grpc::ByteBuffer& buffer) {
  // The server's receive limit (a little above kMaxPlanBytes) bounds this copy.
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return absl::InvalidArgumentError("unreadable request");
  std::string bytes;
  bytes.reserve(buffer.Length());
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(bytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request is not a ", Request::descriptor()->full_name()));
  }
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& f = fields.field(i);
    if (f.number() == kPlanJsonField &&
        f.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      OMS_RETURN_IF_ERROR(CheckPlanText(f.length_delimited()));
    }
  }
  Request request;
  if (!request.ParseFromString(bytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request is not a ", Request::descriptor()->full_name()));
  }
  return request;
}

}  // namespace

absl::StatusOr<v1::SubmitPlanRequest> ReadSubmitPlanRequest(const grpc::ByteBuffer& bytes) {
  return Read<v1::SubmitPlanRequest>(bytes);
}

absl::StatusOr<v1::ValidatePlanRequest> ReadValidatePlanRequest(const grpc::ByteBuffer& bytes) {
  return Read<v1::ValidatePlanRequest>(bytes);
}

}  // namespace betteroms::grpc_api
