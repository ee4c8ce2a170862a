// The field, scalar and group arithmetic behind batch verification, checked against OpenSSL's
// bignums (field and scalar) and libsecp256k1 (points), including values at the edges of each range
// and sums as large as the group code lets them grow.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <secp256k1.h>

#include <array>
#include <memory>
#include <vector>

#include "nostr/curve/group.hpp"
#include "nostr/curve/scalar.hpp"
#include "nostr/schnorr.hpp"

namespace pleb::nostr::curve {
namespace {

using Bn = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

Bn bn(const Bytes32& bytes) {
  return Bn(BN_bin2bn(bytes.data(), 32, nullptr), &BN_free);
}

Bn bn_hex(const char* hex) {
  BIGNUM* b = nullptr;
  BN_hex2bn(&b, hex);
  return Bn(b, &BN_free);
}

Bytes32 bytes(const BIGNUM* b) {
  Bytes32 out;
  BN_bn2binpad(b, out.data(), 32);
  return out;
}

const Bn& field_prime() {
  static const Bn p = bn_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F");
  return p;
}

const Bn& group_order() {
  static const Bn n = bn_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
  return n;
}

Bytes32 fe_bytes(const Fe& a) {
  Bytes32 out;
  fe_get_bytes(out.data(), fe_normalize(a));
  return out;
}

Bytes32 scalar_bytes(const Scalar& a) {
  Bytes32 out;
  for (int i = 0; i < 4; ++i) {
    for (int b = 0; b < 8; ++b) out[31 - 8 * i - b] = static_cast<std::uint8_t>(a.d[i] >> (8 * b));
  }
  return out;
}

Bytes32 hex32(const char* hex) {
  return bytes(bn_hex(hex).get());
}

// Random values below `modulus`, then the edges: 0, 1, 2, modulus - 1, modulus - 2, 2^255, 2^128 - 1.
std::vector<Bytes32> samples(const BIGNUM* modulus, int random_count) {
  std::vector<Bytes32> out;
  Bn value(BN_new(), &BN_free);
  for (int i = 0; i < random_count; ++i) {
    BN_rand_range(value.get(), modulus);
    out.push_back(bytes(value.get()));
  }
  for (int k = 0; k < 3; ++k) {
    BN_set_word(value.get(), static_cast<BN_ULONG>(k));
    out.push_back(bytes(value.get()));
    BN_sub(value.get(), modulus, BN_value_one());
    if (k > 0) BN_sub_word(value.get(), static_cast<BN_ULONG>(k - 1));
    out.push_back(bytes(value.get()));
  }
  out.push_back(hex32("8000000000000000000000000000000000000000000000000000000000000000"));
  out.push_back(hex32("00000000000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"));
  return out;
}

Bytes32 expect_mod(BIGNUM* r, const BIGNUM* modulus) {
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), &BN_CTX_free);
  BN_nnmod(r, r, modulus, ctx.get());
  return bytes(r);
}

Fe fe(const Bytes32& b) {
  Fe r;
  EXPECT_TRUE(fe_set_bytes(r, b.data()));
  return r;
}

TEST(CurveField, RejectsBytesNotBelowP) {
  Fe r;
  EXPECT_FALSE(fe_set_bytes(r, bytes(field_prime().get()).data()));
  EXPECT_FALSE(
      fe_set_bytes(r, hex32("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF").data()));
  EXPECT_TRUE(
      fe_set_bytes(r, hex32("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2E").data()));
}

TEST(CurveField, ArithmeticMatchesBignums) {
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), &BN_CTX_free);
  const BIGNUM* p = field_prime().get();
  const auto values = samples(p, 300);
  Bn expected(BN_new(), &BN_free);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Bytes32& a = values[i];
    const Bytes32& b = values[(i * 7 + 3) % values.size()];
    SCOPED_TRACE(i);
    EXPECT_EQ(fe_bytes(fe(a)), a);
    BN_mod_mul(expected.get(), bn(a).get(), bn(b).get(), p, ctx.get());
    EXPECT_EQ(fe_bytes(fe_mul(fe(a), fe(b))), bytes(expected.get()));
    BN_mod_sqr(expected.get(), bn(a).get(), p, ctx.get());
    EXPECT_EQ(fe_bytes(fe_sqr(fe(a))), bytes(expected.get()));
    BN_mod_add(expected.get(), bn(a).get(), bn(b).get(), p, ctx.get());
    EXPECT_EQ(fe_bytes(fe_add(fe(a), fe(b))), bytes(expected.get()));
    BN_mod_sub(expected.get(), bn(b).get(), bn(a).get(), p, ctx.get());
    EXPECT_EQ(fe_bytes(fe_add(fe(b), fe_negate(fe(a), 1))), bytes(expected.get()));
    EXPECT_EQ(fe_is_zero(fe_add(fe(b), fe_negate(fe(a), 1))), a == b);
    if (!BN_is_zero(bn(a).get())) {
      BN_mod_inverse(expected.get(), bn(a).get(), p, ctx.get());
      EXPECT_EQ(fe_bytes(fe_inverse(fe(a))), bytes(expected.get()));
    }
    Fe root;
    const bool has_root = fe_sqrt(root, fe(a));
    ERR_set_mark();
    const bool bn_has_root = BN_mod_sqrt(expected.get(), bn(a).get(), p, ctx.get()) != nullptr;
    ERR_pop_to_mark();
    EXPECT_EQ(has_root, bn_has_root);
    if (has_root) EXPECT_EQ(fe_bytes(fe_sqr(root)), a);
  }
}

