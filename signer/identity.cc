#include "signer/identity.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "common/hex.h"
#include "signer/crypto/address.h"

namespace betteroms::signer {

std::string AddressOf(const secp256k1_context* ctx, const key::SecretKey& key) {
  secp256k1_pubkey pubkey;
  if (secp256k1_ec_pubkey_create(ctx, &pubkey, key.data()) != 1) return "";
  return crypto::ChecksumAddress(crypto::AddressFromPublicKey(ctx, pubkey));
}

std::pair<std::string, std::string> CertificateIdentity(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert.get(), EVP_sha256(), md, &len);
  char subject[512];
  X509_NAME_oneline(X509_get_subject_name(cert.get()), subject, sizeof(subject));
  return {ToHex({md, len}), subject};
}

}  // namespace betteroms::signer
