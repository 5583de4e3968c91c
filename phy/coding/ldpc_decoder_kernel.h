#pragma once
// Layered min-sum LDPC decoding kernel, written once for any vector width.
//
// Included by one source file per instruction set, with that file's lane operations as Ops; the AVX2 source
// includes it inside a target("avx2") region, so every function here must be a member of the template (an
// instantiation per Ops, internal to its source file).

#include "ldpc_decoder_schedule.h"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <span>
#include <utility>

namespace airan::phy::detail {

/// Ops provides, for a vector `vec` of `width` int8 lanes (all operations lane-wise):
///   load(const int8_t*), store(int8_t*, vec): unaligned;  zero(), all_ones();
///   adds, subs: signed saturating;  abs: |a| read as unsigned (abs(-128) = 128);
///   min_u, max_u: unsigned;  bit_or, bit_xor;
///   select_eq(a, b, x, y): a == b ? x : y;  apply_sign(m, s): s < 0 ? -m : m (m <= 127);
///   clamp_llr(a): max(a, -127);  any_negative(a);  sign_bit(a): a < 0 ? 1 : 0;
///   condition(a, shift): sign(a) * min((|a| + 2^shift / 2) >> shift, ldpc_max_channel_llr);
///   scale(m, scaling_q4, min_magnitude, offset): max(min(max(floor(m * scaling_q4 / 16), min(m, min_magnitude)),
///   ldpc_max_message) - offset, 0), m unsigned.
template <class Ops>
class ldpc_layered_kernel {
  static_assert(ldpc_max_row_degree <= 20, "the edge loops are unrolled 20 times");
  using vec = typename Ops::vec;
  static constexpr unsigned width = Ops::width;

public:
  static ldpc_decode_result decode(const ldpc_layered_schedule& s, std::span<const int8_t> llrs,
                                   std::span<uint8_t> info_bits) noexcept
  {
    load_channel(s, llrs);
    unsigned iteration = 0;
    bool parity_ok = false;
    while (iteration != s.max_iterations) {
      if (iteration == 0) {
        update_rows<true>(s, 0);
      } else {
        update_rows<false>(s, iteration & 1U);
      }
      ++iteration;
      if (s.early_stop || iteration == s.max_iterations) {
        parity_ok = parity_checks_hold(s, (iteration - 1) & 1U);
        if (parity_ok) {
          break;
        }
      }
    }
    write_hard_decisions(s, iteration, info_bits);
    return {iteration, parity_ok};
  }

private:
  static unsigned nof_lanes(unsigned lifting_size) { return (lifting_size + width - 1) / width * width; }

  /// out[i] = op(in[i]) for count values, a vector at a time (the last one through a zero-padded copy).
  template <class Op>
  static void transform(int8_t* out, const int8_t* in, std::size_t count, Op op) noexcept
  {
    std::size_t i = 0;
    for (; i + width <= count; i += width) {
      Ops::store(out + i, op(Ops::load(in + i)));
    }
    if (i != count) {
      int8_t tail[width] = {};
      std::memcpy(tail, in + i, count - i);
      Ops::store(tail, op(Ops::load(tail)));
      std::memcpy(out + i, tail, count - i);
    }
  }

  /// Conditioned channel LLRs into copy 0 of every used block, rotated to its frame and periodic over
  /// [0, Z + ldpc_max_vector_width). Block j holds d_{(j-2)Z .. (j-1)Z-1} (TS 38.212 5.3.2: the first 2Z
  /// systematic bits are punctured); bits not given are erased (0).
  static void load_channel(const ldpc_layered_schedule& s, std::span<const int8_t> llrs) noexcept
  {
    const unsigned z = s.lifting_size;
    const unsigned length = z + ldpc_max_vector_width;
    const unsigned shift = s.llr_shift;
    const auto condition = [shift](vec v) { return Ops::condition(v, shift); };
    for (unsigned column = 0; column != s.nof_columns; ++column) {
      int8_t* buffer = s.columns + static_cast<std::size_t>(2 * column) * s.column_stride;
      const std::size_t first = column < 2 ? llrs.size() : static_cast<std::size_t>(column - 2) * z;
      const std::size_t available = first < llrs.size() ? llrs.size() - first : 0;
      const unsigned given = available < z ? static_cast<unsigned>(available) : z;
      unsigned bit = s.frame[column];
      for (unsigned position = 0; position != length;) {
        const unsigned count = z - bit < length - position ? z - bit : length - position;
        const unsigned copied = bit < given ? (given - bit < count ? given - bit : count) : 0;
        if (copied != 0) {
          transform(buffer + position, llrs.data() + first + bit, copied, condition);
        }
        std::memset(buffer + position + copied, 0, count - copied);
        position += count;
        bit = 0;
      }
    }
  }

