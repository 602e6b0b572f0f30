#include "signer/key/keystore.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/file.h"
#include "common/hex.h"
#include "common/json.h"
#include "common/status_macros.h"
#include "signer/crypto/address.h"
#include "signer/crypto/keccak.h"

namespace betteroms::key {
namespace {

// Wipes a buffer when it goes out of scope.
struct Wiped {
  std::vector<uint8_t> bytes;
  explicit Wiped(size_t n) : bytes(n) {}
  ~Wiped() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
  uint8_t* data() { return bytes.data(); }
};

absl::StatusOr<std::vector<uint8_t>> HexField(const JsonValue& obj, std::string_view name) {
  auto bytes = FromHex(obj.StringOr(name));
  if (!bytes || bytes->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("keystore: ", std::string(name), " is missing or not hex"));
  }
  return *bytes;
}

bool AesCtr(const uint8_t* key, const std::vector<uint8_t>& iv, const uint8_t* in, size_t n,
            uint8_t* out) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free);
  int len = 0;
  return iv.size() == 16 &&
         EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ctr(), nullptr, key, iv.data()) == 1 &&
         EVP_EncryptUpdate(ctx.get(), out, &len, in, static_cast<int>(n)) == 1;
}

crypto::Hash256 Mac(const uint8_t* derived, const std::vector<uint8_t>& ciphertext) {
  std::vector<uint8_t> buf(derived + 16, derived + 32);
  buf.insert(buf.end(), ciphertext.begin(), ciphertext.end());
  return crypto::Keccak256(buf);
}

}  // namespace

absl::StatusOr<std::string> ReadPasswordFile(const std::string& path) {
  // Checked on the descriptor that is read, so the file cannot be swapped in between.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat("password file ", path, ": ", std::strerror(errno)));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(absl::StrCat("password file ", path, " is not a file"));
  }
  if ((st.st_mode & 077) != 0) {
    close(fd);
    return absl::PermissionDeniedError(absl::StrCat(
        "password file ", path, " is readable by group or others; run: chmod 600 ", path));
  }
  Wiped buf(4096);  // a password is one short line
  ssize_t n = read(fd, buf.data(), buf.bytes.size());
  close(fd);
  if (n < 0) {
    return absl::InternalError(absl::StrCat("password file ", path, ": ", std::strerror(errno)));
  }
  std::string_view text(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(n));
  text = text.substr(0, text.find('\n'));
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return std::string(text);
}

