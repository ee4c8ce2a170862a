#include "nostr/curve/scalar.hpp"

#include <algorithm>

#include "nostr/bytes.hpp"

namespace pleb::nostr::curve {
namespace {

__extension__ typedef unsigned __int128 u128;

constexpr std::uint64_t kN[4] = {0xBFD25E8CD0364141ULL, 0xBAAEDCE6AF48A03BULL, 0xFFFFFFFFFFFFFFFEULL,
                                 0xFFFFFFFFFFFFFFFFULL};
// 2^256 - n: what a unit of 2^256 leaves mod n.
constexpr std::uint64_t kComplement[3] = {0x402DA1732FC9BEBFULL, 0x4551231950B75FC4ULL, 1};

bool at_least_n(const std::uint64_t* x) {
  for (int i = 3; i >= 0; --i) {
    if (x[i] != kN[i]) return x[i] > kN[i];
  }
  return true;
}

void subtract_n(std::uint64_t* x) {
  std::uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const u128 t = static_cast<u128>(x[i]) - kN[i] - borrow;
    x[i] = static_cast<std::uint64_t>(t);
    borrow = static_cast<std::uint64_t>(t >> 64) & 1;
  }
}

// x (up to eight limbs) mod n. Whatever lies above 2^256 is folded down as H (2^256 - n), which
// shortens x by at least 60 bits a round until it fits in four limbs; then one subtraction is left.
Scalar reduce(std::uint64_t* x, int len) {
  while (len > 4) {
    std::uint64_t folded[8] = {x[0], x[1], x[2], x[3], 0, 0, 0, 0};
    for (int i = 0; i < len - 4; ++i) {
      u128 carry = 0;
      for (int j = 0; j < 3; ++j) {
        const u128 t = static_cast<u128>(x[4 + i]) * kComplement[j] + folded[i + j] + carry;
        folded[i + j] = static_cast<std::uint64_t>(t);
        carry = t >> 64;
      }
      for (int k = i + 3; carry != 0 && k < 8; ++k) {
        const u128 t = static_cast<u128>(folded[k]) + carry;
        folded[k] = static_cast<std::uint64_t>(t);
        carry = t >> 64;
      }
    }
    len = 8;
    while (len > 4 && folded[len - 1] == 0) --len;
    std::copy(folded, folded + 8, x);
  }
  if (at_least_n(x)) subtract_n(x);
  return Scalar{{x[0], x[1], x[2], x[3]}};
}

void load(std::uint64_t* x, const std::uint8_t* bytes32) {
  for (int i = 0; i < 4; ++i) x[3 - i] = load_be64(bytes32 + 8 * i);
}

// `count` (at most 8) bits of `a` from bit `bit` on; bits past 255 are zero.
unsigned bits(const Scalar& a, int bit, int count) {
  if (bit >= 256) return 0;
  const int limb = bit >> 6, offset = bit & 63;
  std::uint64_t v = a.d[limb] >> offset;
  if (offset + count > 64 && limb < 3) v |= a.d[limb + 1] << (64 - offset);
  return static_cast<unsigned>(v & ((std::uint64_t{1} << count) - 1));
}

}  // namespace

bool scalar_set_bytes(Scalar& r, const std::uint8_t* bytes32) {
  load(r.d, bytes32);
  return !at_least_n(r.d);
}

Scalar scalar_from_bytes_reduced(const std::uint8_t* bytes32) {
  std::uint64_t x[8];
  load(x, bytes32);
  return reduce(x, 4);
}

Scalar scalar_add(const Scalar& a, const Scalar& b) {
  std::uint64_t x[8] = {};
  u128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    const u128 t = static_cast<u128>(a.d[i]) + b.d[i] + carry;
    x[i] = static_cast<std::uint64_t>(t);
    carry = t >> 64;
  }
  x[4] = static_cast<std::uint64_t>(carry);
  return reduce(x, x[4] != 0 ? 5 : 4);
}

Scalar scalar_mul(const Scalar& a, const Scalar& b) {
  std::uint64_t x[8] = {};
  for (int i = 0; i < 4; ++i) {
    u128 carry = 0;
    for (int j = 0; j < 4; ++j) {
      const u128 t = static_cast<u128>(a.d[i]) * b.d[j] + x[i + j] + carry;
      x[i + j] = static_cast<std::uint64_t>(t);
      carry = t >> 64;
    }
    x[i + 4] = static_cast<std::uint64_t>(carry);
  }
  int len = 8;
  while (len > 4 && x[len - 1] == 0) --len;
  return reduce(x, len);
}

Scalar scalar_negate(const Scalar& a) {
  if (scalar_is_zero(a)) return a;
  Scalar r;
  std::uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const u128 t = static_cast<u128>(kN[i]) - a.d[i] - borrow;
    r.d[i] = static_cast<std::uint64_t>(t);
    borrow = static_cast<std::uint64_t>(t >> 64) & 1;
  }
  return r;
}

bool scalar_is_zero(const Scalar& a) {
  return (a.d[0] | a.d[1] | a.d[2] | a.d[3]) == 0;
}

int scalar_wnaf(std::int8_t* digits, const Scalar& a, int w) {
  std::fill(digits, digits + kWnafDigits, std::int8_t{0});
  // Bits are taken a window at a time; a negative digit leaves a carry into the bits above it.
  unsigned carry = 0;
  int top = 0;
  for (int bit = 0; bit < kWnafDigits;) {
    if (bits(a, bit, 1) == carry) {
      ++bit;
      continue;
    }
    int word = static_cast<int>(bits(a, bit, w) + carry);
    carry = static_cast<unsigned>(word >> (w - 1)) & 1;
    word -= static_cast<int>(carry << w);
    digits[bit] = static_cast<std::int8_t>(word);
    top = bit + 1;
    bit += w;
  }
  return top;
}

}  // namespace pleb::nostr::curve