  /// Hard decisions of the info blocks after the given number of iterations, from the copy and frame each block is
  /// then in (a block changes copy at every update).
  static void write_hard_decisions(const ldpc_layered_schedule& s, unsigned nof_iterations,
                                   std::span<uint8_t> info_bits) noexcept
  {
    const unsigned z = s.lifting_size;
    const auto sign_bit = [](vec v) { return Ops::sign_bit(v); };
    for (unsigned column = 0; column != s.nof_info_columns; ++column) {
      const unsigned copy = (nof_iterations * s.degree[column]) & 1U;
      const int8_t* buffer = s.columns + static_cast<std::size_t>(2 * column + copy) * s.column_stride;
      auto* bits = reinterpret_cast<int8_t*>(info_bits.data() + static_cast<std::size_t>(column) * z);
      const unsigned position_of_bit0 = (z - s.frame[column]) % z;
      const unsigned head = z - position_of_bit0;
      transform(bits, buffer + position_of_bit0, head, sign_bit);
      transform(bits + head, buffer, position_of_bit0, sign_bit);
    }
  }

  /// Variable-to-check message: a-posteriori LLR minus the row's previous check-to-variable message (none before
  /// the first update).
  template <bool first_iteration>
  static vec extrinsic(const int8_t* llr, const int8_t* message) noexcept
  {
    if constexpr (first_iteration) {
      return Ops::load(llr);
    } else {
      return Ops::subs(Ops::load(llr), Ops::load(message));
    }
  }

  using row_update = void (*)(const ldpc_layered_schedule&, unsigned, unsigned) noexcept;

  /// The row update for each row degree 0..ldpc_max_row_degree.
  template <bool first_iteration, std::size_t... degree>
  static void update_rows(const ldpc_layered_schedule& s, unsigned parity, std::index_sequence<degree...>) noexcept
  {
    static constexpr row_update updates[] = {&update_row<first_iteration, static_cast<unsigned>(degree)>...};
    for (unsigned row = 0; row != s.nof_rows; ++row) {
      const unsigned begin = s.row_start[row];
      const unsigned row_degree = s.row_start[row + 1] - begin;
      assert(row_degree <= ldpc_max_row_degree);
      updates[row_degree](s, parity, begin);
    }
  }

  template <bool first_iteration>
  static void update_rows(const ldpc_layered_schedule& s, unsigned parity) noexcept
  {
    update_rows<first_iteration>(s, parity, std::make_index_sequence<ldpc_max_row_degree + 1>{});
  }

