#pragma once
/// Per-RE MMSE solve of the MIMO equaliser, one vector of REs per step in struct-of-arrays form
/// (equalizer_simd.h).
///
/// At each RE, with the noise whitened to covariance lambda I (port weights or the group's inverse Cholesky factor):
///   G = H^H R_n^-1 H (v x v Hermitian), A = G + lambda I, z = H^H R_n^-1 y per symbol, xh = A^-1 z;
///   a_k = [A^-1]_kk, mu_k = lambda a_k, d_k = 1 - mu_k, x_k = xh_k / d_k, noise_var_k = mu_k / d_k.
/// One and two layers are solved in closed form; three and four through A = L D L^H (L unit lower triangular, D
/// real), with a_k = sum_{i >= k} |[L^-1]_ik|^2 / D_i. A >= lambda I, so every pivot D_j >= lambda mathematically:
/// raising the computed pivots to lambda only undoes rounding and keeps the factorisation defined for any input.
///
/// A single symbol is equalised in one pass. With several symbols sharing the channel (up to a common phase per
/// symbol), the combining weights W (x = W y, everything that depends on H and the noise only) of a block of REs are
/// computed first, then applied to every symbol of the block (equalizer_apply.h), a few symbols at a time (each weight
/// loaded once for all of them, symbols_per_group), each row of y read in sequence.
///
/// The kernels are specialised for 1..4 layers and compiled twice: with 8-lane vectors for AVX2+FMA and with 4-lane
/// vectors for baseline x86-64; the build matching the CPU is chosen at run time.
///
/// Everything here is a template or has internal linkage: equalizer_kernel_baseline.cpp and equalizer_kernel_avx2.cpp
/// each include it once and instantiate the kernels for their vector type, so that the two builds compile in
/// parallel.

#include "airan/phy/pusch/equalizer.h"
#include "equalizer_apply.h"
#include "equalizer_kernel.h"
#include "equalizer_simd.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstring>

namespace airan::phy::detail {
namespace {


/// d_k below which a layer is reported as carrying no information: noise_var = (1 - d) / d reaches
/// equalizer_noise_var_max there.
constexpr float min_bias = 1.0F / (1.0F + equalizer_noise_var_max);

/// Where the REs of one step of one symbol are: for RE j of the step, y[rx * y_stride + j],
/// h[(rx * V + k) * h_stride + j], x[k * out_stride + j] and noise_var[k * out_stride + j], or x[j * V + k] and
/// noise_var[j * V + k] when interleaved.
struct step_io {
  const cf_t* y;
  std::size_t y_stride;
  const cf_t* h;
  std::size_t h_stride;
  cf_t*       x;
  float*      noise_var;
  std::size_t out_stride;
  bool        interleaved;
};


/// G = H^H R_n^-1 H: diagonal and strictly lower triangle.
template <typename F, unsigned V>
struct gram {
  F       diag[V]     = {};
  cvec<F> lower[V][V] = {};

  /// Adds the contribution conj(a_i) b_j of one port.
  AIRAN_EQ_INLINE void add(const cvec<F>* a, const cvec<F>* b)
  {
#pragma GCC unroll 4
    for (unsigned i = 0; i != V; ++i) {
      diag[i] = real_conj_mul_add(diag[i], a[i], b[i]);
#pragma GCC unroll 4
      for (unsigned j = 0; j != i; ++j) {
        lower[i][j] = conj_mul_add(lower[i][j], a[i], b[j]);
      }
    }
  }
};

/// z += conj(hw) y for one port.
template <typename F, unsigned V>
AIRAN_EQ_INLINE void add_matched(cvec<F>* z, const cvec<F>* hw, cvec<F> y)
{
#pragma GCC unroll 4
  for (unsigned k = 0; k != V; ++k) {
    z[k] = conj_mul_add(z[k], hw[k], y);
  }
}

/// Solution of (G + lambda I) xh = z, unbiased: after construction from G and lambda, noise_var[k] and valid[k]
/// (d_k > min_bias) describe layer k, and solve() maps z to x = xh / d.
template <typename F, unsigned V>
struct solver {
  F          inv_d[V];
  cvec<F>    l[V][V];
  F          inv_bias[V];
  F          noise_var[V];
  mask_of<F> valid[V];

