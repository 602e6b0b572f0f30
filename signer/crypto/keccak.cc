#include "signer/crypto/keccak.h"

#include <cstring>

namespace betteroms::crypto {
namespace {

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

inline uint64_t Rotl(uint64_t x, int n) { return (x << n) | (x >> (64 - n)); }

// Keccak-f[1600] with theta, rho-pi, chi and iota written out lane by lane (no index arithmetic
// in the hot loop); the lane order is a[x + 5y].
void KeccakF(uint64_t a[25]) {
  for (uint64_t rc : kRoundConstants) {
    uint64_t c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
    uint64_t c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
    uint64_t c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
    uint64_t c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
    uint64_t c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
    uint64_t d0 = c4 ^ Rotl(c1, 1), d1 = c0 ^ Rotl(c2, 1), d2 = c1 ^ Rotl(c3, 1);
    uint64_t d3 = c2 ^ Rotl(c4, 1), d4 = c3 ^ Rotl(c0, 1);
    for (int y = 0; y < 25; y += 5) {
      a[y] ^= d0;
      a[y + 1] ^= d1;
      a[y + 2] ^= d2;
      a[y + 3] ^= d3;
      a[y + 4] ^= d4;
    }
    // rho and pi: b[y, 2x + 3y] = rot(a[x, y], r[x, y]).
    uint64_t b[25];
    b[0] = a[0];
    b[10] = Rotl(a[1], 1);
    b[20] = Rotl(a[2], 62);
    b[5] = Rotl(a[3], 28);
    b[15] = Rotl(a[4], 27);
    b[16] = Rotl(a[5], 36);
    b[1] = Rotl(a[6], 44);
    b[11] = Rotl(a[7], 6);
    b[21] = Rotl(a[8], 55);
    b[6] = Rotl(a[9], 20);
    b[7] = Rotl(a[10], 3);
    b[17] = Rotl(a[11], 10);
    b[2] = Rotl(a[12], 43);
    b[12] = Rotl(a[13], 25);
    b[22] = Rotl(a[14], 39);
    b[23] = Rotl(a[15], 41);
    b[8] = Rotl(a[16], 45);
    b[18] = Rotl(a[17], 15);
    b[3] = Rotl(a[18], 21);
    b[13] = Rotl(a[19], 8);
    b[14] = Rotl(a[20], 18);
    b[24] = Rotl(a[21], 2);
    b[9] = Rotl(a[22], 61);
    b[19] = Rotl(a[23], 56);
    b[4] = Rotl(a[24], 14);
    for (int y = 0; y < 25; y += 5) {
      a[y] = b[y] ^ (~b[y + 1] & b[y + 2]);
      a[y + 1] = b[y + 1] ^ (~b[y + 2] & b[y + 3]);
      a[y + 2] = b[y + 2] ^ (~b[y + 3] & b[y + 4]);
      a[y + 3] = b[y + 3] ^ (~b[y + 4] & b[y]);
      a[y + 4] = b[y + 4] ^ (~b[y] & b[y + 1]);
    }
    a[0] ^= rc;
  }
}

void AbsorbBlock(uint64_t state[25], const uint8_t* block, size_t rate) {
  for (size_t i = 0; i < rate / 8; ++i) {
    uint64_t lane = 0;
    for (int j = 0; j < 8; ++j) lane |= static_cast<uint64_t>(block[8 * i + j]) << (8 * j);
    state[i] ^= lane;
  }
  KeccakF(state);
}

}  // namespace

Hash256 Keccak256(std::span<const uint8_t> data) {
  constexpr size_t kRate = 136;  // 1600 - 2 * 256 bits
  uint64_t state[25] = {};
  size_t offset = 0;
  for (; data.size() - offset >= kRate; offset += kRate) {
    AbsorbBlock(state, data.data() + offset, kRate);
  }
  uint8_t last[kRate] = {};
  size_t rest = data.size() - offset;
  if (rest > 0) std::memcpy(last, data.data() + offset, rest);
  last[rest] ^= 0x01;
  last[kRate - 1] ^= 0x80;
  AbsorbBlock(state, last, kRate);
  Hash256 out;
  for (int i = 0; i < 32; ++i) out[i] = static_cast<uint8_t>(state[i / 8] >> (8 * (i % 8)));
  return out;
}

Hash256 Keccak256(std::string_view text) {
  return Keccak256(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

}  // namespace betteroms::crypto