  /// One layer: min-sum check node update of the Z checks of a row and the update of the LLRs of its variables.
  /// The degree is a template parameter so that the loops over the edges are unrolled (unroll 20 covers
  /// ldpc_max_row_degree): their exits, at a degree that changes from row to row, would otherwise be mispredicted
  /// twice per chunk of lanes.
  template <bool first_iteration, unsigned degree>
  static void update_row(const ldpc_layered_schedule& s, unsigned parity, unsigned begin) noexcept
  {
    const unsigned z = s.lifting_size;
    const int8_t* source[degree + 1];
    int8_t* target[degree + 1];
    unsigned position[degree + 1];
#pragma GCC unroll 20
    for (unsigned k = 0; k != degree; ++k) {
      source[k] = s.source[parity][begin + k];
      target[k] = s.target[parity][begin + k];
      position[k] = s.load_offset[begin + k];
    }

    const unsigned lanes = nof_lanes(z);
    // The row's messages, lane chunk by lane chunk: one sequential stream over the whole iteration.
    int8_t* message = s.messages + static_cast<std::size_t>(begin) * lanes;
    for (unsigned lane = 0; lane != lanes; lane += width) {
      // Smallest and second smallest magnitude and the sign product of the variable-to-check messages, which are
      // kept for the second pass.
      vec extrinsics[degree + 1];
      vec min1 = Ops::all_ones();
      vec min2 = Ops::all_ones();
      vec sign = Ops::zero();
#pragma GCC unroll 20
      for (unsigned k = 0; k != degree; ++k) {
        const vec t = extrinsic<first_iteration>(source[k] + position[k], message + k * width);
        extrinsics[k] = t;
        const vec m = Ops::abs(t);
        min2 = Ops::min_u(min2, Ops::max_u(min1, m));
        min1 = Ops::min_u(min1, m);
        sign = Ops::bit_xor(sign, t);
      }
      const vec magnitude1 = Ops::scale(min1, s.scaling_q4, s.min_magnitude, s.offset);
      const vec magnitude2 = Ops::scale(min2, s.scaling_q4, s.min_magnitude, s.offset);
      // The edge holding the minimum gets the second minimum (on ties both are equal), the others the minimum.
#pragma GCC unroll 20
      for (unsigned k = 0; k != degree; ++k) {
        const vec t = extrinsics[k];
        const vec magnitude = Ops::select_eq(Ops::abs(t), min1, magnitude2, magnitude1);
        const vec r = Ops::apply_sign(magnitude, Ops::bit_xor(sign, t));
        Ops::store(message + k * width, r);
        Ops::store(target[k] + lane, Ops::clamp_llr(Ops::adds(t, r)));
        position[k] += width;
        if (position[k] >= z) {
          position[k] -= z;
        }
      }
      message += degree * width;
    }
    // Periodic extension of the written blocks.
#pragma GCC unroll 20
    for (unsigned k = 0; k != degree; ++k) {
      Ops::store(target[k] + z, Ops::load(target[k]));
    }
  }

  using row_check = bool (*)(const ldpc_layered_schedule&, unsigned, unsigned) noexcept;

  /// True when the hard decisions satisfy every processed parity check (TS 38.212 5.3.2: H x = 0).
  static bool parity_checks_hold(const ldpc_layered_schedule& s, unsigned parity) noexcept
  {
    return parity_checks_hold(s, parity, std::make_index_sequence<ldpc_max_row_degree + 1>{});
  }

  template <std::size_t... degree>
  static bool parity_checks_hold(const ldpc_layered_schedule& s, unsigned parity,
                                 std::index_sequence<degree...>) noexcept
  {
    static constexpr row_check checks[] = {&row_checks_hold<static_cast<unsigned>(degree)>...};
    for (unsigned row = 0; row != s.nof_rows; ++row) {
      const unsigned begin = s.row_start[row];
      if (!checks[s.row_start[row + 1] - begin](s, parity, begin)) {
        return false;
      }
    }
    return true;
  }

  /// True when the Z checks of a row hold: the sign bits of its variables add up to 0.
  template <unsigned degree>
  static bool row_checks_hold(const ldpc_layered_schedule& s, unsigned parity, unsigned begin) noexcept
  {
    const unsigned z = s.lifting_size;
    const int8_t* const* blocks = s.checked[parity] + begin;
    unsigned position[degree + 1];
#pragma GCC unroll 20
    for (unsigned k = 0; k != degree; ++k) {
      position[k] = s.check_offset[begin + k];
    }
    vec failed = Ops::zero();
    const unsigned lanes = nof_lanes(z);
    for (unsigned lane = 0; lane != lanes; lane += width) {
      vec sum = Ops::zero();
#pragma GCC unroll 20
      for (unsigned k = 0; k != degree; ++k) {
        sum = Ops::bit_xor(sum, Ops::load(blocks[k] + position[k]));
        position[k] += width;
        if (position[k] >= z) {
          position[k] -= z;
        }
      }
      failed = Ops::bit_or(failed, sum);
    }
    return !Ops::any_negative(failed);
  }
};

} // namespace airan::phy::detail
