// An in-process OrderSigner that records what it was asked and answers as told: for service and
// gRPC tests that need a signer but no key, process or socket.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oms-server/signer_client/order_signer.h"

namespace betteroms::test {

class FakeSigner : public signer_client::OrderSigner {
 public:
  absl::StatusOr<signer_client::SignerIdentity> Identity() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++identity_calls;
    if (!fail_with.ok()) return fail_with;
    return identity;
  }
  absl::StatusOr<signer_client::SignedOrder> Sign(
      const signer::v1::SignOrderRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    sign_requests.push_back(request);
    if (!fail_with.ok()) return fail_with;
    return signer_client::SignedOrder{"0x" + std::string(64, 'a'), "0x" + std::string(130, 'b')};
  }
  absl::StatusOr<signer_client::ClobAuthSignature> SignClobAuth(
      uint64_t /*chain_id*/, const std::string& /*timestamp*/,
      const std::string& /*nonce*/) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!fail_with.ok()) return fail_with;
    return signer_client::ClobAuthSignature{identity.address, "0x" + std::string(130, 'c')};
  }
  std::string Endpoint() const override { return "fake-signer"; }

  signer_client::SignerIdentity identity{"0x1111111111111111111111111111111111111111", 137,
                                         "chain 137; test policy"};
  absl::Status fail_with;  // answers every call with this when set
  int identity_calls = 0;
  std::vector<signer::v1::SignOrderRequest> sign_requests;

 private:
  std::mutex mu_;
};

}  // namespace betteroms::test
