#pragma once
// Arithmetic modulo n, the order of secp256k1's group, for batch verification. Variable-time: the
// scalars it sees are public (signatures, hashes) or random weights that never leave the process.
#include <cstdint>

namespace pleb::nostr::curve {

// Four 64-bit limbs, least significant first, always below n.
struct Scalar {
  std::uint64_t d[4];
};

inline constexpr Scalar kScalarOne{{1, 0, 0, 0}};

// Big-endian bytes; false when the value is not below n (`r` is then unspecified).
bool scalar_set_bytes(Scalar& r, const std::uint8_t* bytes32);
// Big-endian bytes reduced mod n (for hashes).
Scalar scalar_from_bytes_reduced(const std::uint8_t* bytes32);
Scalar scalar_add(const Scalar& a, const Scalar& b);
Scalar scalar_mul(const Scalar& a, const Scalar& b);
Scalar scalar_negate(const Scalar& a);
bool scalar_is_zero(const Scalar& a);

// The width-w non-adjacent form: digits[i] is 0 or odd with |digits[i]| < 2^(w-1), at most one of any
// w consecutive digits is nonzero, and the sum of digits[i] 2^i is `a`. Writes kWnafDigits digits and
// returns one past the highest nonzero one (0 for a zero scalar).
inline constexpr int kWnafDigits = 258;
int scalar_wnaf(std::int8_t* digits, const Scalar& a, int w);

}  // namespace pleb::nostr::curve
