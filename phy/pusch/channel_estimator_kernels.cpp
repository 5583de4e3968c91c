// Dispatch of the channel estimator kernels: the same bodies (channel_estimator_kernels_body.h) built for the baseline
// x86-64 ISA and for AVX2/FMA, the latter used when the CPU has both.
#include "channel_estimator_kernels.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace airan::phy::ce {

namespace {

using v8f = float __attribute__((vector_size(32)));
using v8i = int32_t __attribute__((vector_size(32)));

/// Largest spacing of the vectorised interpolation.
constexpr std::size_t max_fast_spacing = 12;
/// Values per float block of correlate(): short enough that float partial sums lose nothing that matters.
constexpr std::size_t correlate_block = 256;

namespace generic {
#include "channel_estimator_kernels_body.h"
} // namespace generic

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
#include "channel_estimator_kernels_body.h"
} // namespace avx2
#pragma GCC pop_options
#endif

bool use_avx2()
{
#if defined(__x86_64__)
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
#else
  return false;
#endif
}

float* fp(cf_t* p)
{
  return reinterpret_cast<float*>(p);
}

const float* fp(const cf_t* p)
{
  return reinterpret_cast<const float*>(p);
}

} // namespace

#if defined(__x86_64__)
#define AIRAN_CE_DISPATCH(call) return use_avx2() ? avx2::call : generic::call
#else
#define AIRAN_CE_DISPATCH(call) return generic::call
#endif

void combine(cf_t* out, cf_t a, const cf_t* x, cf_t b, const cf_t* y, std::size_t n) noexcept
{
  AIRAN_CE_DISPATCH(combine(fp(out), a.real(), a.imag(), fp(x), b.real(), b.imag(), fp(y), n));
}

void fir(cf_t* out, const cf_t* x, const cf_t* taps, std::size_t nof_taps, std::size_t n) noexcept
{
  AIRAN_CE_DISPATCH(fir(fp(out), fp(x), fp(taps), nof_taps, n));
}

void moving_sum(cf_t* out, const cf_t* x, std::size_t width, float w, std::size_t n) noexcept
{
  AIRAN_CE_DISPATCH(moving_sum(fp(out), fp(x), width, w, n));
}

void multiply(cf_t* x, cf_t a, const cf_t* y, std::size_t n) noexcept
{
  AIRAN_CE_DISPATCH(multiply(fp(x), a.real(), a.imag(), fp(y), n));
}

void gather_multiply(cf_t* out, const cf_t* y, const uint16_t* index, const cf_t* c, std::size_t n) noexcept
{
  AIRAN_CE_DISPATCH(gather_multiply(fp(out), fp(y), index, c == nullptr ? nullptr : fp(c), n));
}

void strided_multiply(cf_t* out, const cf_t* y, const cf_t* c, std::size_t n) noexcept
{
  AIRAN_CE_DISPATCH(strided_multiply(fp(out), fp(y), c == nullptr ? nullptr : fp(c), n));
}

cf_t correlate(const cf_t* x, const cf_t* y, std::size_t n) noexcept
{
  AIRAN_CE_DISPATCH(correlate(fp(x), fp(y), n));
}

void interpolate(cf_t* out, const cf_t* x, const float* pos, std::size_t nof_values, float spacing,
                 const cf_t* phasor, std::size_t n) noexcept
{
  AIRAN_CE_DISPATCH(interpolate(fp(out), fp(x), pos, nof_values, spacing, fp(phasor), n));
}

void gather_conj(cf_t* out, const cf_t* in, const uint16_t* index, std::size_t offset, std::size_t n) noexcept
{
  AIRAN_CE_DISPATCH(gather_conj(fp(out), fp(in), index, offset, n));
}

void accumulate_alternating(cf_t* out, float w0, float w1, const cf_t* in, std::size_t n) noexcept
{
  AIRAN_CE_DISPATCH(accumulate_alternating(fp(out), w0, w1, fp(in), n));
}

void accumulate_pairs(cf_t* out, float w0, float w1, const cf_t* in, std::size_t n) noexcept
{
  AIRAN_CE_DISPATCH(accumulate_pairs(fp(out), w0, w1, fp(in), n));
}

#undef AIRAN_CE_DISPATCH

} // namespace airan::phy::ce
