#pragma once
/// Applying the combining weights of the MIMO equaliser (equalizer_kernel_body.h computes them) to the symbols of a call
/// that share one channel, and storing equalized layers in the call's layout. Included by equalizer_kernel_body.h only:
/// everything is inlined into, or instantiated for, the build that includes it (equalizer_simd.h).

#include "airan/phy/pusch/equalizer.h"
#include "equalizer_kernel.h"
#include "equalizer_simd.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <type_traits>

namespace airan::phy::detail {

/// Stores the V layers of one vector of REs: layer k of RE j at out[k * stride + j], or at out[j * V + k] when
/// interleaved (T: cf_t with cvec<F> values, float with F values).
template <typename F, unsigned V, typename T, typename Value>
AIRAN_EQ_INLINE void store_layers(T* out, std::size_t stride, bool interleaved, const Value* values)
{
  constexpr unsigned L = lanes_of<F>;
  if (V == 1 || !interleaved) {
#pragma GCC unroll 4
    for (unsigned k = 0; k != V; ++k) {
      store<F>(out + k * stride, values[k]);
    }
    return;
  }
  if constexpr (V == 2) {
    store_interleaved(out, values[0], values[1]);
    return;
  }
  if constexpr (L == 8 && V >= 3 && std::is_same_v<T, cf_t>) {
    store_interleaved<V>(out, values);
    return;
  }
  if constexpr (L == 8 && V == 4 && std::is_same_v<T, float>) {
    // Four floats per RE: the order of two layers' complex values.
    store_interleaved(reinterpret_cast<cf_t*>(out), cvec<F>{values[0], values[1]}, cvec<F>{values[2], values[3]});
    return;
  }
  T layers[V][L];
#pragma GCC unroll 4
  for (unsigned k = 0; k != V; ++k) {
    store<F>(layers[k], values[k]);
  }
#pragma GCC unroll 8
  for (unsigned j = 0; j != L; ++j) {
#pragma GCC unroll 4
    for (unsigned k = 0; k != V; ++k) {
      out[j * V + k] = layers[k][j];
    }
  }
}

/// Copies the first count REs of V layers held as rows of length L (the padded last step) to out, laid out as
/// store_layers() does.
template <unsigned L, unsigned V, typename T>
void copy_tail(T* out, std::size_t stride, bool interleaved, const T (*rows)[L], std::size_t count)
{
  for (unsigned k = 0; k != V; ++k) {
    for (std::size_t j = 0; j != count; ++j) {
      out[interleaved ? j * V + k : k * stride + j] = rows[k][j];
    }
  }
}

/// x conj(phase) for a splatted phase.
template <typename F>
AIRAN_EQ_INLINE cvec<F> derotate(cvec<F> x, cvec<F> phase)
{
  return {x.re * phase.re + x.im * phase.im, x.im * phase.re - x.re * phase.im};
}

/// The phase of symbol l of the call, splatted; 1 without phases.
template <typename F>
AIRAN_EQ_INLINE cvec<F> symbol_phase_of(const equalizer_kernel_args& args, unsigned l)
{
  return args.symbol_phase == nullptr
             ? cvec<F>{splat<F>(1.0F), splat<F>(0.0F)}
             : cvec<F>{splat<F>(args.symbol_phase[l].real()), splat<F>(args.symbol_phase[l].imag())};
}

/// x_k = sum_rx W[rx][k] y_rx for the REs of one step of S symbols (y[s], x[s]), the weights loaded once for all,
/// times conj(phase[s]) when Phased; adds the results of symbol s to poison[s], which is then not finite where a
/// result is not (and, harmlessly, where the sum overflows). P: the number of ports, 0 when only known at run time.
template <typename F, unsigned V, unsigned S, bool Phased, bool Interleaved, unsigned P>
AIRAN_EQ_INLINE void apply_step(F*                 poison,
                                const float*       weights,
                                const cf_t* const* y,
                                std::size_t        in_stride,
                                cf_t* const*       x,
                                std::size_t        out_stride,
                                const cvec<F>*     phase,
                                unsigned           ports)
{
  if constexpr (P != 0) {
    ports = P;
  }
  // Rows and weights by advancing pointers: indexed addressing costs instructions in the hottest loop.
  cvec<F>     acc[S][V] = {};
  const cf_t* row[S];
#pragma GCC unroll 4
  for (unsigned s = 0; s != S; ++s) {
    row[s] = y[s];
  }
#pragma GCC unroll 16
  for (unsigned rx = 0; rx != ports; ++rx) {
    cvec<F> w[V];
#pragma GCC unroll 4
    for (unsigned k = 0; k != V; ++k) {
      std::memcpy(&w[k].re, weights + k * 2 * lanes_of<F>, sizeof(w[k].re));
      std::memcpy(&w[k].im, weights + (k * 2 + 1) * lanes_of<F>, sizeof(w[k].im));
    }
    weights += V * 2 * lanes_of<F>;
#pragma GCC unroll 4
    for (unsigned s = 0; s != S; ++s) {
      const cvec<F> yv = load<F>(row[s]);
      row[s] += in_stride;
#pragma GCC unroll 4
      for (unsigned k = 0; k != V; ++k) {
        acc[s][k] = mul_add(acc[s][k], w[k], yv);
      }
    }
  }
#pragma GCC unroll 4
  for (unsigned s = 0; s != S; ++s) {
#pragma GCC unroll 4
    for (unsigned k = 0; k != V; ++k) {
      if constexpr (Phased) {
        acc[s][k] = derotate(acc[s][k], phase[s]);
      }
      poison[s] += acc[s][k].re + acc[s][k].im;
    }
    store_layers<F, V>(x[s], out_stride, Interleaved, acc[s]);
  }
}

/// Where each symbol of a call with several symbols is: the start of its rows of y and of its x, its phase, and the
/// poison sum of apply_step.
template <typename F>
struct call_symbols {
  const cf_t* y[kernel_max_nof_symbols];
  cf_t*       x[kernel_max_nof_symbols];
  cvec<F>     phase[kernel_max_nof_symbols];
  F           poison[kernel_max_nof_symbols];