// The largest inputs the group code hands to a multiplication: eight weak values summed, and a
// negation of eight weak values plus one more.
TEST(CurveField, MultiplicationAcceptsTheLargestSums) {
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), &BN_CTX_free);
  const BIGNUM* p = field_prime().get();
  const auto values = samples(p, 40);
  Bn sum_a(BN_new(), &BN_free), sum_b(BN_new(), &BN_free), expected(BN_new(), &BN_free);
  for (std::size_t i = 0; i + 9 < values.size(); ++i) {
    // Weak values with full limbs: products of the sample values (each limb may reach 2^52 + 2^48).
    Fe a = fe_from_int(0), b = fe_from_int(0);
    BN_zero(sum_a.get());
    BN_zero(sum_b.get());
    for (std::size_t k = 0; k < 8; ++k) {
      const Fe weak = fe_mul(fe(values[i + k]), fe(values[i + k + 1]));
      a = fe_add(a, weak);
      BN_mod_mul(expected.get(), bn(values[i + k]).get(), bn(values[i + k + 1]).get(), p, ctx.get());
      BN_mod_add(sum_a.get(), sum_a.get(), expected.get(), p, ctx.get());
    }
    b = fe_add(fe_negate(fe_mul_int(fe(values[i]), 7), 7), fe(values[i + 1]));
    BN_mod_mul(expected.get(), bn(values[i]).get(), BN_value_one(), p, ctx.get());
    BN_mul_word(expected.get(), 7);
    BN_mod_sub(sum_b.get(), bn(values[i + 1]).get(), expected.get(), p, ctx.get());
    BN_mod_mul(expected.get(), sum_a.get(), sum_b.get(), p, ctx.get());
    EXPECT_EQ(fe_bytes(fe_mul(a, b)), bytes(expected.get())) << i;
    BN_mod_sqr(expected.get(), sum_a.get(), p, ctx.get());
    EXPECT_EQ(fe_bytes(fe_sqr(a)), bytes(expected.get())) << i;
  }
}

TEST(CurveScalar, RangeChecks) {
  Scalar s;
  EXPECT_FALSE(scalar_set_bytes(s, bytes(group_order().get()).data()));
  EXPECT_FALSE(
      scalar_set_bytes(s, hex32("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF").data()));
  EXPECT_TRUE(
      scalar_set_bytes(s, hex32("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140").data()));
  // 2^256 - 1 mod n = 2^256 - 1 - n
  EXPECT_EQ(scalar_bytes(scalar_from_bytes_reduced(
                hex32("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF").data())),
            hex32("000000000000000000000000000000014551231950B75FC4402DA1732FC9BEBE"));
}

TEST(CurveScalar, ArithmeticMatchesBignums) {
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), &BN_CTX_free);
  const BIGNUM* n = group_order().get();
  const auto values = samples(n, 300);
  Bn expected(BN_new(), &BN_free);
  for (std::size_t i = 0; i < values.size(); ++i) {
    Scalar a, b;
    ASSERT_TRUE(scalar_set_bytes(a, values[i].data()));
    ASSERT_TRUE(scalar_set_bytes(b, values[(i * 7 + 3) % values.size()].data()));
    SCOPED_TRACE(i);
    EXPECT_EQ(scalar_bytes(a), values[i]);
    BN_mod_mul(expected.get(), bn(scalar_bytes(a)).get(), bn(scalar_bytes(b)).get(), n, ctx.get());
    EXPECT_EQ(scalar_bytes(scalar_mul(a, b)), bytes(expected.get()));
    BN_mod_add(expected.get(), bn(scalar_bytes(a)).get(), bn(scalar_bytes(b)).get(), n, ctx.get());
    EXPECT_EQ(scalar_bytes(scalar_add(a, b)), bytes(expected.get()));
    BN_sub(expected.get(), n, bn(scalar_bytes(a)).get());
    EXPECT_EQ(scalar_bytes(scalar_negate(a)), expect_mod(expected.get(), n));
  }
}

