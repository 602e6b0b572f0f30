#include "tests/support/stack.h"

#include <utility>

namespace betteroms::test {

Stack::Stack(std::vector<std::string> extra_server_args)
    : server_args_(std::move(extra_server_args)) {
  if (!clob_.Start()) return;
  db_ = TestDatabase::Create(/*migrate=*/false);  // the server migrates at start
  StartServer({});
}

bool Stack::StartServer(const std::map<std::string, std::string>& extra_env) {
  // The first start keeps the names other tests read ("port", "server.log").
  std::string suffix = starts_++ == 0 ? "" : "." + std::to_string(starts_);
  std::vector<std::string> args = {OmsServerBin(), "--listen", "127.0.0.1:0", "--port-file",
                                   dir_.File("port" + suffix)};
  args.insert(args.end(), server_args_.begin(), server_args_.end());
  std::map<std::string, std::string> env = {{"DATABASE_URL", db_->url()},
                                            {"CLOB_API_URL", clob_.url()},
                                            {"BETTEROMS_MARKET_DATA", "clob"}};
  env.insert(extra_env.begin(), extra_env.end());
  server_ = std::make_unique<BackgroundProcess>(args, env, dir_.File("server" + suffix + ".log"));
  port_ = WaitForPortFile(dir_.File("port" + suffix), 20'000, server_.get());
  return port_ > 0;
}

bool Stack::RestartServer(const std::map<std::string, std::string>& extra_env) {
  if (server_) server_->Stop();
  return StartServer(extra_env);
}

Stack::~Stack() {
  if (server_) server_->Stop();
  server_.reset();
  db_.reset();
}

std::string Stack::error() const {
  return server_ ? "oms-server did not start:\n" + server_->Log() : "fake CLOB did not start";
}

CommandResult Stack::Omsctl(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv = {OmsctlBin(), "--server", address()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, {{"NO_COLOR", "1"}}, input);
}

}  // namespace betteroms::test
