#include "nostr/curve/group.hpp"

#include <vector>

namespace pleb::nostr::curve {
namespace {

const Fe kSeven = fe_from_int(7);
const Fe kOne = fe_from_int(1);

}  // namespace

bool ge_lift_x(Ge& r, const Fe& x) {
  const Fe c = fe_add(fe_mul(fe_sqr(x), x), kSeven);
  Fe y;
  if (!fe_sqrt(y, c)) return false;
  y = fe_normalize(y);
  if (y.n[0] & 1) y = fe_normalize(fe_negate(y, 1));
  r.x = fe_normalize(x);
  r.y = y;
  return true;
}

Ge ge_negate(const Ge& a) {
  return Ge{a.x, fe_negate(a.y, 1)};
}

Gej gej_from_ge(const Ge& a) {
  return Gej{a.x, fe_weak(a.y), kOne, false};
}

// Doubling for a = 0 (dbl-2009-l): 2M + 5S. secp256k1 has no point of order two, so y is never 0.
Gej gej_double(const Gej& a) {
  if (a.infinity) return a;
  const Fe xx = fe_sqr(a.x);
  const Fe yy = fe_sqr(a.y);
  const Fe yyyy = fe_sqr(yy);
  // d = 2((x + yy)^2 - xx - yyyy) = 4 x y^2
  const Fe d =
      fe_weak(fe_mul_int(fe_add(fe_add(fe_sqr(fe_add(a.x, yy)), fe_negate(xx, 1)), fe_negate(yyyy, 1)), 2));
  const Fe e = fe_mul_int(xx, 3);
  const Fe x3 = fe_weak(fe_add(fe_sqr(e), fe_negate(fe_mul_int(d, 2), 2)));
  const Fe y3 = fe_weak(fe_add(fe_mul(e, fe_add(d, fe_negate(x3, 1))), fe_negate(fe_mul_int(yyyy, 8), 8)));
  const Fe z3 = fe_weak(fe_mul_int(fe_mul(a.y, a.z), 2));
  return Gej{x3, y3, z3, false};
}

// Mixed addition (madd-2004-hmv): 8M + 3S.
Gej gej_add_ge(const Gej& a, const Ge& b) {
  if (a.infinity) return gej_from_ge(b);
  const Fe zz = fe_sqr(a.z);
  const Fe u2 = fe_mul(b.x, zz);
  const Fe s2 = fe_mul(fe_mul(b.y, a.z), zz);
  const Fe h = fe_add(u2, fe_negate(a.x, 1));
  const Fe r = fe_add(s2, fe_negate(a.y, 1));
  if (fe_is_zero(h)) {
    if (fe_is_zero(r)) return gej_double(gej_from_ge(b));
    return Gej{};  // b = -a
  }
  const Fe hh = fe_sqr(h);
  const Fe hhh = fe_mul(h, hh);
  const Fe v = fe_mul(a.x, hh);
  const Fe x3 = fe_weak(fe_add(fe_add(fe_sqr(r), fe_negate(hhh, 1)), fe_negate(fe_mul_int(v, 2), 2)));
  const Fe y3 = fe_weak(fe_add(fe_mul(fe_add(v, fe_negate(x3, 1)), r), fe_negate(fe_mul(a.y, hhh), 1)));
  const Fe z3 = fe_mul(a.z, h);
  return Gej{x3, y3, z3, false};
}

void gej_to_ge_all(const Gej* in, Ge* out, std::size_t count) {
  if (count == 0) return;
  // Montgomery's trick: the product of all z is inverted once, and each z's inverse is read off it
  // with the products before and after it.
  thread_local std::vector<Fe> prefix;
  prefix.resize(count);
  prefix[0] = in[0].z;
  for (std::size_t i = 1; i < count; ++i) prefix[i] = fe_mul(prefix[i - 1], in[i].z);
  Fe inverse = fe_inverse(prefix[count - 1]);
  for (std::size_t i = count; i-- > 0;) {
    const Fe zi = i == 0 ? inverse : fe_mul(inverse, prefix[i - 1]);
    if (i > 0) inverse = fe_mul(inverse, in[i].z);
    const Fe zi2 = fe_sqr(zi);
    out[i].x = fe_normalize(fe_mul(in[i].x, zi2));
    out[i].y = fe_normalize(fe_mul(in[i].y, fe_mul(zi2, zi)));
  }
}

void odd_multiples_all(const Ge* points, std::size_t count, std::size_t size, Ge* tables) {
  // Kept per thread: batches come back with about the same sizes.
  thread_local std::vector<Gej> twice, multiples;
  thread_local std::vector<Ge> twice_affine;
  twice.resize(count);
  for (std::size_t k = 0; k < count; ++k) twice[k] = gej_double(gej_from_ge(points[k]));
  twice_affine.resize(count);
  gej_to_ge_all(twice.data(), twice_affine.data(), count);
  multiples.resize(count * size);
  for (std::size_t k = 0; k < count; ++k) {
    Gej* row = &multiples[k * size];
    row[0] = gej_from_ge(points[k]);
    for (std::size_t i = 1; i < size; ++i) row[i] = gej_add_ge(row[i - 1], twice_affine[k]);
  }
  gej_to_ge_all(multiples.data(), tables, count * size);
}

const Ge& generator() {
  static const Ge g = [] {
    // The generator's coordinates from the curve's definition (SEC 2).
    static const std::uint8_t kX[32] = {0x79, 0xBE, 0x66, 0x7E, 0xF9, 0xDC, 0xBB, 0xAC, 0x55, 0xA0, 0x62,
                                        0x95, 0xCE, 0x87, 0x0B, 0x07, 0x02, 0x9B, 0xFC, 0xDB, 0x2D, 0xCE,
                                        0x28, 0xD9, 0x59, 0xF2, 0x81, 0x5B, 0x16, 0xF8, 0x17, 0x98};
    static const std::uint8_t kY[32] = {0x48, 0x3A, 0xDA, 0x77, 0x26, 0xA3, 0xC4, 0x65, 0x5D, 0xA4, 0xFB,
                                        0xFC, 0x0E, 0x11, 0x08, 0xA8, 0xFD, 0x17, 0xB4, 0x48, 0xA6, 0x85,
                                        0x54, 0x19, 0x9C, 0x47, 0xD0, 0x8F, 0xFB, 0x10, 0xD4, 0xB8};
    Ge p;
    fe_set_bytes(p.x, kX);
    fe_set_bytes(p.y, kY);
    return p;
  }();
  return g;
}

}  // namespace pleb::nostr::curve
