#include "airan/phy/coding/rate_matching.h"

#include "rate_matching_circular_buffer.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <string>
#include <type_traits>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace airan::phy {

namespace {

using detail::circular_buffer;
using detail::informed_length;
using detail::make_circular_buffer;

/// Largest magnitude of a soft bit: LLRs are kept in [-llr_max, llr_max].
constexpr int llr_max = 127;

/// Calls block(j, pos, n) for consecutive row ranges [j, j + n) of the rate matching output, where pos[s] is the
/// circular-buffer position of e_{first[s] + j} and positions pos[s] .. pos[s] + n - 1 are all valid: row j + t of
/// stream s comes from position pos[s] + t. The streams are the columns of the bit interleaver (TS 38.212 5.4.2.2).
template <unsigned S, typename Block>
void for_each_run(const circular_buffer& cb, const std::array<unsigned, S>& first, unsigned nof_rows, Block&& block)
{
  std::array<unsigned, S> pos;
  for (unsigned s = 0; s != S; ++s) {
    pos[s] = cb.position_of_e(first[s]);
  }
  for (unsigned j = 0; j != nof_rows;) {
    unsigned n = nof_rows - j;
    for (unsigned s = 0; s != S; ++s) {
      n = std::min(n, cb.run_length(pos[s]));
    }
    block(j, pos, n);
    for (unsigned s = 0; s != S; ++s) {
      pos[s] = cb.advance(pos[s], n);
    }
    j += n;
  }
}

/// First e index of each column i of the E/Q_m x Q_m bit interleaver: e_{i E/Q_m + j} is f_{i + j Q_m}.
template <unsigned Q>
std::array<unsigned, Q> column_starts(unsigned nof_rows)
{
  std::array<unsigned, Q> first;
  for (unsigned i = 0; i != Q; ++i) {
    first[i] = i * nof_rows;
  }
  return first;
}

/// New soft value of a position receiving llr: llr (Combine = false) or old + llr (Combine = true), saturated to
/// [-127, 127].
template <bool Combine>
int8_t combine_llr(int8_t old, int8_t llr)
{
  const int sum = Combine ? int{old} + int{llr} : int{llr};
  return static_cast<int8_t>(std::clamp(sum, -llr_max, llr_max));
}

#if defined(__SSE2__)

/// Byte transposes by perfect shuffles. A group of R = 2^r registers of 16 bytes is addressed by (register bits,
/// byte bits). unpack_step on register bit B interleaves the bytes of each register pair differing in bit B: the
/// output byte address is (lower three byte bits, B) and the top byte bit moves to register bit B.
template <unsigned B, unsigned R>
[[gnu::always_inline]] inline void unpack_step(__m128i (&x)[R])
{
  for (unsigned a = 0; a != R; ++a) {
    if ((a & (1U << B)) == 0) {
      const unsigned b = a | (1U << B);
      const __m128i lo = _mm_unpacklo_epi8(x[a], x[b]);
      const __m128i hi = _mm_unpackhi_epi8(x[a], x[b]);
      x[a] = lo;
      x[b] = hi;
    }
  }
}

/// 16 rows x R columns: register i holds column i (byte j = row j); afterwards the registers hold the rows one
/// after the other (byte j R + i of the group). The column bits are inserted from the highest one.
template <unsigned R>
[[gnu::always_inline]] inline void rows_from_columns(__m128i (&x)[R])
{
  if constexpr (R >= 8) {
    unpack_step<2>(x);
  }
  if constexpr (R >= 4) {
    unpack_step<1>(x);
  }
  if constexpr (R >= 2) {
    unpack_step<0>(x);
  }
}

/// Inverse of rows_from_columns: four shuffles insert the row bits j3 j2 j1 j0 back into the bytes; column i then
/// is in register column_register<R>(i).
template <unsigned R>
[[gnu::always_inline]] inline void columns_from_rows(__m128i (&x)[R])
{
  if constexpr (R == 2) {
    unpack_step<0>(x);
    unpack_step<0>(x);
    unpack_step<0>(x);
    unpack_step<0>(x);
  } else if constexpr (R == 4) {
    unpack_step<1>(x);
    unpack_step<0>(x);
    unpack_step<1>(x);
    unpack_step<0>(x);
  } else if constexpr (R == 8) {
    unpack_step<2>(x);
    unpack_step<1>(x);
    unpack_step<0>(x);
    unpack_step<2>(x);
  }
}

template <unsigned R>
constexpr unsigned column_register(unsigned i)
{
  // With 8 registers, column (i2 i1 i0) ends in register (i0 i2 i1).
  return R == 8 ? ((i & 1U) << 2) | (i >> 1) : i;
}

/// Number of registers of the transpose for Q columns: Q = 6 uses the 8-column transpose.
template <unsigned Q>
constexpr unsigned transpose_width = Q == 6 ? 8 : Q;

/// Q = 6 reads and writes 8 bytes per row of 6, that is two bytes into the next row: the 16-row blocks are used
/// only where one more row follows.
template <unsigned Q>
constexpr unsigned rows_after_block = Q == 6 ? 1 : 0;

[[gnu::always_inline]] inline __m128i load(const void* p)
{
  return _mm_loadu_si128(static_cast<const __m128i*>(p));
}

[[gnu::always_inline]] inline void store(void* p, __m128i v)
{
  _mm_storeu_si128(static_cast<__m128i*>(p), v);
}

/// 16 rows of Q bytes from src into the registers of the row layout of rows_from_columns.
template <unsigned Q>
[[gnu::always_inline]] inline void load_rows(__m128i (&x)[transpose_width<Q>], const void* src)
{
  const auto* bytes = static_cast<const uint8_t*>(src);
  if constexpr (Q == 6) {
    for (unsigned r = 0; r != 8; ++r) {
      x[r] = _mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(bytes + 12 * r)),
                                _mm_loadl_epi64(reinterpret_cast<const __m128i*>(bytes + 12 * r + 6)));
    }
  } else {
    for (unsigned r = 0; r != Q; ++r) {
      x[r] = load(bytes + 16 * r);
    }
  }
}

