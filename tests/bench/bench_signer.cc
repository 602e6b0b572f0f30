// Signer benchmarks (run on purpose: scripts/bench).
//   in-process: digest + policy + signature (target <= 40 us), and the whole SigningCore::SignOrder
//   with its durable ledger and audit line;
//   over gRPC with mTLS on loopback: one client's p50/p99 (targets 300 us / 1 ms) and the rate with
//   4 concurrent clients (target >= 5,000 signatures/s).
#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <thread>

#include "betteroms/signer/v1/signer.grpc.pb.h"
#include "common/hex.h"
#include "signer/crypto/ecdsa.h"
#include "signer/signing_core.h"
#include "tests/support/process.h"

namespace betteroms {
namespace {

constexpr char kKeyHex[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr char kAddress[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

signer::SignRequest Request(uint64_t n) {
  signer::SignRequest r;
  r.intent_id = "bench-" + std::to_string(n);
  r.chain_id = 137;
  r.order.salt = crypto::WordFromUint64(n);
  r.order.maker = *crypto::ParseAddress(kAddress);
  r.order.signer = r.order.maker;
  r.order.token_id = *crypto::ParseUint256(
      "71321045679252212594626385532706912750332728571942532289631379312455583992563");
  r.order.maker_amount = crypto::WordFromUint64(10'000'000);
  r.order.taker_amount = crypto::WordFromUint64(20'000'000);
  r.order.timestamp = crypto::WordFromUint64(1'780'452'718'732);
  return r;
}

policy::Policy OpenPolicy() {
  policy::Policy p;
  p.chain_id = 137;
  p.exchanges = {crypto::Exchange::kCtfV2};
  p.makers = p.signers = {*crypto::ParseAddress(kAddress)};
  p.signature_types = {0};
  p.max_order_notional = 1'000'000'000;
  return p;
}

void BM_DigestPolicySignature(benchmark::State& state) {
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  auto key = *FromHex(kKeyHex);
  policy::Policy p = OpenPolicy();
  auto domain = *crypto::DomainFor(crypto::Exchange::kCtfV2, 137);
  uint64_t n = 0;
  for (auto _ : state) {
    signer::SignRequest r = Request(++n);
    crypto::Hash256 sep = crypto::ExchangeDomainSeparator(domain, 137);
    crypto::Hash256 digest = crypto::TypedDataDigest(sep, crypto::OrderV2StructHash(r.order));
    policy::OrderFacts facts{137,
                             r.exchange,
                             r.order.maker,
                             r.order.signer,
                             0,
                             true,
                             crypto::Uint256ToDecimal(r.order.token_id)};
    benchmark::DoNotOptimize(policy::DeriveEconomics(r.order, facts));
    benchmark::DoNotOptimize(policy::Check(p, facts, 0));
    benchmark::DoNotOptimize(crypto::SignDigest(ctx, key.data(), digest));
  }
  secp256k1_context_destroy(ctx);
}
BENCHMARK(BM_DigestPolicySignature)->Unit(benchmark::kMicrosecond);

void BM_SigningCoreDurable(benchmark::State& state) {
  test::TempDir dir;
  SystemClock clock;
  auto audit = *audit::AuditLog::Open(dir.File("audit.jsonl"));
  auto key = *FromHex(kKeyHex);
  auto core = *signer::SigningCore::Create(*key::SecretKey::FromBytes(key.data(), 32), OpenPolicy(),
                                           dir.File("state"), audit.get(), clock);
  uint64_t n = 0;
  for (auto _ : state) benchmark::DoNotOptimize(core->SignOrder(Request(++n), "bench"));
}
BENCHMARK(BM_SigningCoreDurable)->Unit(benchmark::kMicrosecond);

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

signer::v1::SignOrderRequest Proto(uint64_t n) {
  signer::v1::SignOrderRequest r;
  r.set_intent_id("grpc-" + std::to_string(n));
  r.set_chain_id(137);
  r.set_exchange(signer::v1::EXCHANGE_CTF_V2);
  auto* o = r.mutable_order();
  o->set_salt(std::to_string(n));
  o->set_maker(kAddress);
  o->set_signer(kAddress);
  o->set_token_id("71321045679252212594626385532706912750332728571942532289631379312455583992563");
  o->set_maker_amount("10000000");
  o->set_taker_amount("20000000");
  o->set_side(signer::v1::SIDE_BUY);
  o->set_timestamp("1780452718732");
  return r;
}

void OverGrpc() {
  test::TempDir dir;
  test::RunCommand({std::string(OMS_SOURCE_DIR) + "/deploy/local/certs", dir.File("certs")});
  dir.Write("key", kKeyHex, 0600);
  dir.Write("policy.json", R"({"chain_id": 137, "max_order_notional": "1000"})");
  test::BackgroundProcess signer(
      {OMS_SIGNER_BIN, "--key-file", dir.File("key"), "--policy", dir.File("policy.json"),
       "--state-dir", dir.File("state"), "--audit-log", dir.File("audit.jsonl"), "--listen",
       "127.0.0.1:0", "--tls-cert", dir.File("certs/signer.pem"), "--tls-key",
       dir.File("certs/signer.key"), "--client-ca", dir.File("certs/ca.pem"), "--port-file",
       dir.File("port")},
      {}, dir.File("signer.log"));
  int port = test::WaitForPortFile(dir.File("port"), 10'000, &signer);
  if (port == 0) {
    std::fprintf(stderr, "signer did not start: %s\n", signer.Log().c_str());
    return;
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = test::ReadTextFileForTest(dir.File("certs/ca.pem"));
  ssl.pem_cert_chain = test::ReadTextFileForTest(dir.File("certs/oms.pem"));
  ssl.pem_private_key = test::ReadTextFileForTest(dir.File("certs/oms.key"));
  auto channel = [&] {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);  // one connection per client
    return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), grpc::SslCredentials(ssl),
                                     args);
  };
  auto stub = betteroms::signer::v1::Signer::NewStub(channel());
  std::atomic<uint64_t> n{0};
  std::vector<double> us;
  for (int i = 0; i < 2200; ++i) {
    grpc::ClientContext ctx;
    betteroms::signer::v1::SignOrderResponse resp;
    auto start = std::chrono::steady_clock::now();
    grpc::Status st = stub->SignOrder(&ctx, Proto(++n), &resp);
    double t =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    if (!st.ok()) {
      std::fprintf(stderr, "sign failed: %s\n", st.error_message().c_str());
      return;
    }
    if (i >= 200) us.push_back(t);  // after warm-up
  }
  std::printf("SignOrder over gRPC+mTLS, 1 client: p50 %.0f us, p99 %.0f us (2000 calls)\n",
              Percentile(us, 0.5), Percentile(us, 0.99));
  std::vector<double> floor_us;
  for (int i = 0; i < 2000; ++i) {
    grpc::ClientContext ctx;
    betteroms::signer::v1::Identity id;
    auto start = std::chrono::steady_clock::now();
    (void)stub->GetIdentity(&ctx, {}, &id);
    floor_us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::printf("GetIdentity over gRPC+mTLS (the transport's floor): p50 %.0f us\n",
              Percentile(floor_us, 0.5));
  std::atomic<int> done{0};
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  std::vector<std::thread> clients;
  clients.reserve(4);
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      auto own = betteroms::signer::v1::Signer::NewStub(channel());
      while (std::chrono::steady_clock::now() < until) {
        grpc::ClientContext ctx;
        betteroms::signer::v1::SignOrderResponse resp;
        if (own->SignOrder(&ctx, Proto(++n), &resp).ok()) ++done;
      }
    });
  }
  for (auto& t : clients) t.join();
  std::printf("SignOrder over gRPC+mTLS, 4 clients for 3 s: %.0f signatures/s\n", done / 3.0);
}

}  // namespace
}  // namespace betteroms

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  betteroms::OverGrpc();
  return 0;
}
