#pragma once
// Points of secp256k1 (y^2 = x^3 + 7 over the field of field.hpp) for batch verification. Affine
// points have normalized coordinates; Jacobian ones (x / z^2, y / z^3) weak ones. Variable-time.
#include <cstddef>

#include "nostr/curve/field.hpp"

namespace pleb::nostr::curve {

struct Ge {
  Fe x, y;
};

struct Gej {
  Fe x{}, y{}, z{};
  bool infinity = true;
};

// The point with this x and an even y (BIP-340's lift_x); false when x^3 + 7 has no square root.
bool ge_lift_x(Ge& r, const Fe& x);
// -a; its y counts as two weak values.
Ge ge_negate(const Ge& a);
Gej gej_from_ge(const Ge& a);
Gej gej_double(const Gej& a);
// a + b, also when a is b, -b or the point at infinity.
Gej gej_add_ge(const Gej& a, const Ge& b);
// Affine forms of points none of which is the point at infinity, with one field inversion for all.
void gej_to_ge_all(const Gej* in, Ge* out, std::size_t count);
// tables[k * size + i] = (2i + 1) points[k] for i < size: the odd multiples a wNAF digit selects.
// All points share the two inversions.
void odd_multiples_all(const Ge* points, std::size_t count, std::size_t size, Ge* tables);
const Ge& generator();

}  // namespace pleb::nostr::curve
