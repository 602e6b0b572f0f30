#include "clients/omsctl/rpc.h"

#include <chrono>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/omsctl/output.h"
#include "common/file.h"
#include "common/net.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace betteroms::omsctl {
namespace {

// What omsctl accepts in one response's metadata: room for every violation of an invalid plan.
constexpr int kMaxMetadataBytes = 4 << 20;

}  // namespace

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

bool IsLocalServer(const std::string& target) {
  if (absl::StartsWith(target, "unix:") || absl::StartsWith(target, "unix-abstract:")) return true;
  absl::string_view host_port = target;
  for (absl::string_view scheme : {"dns:///", "ipv4:", "ipv6:"}) {
    if (absl::ConsumePrefix(&host_port, scheme)) break;
  }
  return IsLoopbackAddress(std::string(host_port));
}

std::vector<std::pair<std::string, std::string>> FieldViolations(const grpc::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return out;
  }
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& v : bad_request.field_violations()) {
      out.emplace_back(v.field(), v.description());
    }
  }
  return out;
}

std::string ErrorText(const grpc::Status& status) {
  std::vector<std::pair<std::string, std::string>> violations = FieldViolations(status);
  if (violations.empty()) return status.error_message();
  // The message lists only the first violations; the details list them all.
  const std::string& message = status.error_message();
  std::string out = message.substr(0, message.find('\n'));
  for (const auto& [field, description] : violations) {
    absl::StrAppend(&out, "\n  ", field.empty() ? "plan" : field, ": ", description);
  }
  return out;
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
    if (options_.tls_ca.empty() && !IsLocalServer(options_.server)) {
      connected_ = absl::InvalidArgumentError(absl::StrCat(
          "--auth-token-file: refusing to send the bearer token in plaintext to ", options_.server,
          ": give --tls-ca to reach it over TLS, or use a loopback address"));
      return connected_;
    }
    bearer_ = "Bearer " + std::string(absl::StripAsciiWhitespace(*token));
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  // An invalid plan's violations come back in the grpc-status-details-bin trailer: 10,000 of
  // them (the most a plan reports) take about 1 MiB, far past gRPC's default 8 KiB.
  args.SetInt(GRPC_ARG_MAX_METADATA_SIZE, kMaxMetadataBytes);
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
  // The server sends an invalid plan's violations within this many bytes (the channel accepts
  // kMaxMetadataBytes); other gRPC clients get what fits in gRPC's default 8 KiB.
  // Details travel base64-encoded: 4 bytes for every 3.
  context->AddMetadata("x-oms-max-error-details",
                       std::to_string(kMaxMetadataBytes / 4 * 3 - (64 << 10)));
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
  if (FieldViolations(status).empty()) {
    std::cerr << "error: " << message << "\n";
  } else {
    std::cerr << "error: " << ErrorText(status) << "\n";
    if (json()) {
      // Programs get the whole google.rpc.Status, as proto JSON, where they read answers.
      google::rpc::Status details;
      if (details.ParseFromString(status.error_details())) std::cout << ToJson(details) << "\n";
    }
  }
  return ExitFor(status.error_code());
}

}  // namespace betteroms::omsctl
