// omsctl commands: each one calls one OrderManager RPC and prints its answer.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

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

// Adds every command to `app`; each sets `exit_code` when it runs.
void AddCommands(CLI::App& app, GlobalOptions& options, int& exit_code);

}  // namespace betteroms::omsctl
