#pragma once
/// Complex arithmetic on vectors of REs shared by the equaliser kernels (equalizer_kernel_body.h,
/// equalizer_whitening.cpp), for the two vector types the kernels are built with: v8f (8 lanes, AVX2 build) and
/// v4f (4 lanes, baseline x86-64 build, where 8-lane vectors would be split and shuffled element by element).
///
/// Complex values are held as two vectors (real parts, imaginary parts). Loading interleaved cf_t with one in-lane
/// shuffle per vector leaves the 8 REs of an AVX2 vector in lane order 0 1 4 5 2 3 6 7 (4 REs: natural order); the
/// unpack on store restores the order, so nothing crosses 128-bit lanes except the store of real values.
///
/// Everything is always inlined, so that it is compiled for the instruction set of the kernel that uses it.

#include "airan/common/complex.h"

#include <cstdint>
#include <cstring>

#define AIRAN_EQ_INLINE [[gnu::always_inline]] inline

namespace airan::phy::detail {

using v8f = float __attribute__((vector_size(32)));
using v8i = int32_t __attribute__((vector_size(32)));
using v4f = float __attribute__((vector_size(16)));
using v4i = int32_t __attribute__((vector_size(16)));

/// Lanes of the float vector type F.
template <typename F>
constexpr unsigned lanes_of = sizeof(F) / sizeof(float);

/// Lane masks of F (all ones or all zeros per lane), the type of its comparisons.
template <typename F>
using mask_of = decltype(F{} < F{});

/// Complex values, one per lane.
template <typename F>
struct cvec {
  F re;
  F im;
};

template <typename F>
AIRAN_EQ_INLINE F splat(float x)
{
  return F{} + x;
}

template <typename F>
cvec<F> load(const cf_t* p);

template <typename F>
void store(cf_t* p, cvec<F> x);

template <typename F>
void store(float* p, F x);

/// RE index of each lane, relative to the first RE of the vector.
template <typename F>
AIRAN_EQ_INLINE mask_of<F> lane_re_offset()
{
  if constexpr (lanes_of<F> == 8) {
    return v8i{0, 1, 4, 5, 2, 3, 6, 7};
  } else {
    return v4i{0, 1, 2, 3};
  }
}

template <>
AIRAN_EQ_INLINE cvec<v8f> load<v8f>(const cf_t* p)
{
  v8f a;
  v8f b;
  std::memcpy(&a, p, sizeof(a));
  std::memcpy(&b, p + 4, sizeof(b));
  return {__builtin_shuffle(a, b, v8i{0, 2, 8, 10, 4, 6, 12, 14}),
          __builtin_shuffle(a, b, v8i{1, 3, 9, 11, 5, 7, 13, 15})};
}

template <>
AIRAN_EQ_INLINE cvec<v4f> load<v4f>(const cf_t* p)
{
  v4f a;
  v4f b;
  std::memcpy(&a, p, sizeof(a));
  std::memcpy(&b, p + 2, sizeof(b));
  return {__builtin_shuffle(a, b, v4i{0, 2, 4, 6}), __builtin_shuffle(a, b, v4i{1, 3, 5, 7})};
}

// std::complex<float> arrays may be accessed as interleaved float pairs ([complex.numbers]).
template <>
AIRAN_EQ_INLINE void store<v8f>(cf_t* p, cvec<v8f> x)
{
  const v8f a = __builtin_shuffle(x.re, x.im, v8i{0, 8, 1, 9, 4, 12, 5, 13});
  const v8f b = __builtin_shuffle(x.re, x.im, v8i{2, 10, 3, 11, 6, 14, 7, 15});
  std::memcpy(reinterpret_cast<float*>(p), &a, sizeof(a));
  std::memcpy(reinterpret_cast<float*>(p + 4), &b, sizeof(b));
}

template <>
AIRAN_EQ_INLINE void store<v4f>(cf_t* p, cvec<v4f> x)
{
  const v4f a = __builtin_shuffle(x.re, x.im, v4i{0, 4, 1, 5});
  const v4f b = __builtin_shuffle(x.re, x.im, v4i{2, 6, 3, 7});
  std::memcpy(reinterpret_cast<float*>(p), &a, sizeof(a));
  std::memcpy(reinterpret_cast<float*>(p + 2), &b, sizeof(b));
}

template <>
AIRAN_EQ_INLINE void store<v8f>(float* p, v8f x)
{
  // The lane order 0 1 4 5 2 3 6 7 is its own inverse.
  const v8f y = __builtin_shuffle(x, v8i{0, 1, 4, 5, 2, 3, 6, 7});
  std::memcpy(p, &y, sizeof(y));
}

template <>
AIRAN_EQ_INLINE void store<v4f>(float* p, v4f x)
{
  std::memcpy(p, &x, sizeof(x));
}

/// Stores two vectors one after the other (each on its own: a memcpy of an array of vectors goes through the stack).
template <typename F>
AIRAN_EQ_INLINE void store_vectors(float* p, F first, F second)
{
  std::memcpy(p, &first, sizeof(F));
  std::memcpy(p + lanes_of<F>, &second, sizeof(F));
}

/// Two layers' values of the REs of a vector, interleaved by RE: p[2 j] = a_j, p[2 j + 1] = b_j.
AIRAN_EQ_INLINE void store_interleaved(cf_t* p, cvec<v8f> a, cvec<v8f> b)
{
  // Each RE's four floats (a.re, a.im, b.re, b.im) by a 4 x 4 transpose within each 128-bit lane: lane 0 holds REs
  // 0 1 4 5, lane 1 REs 2 3 6 7, so t0 = (RE 0 | RE 2), t1 = (1 | 3), t2 = (4 | 6), t3 = (5 | 7); then the halves are
  // paired across lanes.
  const v8f re_lo = __builtin_shuffle(a.re, b.re, v8i{0, 8, 1, 9, 4, 12, 5, 13});
  const v8f re_hi = __builtin_shuffle(a.re, b.re, v8i{2, 10, 3, 11, 6, 14, 7, 15});
  const v8f im_lo = __builtin_shuffle(a.im, b.im, v8i{0, 8, 1, 9, 4, 12, 5, 13});
  const v8f im_hi = __builtin_shuffle(a.im, b.im, v8i{2, 10, 3, 11, 6, 14, 7, 15});
  // re_lo: a.re0 b.re0 a.re1 b.re1 | a.re2 b.re2 a.re3 b.re3; im_lo alike.
  const v8f t0 = __builtin_shuffle(re_lo, im_lo, v8i{0, 8, 1, 9, 4, 12, 5, 13});
  const v8f t1 = __builtin_shuffle(re_lo, im_lo, v8i{2, 10, 3, 11, 6, 14, 7, 15});
  const v8f t2 = __builtin_shuffle(re_hi, im_hi, v8i{0, 8, 1, 9, 4, 12, 5, 13});
  const v8f t3 = __builtin_shuffle(re_hi, im_hi, v8i{2, 10, 3, 11, 6, 14, 7, 15});
  store_vectors(reinterpret_cast<float*>(p), __builtin_shuffle(t0, t1, v8i{0, 1, 2, 3, 8, 9, 10, 11}),
                __builtin_shuffle(t0, t1, v8i{4, 5, 6, 7, 12, 13, 14, 15}));
  store_vectors(reinterpret_cast<float*>(p + 8), __builtin_shuffle(t2, t3, v8i{0, 1, 2, 3, 8, 9, 10, 11}),
                __builtin_shuffle(t2, t3, v8i{4, 5, 6, 7, 12, 13, 14, 15}));
}

AIRAN_EQ_INLINE void store_interleaved(cf_t* p, cvec<v4f> a, cvec<v4f> b)
{
  const v4f a_lo = __builtin_shuffle(a.re, a.im, v4i{0, 4, 1, 5});
  const v4f a_hi = __builtin_shuffle(a.re, a.im, v4i{2, 6, 3, 7});
  const v4f b_lo = __builtin_shuffle(b.re, b.im, v4i{0, 4, 1, 5});
  const v4f b_hi = __builtin_shuffle(b.re, b.im, v4i{2, 6, 3, 7});
  store_vectors(reinterpret_cast<float*>(p), __builtin_shuffle(a_lo, b_lo, v4i{0, 1, 4, 5}),
                __builtin_shuffle(a_lo, b_lo, v4i{2, 3, 6, 7}));
  store_vectors(reinterpret_cast<float*>(p + 4), __builtin_shuffle(a_hi, b_hi, v4i{0, 1, 4, 5}),
                __builtin_shuffle(a_hi, b_hi, v4i{2, 3, 6, 7}));
}

/// The REs of a vector as rows of 8 floats, v[0..7] being the 8 columns (lane order 0 1 4 5 2 3 6 7): row j (RE j) =
/// v[0][j] .. v[7][j]. An 8 x 8 transpose: pairs within 128-bit lanes, then quadruples, then the halves across lanes.
AIRAN_EQ_INLINE void transpose_re_rows(v8f (&row)[8], const v8f (&v)[8])
{
  // Within each 128-bit lane, elements 0 1 are REs 0 1 (lane 0) or 2 3 (lane 1), elements 2 3 REs 4 5 or 6 7.
  v8f pair_lo[4];
  v8f pair_hi[4];
#pragma GCC unroll 4
  for (unsigned i = 0; i != 4; ++i) {
    pair_lo[i] = __builtin_shuffle(v[2 * i], v[2 * i + 1], v8i{0, 8, 1, 9, 4, 12, 5, 13});
    pair_hi[i] = __builtin_shuffle(v[2 * i], v[2 * i + 1], v8i{2, 10, 3, 11, 6, 14, 7, 15});
  }
  // From the low pairs: q0 holds columns 0..3 of REs 0 | 2, q1 of REs 1 | 3, q2 columns 4..7 of REs 0 | 2, q3 of
  // REs 1 | 3; the same for REs 4..7 from the high pairs.
  const v8i first  = {0, 1, 8, 9, 4, 5, 12, 13};
  const v8i second = {2, 3, 10, 11, 6, 7, 14, 15};
  const v8i low    = {0, 1, 2, 3, 8, 9, 10, 11};
  const v8i high   = {4, 5, 6, 7, 12, 13, 14, 15};
#pragma GCC unroll 2
  for (unsigned h = 0; h != 2; ++h) {
    const v8f* pairs = h == 0 ? pair_lo : pair_hi;
    const v8f  q0    = __builtin_shuffle(pairs[0], pairs[1], first);
    const v8f  q1    = __builtin_shuffle(pairs[0], pairs[1], second);
    const v8f  q2    = __builtin_shuffle(pairs[2], pairs[3], first);
    const v8f  q3    = __builtin_shuffle(pairs[2], pairs[3], second);
    row[4 * h]       = __builtin_shuffle(q0, q2, low);
    row[4 * h + 1]   = __builtin_shuffle(q1, q3, low);
    row[4 * h + 2]   = __builtin_shuffle(q0, q2, high);
    row[4 * h + 3]   = __builtin_shuffle(q1, q3, high);
  }
}

/// Three or four layers' values of the REs of a vector, interleaved by RE: p[V j + k] = x[k]_j. Three layers: each
/// RE's row (24 bytes and an unused slot) is stored as 32 bytes, in RE order, so that the next row overwrites the
/// unused slot; the last RE's 24 bytes are stored alone, so that nothing past the vector's REs is written.
template <unsigned V>
AIRAN_EQ_INLINE void store_interleaved(cf_t* p, const cvec<v8f>* x)
{
  static_assert(V == 3 || V == 4);
  v8f columns[8];
#pragma GCC unroll 4
  for (unsigned k = 0; k != 4; ++k) {
    columns[2 * k]     = k < V ? x[k].re : v8f{};
    columns[2 * k + 1] = k < V ? x[k].im : v8f{};
  }
  v8f row[8];
  transpose_re_rows(row, columns);
  auto* out = reinterpret_cast<float*>(p);
#pragma GCC unroll 8
  for (unsigned j = 0; j != (V == 4 ? 8U : 7U); ++j) {
    std::memcpy(out + 2 * V * j, &row[j], sizeof(v8f));
  }
  if constexpr (V == 3) {
    std::memcpy(out + 2 * V * 7, &row[7], 6 * sizeof(float));
  }
}

AIRAN_EQ_INLINE void store_interleaved(float* p, v8f a, v8f b)
{
  // Lane order 0 1 4 5 2 3 6 7: the in-lane unpacks give REs 0..3, then 4..7, in order.
  store_vectors(p, __builtin_shuffle(a, b, v8i{0, 8, 1, 9, 4, 12, 5, 13}),
                __builtin_shuffle(a, b, v8i{2, 10, 3, 11, 6, 14, 7, 15}));
}

AIRAN_EQ_INLINE void store_interleaved(float* p, v4f a, v4f b)
{
  store_vectors(p, __builtin_shuffle(a, b, v4i{0, 4, 1, 5}), __builtin_shuffle(a, b, v4i{2, 6, 3, 7}));
}

template <typename F>
AIRAN_EQ_INLINE cvec<F> operator*(F s, cvec<F> a)
{
  return {s * a.re, s * a.im};
}

template <typename F>
AIRAN_EQ_INLINE cvec<F> operator-(cvec<F> a)
{
  return {-a.re, -a.im};
}

/// acc + a b.
template <typename F>
AIRAN_EQ_INLINE cvec<F> mul_add(cvec<F> acc, cvec<F> a, cvec<F> b)
{
  return {acc.re + a.re * b.re - a.im * b.im, acc.im + a.re * b.im + a.im * b.re};
}

/// acc - a b.
template <typename F>
AIRAN_EQ_INLINE cvec<F> mul_sub(cvec<F> acc, cvec<F> a, cvec<F> b)
{
  return {acc.re - a.re * b.re + a.im * b.im, acc.im - a.re * b.im - a.im * b.re};
}

/// acc + conj(a) b.
template <typename F>
AIRAN_EQ_INLINE cvec<F> conj_mul_add(cvec<F> acc, cvec<F> a, cvec<F> b)
{
  return {acc.re + a.re * b.re + a.im * b.im, acc.im + a.re * b.im - a.im * b.re};
}

/// acc - conj(a) b.
template <typename F>
AIRAN_EQ_INLINE cvec<F> conj_mul_sub(cvec<F> acc, cvec<F> a, cvec<F> b)
{
  return {acc.re - a.re * b.re - a.im * b.im, acc.im - a.re * b.im + a.im * b.re};
}

/// acc + Re(conj(a) b).
template <typename F>
AIRAN_EQ_INLINE F real_conj_mul_add(F acc, cvec<F> a, cvec<F> b)
{
  return acc + a.re * b.re + a.im * b.im;
}

template <typename F>
AIRAN_EQ_INLINE F norm(cvec<F> a)
{
  return a.re * a.re + a.im * a.im;
}

/// a if mask, else b.
template <typename F>
AIRAN_EQ_INLINE F select(mask_of<F> mask, F a, F b)
{
  return mask ? a : b;
}

/// Lanes holding a finite value.
template <typename F>
AIRAN_EQ_INLINE mask_of<F> is_finite(F a)
{
  return (a - a) == F{};
}

} // namespace airan::phy::detail
