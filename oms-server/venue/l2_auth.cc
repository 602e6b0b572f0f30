#include "oms-server/venue/l2_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <optional>

#include "absl/strings/str_cat.h"

namespace betteroms::venue {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;  // the url-safe alphabet maps - to +
  if (c == '/' || c == '_') return 63;  // and _ to /
  return -1;
}

// Decodes base64 in either alphabet, padding optional. Refuses any other character (the V1 TS
// client dropped them silently; V2 does not) and a length no padding can complete.
std::optional<std::string> DecodeBase64(absl::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = Sextet(c);
    if (v < 0) {
      OPENSSL_cleanse(out.data(), out.size());
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

// Standard base64 with padding, then the url-safe mapping; the padding stays.
std::string EncodeBase64Url(const unsigned char* data, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t chunk = static_cast<uint32_t>(data[i]) << 16;
    if (i + 1 < n) chunk |= static_cast<uint32_t>(data[i + 1]) << 8;
    if (i + 2 < n) chunk |= static_cast<uint32_t>(data[i + 2]);
    out.push_back(kAlphabet[(chunk >> 18) & 63]);
    out.push_back(kAlphabet[(chunk >> 12) & 63]);
    out.push_back(i + 1 < n ? kAlphabet[(chunk >> 6) & 63] : '=');
    out.push_back(i + 2 < n ? kAlphabet[chunk & 63] : '=');
  }
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

}  // namespace

bool IsBase64Secret(absl::string_view secret) {
  std::optional<std::string> key = DecodeBase64(secret);
  if (!key.has_value()) return false;
  bool ok = !key->empty();
  OPENSSL_cleanse(key->data(), key->size());
  return ok;
}

absl::StatusOr<std::string> L2Signature(absl::string_view secret, int64_t timestamp,
                                        absl::string_view method, absl::string_view request_path,
                                        absl::string_view body) {
  std::optional<std::string> key = DecodeBase64(secret);
  if (!key.has_value() || key->empty()) {
    return absl::InvalidArgumentError("venue: the API secret is not base64");
  }
  std::string message = absl::StrCat(timestamp, method, request_path, body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  const unsigned char* ok =
      HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
  OPENSSL_cleanse(key->data(), key->size());
  if (ok == nullptr) return absl::InternalError("venue: HMAC-SHA256 failed");
  return EncodeBase64Url(mac, mac_len);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> L2Headers(
    const ApiCredentials& credentials, const std::string& address, int64_t timestamp,
    absl::string_view method, absl::string_view request_path, absl::string_view body) {
  absl::StatusOr<std::string> signature =
      L2Signature(credentials.secret, timestamp, method, request_path, body);
  if (!signature.ok()) return signature.status();
  return std::vector<std::pair<std::string, std::string>>{
      {"POLY_ADDRESS", address},
      {"POLY_SIGNATURE", *std::move(signature)},
      {"POLY_TIMESTAMP", absl::StrCat(timestamp)},
      {"POLY_API_KEY", credentials.api_key},
      {"POLY_PASSPHRASE", credentials.passphrase},
  };
}

}  // namespace betteroms::venue
