#include <grpcpp/grpcpp.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "betteroms/signer/v1/signer.grpc.pb.h"
#include "common/file.h"
#include "common/log.h"
#include "common/net.h"
#include "common/status_macros.h"
#include "oms-server/signer_client/order_signer.h"

namespace betteroms::signer_client {
namespace {

// The signer's refusals keep their words; a signer that cannot be reached is said so plainly
// (gRPC's transport text goes to the log: it reads like the OMS itself were down).
absl::Status FromGrpc(const grpc::Status& st, const std::string& address) {
  if (st.error_code() == grpc::StatusCode::UNAVAILABLE) {
    LogWarn("signer unavailable", {{"address", address}, {"error", st.error_message()}});
    return absl::UnavailableError(
        absl::StrCat("signer: oms-signer at ", address,
                     " does not answer (is it running, and do its mTLS files match the OMS's?)"));
  }
  return {static_cast<absl::StatusCode>(st.error_code()),
          absl::StrCat("signer: ", st.error_message())};
}

class GrpcSigner : public OrderSigner {
 public:
  GrpcSigner(const std::shared_ptr<grpc::Channel>& channel, SignerClientOptions options)
      : stub_(signer::v1::Signer::NewStub(channel)), options_(std::move(options)) {}

  absl::StatusOr<SignerIdentity> Identity() override {
    grpc::ClientContext ctx;
    ctx.set_deadline(Deadline());
    signer::v1::Identity id;
    grpc::Status st = stub_->GetIdentity(&ctx, {}, &id);
    if (!st.ok()) return FromGrpc(st, options_.address);
    return SignerIdentity{id.address(), id.chain_id(), id.policy_summary()};
  }

  absl::StatusOr<SignedOrder> Sign(const signer::v1::SignOrderRequest& request) override {
    grpc::ClientContext ctx;
    ctx.set_deadline(Deadline());
    signer::v1::SignOrderResponse resp;
    grpc::Status st = stub_->SignOrder(&ctx, request, &resp);
    if (!st.ok()) return FromGrpc(st, options_.address);
    return SignedOrder{resp.order_hash(), resp.signature()};
  }

  absl::StatusOr<ClobAuthSignature> SignClobAuth(uint64_t chain_id, const std::string& timestamp,
                                                 const std::string& nonce) override {
    grpc::ClientContext ctx;
    ctx.set_deadline(Deadline());
    signer::v1::SignClobAuthRequest request;
    request.set_chain_id(chain_id);
    request.set_timestamp(timestamp);
    request.set_nonce(nonce);
    signer::v1::SignClobAuthResponse resp;
    grpc::Status st = stub_->SignClobAuth(&ctx, request, &resp);
    if (!st.ok()) return FromGrpc(st, options_.address);
    return ClobAuthSignature{resp.address(), resp.signature()};
  }

  std::string Endpoint() const override {
    return absl::StrCat(options_.address, options_.ca_file.empty() ? "" : " (mTLS)");
  }

 private:
  std::chrono::system_clock::time_point Deadline() const {
    return std::chrono::system_clock::now() + absl::ToChronoMilliseconds(options_.deadline);
  }

  std::unique_ptr<signer::v1::Signer::Stub> stub_;
  SignerClientOptions options_;
};

// A Unix socket, or a loopback address decided on the address itself.
bool IsLocal(const std::string& address) {
  return absl::StartsWith(address, "unix:") || IsLoopbackAddress(address);
}

}  // namespace

absl::StatusOr<std::unique_ptr<OrderSigner>> MakeGrpcSigner(const SignerClientOptions& options) {
  bool any_tls =
      !options.ca_file.empty() || !options.cert_file.empty() || !options.key_file.empty();
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (any_tls) {
    grpc::SslCredentialsOptions ssl;
    // Some TLS files were given: all three are needed.
    OMS_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFlagFile(options.ca_file, "--signer-ca"));
    OMS_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFlagFile(options.cert_file, "--signer-cert"));
    OMS_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFlagFile(options.key_file, "--signer-key"));
    creds = grpc::SslCredentials(ssl);
  } else if (IsLocal(options.address)) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    return absl::InvalidArgumentError(absl::StrCat("the signer at ", options.address,
                                                   " is not on this host: give --signer-ca, "
                                                   "--signer-cert and --signer-key for mTLS"));
  }
  return std::unique_ptr<OrderSigner>(
      new GrpcSigner(grpc::CreateChannel(options.address, creds), options));
}

}  // namespace betteroms::signer_client