  AIRAN_EQ_INLINE solver(const gram<F, V>& g, F lambda)
  {
    F pivot[V];
#pragma GCC unroll 4
    for (unsigned j = 0; j != V; ++j) {
      // L_jk D_k, the terms shared by the pivot and the column below it.
      cvec<F> ld[V];
      F       d = g.diag[j] + lambda;
#pragma GCC unroll 4
      for (unsigned k = 0; k != j; ++k) {
        ld[k] = pivot[k] * l[j][k];
        d     = d - ld[k].re * l[j][k].re - ld[k].im * l[j][k].im;
      }
      pivot[j] = select(d > lambda, d, lambda);
      inv_d[j] = 1.0F / pivot[j];
#pragma GCC unroll 4
      for (unsigned i = j + 1; i != V; ++i) {
        cvec<F> e = g.lower[i][j];
#pragma GCC unroll 4
        for (unsigned k = 0; k != j; ++k) {
          e = conj_mul_sub(e, ld[k], l[i][k]);
        }
        l[i][j] = inv_d[j] * e;
      }
    }
    // a_k = sum_{i >= k} |M_ik|^2 / D_i with M = L^-1: M_ik = -(L_ik + sum_{k < j < i} L_ij M_jk).
#pragma GCC unroll 4
    for (unsigned k = 0; k != V; ++k) {
      F       a = inv_d[k];
      cvec<F> m[V];
#pragma GCC unroll 4
      for (unsigned i = k + 1; i != V; ++i) {
        cvec<F> s = l[i][k];
#pragma GCC unroll 4
        for (unsigned j = k + 1; j != i; ++j) {
          s = mul_add(s, l[i][j], m[j]);
        }
        m[i] = -s;
        a += norm(m[i]) * inv_d[i];
      }
      const F mu   = lambda * a;
      const F d    = 1.0F - mu;
      inv_bias[k]  = 1.0F / d;
      noise_var[k] = mu * inv_bias[k];
      valid[k]     = d > min_bias;
    }
  }

  /// Makes solve() give 0 for the layers without information (for finite z).
  AIRAN_EQ_INLINE void zero_invalid()
  {
#pragma GCC unroll 4
    for (unsigned k = 0; k != V; ++k) {
      inv_bias[k] = select(valid[k], inv_bias[k], F{});
    }
  }

  /// x = D_bias^-1 L^-H D^-1 L^-1 z.
  AIRAN_EQ_INLINE void solve(cvec<F>* x, const cvec<F>* z) const
  {
    cvec<F> u[V];
#pragma GCC unroll 4
    for (unsigned i = 0; i != V; ++i) {
      u[i] = z[i];
#pragma GCC unroll 4
      for (unsigned k = 0; k != i; ++k) {
        u[i] = mul_sub(u[i], l[i][k], u[k]);
      }
    }
#pragma GCC unroll 4
    for (unsigned step = 0; step != V; ++step) {
      const unsigned i = V - 1 - step;
      u[i]             = inv_d[i] * u[i];
#pragma GCC unroll 4
      for (unsigned k = i + 1; k != V; ++k) {
        u[i] = conj_mul_sub(u[i], l[k][i], u[k]);
      }
    }
#pragma GCC unroll 4
    for (unsigned k = 0; k != V; ++k) {
      x[k] = inv_bias[k] * u[k];
    }
  }
};

/// One layer: x = z / g, noise_var = lambda / g, d = g / (g + lambda).
template <typename F>
struct solver<F, 1> {
  F          inv_g;
  F          noise_var[1];
  mask_of<F> valid[1];

  AIRAN_EQ_INLINE solver(const gram<F, 1>& g, F lambda) :
    inv_g(1.0F / g.diag[0]), noise_var{lambda * inv_g}, valid{g.diag[0] > min_bias * (g.diag[0] + lambda)}
  {
  }

  AIRAN_EQ_INLINE void zero_invalid() { inv_g = select(valid[0], inv_g, F{}); }

  AIRAN_EQ_INLINE void solve(cvec<F>* x, const cvec<F>* z) const { x[0] = inv_g * z[0]; }
};

/// Two layers in closed form. With A = [a conj(b); b c] = G + lambda I and det = a c - |b|^2:
/// d_0 = 1 - lambda c / det = e_0 / det with e_0 = G_00 c - |b|^2, x_0 = [A^-1 z]_0 / d_0
/// = (c z_0 - conj(b) z_1) / e_0, noise_var_0 = lambda c / e_0; layer 1 likewise with a and G_11. No e_k suffers the
/// cancellation in 1 - mu.
template <typename F>
struct solver<F, 2> {
  /// x_0 = p_0 z_0 - conj(q_0) z_1, x_1 = p_1 z_1 - q_1 z_0.
  F          p[2];
  cvec<F>    q[2];
  F          noise_var[2];
  mask_of<F> valid[2];

