#include "signer/grpc/convert.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "signer/crypto/eip712.h"

namespace betteroms::signer::grpc_api {
namespace {

absl::Status Invalid(const std::string& field, const std::string& value) {
  return absl::InvalidArgumentError(
      absl::StrCat("order.", field, ": \"", value.substr(0, 80), "\" is not valid"));
}

}  // namespace

absl::StatusOr<SignRequest> ToSignRequest(const v1::SignOrderRequest& req) {
  SignRequest out;
  out.intent_id = req.intent_id();
  out.chain_id = req.chain_id();
  switch (req.exchange()) {
    case v1::EXCHANGE_CTF_V2:
      out.exchange = crypto::Exchange::kCtfV2;
      break;
    case v1::EXCHANGE_NEG_RISK_V2:
      out.exchange = crypto::Exchange::kNegRiskV2;
      break;
    case v1::EXCHANGE_V3:
      out.exchange = crypto::Exchange::kV3;
      break;
    default:
      return absl::InvalidArgumentError("exchange is not set");
  }
  const v1::Order& o = req.order();
  auto uint = [](const std::string& s) { return crypto::ParseUint256(s); };
  auto salt = uint(o.salt());
  if (!salt) return Invalid("salt", o.salt());
  auto maker = crypto::ParseAddress(o.maker());
  if (!maker) return Invalid("maker", o.maker());
  auto signer_address = crypto::ParseAddress(o.signer());
  if (!signer_address) return Invalid("signer", o.signer());
  auto token = uint(o.token_id());
  if (!token) return Invalid("token_id", o.token_id());
  auto maker_amount = uint(o.maker_amount());
  if (!maker_amount) return Invalid("maker_amount", o.maker_amount());
  auto taker_amount = uint(o.taker_amount());
  if (!taker_amount) return Invalid("taker_amount", o.taker_amount());
  auto timestamp = uint(o.timestamp());
  if (!timestamp) return Invalid("timestamp", o.timestamp());
  auto bytes32 = [](const std::string& s) {
    return s.empty() ? std::optional<crypto::Word>(crypto::Word{}) : crypto::ParseBytes32(s);
  };
  auto metadata = bytes32(o.metadata());
  if (!metadata) return Invalid("metadata", o.metadata());
  auto builder = bytes32(o.builder());
  if (!builder) return Invalid("builder", o.builder());
  if (o.side() != v1::SIDE_BUY && o.side() != v1::SIDE_SELL) {
    return absl::InvalidArgumentError("order.side is not set");
  }
  // Checked before the narrowing below: 256 must not become 0 (EOA).
  if (o.signature_type() < 0 || o.signature_type() > 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("order.signature_type ", o.signature_type(),
                     " is not 0 (EOA), 1 (proxy), 2 (safe) or 3 (POLY_1271)"));
  }
  out.order = {*salt,
               *maker,
               *signer_address,
               *token,
               *maker_amount,
               *taker_amount,
               static_cast<uint8_t>(o.side() == v1::SIDE_BUY ? 0 : 1),
               static_cast<uint8_t>(o.signature_type()),
               *timestamp,
               *metadata,
               *builder};
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  // absl and gRPC share the canonical code numbers.
  return {static_cast<grpc::StatusCode>(status.code()), std::string(status.message())};
}

v1::PolicyRefusal ToProto(const policy::Refusal& refusal) {
  v1::PolicyRefusal out;
  out.set_rule(std::string(policy::RuleId(refusal.rule)));
  out.set_message(refusal.message);
  return out;
}

grpc::Status RefusalStatus(const policy::Refusal& refusal) {
  bool rate = refusal.rule == policy::Rule::kMaxSignsPerSecond ||
              refusal.rule == policy::Rule::kMaxClobAuthsPerMinute;
  grpc::StatusCode code =
      rate ? grpc::StatusCode::RESOURCE_EXHAUSTED : grpc::StatusCode::PERMISSION_DENIED;
  return {code, absl::StrCat("policy: ", policy::RuleId(refusal.rule), ": ", refusal.message)};
}

}  // namespace betteroms::signer::grpc_api
