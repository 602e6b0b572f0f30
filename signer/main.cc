// oms-signer: holds the private key and signs Polymarket orders for the OMS, nothing else.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "common/log.h"
#include "signer/key/secret_key.h"
#include "signer/signer_service.h"

namespace {

bool IsLoopback(const std::string& host_port) {
  std::string host = host_port.substr(0, host_port.rfind(':'));
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

int Fail(const std::string& msg) {
  std::cerr << "oms-signer: " << msg << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string key_file;
  std::string listen = "127.0.0.1:50061";
  std::string port_file;
  bool insecure_loopback = false;
  uint64_t chain_id = 137;
  std::string keygen_out;

  CLI::App app{
      "oms-signer: the BetterOMS key holder. It alone reads the private key and returns\n"
      "EIP-712 signatures for Polymarket orders.",
      "oms-signer"};
  app.add_option("--key-file", key_file,
                 "raw hex private key file; refused when readable by group or others");
  app.add_option("--listen", listen, "HOST:PORT to serve on")->capture_default_str();
  app.add_flag("--insecure-loopback", insecure_loopback,
               "serve plaintext gRPC; allowed only on a loopback address");
  app.add_option("--chain-id", chain_id, "137 (Polygon) or 80002 (Amoy)")
      ->capture_default_str()
      ->check(CLI::IsMember({137, 80002}));
  app.add_option("--port-file", port_file, "write the bound port here once listening");
  CLI::App* keygen = app.add_subcommand("keygen", "write a new random hex key file (mode 0600)");
  keygen->add_option("--out", keygen_out, "file to create")->required();
  CLI11_PARSE(app, argc, argv);

  if (keygen->parsed()) {
    absl::Status st = betteroms::key::WriteNewHexKey(keygen_out);
    if (!st.ok()) return Fail(std::string(st.message()));
    std::cout << keygen_out << "\n";
    return 0;
  }
  if (key_file.empty()) return Fail("--key-file is required");
  if (!insecure_loopback) {
    return Fail(
        "no transport configured: mTLS arrives with the signer issue; for now pass "
        "--insecure-loopback with a loopback --listen address");
  }
  if (!IsLoopback(listen)) {
    return Fail(
        "--insecure-loopback allows loopback addresses only (127.0.0.1, [::1], localhost), got " +
        listen);
  }
  auto key = betteroms::key::SecretKey::FromHexFile(key_file);
  if (!key.ok()) return Fail(std::string(key.status().message()));

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  betteroms::signer::SignerService service(std::move(*key), chain_id);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) return Fail("cannot listen on " + listen);
  if (!port_file.empty()) {
    std::ofstream(port_file + ".tmp") << port << "\n";
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }
  betteroms::LogInfo(
      "oms-signer listening",
      {{"address", listen}, {"port", std::to_string(port)}, {"signer_address", service.address()}});
  int sig = 0;
  sigwait(&signals, &sig);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  betteroms::LogInfo("oms-signer stopped");
  return 0;
}
