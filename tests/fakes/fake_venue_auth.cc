#include "tests/fakes/fake_venue_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "signer/crypto/ecdsa.h"
#include "signer/crypto/eip712.h"

namespace betteroms::test {
namespace {

constexpr char kInvalidL1[] = "Invalid L1 Request headers";

// Standard or url-safe base64, with or without padding; nullopt when it is neither.
std::optional<std::string> DecodeBase64(std::string text) {
  std::replace(text.begin(), text.end(), '-', '+');
  std::replace(text.begin(), text.end(), '_', '/');
  while (text.size() % 4 != 0) text += '=';
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the bytes the padding stands for.
  size_t pad = text.size() - text.find_last_not_of('=') - 1;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string EncodeBase64Url(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

std::vector<uint8_t> RandomBytes(size_t n) {
  std::vector<uint8_t> out(n);
  if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) std::abort();
  return out;
}

std::string RandomUuid() {
  std::vector<uint8_t> b = RandomBytes(16);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  std::string hex = ToHex(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

HttpResponse KeyJson(const ApiKey& key) {
  return {200,
          nlohmann::json{
              {"apiKey", key.api_key}, {"secret", key.secret}, {"passphrase", key.passphrase}}
              .dump()};
}

}  // namespace

HttpResponse JsonError(int status, const std::string& message) {
  return {status, nlohmann::json{{"error", message}}.dump()};
}

std::string NormalAddress(const std::string& text) {
  auto address = crypto::ParseAddress(text);
  return address ? "0x" + ToHex(*address) : "";
}

std::string L2Signature(const std::string& secret, const std::string& timestamp,
                        const std::string& method, const std::string& path,
                        const std::string& body) {
  std::optional<std::string> key = DecodeBase64(secret);
  if (!key) return "";
  std::string message = timestamp + method + path + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
  OPENSSL_cleanse(key->data(), key->size());
  return EncodeBase64Url(mac, mac_len);
}

void ApiKeys::Add(const ApiKey& key) {
  keys_.erase(std::remove_if(keys_.begin(), keys_.end(),
                             [&](const ApiKey& k) {
                               return k.api_key == key.api_key ||
                                      (k.address == key.address && k.nonce == key.nonce);
                             }),
              keys_.end());
  keys_.push_back(key);
}

std::optional<std::string> ApiKeys::VerifyL1(const secp256k1_context* ctx,
                                             const HttpRequest& request, uint64_t chain_id,
                                             int64_t now_s) {
  std::string address_text = request.Header("poly_address");
  std::string timestamp = request.Header("poly_timestamp");
  std::string nonce_text =
      request.Header("poly_nonce").empty() ? "0" : request.Header("poly_nonce");
  auto address = crypto::ParseAddress(address_text);
  auto nonce = crypto::ParseUint256(nonce_text);
  auto signature = FromHex(request.Header("poly_signature"));
  if (!address || !nonce || !signature || signature->size() != 65 || timestamp.empty() ||
      timestamp.size() > 12 || timestamp.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  if (std::llabs(std::stoll(timestamp) - now_s) > 300) return std::nullopt;
  crypto::Signature sig;
  std::copy(signature->begin(), signature->end(), sig.begin());
  auto signer = crypto::RecoverAddress(
      ctx, crypto::ClobAuthDigest(chain_id, *address, timestamp, *nonce), sig);
  if (!signer || *signer != *address) return std::nullopt;
  return "0x" + ToHex(*address);
}

HttpResponse ApiKeys::Create(const secp256k1_context* ctx, const HttpRequest& request,
                             uint64_t chain_id, int64_t now_s) {
  auto address = VerifyL1(ctx, request, chain_id, now_s);
  if (!address) return JsonError(401, kInvalidL1);
  std::string nonce = crypto::Uint256ToDecimal(*crypto::ParseUint256(
      request.Header("poly_nonce").empty() ? "0" : request.Header("poly_nonce")));
  for (const ApiKey& k : keys_) {
    if (k.address == *address && k.nonce == nonce) {
      return JsonError(400, "Could not create api key");
    }
  }
  std::vector<uint8_t> secret = RandomBytes(32);
  ApiKey key{*address,
             RandomUuid(),
             EncodeBase64Url(secret.data(), secret.size()),
             ToHex(RandomBytes(32)),
             nonce,
             "",
             ""};
  keys_.push_back(key);
  return KeyJson(key);
}

HttpResponse ApiKeys::Derive(const secp256k1_context* ctx, const HttpRequest& request,
                             uint64_t chain_id, int64_t now_s) const {
  auto address = VerifyL1(ctx, request, chain_id, now_s);
  if (!address) return JsonError(401, kInvalidL1);
  std::string nonce = crypto::Uint256ToDecimal(*crypto::ParseUint256(
      request.Header("poly_nonce").empty() ? "0" : request.Header("poly_nonce")));
  for (const ApiKey& k : keys_) {
    if (k.address == *address && k.nonce == nonce) return KeyJson(k);
  }
  return JsonError(400, "Could not derive api key!");
}

const ApiKey* ApiKeys::VerifyL2(const HttpRequest& request) const {
  std::string api_key = request.Header("poly_api_key");
  auto it = std::find_if(keys_.begin(), keys_.end(),
                         [&](const ApiKey& k) { return k.api_key == api_key; });
  if (api_key.empty() || it == keys_.end()) return nullptr;
  if (request.Header("poly_passphrase") != it->passphrase) return nullptr;
  if (NormalAddress(request.Header("poly_address")) != it->address) return nullptr;
  std::string expected = L2Signature(it->secret, request.Header("poly_timestamp"), request.method,
                                     request.path, request.body);
  std::string given = request.Header("poly_signature");
  if (expected.empty() || expected.size() != given.size() ||
      CRYPTO_memcmp(expected.data(), given.data(), given.size()) != 0) {
    return nullptr;
  }
  return &*it;
}

}  // namespace betteroms::test
