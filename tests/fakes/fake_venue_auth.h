// The fake venue's authentication (PROTOCOL §3, §4): API keys bound to an address, the L1
// ClobAuth check that mints and derives them, and the L2 HMAC check on every trading request.
#pragma once

#include <secp256k1.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/fakes/fake_http.h"

namespace betteroms::test {

struct ApiKey {
  std::string address;  // the key's owner, lower-case 0x hex (POLY_ADDRESS at creation)
  std::string api_key;
  std::string secret;  // url-safe base64, as the venue issues it
  std::string passphrase;
  std::string nonce = "0";     // the L1 nonce it was minted for
  std::string deposit_wallet;  // lower-case 0x hex: the order signer allowed for type 3, or ""
  std::string funder;          // lower-case 0x hex: whose balances signature types 1-2 read, or ""
};

// POLY_SIGNATURE for an L2 request: url-safe base64 (padding kept) of HMAC-SHA256 keyed with the
// base64-decoded `secret` over timestamp + method + path + body. "" when the secret is not base64.
std::string L2Signature(const std::string& secret, const std::string& timestamp,
                        const std::string& method, const std::string& path,
                        const std::string& body);

// Lower-case 0x hex of a parseable address, or "" when `text` is not one.
std::string NormalAddress(const std::string& text);

class ApiKeys {
 public:
  // Replaces any key with the same api_key, or the same (address, nonce).
  void Add(const ApiKey& key);
  void Clear() { keys_.clear(); }

  // The address whose L1 headers verify: a ClobAuth signature on `chain_id` by POLY_ADDRESS,
  // with POLY_TIMESTAMP within 5 minutes of `now_s`. nullopt otherwise.
  static std::optional<std::string> VerifyL1(const secp256k1_context* ctx,
                                             const HttpRequest& request, uint64_t chain_id,
                                             int64_t now_s);
  // POST /auth/api-key and GET /auth/derive-api-key: 200 {apiKey, secret, passphrase}, 401
  // `Invalid L1 Request headers`, 400 `Could not create api key` / `Could not derive api key!`.
  HttpResponse Create(const secp256k1_context* ctx, const HttpRequest& request, uint64_t chain_id,
                      int64_t now_s);
  HttpResponse Derive(const secp256k1_context* ctx, const HttpRequest& request, uint64_t chain_id,
                      int64_t now_s) const;

  // The key an L2 request is signed with: known POLY_API_KEY, matching passphrase, POLY_ADDRESS
  // its owner and a POLY_SIGNATURE that is the HMAC of this request. nullptr otherwise.
  const ApiKey* VerifyL2(const HttpRequest& request) const;

 private:
  std::vector<ApiKey> keys_;
};

// The venue's JSON error body: {"error": "<message>"}.
HttpResponse JsonError(int status, const std::string& message);

}  // namespace betteroms::test