/// Inverse of load_rows.
template <unsigned Q>
[[gnu::always_inline]] inline void store_rows(void* dst, const __m128i (&x)[transpose_width<Q>])
{
  auto* bytes = static_cast<uint8_t*>(dst);
  if constexpr (Q == 6) {
    for (unsigned r = 0; r != 8; ++r) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(bytes + 12 * r), x[r]);
      _mm_storel_epi64(reinterpret_cast<__m128i*>(bytes + 12 * r + 6), _mm_unpackhi_epi64(x[r], x[r]));
    }
  } else {
    for (unsigned r = 0; r != Q; ++r) {
      store(bytes + 16 * r, x[r]);
    }
  }
}

/// combine_llr on 16 positions.
template <bool Combine>
[[gnu::always_inline]] inline void combine_16(int8_t* acc, __m128i llrs)
{
  const __m128i sum = Combine ? _mm_adds_epi8(load(acc), llrs) : llrs;
  // adds_epi8 saturates at -128: map it to -127.
  store(acc, _mm_sub_epi8(sum, _mm_cmpeq_epi8(sum, _mm_set1_epi8(-128))));
}

#endif

/// Bit interleaving of n rows, TS 38.212 5.4.2.2: out[j Q + i] = in[i][j].
template <unsigned Q>
void interleave(uint8_t* out, const std::array<const uint8_t*, Q>& in, unsigned n)
{
  unsigned j = 0;
#if defined(__SSE2__)
  for (; j + 16 + rows_after_block<Q> <= n; j += 16) {
    __m128i x[transpose_width<Q>] = {};
    for (unsigned i = 0; i != Q; ++i) {
      x[i] = load(in[i] + j);
    }
    rows_from_columns(x);
    store_rows<Q>(out + j * Q, x);
  }
#endif
  for (; j != n; ++j) {
    for (unsigned i = 0; i != Q; ++i) {
      out[j * Q + i] = in[i][j];
    }
  }
}

