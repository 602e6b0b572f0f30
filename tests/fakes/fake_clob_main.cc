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
  CLI::App app{"fake-clob: a fake Polymarket CLOB market-data server on loopback", "fake-clob"};
  app.add_option("--port", port, "port (0 = any free port)");
  app.add_option("--port-file", port_file, "write the bound port here");
  app.add_option("--books", books_dir,
                 "load DIR/<token>.json as initial books and DIR/markets/<token>.json as markets");
  CLI11_PARSE(app, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  betteroms::test::FakeClob clob;
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
