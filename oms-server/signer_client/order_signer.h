// The OMS's view of the signer: who signs and, for live trading, a signature per order intent.
// The key never enters the OMS; this is the only way to a signature.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "betteroms/signer/v1/signer.pb.h"

namespace betteroms::signer_client {

struct SignerIdentity {
  std::string address;
  uint64_t chain_id = 0;
  std::string policy_summary;
};

struct SignedOrder {
  std::string order_hash;
  std::string signature;
};

struct ClobAuthSignature {
  std::string address;  // the signing address, as the signer writes it
  std::string signature;
};

class OrderSigner {
 public:
  virtual ~OrderSigner() = default;
  // The signer's address, chain and policy. Unavailable when it does not answer in time.
  virtual absl::StatusOr<SignerIdentity> Identity() = 0;
  // A signature for one order intent. The signer's refusals keep their code, with the message
  // prefixed "signer: " (PermissionDenied names the policy rule).
  virtual absl::StatusOr<SignedOrder> Sign(const signer::v1::SignOrderRequest& request) = 0;
  // The L1 ClobAuth signature for /auth/* (PROTOCOL §3): `timestamp` in decimal unix seconds.
  virtual absl::StatusOr<ClobAuthSignature> SignClobAuth(uint64_t chain_id,
                                                         const std::string& timestamp,
                                                         const std::string& nonce) = 0;
  // Where the signer is, for people.
  virtual std::string Endpoint() const = 0;
};

struct SignerClientOptions {
  std::string address;  // host:port or unix:/path
  std::string ca_file;  // mTLS: the CA that signed the signer's certificate
  std::string cert_file;
  std::string key_file;
  absl::Duration deadline = absl::Seconds(5);
};

// A gRPC client for oms-signer. InvalidArgument when the TLS files are unreadable or only some of
// them are given; plaintext only for loopback and Unix-socket addresses.
absl::StatusOr<std::unique_ptr<OrderSigner>> MakeGrpcSigner(const SignerClientOptions& options);

}  // namespace betteroms::signer_client