/// Bit deinterleaving of n rows with combining: acc[i][j] = combine_llr(acc[i][j], in[j Q + i]).
template <unsigned Q, bool Combine>
void deinterleave(const std::array<int8_t*, Q>& acc, const int8_t* in, unsigned n)
{
  unsigned j = 0;
#if defined(__SSE2__)
  for (; j + 16 + rows_after_block<Q> <= n; j += 16) {
    __m128i x[transpose_width<Q>];
    load_rows<Q>(x, in + j * Q);
    columns_from_rows(x);
    for (unsigned i = 0; i != Q; ++i) {
      combine_16<Combine>(acc[i] + j, x[column_register<transpose_width<Q>>(i)]);
    }
  }
#endif
  for (; j != n; ++j) {
    for (unsigned i = 0; i != Q; ++i) {
      acc[i][j] = combine_llr<Combine>(acc[i][j], in[j * Q + i]);
    }
  }
}

/// Column I of n rows, combined: acc[j] = combine_llr(acc[j], in[j Q + I]).
template <unsigned Q, unsigned I>
void deinterleave_column(int8_t* acc, const int8_t* in, unsigned n)
{
  unsigned j = 0;
#if defined(__SSE2__)
  for (; j + 16 + rows_after_block<Q> <= n; j += 16) {
    // Only the shuffles leading to column I remain after optimisation.
    __m128i x[transpose_width<Q>];
    load_rows<Q>(x, in + j * Q);
    columns_from_rows(x);
    combine_16<true>(acc + j, x[column_register<transpose_width<Q>>(I)]);
  }
#endif
  for (; j != n; ++j) {
    acc[j] = combine_llr<true>(acc[j], in[j * Q + I]);
  }
}

template <unsigned Q>
void rate_match(uint8_t* f, const uint8_t* d, const circular_buffer& cb, unsigned e)
{
  const unsigned nof_rows = e / Q;
  for_each_run<Q>(cb, column_starts<Q>(nof_rows), nof_rows, [&](unsigned j, const auto& pos, unsigned n) {
    std::array<const uint8_t*, Q> in;
    for (unsigned i = 0; i != Q; ++i) {
      in[i] = d + pos[i];
    }
    interleave<Q>(f + j * Q, in, n);
  });
}

/// Dematching when E does not exceed the number of valid positions: every position receives at most one LLR, so
/// all columns are processed together, row block by row block. Without Combine, the LLRs are stored and the valid
/// positions receiving none are cleared.
template <unsigned Q, bool Combine>
void rate_dematch_by_rows(int8_t* soft, const int8_t* f, const circular_buffer& cb, unsigned e)
{
  const unsigned nof_rows = e / Q;
  for_each_run<Q>(cb, column_starts<Q>(nof_rows), nof_rows, [&](unsigned j, const auto& pos, unsigned n) {
    std::array<int8_t*, Q> acc;
    for (unsigned i = 0; i != Q; ++i) {
      acc[i] = soft + pos[i];
    }
    deinterleave<Q, Combine>(acc, f + j * Q, n);
  });
  if (!Combine) {
    // The valid positions after the last selected one, up to the first selected one (circularly).
    for_each_run<1>(cb, {e}, cb.nof_valid - e, [&](unsigned, const auto& pos, unsigned n) {
      std::fill_n(soft + pos[0], n, int8_t{0});
    });
  }
}

/// Dematching with repetition (E above the number of valid positions): positions receive several LLRs, combined in
/// the order e_0, e_1, ..., that is column after column of the interleaver.
template <unsigned Q>
void rate_dematch_in_order(int8_t* soft, const int8_t* f, const circular_buffer& cb, unsigned e)
{
  const unsigned nof_rows = e / Q;
  auto column = [&]<unsigned I>(std::integral_constant<unsigned, I>) {
    for_each_run<1>(cb, {I * nof_rows}, nof_rows, [&](unsigned j, const auto& pos, unsigned n) {
      deinterleave_column<Q, I>(soft + pos[0], f + j * Q, n);
    });
  };
  [&]<unsigned... I>(std::integer_sequence<unsigned, I...>) {
    (column(std::integral_constant<unsigned, I>{}), ...);
  }(std::make_integer_sequence<unsigned, Q>{});
}

