// An e2e stack: a fresh database, the fake CLOB (a real HTTP server in this process), and the real
// oms-server binary on a free port, stopped when the stack goes away. omsctl runs as a process.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/fakes/fake_clob.h"
#include "tests/support/pg_harness.h"
#include "tests/support/process.h"

namespace betteroms::test {

class Stack {
 public:
  // Starts everything; check ok() (and error()) before use.
  explicit Stack(const std::vector<std::string>& extra_server_args = {});
  ~Stack();

  bool ok() const { return port_ > 0; }
  std::string error() const;
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  FakeClob& clob() { return clob_; }
  TestDatabase& db() { return *db_; }
  TempDir& dir() { return dir_; }
  BackgroundProcess& server() { return *server_; }

  // Runs omsctl against this stack.
  CommandResult Omsctl(const std::vector<std::string>& args, const std::string& input = "");

 private:
  TempDir dir_;
  FakeClob clob_;
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<BackgroundProcess> server_;
  int port_ = 0;
};

// Paths to the built binaries.
inline std::string OmsServerBin() { return OMS_SERVER_BIN; }
inline std::string OmsSignerBin() { return OMS_SIGNER_BIN; }
inline std::string OmsctlBin() { return OMSCTL_BIN; }

}  // namespace betteroms::test