  AIRAN_EQ_INLINE solver(const gram<F, 2>& g, F lambda)
  {
    const cvec<F> b      = g.lower[1][0];
    const F       a      = g.diag[0] + lambda;
    const F       c      = g.diag[1] + lambda;
    const F       b2     = norm(b);
    const F       det    = a * c - b2;
    const F       e0     = g.diag[0] * c - b2;
    const F       e1     = g.diag[1] * a - b2;
    const F       inv_e0 = 1.0F / e0;
    const F       inv_e1 = 1.0F / e1;
    p[0]                 = c * inv_e0;
    p[1]                 = a * inv_e1;
    q[0]                 = inv_e0 * b;
    q[1]                 = inv_e1 * b;
    noise_var[0]         = lambda * p[0];
    noise_var[1]         = lambda * p[1];
    valid[0]             = e0 > min_bias * det;
    valid[1]             = e1 > min_bias * det;
  }

  AIRAN_EQ_INLINE void zero_invalid()
  {
#pragma GCC unroll 2
    for (unsigned k = 0; k != 2; ++k) {
      p[k] = select(valid[k], p[k], F{});
      q[k] = {select(valid[k], q[k].re, F{}), select(valid[k], q[k].im, F{})};
    }
  }

  AIRAN_EQ_INLINE void solve(cvec<F>* x, const cvec<F>* z) const
  {
    x[0] = conj_mul_sub(p[0] * z[0], q[0], z[1]);
    x[1] = mul_sub(p[1] * z[1], q[1], z[0]);
  }
};

/// Noise level raised to tr(G) / equalizer_max_snr; a NaN trace leaves it (the NaN reaches the outputs anyway).
template <typename F, unsigned V>
AIRAN_EQ_INLINE F capped_noise_level(const gram<F, V>& g, F noise_level)
{
  F trace = g.diag[0];
#pragma GCC unroll 4
  for (unsigned k = 1; k != V; ++k) {
    trace += g.diag[k];
  }
  const F snr_floor = trace * (1.0F / equalizer_max_snr);
  return select(snr_floor > noise_level, snr_floor, noise_level);
}

/// Per-lane inverse Cholesky factors (packed lower triangle) and noise levels of the groups of the REs of a step.
template <typename F>
struct lane_whitening {
  cvec<F> factor[kernel_max_nof_rx_ports * (kernel_max_nof_rx_ports + 1) / 2];
  F       noise_level;
};

/// Fills w for the REs first .. first + lanes - 1; group is the group of RE first, found by stepping from the
/// previous step's group (no division per step).
template <typename F>
AIRAN_EQ_INLINE void gather_whitening(lane_whitening<F>& w, const equalizer_kernel_args& args, unsigned first,
                                      unsigned& group)
{
  const unsigned size        = args.group_nof_re;
  const unsigned nof_entries = args.nof_rx_ports * (args.nof_rx_ports + 1) / 2;
  const unsigned end         = std::min(first + lanes_of<F>, args.nof_re);
  while ((group + 1) * size <= first) {
    ++group;
  }
  const cf_t* f = args.group_whitening + std::size_t{group} * nof_entries;
  for (unsigned e = 0; e != nof_entries; ++e) {
    w.factor[e] = {splat<F>(f[e].real()), splat<F>(f[e].imag())};
  }
  w.noise_level = splat<F>(args.group_noise_level[group]);
  // Later groups overwrite the lanes from their first RE on.
  const mask_of<F> re = lane_re_offset<F>() + static_cast<int32_t>(first);
  for (unsigned g = group + 1; g * size < end; ++g) {
    const mask_of<F> in_group = re >= static_cast<int32_t>(g * size);
    f                         = args.group_whitening + std::size_t{g} * nof_entries;
    for (unsigned e = 0; e != nof_entries; ++e) {
      w.factor[e] = {select(in_group, splat<F>(f[e].real()), w.factor[e].re),
                     select(in_group, splat<F>(f[e].imag()), w.factor[e].im)};
    }
    w.noise_level = select(in_group, splat<F>(args.group_noise_level[g]), w.noise_level);
  }
}

/// One vector of REs. Fused (a single symbol): x and noise_var from y directly. Otherwise the combining weights
/// W = D_bias^-1 A^-1 hw^H, with which x = W y for every symbol, go to weights (apply_step uses them).
template <typename F, unsigned V, noise_whitening W, bool Fused>
AIRAN_EQ_INLINE void equalize_step(const equalizer_kernel_args& args, const step_io& io, unsigned first,
                                   unsigned& group, float* weights)
{
  using C              = cvec<F>;
  const unsigned ports = args.nof_rx_ports;

  // The matched filter hw = R_n^-1 H (relative to the noise level), z = hw^H y.
  C          hw[kernel_max_nof_rx_ports][V];
  gram<F, V> g;
  C          z[V] = {};
  F          noise_level;
  if constexpr (W == noise_whitening::full) {
    lane_whitening<F> w;
    gather_whitening(w, args, first, group);
    noise_level = w.noise_level;
    // Whitened channel ht = L^-1 H (row rx with entries j <= rx, real diagonal), G = ht^H ht, hw = L^-H ht.
    C h[kernel_max_nof_rx_ports][V];
    C ht[kernel_max_nof_rx_ports][V];
    for (unsigned rx = 0; rx != ports; ++rx) {
      const C* row = w.factor + rx * (rx + 1) / 2;
#pragma GCC unroll 4
      for (unsigned k = 0; k != V; ++k) {
        h[rx][k]  = load<F>(io.h + (rx * V + k) * io.h_stride);
        ht[rx][k] = row[rx].re * h[rx][k];
      }
      for (unsigned j = 0; j != rx; ++j) {
#pragma GCC unroll 4
        for (unsigned k = 0; k != V; ++k) {
          ht[rx][k] = mul_add(ht[rx][k], row[j], h[j][k]);
        }
      }
      g.add(ht[rx], ht[rx]);
    }
    for (unsigned rx = 0; rx != ports; ++rx) {
#pragma GCC unroll 4
      for (unsigned k = 0; k != V; ++k) {
        hw[rx][k] = w.factor[rx * (rx + 1) / 2 + rx].re * ht[rx][k];
      }
      for (unsigned j = rx + 1; j != ports; ++j) {
#pragma GCC unroll 4
        for (unsigned k = 0; k != V; ++k) {
          hw[rx][k] = conj_mul_add(hw[rx][k], w.factor[j * (j + 1) / 2 + rx], ht[j][k]);
        }
      }
      if constexpr (Fused) {
        add_matched<F, V>(z, hw[rx], load<F>(io.y + rx * io.y_stride));
      }
    }
  } else {
    // One pass over the ports: G, and z when fused.
    noise_level = splat<F>(args.noise_level);
    for (unsigned rx = 0; rx != ports; ++rx) {
      C h[V];
      C a[V];
#pragma GCC unroll 4
      for (unsigned k = 0; k != V; ++k) {
        h[k] = load<F>(io.h + (rx * V + k) * io.h_stride);
        a[k] = W == noise_whitening::diagonal ? splat<F>(args.rx_weight[rx]) * h[k] : h[k];
      }
      g.add(a, h);
      if constexpr (Fused) {
        add_matched<F, V>(z, a, load<F>(io.y + rx * io.y_stride));
      } else {
#pragma GCC unroll 4
        for (unsigned k = 0; k != V; ++k) {
          hw[rx][k] = a[k];
        }
      }
    }
  }

  const solver<F, V> s(g, capped_noise_level(g, noise_level));
  mask_of<F>         ok[V];
  if constexpr (Fused) {
    C x[V];
    s.solve(x, z);
#pragma GCC unroll 4
    for (unsigned k = 0; k != V; ++k) {
      // A non-finite result (from non-finite input) marks the RE as carrying no information.
      ok[k] = s.valid[k] & is_finite(x[k].re) & is_finite(x[k].im);
      x[k]  = C{select(ok[k], x[k].re, F{}), select(ok[k], x[k].im, F{})};
    }
    if (args.symbol_phase != nullptr) {
      const C phase = symbol_phase_of<F>(args, 0);
#pragma GCC unroll 4
      for (unsigned k = 0; k != V; ++k) {
        x[k] = derotate(x[k], phase);
      }
    }
    store_layers<F, V>(io.x, io.out_stride, io.interleaved, x);
  } else {
    // Column rx of W is the solution for z = conj(hw[rx]), W being linear in z; zero for the layers without
    // information. Non-finite weights (from non-finite input) give non-finite x, which clear_poisoned() catches.
    solver<F, V> columns = s;
    columns.zero_invalid();
    for (unsigned rx = 0; rx != ports; ++rx) {
      C column[V];
      C w[V];
#pragma GCC unroll 4
      for (unsigned k = 0; k != V; ++k) {
        column[k] = {hw[rx][k].re, -hw[rx][k].im};
      }
      columns.solve(w, column);
#pragma GCC unroll 4
      for (unsigned k = 0; k != V; ++k) {
        std::memcpy(weights + (rx * V + k) * 2 * lanes_of<F>, &w[k].re, sizeof(w[k].re));
        std::memcpy(weights + ((rx * V + k) * 2 + 1) * lanes_of<F>, &w[k].im, sizeof(w[k].im));
      }
    }
#pragma GCC unroll 4
    for (unsigned k = 0; k != V; ++k) {
      ok[k] = s.valid[k];
    }
  }
  const F max = splat<F>(equalizer_noise_var_max);
  F       noise_var[V];
#pragma GCC unroll 4
  for (unsigned k = 0; k != V; ++k) {
    noise_var[k] = select(ok[k] & (s.noise_var[k] < max), s.noise_var[k], max);
  }
  store_layers<F, V>(io.noise_var, io.out_stride, io.interleaved, noise_var);
}


/// The per-RE solve of nof_steps steps from RE first on: x and noise_var when Fused, otherwise the weights of each step
/// (one after the other) and noise_var.
template <typename F, unsigned V, noise_whitening W, bool Fused>
AIRAN_EQ_INLINE void solve_steps(const equalizer_kernel_args& args, std::size_t first, unsigned nof_steps,
                                 unsigned& group)
{
  constexpr unsigned L        = lanes_of<F>;
  const std::size_t  re_scale = args.interleaved ? V : 1;
  const std::size_t  size     = equalizer_kernel_weights_size(args.nof_rx_ports, V);
  for (unsigned step = 0; step != nof_steps; ++step, first += L) {
    const step_io io{args.y + first,
                     args.y_port_stride,
                     args.h + first,
                     args.h_stride,
                     args.x + first * re_scale,
                     args.noise_var + first * re_scale,
                     args.nof_re,
                     args.interleaved};
    equalize_step<F, V, W, Fused>(args, io, static_cast<unsigned>(first), group,
                                  Fused ? nullptr : args.weights + step * size);
  }
}

// solve_steps in functions of their own, as apply_group.
template <unsigned V, noise_whitening W, bool Fused>
[[gnu::noinline]] void solve_steps_baseline(const equalizer_kernel_args& args, std::size_t first, unsigned nof_steps,
                                            unsigned& group)
{
  solve_steps<v4f, V, W, Fused>(args, first, nof_steps, group);
}

#if defined(__x86_64__)
template <unsigned V, noise_whitening W, bool Fused>
[[gnu::noinline, gnu::target("avx2,fma")]] void solve_steps_avx2(const equalizer_kernel_args& args, std::size_t first,
                                                                 unsigned nof_steps, unsigned& group)
{
  solve_steps<v8f, V, W, Fused>(args, first, nof_steps, group);
}
#endif

template <typename F, unsigned V, noise_whitening W, bool Fused>
AIRAN_EQ_INLINE void run_solve_steps(const equalizer_kernel_args& args, std::size_t first, unsigned nof_steps,
                                     unsigned& group)
{
  if constexpr (lanes_of<F> == 8) {
#if defined(__x86_64__)
    solve_steps_avx2<V, W, Fused>(args, first, nof_steps, group);
#endif
  } else {
    solve_steps_baseline<V, W, Fused>(args, first, nof_steps, group);
  }
}

/// All REs of the call. Fused (a single symbol): x and noise_var of each step directly. Otherwise, block by block of
/// steps (equalizer_kernel_block_steps()): the steps' weights, then x = W y for the block in every symbol while the
/// weights are still in cache.
template <typename F, unsigned V, noise_whitening W, bool Fused>
AIRAN_EQ_INLINE void equalize_steps(const equalizer_kernel_args& args)
{
  constexpr unsigned L     = lanes_of<F>;
  const std::size_t  n     = args.nof_re;
  const unsigned     ports = args.nof_rx_ports;
  const std::size_t  full  = n - n % L;
  unsigned           group = 0;
  // Offset of RE j in x and noise_var (of the first symbol).
  const std::size_t re_scale = args.interleaved ? V : 1;
  call_symbols<F>   symbols(args, V);
  // Several symbols: the weights of a block of steps, then x of the block in every symbol. A single symbol: all steps
  // in one block.
  const unsigned    block      = Fused ? static_cast<unsigned>(full / L) : equalizer_kernel_block_steps(ports, V);
  for (std::size_t block_first = 0; block_first != full;) {
    const auto nof_steps = static_cast<unsigned>(std::min<std::size_t>(block, (full - block_first) / L));
    run_solve_steps<F, V, W, Fused>(args, block_first, nof_steps, group);
    if constexpr (!Fused) {
      // Without phases the multiplications by 1 are left out; the output layout is fixed per variant.
      const float* w = args.weights;
      if (args.symbol_phase != nullptr) {
        args.interleaved ? apply_block_to_symbols<F, V, true, true>(args, symbols, block_first, nof_steps, w)
                         : apply_block_to_symbols<F, V, true, false>(args, symbols, block_first, nof_steps, w);
      } else {
        args.interleaved ? apply_block_to_symbols<F, V, false, true>(args, symbols, block_first, nof_steps, w)
                         : apply_block_to_symbols<F, V, false, false>(args, symbols, block_first, nof_steps, w);
      }
    }
    block_first += std::size_t{nof_steps} * L;
  }
  if (full != n) {
    // The last REs through zero-padded copies: the padding lanes compute a null channel and are discarded.
    const std::size_t tail = n - full;
    cf_t              y[kernel_max_nof_rx_ports][L];
    cf_t              h[kernel_max_nof_rx_ports * kernel_max_nof_layers][L];
    cf_t              x[kernel_max_nof_layers][L];
    float             noise_var[kernel_max_nof_layers][L];
    if constexpr (Fused) {
      for (unsigned rx = 0; rx != ports; ++rx) {
        std::fill(std::copy_n(args.y + rx * args.y_port_stride + full, tail, y[rx]), y[rx] + L, cf_t{});
      }
    }
    for (unsigned row = 0; row != ports * V; ++row) {
      std::fill(std::copy_n(args.h + row * args.h_stride + full, tail, h[row]), h[row] + L, cf_t{});
    }
    const step_io io{y[0], L, h[0], L, x[0], noise_var[0], L, false};
    equalize_step<F, V, W, Fused>(args, io, static_cast<unsigned>(full), group, args.weights);
    if constexpr (Fused) {
      copy_tail<L, V>(args.x + full * re_scale, n, args.interleaved, x, tail);
    } else {
      apply_tail_to_symbols<F, V>(args, symbols, full, args.weights);
    }
    copy_tail<L, V>(args.noise_var + full * re_scale, n, args.interleaved, noise_var, tail);
  }
  if constexpr (!Fused) {
    clear_poisoned<F, V>(args, symbols);
  }
}

template <typename F, unsigned V, noise_whitening W>
AIRAN_EQ_INLINE void equalize_all(const equalizer_kernel_args& args)
{
  if (args.nof_symbols == 1) {
    equalize_steps<F, V, W, true>(args);
  } else {
    equalize_steps<F, V, W, false>(args);
  }
}

template <typename F, unsigned V>
AIRAN_EQ_INLINE void equalize_layers(const equalizer_kernel_args& args)
{
  switch (args.whitening) {
    case noise_whitening::none:
      equalize_all<F, V, noise_whitening::none>(args);
      break;
    case noise_whitening::diagonal:
      equalize_all<F, V, noise_whitening::diagonal>(args);
      break;
    case noise_whitening::full:
      equalize_all<F, V, noise_whitening::full>(args);
      break;
  }
}

template <typename F>
AIRAN_EQ_INLINE void equalize_any(const equalizer_kernel_args& args)
{
  switch (args.nof_layers) {
    case 1:
      equalize_layers<F, 1>(args);
      break;
    case 2:
      equalize_layers<F, 2>(args);
      break;
    case 3:
      equalize_layers<F, 3>(args);
      break;
    case 4:
      equalize_layers<F, 4>(args);
      break;
    default:
      assert(false && "1..4 layers");
  }
}

} // namespace
} // namespace airan::phy::detail