/// Calls fn with the modulation order as a compile-time constant.
template <typename Fn>
void dispatch_modulation_order(unsigned qm, Fn&& fn)
{
  switch (qm) {
    case 1:
      fn(std::integral_constant<unsigned, 1>{});
      break;
    case 2:
      fn(std::integral_constant<unsigned, 2>{});
      break;
    case 4:
      fn(std::integral_constant<unsigned, 4>{});
      break;
    case 6:
      fn(std::integral_constant<unsigned, 6>{});
      break;
    default:
      assert(qm == 8);
      fn(std::integral_constant<unsigned, 8>{});
      break;
  }
}

} // namespace

unsigned compute_ldpc_n_cb(ldpc_base_graph graph,
                           unsigned lifting_size,
                           std::optional<unsigned> tbs_lbrm,
                           unsigned nof_cbs) noexcept
{
  assert(nof_cbs > 0);
  const unsigned n = ldpc_codeword_length(graph, lifting_size);
  if (!tbs_lbrm.has_value()) {
    return n;
  }
  // N_ref = floor(TBS_LBRM / (C * 2/3)) = floor(3 TBS_LBRM / (2 C)).
  const uint64_t n_ref = (3 * uint64_t{*tbs_lbrm}) / (2 * uint64_t{nof_cbs});
  return static_cast<unsigned>(std::min<uint64_t>(n, n_ref));
}

unsigned ldpc_rv_start(ldpc_base_graph graph, unsigned rv, unsigned n_cb, unsigned lifting_size) noexcept
{
  assert(rv < 4);
  // TS 38.212 Table 5.4.2.1-2: k_0 = floor(a N_cb / (b Z_c)) Z_c, b = 66 (BG1) or 50 (BG2).
  constexpr std::array<unsigned, 4> bg1_numerator = {0, 17, 33, 56};
  constexpr std::array<unsigned, 4> bg2_numerator = {0, 13, 25, 43};
  const bool bg1 = graph == ldpc_base_graph::bg1;
  const uint64_t numerator = uint64_t{bg1 ? bg1_numerator[rv] : bg2_numerator[rv]} * n_cb;
  const uint64_t denominator = uint64_t{bg1 ? 66U : 50U} * lifting_size;
  return static_cast<unsigned>(numerator / denominator) * lifting_size;
}

namespace {

bool is_valid_modulation_order(unsigned qm)
{
  return qm == 1 || qm == 2 || qm == 4 || qm == 6 || qm == 8;
}

} // namespace

status compute_cb_rate_match_lengths(std::span<unsigned> e_per_cb,
                                     unsigned g,
                                     unsigned nof_cbs,
                                     unsigned nof_layers,
                                     unsigned modulation_order)
{
  if (nof_cbs == 0) {
    return status::error("number of code blocks C must be at least 1");
  }
  if (e_per_cb.size() < nof_cbs) {
    return status::error("room for " + std::to_string(e_per_cb.size()) + " rate matching lengths, C = " +
                         std::to_string(nof_cbs) + " code blocks");
  }
  if (nof_layers < 1 || nof_layers > 4) {
    return status::error("number of layers N_L = " + std::to_string(nof_layers) + " is not in 1..4");
  }
  if (!is_valid_modulation_order(modulation_order)) {
    return status::error("modulation order Q_m = " + std::to_string(modulation_order) + " is not 1, 2, 4, 6 or 8");
  }
  const unsigned bits_per_symbol = nof_layers * modulation_order;
  if (g % bits_per_symbol != 0) {
    return status::error("G = " + std::to_string(g) + " is not a multiple of N_L Q_m = " +
                         std::to_string(bits_per_symbol));
  }
  const unsigned nof_symbols = g / bits_per_symbol;
  if (nof_symbols < nof_cbs) {
    return status::error("G = " + std::to_string(g) + " gives " + std::to_string(nof_symbols) +
                         " symbols (N_L Q_m bits each) for C = " + std::to_string(nof_cbs) + " code blocks");
  }
  // TS 38.212 5.4.2.1: the first C' - mod(G / (N_L Q_m), C') code blocks get the floor, the others the ceiling.
  const unsigned nof_short = nof_cbs - nof_symbols % nof_cbs;
  const unsigned short_length = bits_per_symbol * (nof_symbols / nof_cbs);
  for (unsigned r = 0; r != nof_cbs; ++r) {
    e_per_cb[r] = r < nof_short ? short_length : short_length + bits_per_symbol;
  }
  return status::ok();
}

