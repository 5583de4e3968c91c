/// Per-RE MMSE solve of the MIMO equaliser, 8 REs per step in struct-of-arrays form.
///
/// For each RE, with H and y already whitened (noise covariance lambda I):
///   G = H^H H (v x v Hermitian), z = H^H y, A = G + lambda I = L D L^H (L unit lower triangular, D > 0 real),
///   xh = A^-1 z (forward and backward substitution), a_k = [A^-1]_kk = sum_{i >= k} |[L^-1]_ik|^2 / D_i,
///   mu_k = lambda a_k, d_k = 1 - mu_k, x_k = xh_k / d_k, noise_var_k = mu_k / d_k.
/// A >= lambda I, so every pivot D_j >= lambda mathematically: raising the computed pivots to lambda only undoes
/// rounding and keeps the factorisation defined for any input.
///
/// Eight complex values are held as two vectors (real parts, imaginary parts). Loading 8 interleaved cf_t with one
/// in-lane shuffle per vector leaves the REs in lane order 0 1 4 5 2 3 6 7; the unpack on store restores the order,
/// so nothing crosses 128-bit lanes except the noise variance store.
///
/// The kernels use the compiler's generic vector types. They are compiled twice, for baseline x86-64 and for
/// AVX2+FMA, and the build matching the CPU is chosen at run time.

#include "equalizer_kernel.h"

#include "airan/phy/pusch/equalizer.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstring>

namespace airan::phy::detail {
namespace {

using v8f = float __attribute__((vector_size(32)));
using v8i = int32_t __attribute__((vector_size(32)));

#define AIRAN_EQ_INLINE [[gnu::always_inline]] inline

constexpr unsigned lanes = 8;

/// d_k below which a layer is reported as carrying no information: noise_var = (1 - d) / d reaches
/// equalizer_noise_var_max there.
constexpr float min_bias = 1.0F / (1.0F + equalizer_noise_var_max);

/// Eight complex values.
struct cv {
  v8f re;
  v8f im;
};

AIRAN_EQ_INLINE v8f splat(float x)
{
  return v8f{} + x;
}

AIRAN_EQ_INLINE cv load(const cf_t* p)
{
  v8f a;
  v8f b;
  std::memcpy(&a, p, sizeof(a));
  std::memcpy(&b, p + lanes / 2, sizeof(b));
  return {__builtin_shuffle(a, b, v8i{0, 2, 8, 10, 4, 6, 12, 14}),
          __builtin_shuffle(a, b, v8i{1, 3, 9, 11, 5, 7, 13, 15})};
}

AIRAN_EQ_INLINE void store(cf_t* p, cv x)
{
  const v8f a = __builtin_shuffle(x.re, x.im, v8i{0, 8, 1, 9, 4, 12, 5, 13});
  const v8f b = __builtin_shuffle(x.re, x.im, v8i{2, 10, 3, 11, 6, 14, 7, 15});
  // std::complex<float> arrays may be accessed as interleaved float pairs ([complex.numbers]).
  std::memcpy(reinterpret_cast<float*>(p), &a, sizeof(a));
  std::memcpy(reinterpret_cast<float*>(p + lanes / 2), &b, sizeof(b));
}

AIRAN_EQ_INLINE void store(float* p, v8f x)
{
  // The lane order 0 1 4 5 2 3 6 7 is its own inverse.
  const v8f y = __builtin_shuffle(x, v8i{0, 1, 4, 5, 2, 3, 6, 7});
  std::memcpy(p, &y, sizeof(y));
}

/// The RE index of each lane, relative to the first RE of the step.
constexpr v8i lane_re_offset = {0, 1, 4, 5, 2, 3, 6, 7};

AIRAN_EQ_INLINE cv operator*(v8f s, cv a)
{
  return {s * a.re, s * a.im};
}

AIRAN_EQ_INLINE cv operator-(cv a)
{
  return {-a.re, -a.im};
}

/// acc + a b.
AIRAN_EQ_INLINE cv mul_add(cv acc, cv a, cv b)
{
  return {acc.re + a.re * b.re - a.im * b.im, acc.im + a.re * b.im + a.im * b.re};
}

/// acc - a b.
AIRAN_EQ_INLINE cv mul_sub(cv acc, cv a, cv b)
{
  return {acc.re - a.re * b.re + a.im * b.im, acc.im - a.re * b.im - a.im * b.re};
}

/// acc + conj(a) b.
AIRAN_EQ_INLINE cv conj_mul_add(cv acc, cv a, cv b)
{
  return {acc.re + a.re * b.re + a.im * b.im, acc.im + a.re * b.im - a.im * b.re};
}

/// acc - conj(a) b.
AIRAN_EQ_INLINE cv conj_mul_sub(cv acc, cv a, cv b)
{
  return {acc.re - a.re * b.re - a.im * b.im, acc.im - a.re * b.im + a.im * b.re};
}

/// acc + Re(conj(a) b).
AIRAN_EQ_INLINE v8f real_conj_mul_add(v8f acc, cv a, cv b)
{
  return acc + a.re * b.re + a.im * b.im;
}

AIRAN_EQ_INLINE v8f norm(cv a)
{
  return a.re * a.re + a.im * a.im;
}

/// a if mask, else b (mask lanes all ones or all zeros).
AIRAN_EQ_INLINE v8f select(v8i mask, v8f a, v8f b)
{
  return mask ? a : b;
}

/// Lanes holding a finite value.
AIRAN_EQ_INLINE v8i is_finite(v8f a)
{
  return (a - a) == v8f{};
}

/// Where the REs of one step are: the inputs of RE j of the step at y[rx * in_stride + j] and
/// h[(rx * V + k) * in_stride + j], the outputs at x[k * out_stride + j] and noise_var[k * out_stride + j].
struct step_io {
  const cf_t* y;
  const cf_t* h;
  std::size_t in_stride;
  cf_t*       x;
  float*      noise_var;
  std::size_t out_stride;
};

/// The Hermitian matrix G = H^H H (diagonal and strictly lower triangle) and z = H^H y, summed over the ports.
template <unsigned V>
struct normal_equations {
  v8f g_diag[V] = {};
  cv  g_lower[V][V] = {};
  cv  z[V]          = {};

