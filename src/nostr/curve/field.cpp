#include "nostr/curve/field.hpp"

#include "nostr/bytes.hpp"

namespace pleb::nostr::curve {
namespace {

using detail::kFold256;
using detail::kMask48;
using detail::kMask52;

Fe sqr_times(Fe a, int times) {
  for (int i = 0; i < times; ++i) a = fe_sqr(a);
  return a;
}

// a^(2^k - 1) for the run lengths of ones in p - 2 and (p + 1) / 4: both exponents are 223 ones, a
// zero and 22 ones, then a short tail. Each power comes from shorter ones: a^(2^(j+k) - 1) is
// a^(2^j - 1) squared k times, times a^(2^k - 1).
struct OnesPowers {
  Fe x1, x2, x3, x22, x223;
  explicit OnesPowers(const Fe& a) : x1(a) {
    x2 = fe_mul(fe_sqr(x1), x1);
    x3 = fe_mul(fe_sqr(x2), x1);
    const Fe x6 = fe_mul(sqr_times(x3, 3), x3);
    const Fe x9 = fe_mul(sqr_times(x6, 3), x3);
    const Fe x11 = fe_mul(sqr_times(x9, 2), x2);
    x22 = fe_mul(sqr_times(x11, 11), x11);
    const Fe x44 = fe_mul(sqr_times(x22, 22), x22);
    const Fe x88 = fe_mul(sqr_times(x44, 44), x44);
    const Fe x176 = fe_mul(sqr_times(x88, 88), x88);
    const Fe x220 = fe_mul(sqr_times(x176, 44), x44);
    x223 = fe_mul(sqr_times(x220, 3), x3);
  }
  // The exponent's bits after its 223 + 1 + 22 leading ones and zero.
  Fe head() const { return fe_mul(sqr_times(x223, 23), x22); }
};

}  // namespace

Fe fe_normalize(const Fe& a) {
  Fe t = fe_weak(a);
  // The top limb may have reached 2^48 by a carry: fold once more, now at most 2^256 + a little.
  t = fe_weak(t);
  // t >= p exactly when t + (2^256 - p) reaches 2^256; then that sum without its 2^256 is t - p.
  std::uint64_t s0 = t.n[0] + kFold256;
  std::uint64_t s1 = t.n[1] + (s0 >> 52);
  std::uint64_t s2 = t.n[2] + (s1 >> 52);
  std::uint64_t s3 = t.n[3] + (s2 >> 52);
  std::uint64_t s4 = t.n[4] + (s3 >> 52);
  if ((s4 >> 48) == 0) return t;
  return Fe{{s0 & kMask52, s1 & kMask52, s2 & kMask52, s3 & kMask52, s4 & kMask48}};
}

bool fe_is_zero(const Fe& a) {
  const Fe t = fe_weak(a);
  // A weak value is below 2^256 + 2^215 < 2p, so 0 mod p means 0 or p.
  if ((t.n[0] | t.n[1] | t.n[2] | t.n[3] | t.n[4]) == 0) return true;
  return t.n[0] == detail::kP0 && t.n[1] == kMask52 && t.n[2] == kMask52 && t.n[3] == kMask52 &&
         t.n[4] == kMask48;
}

bool fe_equal(const Fe& a, const Fe& b) {
  return fe_is_zero(fe_add(a, fe_negate(fe_weak(b), 1)));
}

bool fe_set_bytes(Fe& r, const std::uint8_t* bytes32) {
  const std::uint64_t w3 = load_be64(bytes32), w2 = load_be64(bytes32 + 8), w1 = load_be64(bytes32 + 16),
                      w0 = load_be64(bytes32 + 24);
  constexpr std::uint64_t kAllOnes = ~std::uint64_t{0};
  if (w3 == kAllOnes && w2 == kAllOnes && w1 == kAllOnes && w0 >= 0xFFFFFFFEFFFFFC2FULL) return false;
  r.n[0] = w0 & kMask52;
  r.n[1] = (w0 >> 52) | (w1 & 0xFFFFFFFFFFULL) << 12;
  r.n[2] = (w1 >> 40) | (w2 & 0xFFFFFFFULL) << 24;
  r.n[3] = (w2 >> 28) | (w3 & 0xFFFFULL) << 36;
  r.n[4] = w3 >> 16;
  return true;
}

void fe_get_bytes(std::uint8_t* bytes32, const Fe& a) {
  store_be64(bytes32, a.n[3] >> 36 | a.n[4] << 16);
  store_be64(bytes32 + 8, a.n[2] >> 24 | a.n[3] << 28);
  store_be64(bytes32 + 16, a.n[1] >> 12 | a.n[2] << 40);
  store_be64(bytes32 + 24, a.n[0] | a.n[1] << 52);
}

Fe fe_inverse(const Fe& a) {
  // p - 2: the head, then 0000 1 0 11 0 1.
  const OnesPowers powers(a);
  Fe t = fe_mul(sqr_times(powers.head(), 5), powers.x1);
  t = fe_mul(sqr_times(t, 3), powers.x2);
  return fe_mul(sqr_times(t, 2), powers.x1);
}

bool fe_sqrt(Fe& r, const Fe& a) {
  // (p + 1) / 4: the head, then 0000 11 00.
  const OnesPowers powers(a);
  r = sqr_times(fe_mul(sqr_times(powers.head(), 6), powers.x2), 2);
  return fe_equal(fe_sqr(r), a);
}

}  // namespace pleb::nostr::curve
