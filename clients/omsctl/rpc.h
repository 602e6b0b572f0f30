// omsctl's one way to reach oms-server: channel, deadline, bearer token, and the exit code that
// each gRPC status class maps to (the table in --help).
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "betteroms/v1/oms.grpc.pb.h"

namespace betteroms::omsctl {

// Exit codes by class, listed in --help.
enum ExitCode : int {
  kOk = 0,
  kRunFailed = 1,     // the run failed, or another error
  kInvalidInput = 2,  // bad flags, unreadable file, invalid plan, unknown id
  kUnavailable = 3,   // server, database or CLOB unreachable
  kConflict = 4,      // duplicate planId, another request holds it
};

struct GlobalOptions {
  std::string server = "127.0.0.1:50051";
  std::string output = "table";
  double timeout_seconds = 60;
  std::string auth_token_file;
  std::string tls_ca;
};

// The exit code for a status from oms-server.
int ExitFor(grpc::StatusCode code);

// True for a server reached without leaving the host: a loopback address (common/net.h) or a
// Unix socket. Only there may a bearer token travel without TLS.
bool IsLocalServer(const std::string& target);

// The field violations (path, sentence) of a google.rpc.BadRequest in the status's details.
std::vector<std::pair<std::string, std::string>> FieldViolations(const grpc::Status& status);

// The status's message; with field violations, its first line and then every violation, one
// "  path: sentence" line each.
std::string ErrorText(const grpc::Status& status);

// Prints "error: <message>" for a local problem (flags, files, request text); returns
// kInvalidInput.
int UsageError(const absl::Status& status);

class Client {
 public:
  // `options` is read when the first command runs, after the flags are parsed.
  explicit Client(const GlobalOptions& options) : options_(options) {}

  // Reads --tls-ca and --auth-token-file and builds the channel, once. InvalidArgument naming the
  // flag and the file when either cannot be read (or the token file is empty): a missing secret
  // must never turn into an empty one silently. InvalidArgument too for a token without --tls-ca
  // to a server that is not local (IsLocalServer): it would cross the network in plaintext.
  absl::Status Connect();

  // The channel and stub; Connect() must have succeeded.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  v1::OrderManager::Stub& stub() const { return *stub_; }

  // A context carrying the deadline (--timeout) and the bearer token; Connect() must have
  // succeeded.
  std::unique_ptr<grpc::ClientContext> NewContext() const;

  // Prints "error: <message>" for a failed RPC, in words a person can act on for an unreachable
  // or silent server, with every field violation the server sent (ErrorText), and returns its
  // exit code. With --output json the google.rpc.Status of such an error goes to stdout too.
  int Error(const grpc::Status& status) const;

  // Calls one OrderManager RPC; on failure prints the error, sets `exit_code` and returns false.
  template <typename Request, typename Response>
  bool Call(grpc::Status (v1::OrderManager::Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
            const Request& request, Response* response, int& exit_code) {
    if (absl::Status connected = Connect(); !connected.ok()) {
      exit_code = UsageError(connected);
      return false;
    }
    std::unique_ptr<grpc::ClientContext> context = NewContext();
    grpc::Status status = (stub_.get()->*method)(context.get(), request, response);
    if (!status.ok()) exit_code = Error(status);
    return status.ok();
  }

  const GlobalOptions& options() const { return options_; }
  bool json() const { return options_.output == "json"; }

 private:
  const GlobalOptions& options_;
  absl::Status connected_ = absl::UnknownError("not connected");
  bool tried_ = false;
  std::string bearer_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::OrderManager::Stub> stub_;
};

}  // namespace betteroms::omsctl