  /// Adds port contributions: hw = w h for the port weight w (or h itself), y.
  AIRAN_EQ_INLINE void add(const cv* hw, const cv* h, cv y)
  {
#pragma GCC unroll 4
    for (unsigned i = 0; i != V; ++i) {
      g_diag[i] = real_conj_mul_add(g_diag[i], hw[i], h[i]);
#pragma GCC unroll 4
      for (unsigned j = 0; j != i; ++j) {
        g_lower[i][j] = conj_mul_add(g_lower[i][j], hw[i], h[j]);
      }
      z[i] = conj_mul_add(z[i], hw[i], y);
    }
  }
};

/// Accumulates G and z for white or diagonally weighted noise, one port at a time from memory.
template <unsigned V, noise_whitening W>
AIRAN_EQ_INLINE void accumulate_weighted(normal_equations<V>& eq, const step_io& io, unsigned nof_ports,
                                         const float* rx_weight)
{
  for (unsigned rx = 0; rx != nof_ports; ++rx) {
    cv h[V];
#pragma GCC unroll 4
    for (unsigned k = 0; k != V; ++k) {
      h[k] = load(io.h + (rx * V + k) * io.in_stride);
    }
    const cv y = load(io.y + rx * io.in_stride);
    if constexpr (W == noise_whitening::diagonal) {
      const v8f w = splat(rx_weight[rx]);
      cv        hw[V];
#pragma GCC unroll 4
      for (unsigned k = 0; k != V; ++k) {
        hw[k] = w * h[k];
      }
      eq.add(hw, h, y);
    } else {
      eq.add(h, h, y);
    }
  }
}

/// Accumulates G and z after whitening with the per-lane inverse Cholesky factor f (packed lower triangle):
/// port rx of the whitened signal is sum_{j <= rx} f[rx][j] (port j).
template <unsigned V>
AIRAN_EQ_INLINE void accumulate_whitened(normal_equations<V>& eq, const step_io& io, unsigned nof_ports,
                                         const cv* f)
{
  cv h[kernel_max_nof_rx_ports][V];
  cv y[kernel_max_nof_rx_ports];
  for (unsigned rx = 0; rx != nof_ports; ++rx) {
#pragma GCC unroll 4
    for (unsigned k = 0; k != V; ++k) {
      h[rx][k] = load(io.h + (rx * V + k) * io.in_stride);
    }
    y[rx] = load(io.y + rx * io.in_stride);
  }
  for (unsigned rx = 0; rx != nof_ports; ++rx) {
    const cv* row  = f + rx * (rx + 1) / 2;
    const v8f diag = row[rx].re;
    cv        hw[V];
#pragma GCC unroll 4
    for (unsigned k = 0; k != V; ++k) {
      hw[k] = diag * h[rx][k];
    }
    cv yw = diag * y[rx];
    for (unsigned j = 0; j != rx; ++j) {
#pragma GCC unroll 4
      for (unsigned k = 0; k != V; ++k) {
        hw[k] = mul_add(hw[k], row[j], h[j][k]);
      }
      yw = mul_add(yw, row[j], y[j]);
    }
    eq.add(hw, hw, yw);
  }
}

/// Stores layer k: x = numerator / e and noise_var = noise_numerator / e, where e / scale is the bias d_k of the
/// layer. Layers with d_k <= min_bias and non-finite results get x = 0 and the largest noise variance.
AIRAN_EQ_INLINE void store_layer(const step_io& io, unsigned k, cv numerator, v8f noise_numerator, v8f e, v8f scale)
{
  const v8f inv   = 1.0F / e;
  const cv  x     = inv * numerator;
  const v8f nv    = noise_numerator * inv;
  const v8f max   = splat(equalizer_noise_var_max);
  const v8i valid = (e > min_bias * scale) & is_finite(x.re) & is_finite(x.im);
  store(io.x + k * io.out_stride, {select(valid, x.re, v8f{}), select(valid, x.im, v8f{})});
  store(io.noise_var + k * io.out_stride, select(valid & (nv < max), nv, max));
}

/// Single layer: x = z / g, noise_var = lambda / g, d = g / (g + lambda).
AIRAN_EQ_INLINE void solve_and_store(const normal_equations<1>& eq, v8f lambda, const step_io& io)
{
  store_layer(io, 0, eq.z[0], lambda, eq.g_diag[0], eq.g_diag[0] + lambda);
}

/// Two layers in closed form. With A = [a conj(b); b c] = G + lambda I and det = a c - |b|^2:
/// d_0 = 1 - lambda c / det = e_0 / det with e_0 = G_00 c - |b|^2, x_0 = [A^-1 z]_0 / d_0 = (c z_0 - conj(b) z_1) / e_0,
/// noise_var_0 = lambda c / e_0; layer 1 likewise with a and G_11. Every e_k is free of the cancellation in 1 - mu.
AIRAN_EQ_INLINE void solve_and_store(const normal_equations<2>& eq, v8f lambda, const step_io& io)
{
  const v8f a     = eq.g_diag[0] + lambda;
  const v8f c     = eq.g_diag[1] + lambda;
  const cv  b     = eq.g_lower[1][0];
  const v8f b2    = norm(b);
  const v8f det   = a * c - b2;
  const cv  num_0 = conj_mul_sub(c * eq.z[0], b, eq.z[1]);
  const cv  num_1 = mul_sub(a * eq.z[1], b, eq.z[0]);
  store_layer(io, 0, num_0, lambda * c, eq.g_diag[0] * c - b2, det);
  store_layer(io, 1, num_1, lambda * a, eq.g_diag[1] * a - b2, det);
}

/// Three or four layers through A = L D L^H (see the file comment).
template <unsigned V>
AIRAN_EQ_INLINE void solve_and_store(const normal_equations<V>& eq, v8f lambda, const step_io& io)
{
  v8f pivot[V];
  v8f inv_d[V];
  cv  l[V][V];
#pragma GCC unroll 4
  for (unsigned j = 0; j != V; ++j) {
    // L_jk D_k, the terms shared by the pivot and the column below it.
    cv  ld[V];
    v8f d = eq.g_diag[j] + lambda;
#pragma GCC unroll 4
    for (unsigned k = 0; k != j; ++k) {
      ld[k] = pivot[k] * l[j][k];
      d     = d - ld[k].re * l[j][k].re - ld[k].im * l[j][k].im;
    }
    pivot[j] = select(d > lambda, d, lambda);
    inv_d[j] = 1.0F / pivot[j];
#pragma GCC unroll 4
    for (unsigned i = j + 1; i != V; ++i) {
      cv e = eq.g_lower[i][j];
#pragma GCC unroll 4
      for (unsigned k = 0; k != j; ++k) {
        e = conj_mul_sub(e, ld[k], l[i][k]);
      }
      l[i][j] = inv_d[j] * e;
    }
  }

  // xh = L^-H D^-1 L^-1 z.
  cv u[V];
#pragma GCC unroll 4
  for (unsigned i = 0; i != V; ++i) {
    u[i] = eq.z[i];
#pragma GCC unroll 4
    for (unsigned k = 0; k != i; ++k) {
      u[i] = mul_sub(u[i], l[i][k], u[k]);
    }
  }
  cv xh[V];
#pragma GCC unroll 4
  for (unsigned step = 0; step != V; ++step) {
    const unsigned i = V - 1 - step;
    xh[i]            = inv_d[i] * u[i];
#pragma GCC unroll 4
    for (unsigned k = i + 1; k != V; ++k) {
      xh[i] = conj_mul_sub(xh[i], l[k][i], xh[k]);
    }
  }

  // a_k = sum_{i >= k} |M_ik|^2 / D_i with M = L^-1: M_ik = -(L_ik + sum_{k < j < i} L_ij M_jk).
#pragma GCC unroll 4
  for (unsigned k = 0; k != V; ++k) {
    v8f a = inv_d[k];
    cv  m[V];
#pragma GCC unroll 4
    for (unsigned i = k + 1; i != V; ++i) {
      cv s = l[i][k];
#pragma GCC unroll 4
      for (unsigned j = k + 1; j != i; ++j) {
        s = mul_add(s, l[i][j], m[j]);
      }
      m[i] = -s;
      a += norm(m[i]) * inv_d[i];
    }
    const v8f mu = lambda * a;
    store_layer(io, k, xh[k], mu, 1.0F - mu, splat(1.0F));
  }
}

/// Noise level raised to tr(G) / equalizer_max_snr; a NaN trace leaves it (the NaN reaches the outputs anyway).
template <unsigned V>
AIRAN_EQ_INLINE v8f capped_noise_level(const normal_equations<V>& eq, v8f noise_level)
{
  v8f trace = eq.g_diag[0];
#pragma GCC unroll 4
  for (unsigned k = 1; k != V; ++k) {
    trace += eq.g_diag[k];
  }
  const v8f snr_floor = trace * (1.0F / equalizer_max_snr);
  return select(snr_floor > noise_level, snr_floor, noise_level);
}

/// Per-lane inverse Cholesky factors and noise levels of the groups of REs first .. first + 7.
struct lane_whitening {
  cv  factor[kernel_max_nof_rx_ports * (kernel_max_nof_rx_ports + 1) / 2];
  v8f noise_level;
};

/// Fills w for the REs first .. first + 7; group is the group of RE first, found by stepping from the previous
/// step's group (no division per step).
AIRAN_EQ_INLINE void gather_whitening(lane_whitening& w, const equalizer_kernel_args& args, unsigned first,
                                      unsigned& group)
{
  const unsigned size        = args.group_nof_re;
  const unsigned nof_entries = args.nof_rx_ports * (args.nof_rx_ports + 1) / 2;
  const unsigned end         = std::min(first + lanes, args.nof_re);
  while ((group + 1) * size <= first) {
    ++group;
  }
  const cf_t* f = args.group_whitening + std::size_t{group} * nof_entries;
  for (unsigned e = 0; e != nof_entries; ++e) {
    w.factor[e] = {splat(f[e].real()), splat(f[e].imag())};
  }
  w.noise_level = splat(args.group_noise_level[group]);
  // Later groups overwrite the lanes from their first RE on.
  const v8i re = lane_re_offset + static_cast<int32_t>(first);
  for (unsigned g = group + 1; g * size < end; ++g) {
    const v8i in_group = re >= static_cast<int32_t>(g * size);
    f                  = args.group_whitening + std::size_t{g} * nof_entries;
    for (unsigned e = 0; e != nof_entries; ++e) {
      w.factor[e] = {select(in_group, splat(f[e].real()), w.factor[e].re),
                     select(in_group, splat(f[e].imag()), w.factor[e].im)};
    }
    w.noise_level = select(in_group, splat(args.group_noise_level[g]), w.noise_level);
  }
}

template <unsigned V, noise_whitening W>
AIRAN_EQ_INLINE void equalize_step(const equalizer_kernel_args& args, const step_io& io, unsigned first,
                                   unsigned& group)
{
  normal_equations<V> eq;
  if constexpr (W == noise_whitening::full) {
    lane_whitening w;
    gather_whitening(w, args, first, group);
    accumulate_whitened<V>(eq, io, args.nof_rx_ports, w.factor);
    solve_and_store(eq, capped_noise_level(eq, w.noise_level), io);
  } else {
    accumulate_weighted<V, W>(eq, io, args.nof_rx_ports, args.rx_weight);
    solve_and_store(eq, capped_noise_level(eq, splat(args.noise_level)), io);
  }
}

template <unsigned V, noise_whitening W>
AIRAN_EQ_INLINE void equalize_all(const equalizer_kernel_args& args)
{
  const unsigned    n     = args.nof_re;
  const unsigned    ports = args.nof_rx_ports;
  const std::size_t full  = n - n % lanes;
  unsigned          group = 0;
  for (std::size_t first = 0; first != full; first += lanes) {
    const step_io io{args.y + first, args.h + first, n, args.x + first, args.noise_var + first, n};
    equalize_step<V, W>(args, io, static_cast<unsigned>(first), group);
  }
  if (full == n) {
    return;
  }
  // The last REs through zero-padded copies: the padding lanes compute a null channel and are discarded.
  const std::size_t tail = n - full;
  cf_t              y[kernel_max_nof_rx_ports][lanes]                         = {};
  cf_t              h[kernel_max_nof_rx_ports * kernel_max_nof_layers][lanes] = {};
  cf_t              x[kernel_max_nof_layers][lanes];
  float             noise_var[kernel_max_nof_layers][lanes];
  for (unsigned rx = 0; rx != ports; ++rx) {
    std::copy_n(args.y + rx * n + full, tail, y[rx]);
    for (unsigned k = 0; k != V; ++k) {
      std::copy_n(args.h + (rx * V + k) * n + full, tail, h[rx * V + k]);
    }
  }
  const step_io io{y[0], h[0], lanes, x[0], noise_var[0], lanes};
  equalize_step<V, W>(args, io, static_cast<unsigned>(full), group);
  for (unsigned k = 0; k != V; ++k) {
    std::copy_n(x[k], tail, args.x + k * n + full);
    std::copy_n(noise_var[k], tail, args.noise_var + k * n + full);
  }
}

template <unsigned V>
AIRAN_EQ_INLINE void equalize_layers(const equalizer_kernel_args& args)
{
  switch (args.whitening) {
    case noise_whitening::none:
      equalize_all<V, noise_whitening::none>(args);
      break;
    case noise_whitening::diagonal:
      equalize_all<V, noise_whitening::diagonal>(args);
      break;
    case noise_whitening::full:
      equalize_all<V, noise_whitening::full>(args);
      break;
  }
}

AIRAN_EQ_INLINE void equalize_any(const equalizer_kernel_args& args)
{
  switch (args.nof_layers) {
    case 1:
      equalize_layers<1>(args);
      break;
    case 2:
      equalize_layers<2>(args);
      break;
    case 3:
      equalize_layers<3>(args);
      break;
    case 4:
      equalize_layers<4>(args);
      break;
    default:
      assert(false && "1..4 layers");
  }
}

#undef AIRAN_EQ_INLINE

/// The two builds of the kernels.
void equalize_baseline(const equalizer_kernel_args& args)
{
  equalize_any(args);
}

#if defined(__x86_64__)
[[gnu::target("avx2,fma")]] void equalize_avx2(const equalizer_kernel_args& args)
{
  equalize_any(args);
}
#endif

} // namespace

void run_equalizer_kernel(const equalizer_kernel_args& args) noexcept
{
  assert(args.nof_rx_ports >= 1 && args.nof_rx_ports <= kernel_max_nof_rx_ports);
#if defined(__x86_64__)
  static const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (has_avx2) {
    equalize_avx2(args);
    return;
  }
#endif
  equalize_baseline(args);
}

} // namespace airan::phy::detail