TEST(CurveScalar, WnafDigitsSumToTheScalar) {
  const auto values = samples(group_order().get(), 100);
  for (int window : {4, 5, 8}) {
    for (const Bytes32& value : values) {
      Scalar a;
      ASSERT_TRUE(scalar_set_bytes(a, value.data()));
      std::array<std::int8_t, kWnafDigits> digits;
      const int top = scalar_wnaf(digits.data(), a, window);
      Bn sum(BN_new(), &BN_free), term(BN_new(), &BN_free);
      BN_zero(sum.get());
      int last_nonzero = -window;
      for (int i = kWnafDigits - 1; i >= 0; --i) {
        const int d = digits[static_cast<std::size_t>(i)];
        if (d != 0) {
          EXPECT_EQ(d % 2 != 0, true);
          EXPECT_LT(d < 0 ? -d : d, 1 << (window - 1));
          EXPECT_LT(i, top);
        }
      }
      for (int i = 0; i < kWnafDigits; ++i) {
        const int d = digits[static_cast<std::size_t>(i)];
        if (d == 0) continue;
        EXPECT_GE(i - last_nonzero, window) << "digits too close";
        last_nonzero = i;
        BN_set_word(term.get(), static_cast<BN_ULONG>(d < 0 ? -d : d));
        BN_lshift(term.get(), term.get(), i);
        if (d < 0) BN_set_negative(term.get(), 1);
        BN_add(sum.get(), sum.get(), term.get());
      }
      EXPECT_EQ(bytes(sum.get()), value) << "window " << window;
    }
  }
}

// (x, y) of k G from libsecp256k1.
std::pair<Bytes32, Bytes32> reference_multiple(const Bytes32& k) {
  auto* ctx = reinterpret_cast<const secp256k1_context*>(secp256k1_shared_context());
  secp256k1_pubkey pubkey;
  EXPECT_TRUE(secp256k1_ec_pubkey_create(ctx, &pubkey, k.data()));
  std::array<std::uint8_t, 65> out;
  std::size_t size = out.size();
  secp256k1_ec_pubkey_serialize(ctx, out.data(), &size, &pubkey, SECP256K1_EC_UNCOMPRESSED);
  std::pair<Bytes32, Bytes32> xy;
  std::copy(out.begin() + 1, out.begin() + 33, xy.first.begin());
  std::copy(out.begin() + 33, out.end(), xy.second.begin());
  return xy;
}

Bytes32 small(unsigned k) {
  Bytes32 b{};
  b[31] = static_cast<std::uint8_t>(k);
  b[30] = static_cast<std::uint8_t>(k >> 8);
  return b;
}

TEST(CurveGroup, OddMultiplesOfTheGeneratorMatchLibsecp256k1) {
  std::vector<Ge> table(64);
  odd_multiples_all(&generator(), 1, table.size(), table.data());
  for (unsigned i = 0; i < table.size(); ++i) {
    auto [x, y] = reference_multiple(small(2 * i + 1));
    EXPECT_EQ(fe_bytes(table[i].x), x) << 2 * i + 1;
    EXPECT_EQ(fe_bytes(table[i].y), y) << 2 * i + 1;
  }
}

TEST(CurveGroup, AdditionCoversEqualAndOppositePoints) {
  const Ge& g = generator();
  Gej twice_by_add = gej_add_ge(gej_from_ge(g), g);
  Gej twice_by_double = gej_double(gej_from_ge(g));
  Ge a[2];
  const Gej both[2] = {twice_by_add, twice_by_double};
  gej_to_ge_all(both, a, 2);
  auto [x, y] = reference_multiple(small(2));
  EXPECT_EQ(fe_bytes(a[0].x), x);
  EXPECT_EQ(fe_bytes(a[0].y), y);
  EXPECT_EQ(fe_bytes(a[1].x), x);
  EXPECT_TRUE(gej_add_ge(gej_from_ge(g), ge_negate(g)).infinity);
  EXPECT_FALSE(gej_add_ge(Gej{}, g).infinity);
  // A Jacobian point whose z is not 1 meets its own negation and itself.
  Gej three = gej_add_ge(twice_by_double, g);
  Ge three_affine;
  gej_to_ge_all(&three, &three_affine, 1);
  EXPECT_TRUE(gej_add_ge(three, ge_negate(three_affine)).infinity);
  Gej six = gej_add_ge(three, three_affine);
  Ge six_affine;
  gej_to_ge_all(&six, &six_affine, 1);
  auto [x6, y6] = reference_multiple(small(6));
  EXPECT_EQ(fe_bytes(six_affine.x), x6);
  EXPECT_EQ(fe_bytes(six_affine.y), y6);
}

TEST(CurveGroup, LiftXGivesTheEvenPointOrNone) {
  for (int i = 0; i < 50; ++i) {
    const Bytes32 k = generate_secret_key().bytes();
    auto [x, y] = reference_multiple(k);
    Ge lifted;
    ASSERT_TRUE(ge_lift_x(lifted, fe(x)));
    EXPECT_EQ(fe_bytes(lifted.x), x);
    EXPECT_EQ(fe_bytes(lifted.y)[31] & 1, 0);
    if ((y[31] & 1) == 0) EXPECT_EQ(fe_bytes(lifted.y), y);
  }
  // x = 5: 5^3 + 7 = 132 has no square root mod p (BIP-340's vectors use such x for invalid keys).
  Ge none;
  const Bytes32 five = small(5);
  EXPECT_EQ(ge_lift_x(none, fe(five)), is_valid_public_key(five));
}

}  // namespace
}  // namespace pleb::nostr::curve