namespace {

// A JSON number that is a plain decimal integer within uint64; nullopt for anything else (a sign,
// a fraction, an exponent, too many digits), without exceptions.
std::optional<uint64_t> Unsigned(const JsonValue* v) {
  if (v == nullptr || !v->is_number() || v->text.empty() || v->text.size() > 19 ||
      v->text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  uint64_t out = 0;
  if (!absl::SimpleAtoi(v->text, &out)) return std::nullopt;
  return out;
}

absl::Status Bounded(const char* name, std::optional<uint64_t> value, uint64_t min, uint64_t max) {
  if (!value || *value < min || *value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("keystore: kdfparams.", name, " must be an integer from ", min, " to ", max));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<KeystoreParams> ParseKeystore(std::string_view text) {
  if (text.size() > kMaxKeystoreBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("keystore: larger than ", kMaxKeystoreBytes, " bytes"));
  }
  auto doc = ParseJson(text);
  if (!doc.ok()) return absl::InvalidArgumentError("keystore: not JSON");
  const JsonValue* version = doc->Find("version");
  const JsonValue* c = doc->Find("crypto");
  if (c == nullptr) c = doc->Find("Crypto");
  if (!doc->is_object() || version == nullptr || version->text != "3" || c == nullptr ||
      !c->is_object()) {
    return absl::InvalidArgumentError("keystore: not a version 3 keystore");
  }
  if (c->StringOr("cipher") != "aes-128-ctr") {
    return absl::InvalidArgumentError("keystore: only aes-128-ctr is supported");
  }
  const JsonValue* kdfparams = c->Find("kdfparams");
  const JsonValue* cipherparams = c->Find("cipherparams");
  if (kdfparams == nullptr || cipherparams == nullptr || !kdfparams->is_object() ||
      !cipherparams->is_object()) {
    return absl::InvalidArgumentError("keystore: kdfparams or cipherparams missing");
  }
  KeystoreParams out;
  OMS_ASSIGN_OR_RETURN(out.salt, HexField(*kdfparams, "salt"));
  OMS_ASSIGN_OR_RETURN(out.iv, HexField(*cipherparams, "iv"));
  OMS_ASSIGN_OR_RETURN(out.ciphertext, HexField(*c, "ciphertext"));
  OMS_ASSIGN_OR_RETURN(out.mac, HexField(*c, "mac"));
  if (out.salt.size() > 1024) return absl::InvalidArgumentError("keystore: salt too long");
  if (out.iv.size() != 16) return absl::InvalidArgumentError("keystore: iv is not 16 bytes");
  if (out.ciphertext.size() != 32) {
    return absl::InvalidArgumentError("keystore: ciphertext is not 32 bytes");
  }
  if (out.mac.size() != 32) return absl::InvalidArgumentError("keystore: mac is not 32 bytes");
  if (Unsigned(kdfparams->Find("dklen")) != 32) {
    return absl::InvalidArgumentError("keystore: dklen must be 32");
  }
  std::string kdf = c->StringOr("kdf");
  if (kdf == "scrypt") {
    out.kdf = KeystoreParams::Kdf::kScrypt;
    std::optional<uint64_t> n = Unsigned(kdfparams->Find("n"));
    std::optional<uint64_t> r = Unsigned(kdfparams->Find("r"));
    std::optional<uint64_t> p = Unsigned(kdfparams->Find("p"));
    OMS_RETURN_IF_ERROR(Bounded("n", n, 2, kMaxScryptN));
    OMS_RETURN_IF_ERROR(Bounded("r", r, 1, kMaxScryptR));
    OMS_RETURN_IF_ERROR(Bounded("p", p, 1, kMaxScryptP));
    if ((*n & (*n - 1)) != 0) {
      return absl::InvalidArgumentError("keystore: kdfparams.n must be a power of two");
    }
    // Each factor is bounded above, so neither product overflows.
    if (128 * *n * *r > kMaxScryptMemory || *n * *r * *p > kMaxScryptWork) {
      return absl::InvalidArgumentError(
          absl::StrCat("keystore: scrypt n=", *n, " r=", *r, " p=", *p,
                       " needs more memory or work than the signer allows"));
    }
    out.n = *n;
    out.r = *r;
    out.p = *p;
  } else if (kdf == "pbkdf2") {
    out.kdf = KeystoreParams::Kdf::kPbkdf2;
    if (kdfparams->StringOr("prf") != "hmac-sha256") {
      return absl::InvalidArgumentError("keystore: pbkdf2 needs prf hmac-sha256");
    }
    std::optional<uint64_t> count = Unsigned(kdfparams->Find("c"));
    OMS_RETURN_IF_ERROR(Bounded("c", count, 1, kMaxPbkdf2Iterations));
    out.c = *count;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("keystore: unsupported kdf \"", kdf.substr(0, 40), "\""));
  }
  return out;
}

absl::StatusOr<SecretKey> LoadKeystore(const std::string& path, const std::string& password) {
  absl::StatusOr<std::string> text = ReadFileText(path);
  if (!text.ok()) {
    return absl::Status(text.status().code(), absl::StrCat("keystore: ", text.status().message()));
  }
  absl::StatusOr<KeystoreParams> params = ParseKeystore(*text);
  if (!params.ok()) {
    return absl::Status(params.status().code(),
                        absl::StrCat(path, ": ", params.status().message()));
  }
  const KeystoreParams& k = *params;
  Wiped derived(32);
  if (k.kdf == KeystoreParams::Kdf::kScrypt) {
    if (EVP_PBE_scrypt(password.data(), password.size(), k.salt.data(), k.salt.size(), k.n, k.r,
                       k.p, kMaxScryptMemory + (uint64_t{1} << 20), derived.data(), 32) != 1) {
      return absl::InvalidArgumentError("keystore: scrypt failed");
    }
  } else if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), k.salt.data(),
                               static_cast<int>(k.salt.size()), static_cast<int>(k.c), EVP_sha256(),
                               32, derived.data()) != 1) {
    return absl::InvalidArgumentError("keystore: pbkdf2 failed");
  }
  crypto::Hash256 computed = Mac(derived.data(), k.ciphertext);
  if (CRYPTO_memcmp(computed.data(), k.mac.data(), 32) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("keystore ", path, ": wrong password (the MAC does not match)"));
  }
  Wiped plain(32);
  if (!AesCtr(derived.data(), k.iv, k.ciphertext.data(), 32, plain.data())) {
    return absl::InvalidArgumentError("keystore: cannot decrypt");
  }
  return SecretKey::FromBytes(plain.data(), 32);
}

