#include "tests/support/stack.h"

namespace betteroms::test {

Stack::Stack(const std::vector<std::string>& extra_server_args) {
  if (!clob_.Start()) return;
  db_ = TestDatabase::Create(/*migrate=*/false);  // the server migrates at start
  std::vector<std::string> args = {OmsServerBin(), "--listen", "127.0.0.1:0", "--port-file",
                                   dir_.File("port")};
  args.insert(args.end(), extra_server_args.begin(), extra_server_args.end());
  server_ = std::make_unique<BackgroundProcess>(
      args,
      std::map<std::string, std::string>{{"DATABASE_URL", db_->url()},
                                         {"CLOB_API_URL", clob_.url()},
                                         {"BETTEROMS_MARKET_DATA", "clob"}},
      dir_.File("server.log"));
  port_ = WaitForPortFile(dir_.File("port"), 20'000, server_.get());
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
