#include "tests/support/live_stack.h"

#include <cstdio>

#include "tests/support/stack.h"

namespace betteroms::test {

LiveStack::LiveStack(const std::vector<std::string>& server_args,
                     const std::map<std::string, std::string>& server_env,
                     const std::vector<std::string>& signer_args) {
  if (!clob_.Start()) {
    error_ = "fake CLOB did not start";
    return;
  }
  db_ = TestDatabase::Create(/*migrate=*/false);  // the server migrates at start
  signer_args_ = signer_args;
  if (!StartSigner()) return;
  StartServer(server_args, server_env);
}

LiveStack::~LiveStack() {
  if (server_) server_->Stop();
  if (signer_) signer_->Stop();
  server_.reset();
  signer_.reset();
  db_.reset();
}

bool LiveStack::StartSigner(const std::map<std::string, std::string>& extra_env) {
  // A restart keeps the port the server was given.
  bool again = signer_port_ > 0;
  std::string certs = std::string(OMS_SOURCE_DIR) + "/deploy/local/certs";
  if (!again) RunCommand({certs, dir_.File("certs")});
  std::remove(dir_.File("signer.port").c_str());
  dir_.Write("key", kLiveKeyHex, 0600);
  // The policy admits the key's own address and one deposit wallet (type 3) as maker and signer.
  dir_.Write("policy.json",
             R"({"chain_id": 137, "max_order_notional": "1000", "signature_types": [0, 3],
                 "makers": ["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
                            "0x1234567890abcdef1234567890abcdef12345678"],
                 "signers": ["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
                             "0x1234567890abcdef1234567890abcdef12345678"]})");
  std::vector<std::string> args{OmsSignerBin(),
                                "--key-file",
                                dir_.File("key"),
                                "--policy",
                                dir_.File("policy.json"),
                                "--state-dir",
                                dir_.File("signer-state"),
                                "--audit-log",
                                dir_.File("audit.jsonl"),
                                "--listen",
                                "127.0.0.1:" + std::to_string(signer_port_),
                                "--tls-cert",
                                dir_.File("certs/signer.pem"),
                                "--tls-key",
                                dir_.File("certs/signer.key"),
                                "--client-ca",
                                dir_.File("certs/ca.pem"),
                                "--pin-client-sha256",
                                ReadTextFileForTest(dir_.File("certs/oms.sha256")).substr(0, 64),
                                "--port-file",
                                dir_.File("signer.port")};
  args.insert(args.end(), signer_args_.begin(), signer_args_.end());
  signer_ = std::make_unique<BackgroundProcess>(
      args, extra_env,
      dir_.File(again ? "signer." + std::to_string(++signer_starts_) + ".log" : "signer.log"));
  signer_port_ = WaitForPortFile(dir_.File("signer.port"), 10'000, signer_.get());
  if (signer_port_ == 0) error_ = "oms-signer did not start:\n" + signer_->Log();
  return signer_port_ > 0;
}

void LiveStack::StopSigner() {
  if (signer_) signer_->Stop();
}

bool LiveStack::RestartSigner(const std::map<std::string, std::string>& extra_env) {
  if (signer_) signer_->Stop();
  return StartSigner(extra_env);
}

bool LiveStack::StartServer(const std::vector<std::string>& server_args,
                            const std::map<std::string, std::string>& extra_env) {
  std::string port_file = dir_.File("port." + std::to_string(++starts_));
  std::vector<std::string> args = {OmsServerBin(),  "--listen",
                                   "127.0.0.1:0",   "--port-file",
                                   port_file,       "--live",
                                   "--signer-addr", "127.0.0.1:" + std::to_string(signer_port_),
                                   "--signer-ca",   dir_.File("certs/ca.pem"),
                                   "--signer-cert", dir_.File("certs/oms.pem"),
                                   "--signer-key",  dir_.File("certs/oms.key")};
  args.insert(args.end(), server_args.begin(), server_args.end());
  std::map<std::string, std::string> env = {{"DATABASE_URL", db_->url()},
                                            {"CLOB_API_URL", clob_.url()},
                                            {"BETTEROMS_MARKET_DATA", "clob"}};
  env.insert(extra_env.begin(), extra_env.end());
  server_ = std::make_unique<BackgroundProcess>(
      args, env, dir_.File("server." + std::to_string(starts_) + ".log"));
  port_ = WaitForPortFile(port_file, 20'000, server_.get());
  if (port_ == 0) error_ = "oms-server did not start:\n" + server_->Log();
  return port_ > 0;
}

bool LiveStack::RestartServer(const std::vector<std::string>& server_args,
                              const std::map<std::string, std::string>& extra_env) {
  if (server_) server_->Stop();
  return StartServer(server_args, extra_env);
}

CommandResult LiveStack::Omsctl(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv = {OmsctlBin(), "--server", address()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, {{"NO_COLOR", "1"}}, input);
}

}  // namespace betteroms::test
