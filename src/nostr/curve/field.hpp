#pragma once
// Arithmetic modulo p = 2^256 - 2^32 - 977, the field of secp256k1, for batch verification
// (nostr/batch_verify.cpp). Everything here handles public data only, so it is variable-time.
//
// An element is five limbs of 52 bits, value = sum of n[i] * 2^(52 i). Sums are left unreduced: a limb
// may grow past 52 bits until the next multiplication, which accepts limbs below 2^57 and returns
// limbs below 2^53 (the top one below 2^49), called "weak" below. A sum of k weak values has limbs
// below k * 2^53, so the group code keeps what it multiplies to sixteen weak values or fewer.
#include <cstdint>

namespace pleb::nostr::curve {

struct Fe {
  std::uint64_t n[5];
};

namespace detail {

__extension__ typedef unsigned __int128 u128;
inline constexpr std::uint64_t kMask52 = 0xFFFFFFFFFFFFFULL;
inline constexpr std::uint64_t kMask48 = 0xFFFFFFFFFFFFULL;
// 2^256 mod p. 2^260 mod p is this times 16: the weight of a sixth 52-bit limb.
inline constexpr std::uint64_t kFold256 = 0x1000003D1ULL;
inline constexpr std::uint64_t kFold260 = kFold256 << 4;
// p in limbs, for negation.
inline constexpr std::uint64_t kP0 = 0xFFFFEFFFFFC2FULL;
inline constexpr std::uint64_t kP4 = kMask48;

// d[0..8] are the column sums of a 5 x 5 limb product (each below 2^117). The columns from 5 up weigh
// 2^260 and more, so they are carried into 52-bit limbs and folded down times 2^260 mod p; what then
// passes 2^256 is folded once more.
inline void reduce_columns(Fe& r, u128 d0, u128 d1, u128 d2, u128 d3, u128 d4, u128 d5, u128 d6, u128 d7,
                           u128 d8) {
  const std::uint64_t c5 = static_cast<std::uint64_t>(d5) & kMask52;
  d6 += d5 >> 52;
  const std::uint64_t c6 = static_cast<std::uint64_t>(d6) & kMask52;
  d7 += d6 >> 52;
  const std::uint64_t c7 = static_cast<std::uint64_t>(d7) & kMask52;
  d8 += d7 >> 52;
  const std::uint64_t c8 = static_cast<std::uint64_t>(d8) & kMask52;
  const std::uint64_t c9 = static_cast<std::uint64_t>(d8 >> 52);
  d0 += static_cast<u128>(c5) * kFold260;
  d1 += static_cast<u128>(c6) * kFold260;
  d2 += static_cast<u128>(c7) * kFold260;
  d3 += static_cast<u128>(c8) * kFold260;
  d4 += static_cast<u128>(c9) * kFold260;
  d1 += d0 >> 52;
  d2 += d1 >> 52;
  d3 += d2 >> 52;
  d4 += d3 >> 52;
  const u128 low = static_cast<u128>(static_cast<std::uint64_t>(d0) & kMask52) + (d4 >> 48) * kFold256;
  r.n[0] = static_cast<std::uint64_t>(low) & kMask52;
  r.n[1] = (static_cast<std::uint64_t>(d1) & kMask52) + static_cast<std::uint64_t>(low >> 52);
  r.n[2] = static_cast<std::uint64_t>(d2) & kMask52;
  r.n[3] = static_cast<std::uint64_t>(d3) & kMask52;
  r.n[4] = static_cast<std::uint64_t>(d4) & kMask48;
}

}  // namespace detail

inline Fe fe_from_int(std::uint64_t v) {
  return Fe{{v & detail::kMask52, v >> 52, 0, 0, 0}};
}

inline Fe fe_mul(const Fe& a, const Fe& b) {
  using detail::u128;
  const std::uint64_t *x = a.n, *y = b.n;
  Fe r;
  detail::reduce_columns(
      r, static_cast<u128>(x[0]) * y[0], static_cast<u128>(x[0]) * y[1] + static_cast<u128>(x[1]) * y[0],
      static_cast<u128>(x[0]) * y[2] + static_cast<u128>(x[1]) * y[1] + static_cast<u128>(x[2]) * y[0],
      static_cast<u128>(x[0]) * y[3] + static_cast<u128>(x[1]) * y[2] + static_cast<u128>(x[2]) * y[1] +
          static_cast<u128>(x[3]) * y[0],
      static_cast<u128>(x[0]) * y[4] + static_cast<u128>(x[1]) * y[3] + static_cast<u128>(x[2]) * y[2] +
          static_cast<u128>(x[3]) * y[1] + static_cast<u128>(x[4]) * y[0],
      static_cast<u128>(x[1]) * y[4] + static_cast<u128>(x[2]) * y[3] + static_cast<u128>(x[3]) * y[2] +
          static_cast<u128>(x[4]) * y[1],
      static_cast<u128>(x[2]) * y[4] + static_cast<u128>(x[3]) * y[3] + static_cast<u128>(x[4]) * y[2],
      static_cast<u128>(x[3]) * y[4] + static_cast<u128>(x[4]) * y[3], static_cast<u128>(x[4]) * y[4]);
  return r;
}

inline Fe fe_sqr(const Fe& a) {
  using detail::u128;
  const std::uint64_t* x = a.n;
  const std::uint64_t x0d = x[0] * 2, x1d = x[1] * 2, x2d = x[2] * 2, x3d = x[3] * 2;
  Fe r;
  detail::reduce_columns(
      r, static_cast<u128>(x[0]) * x[0], static_cast<u128>(x0d) * x[1],
      static_cast<u128>(x0d) * x[2] + static_cast<u128>(x[1]) * x[1],
      static_cast<u128>(x0d) * x[3] + static_cast<u128>(x1d) * x[2],
      static_cast<u128>(x0d) * x[4] + static_cast<u128>(x1d) * x[3] + static_cast<u128>(x[2]) * x[2],
      static_cast<u128>(x1d) * x[4] + static_cast<u128>(x2d) * x[3],
      static_cast<u128>(x2d) * x[4] + static_cast<u128>(x[3]) * x[3], static_cast<u128>(x3d) * x[4],
      static_cast<u128>(x[4]) * x[4]);
  return r;
}

inline Fe fe_add(const Fe& a, const Fe& b) {
  return Fe{{a.n[0] + b.n[0], a.n[1] + b.n[1], a.n[2] + b.n[2], a.n[3] + b.n[3], a.n[4] + b.n[4]}};
}

inline Fe fe_mul_int(const Fe& a, std::uint64_t k) {
  return Fe{{a.n[0] * k, a.n[1] * k, a.n[2] * k, a.n[3] * k, a.n[4] * k}};
}

// -a, for `a` no larger than `m` weak values: 2(m + 1) p - a, limb by limb, so no limb goes negative.
// The result counts as m + 1 weak values.
inline Fe fe_negate(const Fe& a, std::uint64_t m) {
  const std::uint64_t k = 2 * (m + 1);
  return Fe{{k * detail::kP0 - a.n[0], k * detail::kMask52 - a.n[1], k * detail::kMask52 - a.n[2],
             k * detail::kMask52 - a.n[3], k * detail::kP4 - a.n[4]}};
}

// Carries every limb into the next and folds what passes 2^256: the result is weak.
inline Fe fe_weak(const Fe& a) {
  std::uint64_t t0 = a.n[0], t1 = a.n[1], t2 = a.n[2], t3 = a.n[3], t4 = a.n[4];
  t0 += (t4 >> 48) * detail::kFold256;
  t4 &= detail::kMask48;
  t1 += t0 >> 52;
  t0 &= detail::kMask52;
  t2 += t1 >> 52;
  t1 &= detail::kMask52;
  t3 += t2 >> 52;
  t2 &= detail::kMask52;
  t4 += t3 >> 52;
  t3 &= detail::kMask52;
  return Fe{{t0, t1, t2, t3, t4}};
}

// The unique representation below p.
Fe fe_normalize(const Fe& a);
// Whether `a` is 0 mod p (cheaper than normalizing: after fe_weak only 0 and p are left to check).
bool fe_is_zero(const Fe& a);
bool fe_equal(const Fe& a, const Fe& b);
// Big-endian bytes; false when the value is not below p.
bool fe_set_bytes(Fe& r, const std::uint8_t* bytes32);
// `a` normalized.
void fe_get_bytes(std::uint8_t* bytes32, const Fe& a);
Fe fe_inverse(const Fe& a);  // a^(p-2); 0 for 0
// A square root of `a` if it has one (a^((p+1)/4), checked by squaring back).
bool fe_sqrt(Fe& r, const Fe& a);

}  // namespace pleb::nostr::curve
