#pragma once
// The circular buffer of the LDPC rate matching (TS 38.212 5.4.2.1) as the bit selection sees it; shared by the CPU
// rate matcher and dematcher and by the CUDA dematcher's setup.

#include "airan/phy/coding/rate_matching.h"

#include <algorithm>
#include <cstdint>

namespace airan::phy::detail {

/// The circular buffer of TS 38.212 5.4.2.1 as seen by the bit selection: the valid (non-<NULL>) positions are
/// [0, filler_begin) and [filler_end, n_cb). Without filler bits, filler_begin = filler_end = n_cb, so that the
/// valid positions form a single run. The valid positions are numbered by their rank 0..nof_valid-1.
struct circular_buffer {
  unsigned n_cb;
  unsigned filler_begin;
  unsigned filler_end;
  unsigned nof_valid;
  /// Rank of the first valid position at or after k_0: e_0 is read there.
  unsigned start_rank;

  bool has_filler() const { return filler_begin != filler_end; }

  unsigned position_of_rank(unsigned rank) const
  {
    return rank < filler_begin ? rank : rank + (filler_end - filler_begin);
  }

  /// Position of the circular buffer that bit e_k is selected from.
  unsigned position_of_e(unsigned k) const
  {
    return position_of_rank(static_cast<unsigned>((uint64_t{start_rank} + k) % nof_valid));
  }

  /// Number of valid positions from pos on (pos valid) before a filler gap or the end of the buffer.
  unsigned run_length(unsigned pos) const { return pos < filler_begin ? filler_begin - pos : n_cb - pos; }

  /// Valid position n steps after pos, where n is at most run_length(pos).
  unsigned advance(unsigned pos, unsigned n) const
  {
    pos += n;
    if (pos == filler_begin) {
      pos = filler_end;
    }
    return pos == n_cb ? 0 : pos;
  }

  /// One past the largest position read by a bit selection of E bits.
  unsigned selection_end(unsigned e) const
  {
    if (uint64_t{start_rank} + e > nof_valid) {
      return n_cb;
    }
    return position_of_rank(start_rank + e - 1) + 1;
  }
};

inline circular_buffer make_circular_buffer(const ldpc_rate_match_params& params)
{
  const unsigned z = params.lifting_size;
  const unsigned k = ldpc_info_length(params.graph, z);
  circular_buffer cb{};
  cb.n_cb = params.n_cb;
  // TS 38.212 5.3.2: c_k (k = K'..K-1, filler) is <NULL> in d at k - 2 Z_c.
  cb.filler_begin = params.k_prime == k ? params.n_cb : params.k_prime - 2 * z;
  cb.filler_end = params.k_prime == k ? params.n_cb : k - 2 * z;
  cb.nof_valid = cb.n_cb - (cb.filler_end - cb.filler_begin);
  const unsigned k0 = ldpc_rv_start(params.graph, params.rv, params.n_cb, z);
  cb.start_rank = k0 < cb.filler_begin ? k0 : std::max(k0, cb.filler_end) - (cb.filler_end - cb.filler_begin);
  return cb;
}

/// Number of leading soft-buffer positions a transmission informs (the value ldpc_rate_dematch returns).
inline unsigned informed_length(const circular_buffer& cb, unsigned e)
{
  const unsigned end = cb.selection_end(e);
  return cb.has_filler() ? std::max(end, cb.filler_end) : end;
}

} // namespace airan::phy::detail