status validate(const ldpc_rate_match_params& params)
{
  if (params.graph != ldpc_base_graph::bg1 && params.graph != ldpc_base_graph::bg2) {
    return status::error("base graph " + std::to_string(static_cast<unsigned>(params.graph)) + " is not 1 or 2");
  }
  const unsigned z = params.lifting_size;
  if (!ldpc_lifting_set_index(z).has_value()) {
    return status::error("lifting size Z_c = " + std::to_string(z) + " is not in TS 38.212 Table 5.3.2-1");
  }
  if (params.rv > 3) {
    return status::error("redundancy version rv_id = " + std::to_string(params.rv) + " is not in 0..3");
  }
  if (!is_valid_modulation_order(params.modulation_order)) {
    return status::error("modulation order Q_m = " + std::to_string(params.modulation_order) +
                         " is not 1, 2, 4, 6 or 8");
  }
  if (params.e == 0 || params.e % params.modulation_order != 0) {
    return status::error("rate matching length E = " + std::to_string(params.e) + " is not a positive multiple of Q_m = " +
                         std::to_string(params.modulation_order));
  }
  const unsigned k = ldpc_info_length(params.graph, z);
  if (params.k_prime <= 2 * z || params.k_prime > k) {
    return status::error("code block size K' = " + std::to_string(params.k_prime) + " is not in (2 Z_c, K] = (" +
                         std::to_string(2 * z) + ", " + std::to_string(k) + "]");
  }
  const unsigned n = ldpc_codeword_length(params.graph, z);
  const unsigned n_cb_min = std::max(params.k_prime, k - 2 * z);
  if (params.n_cb <= n_cb_min || params.n_cb > n) {
    return status::error("circular buffer length N_cb = " + std::to_string(params.n_cb) + " is not in (" +
                         std::to_string(n_cb_min) + ", " + std::to_string(n) + "]");
  }
  return status::ok();
}

unsigned ldpc_rate_match_nof_needed_bits(const ldpc_rate_match_params& params) noexcept
{
  return make_circular_buffer(params).selection_end(params.e);
}

void ldpc_rate_match(std::span<uint8_t> f, std::span<const uint8_t> d, const ldpc_rate_match_params& params) noexcept
{
  const circular_buffer cb = make_circular_buffer(params);
  assert(f.size() >= params.e);
  assert(d.size() >= cb.selection_end(params.e));
  dispatch_modulation_order(params.modulation_order, [&](auto q) {
    rate_match<decltype(q)::value>(f.data(), d.data(), cb, params.e);
  });
}

unsigned ldpc_rate_dematch(std::span<int8_t> soft_buffer,
                           std::span<const int8_t> llrs,
                           const ldpc_rate_match_params& params,
                           bool new_data) noexcept
{
  const circular_buffer cb = make_circular_buffer(params);
  assert(soft_buffer.size() >= cb.n_cb);
  assert(llrs.size() >= params.e);
  int8_t* soft = soft_buffer.data();
  const int8_t* f = llrs.data();
  if (cb.has_filler()) {
    std::fill(soft + cb.filler_begin, soft + cb.filler_end, int8_t{llr_max});
  }
  dispatch_modulation_order(params.modulation_order, [&](auto q) {
    constexpr unsigned qm = decltype(q)::value;
    if (params.e > cb.nof_valid) {
      if (new_data) {
        std::fill(soft, soft + cb.filler_begin, int8_t{0});
        std::fill(soft + cb.filler_end, soft + cb.n_cb, int8_t{0});
      }
      rate_dematch_in_order<qm>(soft, f, cb, params.e);
    } else if (new_data) {
      rate_dematch_by_rows<qm, false>(soft, f, cb, params.e);
    } else {
      rate_dematch_by_rows<qm, true>(soft, f, cb, params.e);
    }
  });
  return informed_length(cb, params.e);
}

} // namespace airan::phy
