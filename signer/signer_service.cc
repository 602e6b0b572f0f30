#include "signer/signer_service.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "common/hex.h"
#include "signer/crypto/address.h"

namespace betteroms::signer {
namespace {

grpc::Status ToGrpc(const absl::Status& st) {
  return {static_cast<grpc::StatusCode>(st.code()), std::string(st.message())};
}

grpc::Status Invalid(const std::string& field, const std::string& value) {
  return {grpc::StatusCode::INVALID_ARGUMENT,
          absl::StrCat("order.", field, ": \"", value.substr(0, 80), "\" is not valid")};
}

}  // namespace

std::string AddressOf(const secp256k1_context* ctx, const key::SecretKey& key) {
  secp256k1_pubkey pubkey;
  if (secp256k1_ec_pubkey_create(ctx, &pubkey, key.data()) != 1) return "";
  return crypto::ChecksumAddress(crypto::AddressFromPublicKey(ctx, pubkey));
}

std::pair<std::string, std::string> CertificateIdentity(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert.get(), EVP_sha256(), md, &len);
  char subject[512];
  X509_NAME_oneline(X509_get_subject_name(cert.get()), subject, sizeof(subject));
  return {ToHex({md, len}), subject};
}

grpc::Status SignerService::Caller(grpc::CallbackServerContext* ctx, std::string* caller) {
  auto auth = ctx->auth_context();
  std::vector<grpc::string_ref> pems =
      auth ? auth->FindPropertyValues("x509_pem_cert") : std::vector<grpc::string_ref>{};
  if (pems.empty()) {
    *caller = absl::StrCat("peer ", ctx->peer());  // Unix socket or loopback without TLS
    return grpc::Status::OK;
  }
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
    return {grpc::StatusCode::PERMISSION_DENIED,
            absl::StrCat("client certificate ", fingerprint, " (", subject, ") is not pinned")};
  }
  *caller = absl::StrCat(subject, " sha256:", fingerprint);
  return grpc::Status::OK;
}

grpc::Status SignerService::ToRequest(const signer::v1::SignOrderRequest& req, SignRequest* out) {
  out->intent_id = req.intent_id();
  out->chain_id = req.chain_id();
  switch (req.exchange()) {
    case signer::v1::EXCHANGE_CTF_V2:
      out->exchange = crypto::Exchange::kCtfV2;
      break;
    case signer::v1::EXCHANGE_NEG_RISK_V2:
      out->exchange = crypto::Exchange::kNegRiskV2;
      break;
    case signer::v1::EXCHANGE_V3:
      out->exchange = crypto::Exchange::kV3;
      break;
    default:
      return {grpc::StatusCode::INVALID_ARGUMENT, "exchange is not set"};
  }
  const signer::v1::Order& o = req.order();
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
  if (o.side() != signer::v1::SIDE_BUY && o.side() != signer::v1::SIDE_SELL) {
    return {grpc::StatusCode::INVALID_ARGUMENT, "order.side is not set"};
  }
  out->order = {*salt,
                *maker,
                *signer_address,
                *token,
                *maker_amount,
                *taker_amount,
                static_cast<uint8_t>(o.side() == signer::v1::SIDE_BUY ? 0 : 1),
                static_cast<uint8_t>(o.signature_type()),
                *timestamp,
                *metadata,
                *builder};
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* SignerService::GetIdentity(grpc::CallbackServerContext* ctx,
                                                     const signer::v1::GetIdentityRequest*,
                                                     signer::v1::Identity* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  std::string caller;
  grpc::Status st = Caller(ctx, &caller);
  if (st.ok()) {
    resp->set_address(core_.address());
    resp->set_chain_id(core_.chain_id());
    resp->set_policy_summary(core_.PolicySummary());
  }
  reactor->Finish(st);
  return reactor;
}

grpc::ServerUnaryReactor* SignerService::SignOrder(grpc::CallbackServerContext* ctx,
                                                   const signer::v1::SignOrderRequest* req,
                                                   signer::v1::SignOrderResponse* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  std::string caller;
  SignRequest request;
  grpc::Status st = Caller(ctx, &caller);
  if (st.ok()) st = ToRequest(*req, &request);
  if (!st.ok()) {
    reactor->Finish(st);
    return reactor;
  }
  core_.SignOrderAsync(request, caller, [reactor, resp](absl::StatusOr<SignResult> result) {
    if (!result.ok()) {
      reactor->Finish(ToGrpc(result.status()));
      return;
    }
    resp->set_order_hash("0x" + ToHex(result->order_hash));
    resp->set_signature("0x" + ToHex(result->signature));
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* SignerService::SignClobAuth(grpc::CallbackServerContext* ctx,
                                                      const signer::v1::SignClobAuthRequest* req,
                                                      signer::v1::SignClobAuthResponse* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  std::string caller;
  grpc::Status st = Caller(ctx, &caller);
  auto nonce = crypto::ParseUint256(req->nonce().empty() ? "0" : req->nonce());
  if (st.ok() && !nonce) {
    st = {grpc::StatusCode::INVALID_ARGUMENT, "nonce must be a decimal uint256"};
  }
  if (st.ok()) {
    auto sig = core_.SignClobAuth(req->chain_id(), req->timestamp(), *nonce, caller);
    if (sig.ok()) {
      resp->set_address(core_.address());
      resp->set_signature("0x" + ToHex(*sig));
    } else {
      st = ToGrpc(sig.status());
    }
  }
  reactor->Finish(st);
  return reactor;
}

}  // namespace betteroms::signer
