#include "clients/omsctl/rpc.h"

#include <chrono>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/file.h"

namespace betteroms::omsctl {

int ExitFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kOk;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::OUT_OF_RANGE:
      return kInvalidInput;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kUnavailable;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return kConflict;
    default:
      return kRunFailed;
  }
}

int UsageError(const absl::Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  return kInvalidInput;
}

absl::Status Client::Connect() {
  if (tried_) return connected_;
  tried_ = true;
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!options_.tls_ca.empty()) {
    absl::StatusOr<std::string> pem = ReadFlagFile(options_.tls_ca, "--tls-ca");
    if (!pem.ok()) {
      connected_ = absl::InvalidArgumentError(pem.status().message());  // a usage error
      return connected_;
    }
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = *std::move(pem);
    credentials = grpc::SslCredentials(ssl);
  }
  if (!options_.auth_token_file.empty()) {
    absl::StatusOr<std::string> token = ReadFlagFile(options_.auth_token_file, "--auth-token-file");
    if (!token.ok()) {
      connected_ = absl::InvalidArgumentError(token.status().message());  // a usage error
      return connected_;
    }
    bearer_ = "Bearer " + std::string(absl::StripAsciiWhitespace(*token));
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  channel_ = grpc::CreateCustomChannel(options_.server, credentials, args);
  stub_ = v1::OrderManager::NewStub(channel_);
  connected_ = absl::OkStatus();
  return connected_;
}

std::unique_ptr<grpc::ClientContext> Client::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>(options_.timeout_seconds * 1000)));
  if (!bearer_.empty()) context->AddMetadata("authorization", bearer_);
  return context;
}

int Client::Error(const grpc::Status& status) const {
  std::string message = status.error_message();
  // gRPC's own words for a refused connection send people looking in the wrong place.
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
      (absl::StrContains(message, "failed to connect") ||
       absl::StrContains(message, "Connection refused") ||
       absl::StrContains(message, "connections to all backends failing"))) {
    message = absl::StrCat("cannot reach oms-server at ", options_.server,
                           " (is it running? set --server or BETTEROMS_SERVER)");
  } else if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    message = absl::StrCat("oms-server at ", options_.server, " did not answer within ",
                           options_.timeout_seconds, "s");
  }
  std::cerr << "error: " << message << "\n";
  return ExitFor(status.error_code());
}

}  // namespace betteroms::omsctl