absl::StatusOr<std::string> WriteNewKeystore(const std::string& path, const std::string& password,
                                             uint64_t scrypt_n) {
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  Wiped key(32);
  do {
    if (RAND_bytes(key.data(), 32) != 1) {
      secp256k1_context_destroy(ctx);
      return absl::InternalError("no randomness available");
    }
  } while (secp256k1_ec_seckey_verify(ctx, key.data()) != 1);
  secp256k1_pubkey pub;
  int created = secp256k1_ec_pubkey_create(ctx, &pub, key.data());
  crypto::Address address = crypto::AddressFromPublicKey(ctx, pub);
  secp256k1_context_destroy(ctx);
  if (created != 1) return absl::InternalError("cannot derive the public key");

  std::vector<uint8_t> salt(32), iv(16), ciphertext(32), id(16);
  if (RAND_bytes(salt.data(), 32) != 1 || RAND_bytes(iv.data(), 16) != 1 ||
      RAND_bytes(id.data(), 16) != 1) {
    return absl::InternalError("no randomness available");
  }
  Wiped derived(32);
  if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), scrypt_n, 8, 1,
                     uint64_t{2} << 30, derived.data(), 32) != 1 ||
      !AesCtr(derived.data(), iv, key.data(), 32, ciphertext.data())) {
    return absl::InternalError("keystore: encryption failed");
  }
  id[6] = static_cast<uint8_t>((id[6] & 0x0f) | 0x40);  // UUID v4
  id[8] = static_cast<uint8_t>((id[8] & 0x3f) | 0x80);
  std::string uuid = ToHex(id);
  uuid = absl::StrCat(uuid.substr(0, 8), "-", uuid.substr(8, 4), "-", uuid.substr(12, 4), "-",
                      uuid.substr(16, 4), "-", uuid.substr(20));
  nlohmann::ordered_json doc;
  doc["address"] = ToHex(address);
  doc["crypto"] = {
      {"cipher", "aes-128-ctr"},
      {"cipherparams", {{"iv", ToHex(iv)}}},
      {"ciphertext", ToHex(ciphertext)},
      {"kdf", "scrypt"},
      {"kdfparams", {{"dklen", 32}, {"n", scrypt_n}, {"p", 1}, {"r", 8}, {"salt", ToHex(salt)}}},
      {"mac", ToHex(Mac(derived.data(), ciphertext))}};
  doc["id"] = uuid;
  doc["version"] = 3;
  std::string text = doc.dump(1) + "\n";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  bool ok =
      write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  close(fd);
  if (!ok) return absl::InternalError(absl::StrCat("cannot write ", path));
  return crypto::ChecksumAddress(address);
}

}  // namespace betteroms::key
