// A live-trading e2e stack: a fresh database, the verifying fake venue (in this process), the real
// oms-signer over mTLS with the test key, and the real oms-server with --live, which can be
// killed and started again on the same database. omsctl runs as a process.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/fakes/fake_clob.h"
#include "tests/support/pg_harness.h"
#include "tests/support/process.h"

namespace betteroms::test {

// The signer's test key (Anvil's first account) and its address.
inline constexpr char kLiveKeyHex[] =
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
inline constexpr char kLiveAddress[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

class LiveStack {
 public:
  // Starts the fake venue, the database and the signer (with `signer_args` added to its flags),
  // then the server with `server_args` added to the live flags; check ok() (and error()) before
  // use.
  explicit LiveStack(const std::vector<std::string>& server_args = {},
                     const std::map<std::string, std::string>& server_env = {},
                     const std::vector<std::string>& signer_args = {});
  ~LiveStack();

  bool ok() const { return port_ > 0; }
  std::string error() const { return error_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  FakeClob& clob() { return clob_; }
  FakeVenue& venue() { return clob_.venue(); }
  TestDatabase& db() { return *db_; }
  TempDir& dir() { return dir_; }
  BackgroundProcess& server() { return *server_; }

  // Starts oms-server again on the same database (after it died or was stopped), with
  // `extra_env` (e.g. a fault point). False when it does not come up.
  bool RestartServer(const std::vector<std::string>& server_args = {},
                     const std::map<std::string, std::string>& extra_env = {});
  void StopSigner();
  // Starts oms-signer again on the same port, key, policy and state folder (after it died or was
  // stopped), with `extra_env` (e.g. a fault point). False when it does not come up.
  bool RestartSigner(const std::map<std::string, std::string>& extra_env = {});
  BackgroundProcess& signer() { return *signer_; }

  CommandResult Omsctl(const std::vector<std::string>& args, const std::string& input = "");

 private:
  bool StartSigner(const std::map<std::string, std::string>& extra_env = {});
  bool StartServer(const std::vector<std::string>& server_args,
                   const std::map<std::string, std::string>& extra_env);

  TempDir dir_;
  FakeClob clob_;
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<BackgroundProcess> signer_;
  std::unique_ptr<BackgroundProcess> server_;
  std::vector<std::string> signer_args_;  // added to the signer's flags at every start
  int signer_port_ = 0;
  int signer_starts_ = 0;
  int port_ = 0;
  int starts_ = 0;
  std::string error_;
};

}  // namespace betteroms::test
