// fake-clob: the fake Polymarket CLOB as a process, for e2e tests and the offline demo.
#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "tests/fakes/fake_clob.h"

namespace {

int Run(int argc, char** argv) {
  int port = 0;
  std::string port_file;
  std::string books_dir;
  uint64_t chain_id = 137;
  std::vector<std::string> api_keys;
  std::vector<std::string> accounts;
  CLI::App app{"fake-clob: a fake Polymarket CLOB (market data and a verifying venue) on loopback",
               "fake-clob"};
  app.add_option("--port", port, "port (0 = any free port)");
  app.add_option("--port-file", port_file, "write the bound port here");
  app.add_option("--books", books_dir,
                 "load DIR/<token>.json as initial books and DIR/markets/<token>.json as markets");
  app.add_option("--chain-id", chain_id, "chain the ClobAuth and order signatures use")
      ->check(CLI::IsMember({137, 80002}));
  app.add_option("--api-key", api_keys,
                 "register an API key: the JSON body of POST /_fake/venue/api-key (repeatable)");
  app.add_option("--account", accounts,
                 "set an account: the JSON body of POST /_fake/venue/account (repeatable)");
  CLI11_PARSE(app, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  betteroms::test::FakeClob clob(chain_id);
  // The same parsing as the control endpoints, so a flag means what the endpoint means.
  auto control = [&](const std::string& path, const std::string& body) {
    betteroms::test::HttpRequest request;
    request.method = "POST";
    request.path = path;
    request.body = body;
    betteroms::test::HttpResponse r = clob.venue().Control(request);
    if (r.status != 200) std::cerr << "fake-clob: " << path << ": " << r.body << "\n";
    return r.status == 200;
  };
  for (const std::string& key : api_keys) {
    if (!control("/_fake/venue/api-key", key)) return 2;
  }
  for (const std::string& account : accounts) {
    if (!control("/_fake/venue/account", account)) return 2;
  }
  if (!books_dir.empty()) {
    auto read = [](const std::filesystem::path& path) {
      std::ifstream in(path);
      std::stringstream text;
      text << in.rdbuf();
      return text.str();
    };
    for (const auto& entry : std::filesystem::directory_iterator(books_dir)) {
      if (entry.path().extension() != ".json") continue;
      clob.SetBook(entry.path().stem().string(), read(entry.path()));
    }
    std::filesystem::path markets = std::filesystem::path(books_dir) / "markets";
    if (std::filesystem::is_directory(markets)) {
      for (const auto& entry : std::filesystem::directory_iterator(markets)) {
        if (entry.path().extension() != ".json") continue;
        if (!clob.SetMarket(read(entry.path()))) {
          std::cerr << "fake-clob: " << entry.path().string()
                    << " is not a /clob-markets document\n";
          return 1;
        }
      }
    }
  }
  if (!clob.Start(port)) {
    std::cerr << "fake-clob: cannot listen on port " << port << "\n";
    return 1;
  }
  if (!port_file.empty()) {
    std::ofstream(port_file + ".tmp") << clob.port() << "\n";
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }
  std::cerr << "fake-clob listening on " << clob.url() << "\n";
  int sig = 0;
  sigwait(&signals, &sig);
  clob.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Unreadable book files and the like throw from the standard library: report, do not abort.
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "fake-clob: " << e.what() << "\n";
    return 1;
  }
}