  AIRAN_EQ_INLINE call_symbols(const equalizer_kernel_args& args, unsigned nof_layers)
  {
    for (unsigned l = 0; l != args.nof_symbols; ++l) {
      const std::size_t index = args.symbol_index == nullptr ? l : args.symbol_index[l];
      y[l]                    = args.y + index * args.y_symbol_stride;
      x[l]                    = args.x + std::size_t{l} * nof_layers * args.nof_re;
      phase[l]                = symbol_phase_of<F>(args, l);
      poison[l]               = F{};
    }
  }
};

/// N symbols of a block of steps: their first rows of y and x, phases and poison sums, the weights of the block's
/// steps one after the other, and the strides.
template <typename F, unsigned N>
struct symbol_group {
  const cf_t*  y[N];
  cf_t*        x[N];
  cvec<F>      phase[N];
  F            poison[N];
  const float* weights;
  std::size_t  weights_size;
  unsigned     nof_steps;
  unsigned     ports;
  std::size_t  in_stride;
  std::size_t  out_stride;
};

/// x = W y for every step of the group, the rows of each symbol read in sequence.
template <typename F, unsigned V, unsigned N, bool Phased, bool Interleaved, unsigned P>
AIRAN_EQ_INLINE void apply_group(symbol_group<F, N>& group)
{
  constexpr unsigned    L        = lanes_of<F>;
  constexpr std::size_t re_scale = Interleaved ? V : 1;
  // Phases and poison sums in locals: the stores to x cannot alias them.
  cvec<F> phase[N];
  F       poison[N];
  for (unsigned s = 0; s != N; ++s) {
    phase[s]  = group.phase[s];
    poison[s] = group.poison[s];
  }
  for (unsigned step = 0; step != group.nof_steps; ++step) {
    const std::size_t offset = std::size_t{step} * L;
    const cf_t*       y[N];
    cf_t*             x[N];
    for (unsigned s = 0; s != N; ++s) {
      y[s] = group.y[s] + offset;
      x[s] = group.x[s] + offset * re_scale;
    }
    apply_step<F, V, N, Phased, Interleaved, P>(poison, group.weights + step * group.weights_size, y,
                                                group.in_stride, x, group.out_stride, phase, group.ports);
  }
  for (unsigned s = 0; s != N; ++s) {
    group.poison[s] = poison[s];
  }
}

// Each variant of apply_group as a function of its own, built for the instruction set of its kernel: register
// allocation in the one large kernel function spills the accumulators and copies registers in the hottest loop.
template <unsigned V, unsigned N, bool Phased, bool Interleaved, unsigned P>
[[gnu::noinline]] void apply_group_baseline(symbol_group<v4f, N>& group)
{
  apply_group<v4f, V, N, Phased, Interleaved, P>(group);
}

#if defined(__x86_64__)
template <unsigned V, unsigned N, bool Phased, bool Interleaved, unsigned P>
[[gnu::noinline, gnu::target("avx2,fma")]] void apply_group_avx2(symbol_group<v8f, N>& group)
{
  apply_group<v8f, V, N, Phased, Interleaved, P>(group);
}
#endif

/// apply_group in its own function, for 4 ports (the common receiver) with the port loop unrolled.
template <typename F, unsigned V, unsigned N, bool Phased, bool Interleaved>
AIRAN_EQ_INLINE void run_apply_group(symbol_group<F, N>& group)
{
  if constexpr (lanes_of<F> == 8) {
#if defined(__x86_64__)
    group.ports == 4 ? apply_group_avx2<V, N, Phased, Interleaved, 4>(group)
                     : apply_group_avx2<V, N, Phased, Interleaved, 0>(group);
#endif
  } else {
    group.ports == 4 ? apply_group_baseline<V, N, Phased, Interleaved, 4>(group)
                     : apply_group_baseline<V, N, Phased, Interleaved, 0>(group);
  }
}

/// Symbols applied together with one load of each weight, chosen by measurement (bench/equalizer.cpp, receiver layout,
/// AVX2): more symbols per load win even where the 2 V S accumulators, 2 V weights and the received value spill out of
/// the 16 vector registers.
template <unsigned V>
constexpr unsigned symbols_per_group = V == 1 ? 4 : V == 2 ? 3 : 2;

/// x = W y for the REs of nof_steps full steps from RE first on, in every symbol, symbols_per_group<V> symbols at a
/// time (the last group possibly smaller). weights: those of the steps, one after the other.
template <typename F, unsigned V, bool Phased, bool Interleaved>
AIRAN_EQ_INLINE void apply_block_to_symbols(const equalizer_kernel_args& args, call_symbols<F>& c, std::size_t first,
                                            unsigned nof_steps, const float* weights)
{
  constexpr unsigned S        = symbols_per_group<V>;
  const std::size_t  re_scale = args.interleaved ? V : 1;
  auto               apply    = [&]<unsigned N>(unsigned from) {
    symbol_group<F, N> group;
    for (unsigned s = 0; s != N; ++s) {
      group.y[s]      = c.y[from + s] + first;
      group.x[s]      = c.x[from + s] + first * re_scale;
      group.phase[s]  = c.phase[from + s];
      group.poison[s] = c.poison[from + s];
    }
    group.weights      = weights;
    group.weights_size = equalizer_kernel_weights_size(args.nof_rx_ports, V);
    group.nof_steps    = nof_steps;
    group.ports        = args.nof_rx_ports;
    group.in_stride    = args.y_port_stride;
    group.out_stride   = args.nof_re;
    run_apply_group<F, V, N, Phased, Interleaved>(group);
    for (unsigned s = 0; s != N; ++s) {
      c.poison[from + s] = group.poison[s];
    }
  };
  unsigned l = 0;
  for (; l + S <= args.nof_symbols; l += S) {
    apply.template operator()<S>(l);
  }
  // The last symbols (fewer than S): in pairs, then one.
  if constexpr (S > 2) {
    for (; l + 2 <= args.nof_symbols; l += 2) {
      apply.template operator()<2>(l);
    }
  }
  if (l != args.nof_symbols) {
    apply.template operator()<1>(l);
  }
}

/// x = W y for the last REs (from full on, fewer than a vector) of every symbol, through zero-padded copies.
template <typename F, unsigned V>
AIRAN_EQ_INLINE void apply_tail_to_symbols(const equalizer_kernel_args& args, call_symbols<F>& c, std::size_t full,
                                           const float* weights)
{
  constexpr unsigned L        = lanes_of<F>;
  const std::size_t  tail     = args.nof_re - full;
  const std::size_t  re_scale = args.interleaved ? V : 1;
  for (unsigned l = 0; l != args.nof_symbols; ++l) {
    cf_t y_pad[kernel_max_nof_rx_ports][L];
    cf_t x_pad[kernel_max_nof_layers][L];
    for (unsigned rx = 0; rx != args.nof_rx_ports; ++rx) {
      const cf_t* row = c.y[l] + rx * args.y_port_stride + full;
      std::fill(std::copy_n(row, tail, y_pad[rx]), y_pad[rx] + L, cf_t{});
    }
    const cf_t* ys[1] = {y_pad[0]};
    cf_t*       xs[1] = {x_pad[0]};
    apply_step<F, V, 1, true, false, 0>(c.poison + l, weights, ys, L, xs, L, c.phase + l, args.nof_rx_ports);
    copy_tail<L, V>(c.x[l] + full * re_scale, args.nof_re, args.interleaved, x_pad, tail);
  }
}

/// Non-finite results are rare (non-finite input): found from the poison sums (which also flag, harmlessly, finite
/// results whose sum overflows), they are zeroed and their REs marked as carrying no information.
template <typename F, unsigned V>
AIRAN_EQ_INLINE void clear_poisoned(const equalizer_kernel_args& args, const call_symbols<F>& c)
{
  constexpr unsigned L = lanes_of<F>;
  for (unsigned l = 0; l != args.nof_symbols; ++l) {
    float lane_poison[L];
    std::memcpy(lane_poison, &c.poison[l], sizeof(lane_poison));
    if (std::any_of(lane_poison, lane_poison + L, [](float p) { return !std::isfinite(p); })) {
      for (std::size_t i = 0; i != V * args.nof_re; ++i) {
        if (!std::isfinite(c.x[l][i].real()) || !std::isfinite(c.x[l][i].imag())) {
          c.x[l][i]         = {};
          args.noise_var[i] = equalizer_noise_var_max;
        }
      }
    }
  }
}

} // namespace airan::phy::detail
