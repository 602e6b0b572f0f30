// An e2e stack: a fresh database, the fake CLOB (a real HTTP server in this process), and the real
// oms-server binary on a free port, stopped when the stack goes away. omsctl runs as a process.
#pragma once

#include <map>
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
  explicit Stack(std::vector<std::string> extra_server_args = {});
  ~Stack();

  bool ok() const { return port_ > 0; }
  std::string error() const;
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  FakeClob& clob() { return clob_; }
  TestDatabase& db() { return *db_; }
  TempDir& dir() { return dir_; }
  BackgroundProcess& server() { return *server_; }

  // Stops oms-server (it may have died already) and starts it again on the same database and
  // fake CLOB, with `extra_env` added (e.g. BETTEROMS_FAULT_POINT). False when it does not come
  // up (error() says why).
  bool RestartServer(const std::map<std::string, std::string>& extra_env = {});

  // Runs omsctl against this stack.
  CommandResult Omsctl(const std::vector<std::string>& args, const std::string& input = "");

 private:
  TempDir dir_;
  FakeClob clob_;
  std::unique_ptr<TestDatabase> db_;
  bool StartServer(const std::map<std::string, std::string>& extra_env);

  std::vector<std::string> server_args_;
  std::unique_ptr<BackgroundProcess> server_;
  int port_ = 0;
  int starts_ = 0;
};

// Paths to the built binaries.
inline std::string OmsServerBin() { return OMS_SERVER_BIN; }
inline std::string OmsSignerBin() { return OMS_SIGNER_BIN; }
inline std::string OmsctlBin() { return OMSCTL_BIN; }

}  // namespace betteroms::test
