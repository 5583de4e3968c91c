#include "airan/phy/coding/ldpc_encoder.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <string>

namespace airan::phy {

namespace {

// The lifted parity-check matrix H of TS 38.212 5.3.2 replaces entry (i, j) of the base graph by the Z x Z circulant
// whose row z has its one in column (z + P(i,j)) mod Z. A block of Z bits x_j therefore enters row block i as
// rot(x_j, P)[z] = x_j[(z + P) mod Z]. The encoder keeps every block that is read rotated "doubled" (x_j followed by
// x_j again), so that rot(x_j, P) is the plain byte range starting at P: no wrap-around inside the inner loop.

constexpr unsigned max_lifting_size = 384;
constexpr unsigned chunk_bytes = 128;
/// Doubled block plus the margin a chunk may read beyond it.
constexpr unsigned block_stride = 2 * max_lifting_size + chunk_bytes;
constexpr unsigned max_info_cols = 22;
constexpr unsigned nof_core_cols = 4;
/// Workspace slots: info blocks 0..K_b-1, core parity blocks K_b..K_b+3, then the core row sums and a scratch.
constexpr unsigned row_sum_slot = max_info_cols + nof_core_cols;
constexpr unsigned scratch_slot = row_sum_slot + nof_core_cols;
constexpr unsigned nof_slots = scratch_slot + 1;
static_assert(nof_slots * block_stride < 65536, "entry offsets are stored as uint16_t");

constexpr std::size_t max_entries = 316;

using vec = uint8_t __attribute__((vector_size(32)));
constexpr unsigned vecs_per_chunk = chunk_bytes / sizeof(vec);

/// Order in which the core rows 0..3 are solved once p_0 (column K_b) is known: (row, unknown column). Each of these
/// rows holds p_0 and one more unknown core column, with an identity circulant on that column. The remaining row
/// is the one whose shift on column K_b differs from the other two (TS 38.212 Tables 5.3.2-2 and 5.3.2-3): rows 0
/// and 3 share their shift on column K_b, so the sum of the four core rows is rot(p_0, P(p0_row, K_b)), the core
/// parity columns K_b+1..K_b+3 appearing twice each with shift 0.
struct core_step {
  unsigned row;
  unsigned col;
};
struct core_plan {
  unsigned p0_row;
  std::array<core_step, 3> steps;
};
constexpr core_plan bg1_core{1, {{{0, 23}, {3, 25}, {2, 24}}}};
constexpr core_plan bg2_core{2, {{{0, 11}, {1, 12}, {3, 13}}}};

/// Per lifting size: for each base graph entry, the byte offset of its rotated read in the workspace,
/// col * block_stride + P(i,j).
struct lifted_offsets {
  std::array<std::array<uint16_t, max_entries>, 51> bg1;
  std::array<std::array<uint16_t, max_entries>, 51> bg2;
  std::array<uint8_t, max_lifting_size + 1> z_index;
};

lifted_offsets build_lifted_offsets()
{
  lifted_offsets t{};
  const auto sizes = ldpc_lifting_sizes();
  for (unsigned n = 0; n < sizes.size(); ++n) {
    const unsigned z = sizes[n];
    const unsigned set = *ldpc_lifting_set_index(z);
    t.z_index[z] = static_cast<uint8_t>(n);
    for (auto graph : {ldpc_base_graph::bg1, ldpc_base_graph::bg2}) {
      const auto& bg = get_ldpc_base_graph(graph);
      auto& out = graph == ldpc_base_graph::bg1 ? t.bg1[n] : t.bg2[n];
      for (std::size_t k = 0; k < bg.entries.size(); ++k) {
        out[k] = static_cast<uint16_t>(bg.entries[k].col * block_stride + ldpc_shift(bg.entries[k], z, set));
      }
    }
  }
  return t;
}

const uint16_t* entry_offsets(ldpc_base_graph graph, unsigned lifting_size)
{
  static const lifted_offsets tables = build_lifted_offsets();
  const unsigned n = tables.z_index[lifting_size];
  return graph == ldpc_base_graph::bg1 ? tables.bg1[n].data() : tables.bg2[n].data();
}

inline vec load_vec(const uint8_t* p)
{
  vec v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

inline void store_vec(uint8_t* p, vec v)
{
  std::memcpy(p, &v, sizeof(v));
}

/// Where xor_sum() writes its result.
enum class layout { plain, doubled };

/// dst[z] = XOR over k of base[offsets[k] + z], for z < Z rounded up to whole chunks (dst must have the room).
/// With layout::doubled the result is written as the doubled block, and the bytes read past it by a rotated chunk
/// (up to Z + roundup(Z, chunk) - 1) hold initialized values. Chunks go downwards so that the second copy
/// overwrites what the last chunk of the first one wrote past Z.
template <layout out>
inline void xor_sum(uint8_t* dst, const uint8_t* base, const uint16_t* offsets, std::size_t nof_offsets, unsigned z)
{
  for (unsigned c = (z - 1) / chunk_bytes * chunk_bytes + chunk_bytes; c != 0;) {
    c -= chunk_bytes;
    vec acc[vecs_per_chunk] = {};
    for (std::size_t k = 0; k < nof_offsets; ++k) {
      const uint8_t* src = base + offsets[k] + c;
      for (unsigned v = 0; v < vecs_per_chunk; ++v) {
        acc[v] ^= load_vec(src + v * sizeof(vec));
      }
    }
    for (unsigned v = 0; v < vecs_per_chunk; ++v) {
      store_vec(dst + c + v * sizeof(vec), acc[v]);
    }
    if constexpr (out == layout::doubled) {
      for (unsigned v = 0; v < vecs_per_chunk; ++v) {
        store_vec(dst + z + c + v * sizeof(vec), acc[v]);
      }
    }
  }
}

/// Copies n bytes with whole vectors, the last one overlapping the one before it (n >= sizeof(vec)).
inline void copy_bytes(uint8_t* dst, const uint8_t* src, unsigned n)
{
  if (n < sizeof(vec)) {
    std::memcpy(dst, src, n);
    return;
  }
  for (unsigned i = 0; i + sizeof(vec) < n; i += sizeof(vec)) {
    store_vec(dst + i, load_vec(src + i));
  }
  store_vec(dst + n - sizeof(vec), load_vec(src + n - sizeof(vec)));
}

/// Writes the doubled block x x of the Z bytes x at src into a workspace slot, zeroing the read margin after it.
inline void write_doubled(uint8_t* slot, const uint8_t* src, unsigned z)
{
  copy_bytes(slot, src, z);
  copy_bytes(slot + z, src, z);
  for (unsigned v = 0; v < vecs_per_chunk; ++v) {
    store_vec(slot + 2 * z + v * sizeof(vec), vec{});
  }
}

inline uint16_t slot_offset(unsigned slot)
{
  return static_cast<uint16_t>(slot * block_stride);
}

struct encode_args {
  uint8_t* codeword;
  std::size_t nof_codeword_bits;
  const uint8_t* info_bits;
  const ldpc_base_graph_info* bg;
  const core_plan* core;
  const uint16_t* offsets;
  unsigned z;
};

inline void encode_impl(const encode_args& a)
{
  alignas(64) uint8_t work[nof_slots * block_stride];
  const auto& bg = *a.bg;
  const unsigned z = a.z;
  const unsigned kb = bg.nof_info_cols;

  // Systematic part: d_{k-2Z} = c_k. The caller's length always covers it.
  std::memcpy(a.codeword, a.info_bits + 2 * z, (kb - 2) * z);

  for (unsigned j = 0; j < kb; ++j) {
    write_doubled(work + j * block_stride, a.info_bits + j * z, z);
  }

  // Information part of the four core rows: lambda_r.
  for (unsigned r = 0; r < nof_core_cols; ++r) {
    unsigned nof_info_entries = 0;
    while (bg.entries[bg.row_start[r] + nof_info_entries].col < kb) {
      ++nof_info_entries;
    }
    xor_sum<layout::plain>(work + (row_sum_slot + r) * block_stride, work, a.offsets + bg.row_start[r], nof_info_entries, z);
  }

  // Sum of the core rows = rot(p_0, b), so p_0 = rot(lambda_0 + .. + lambda_3, Z - b).
  const std::array<uint16_t, nof_core_cols> row_sums = {
      slot_offset(row_sum_slot), slot_offset(row_sum_slot + 1), slot_offset(row_sum_slot + 2), slot_offset(row_sum_slot + 3)};
  xor_sum<layout::doubled>(work + scratch_slot * block_stride, work, row_sums.data(), row_sums.size(), z);
  unsigned p0_shift = 0;
  for (unsigned k = bg.row_start[a.core->p0_row]; k < bg.row_start[a.core->p0_row + 1]; ++k) {
    if (bg.entries[k].col == kb) {
      p0_shift = a.offsets[k] - slot_offset(kb);
    }
  }
  const uint16_t p0_source = static_cast<uint16_t>(slot_offset(scratch_slot) + z - p0_shift);
  xor_sum<layout::doubled>(work + kb * block_stride, work, &p0_source, 1, z);

  // Remaining core columns, each from a row where it is the only unknown (identity circulant).
  for (const core_step& step : a.core->steps) {
    std::array<uint16_t, nof_core_cols> sources{};
    std::size_t n = 0;
    sources[n++] = slot_offset(row_sum_slot + step.row);
    for (unsigned k = bg.row_start[step.row]; k < bg.row_start[step.row + 1]; ++k) {
      const unsigned col = bg.entries[k].col;
      if (col >= kb && col != step.col) {
        sources[n++] = a.offsets[k];
      }
    }
    xor_sum<layout::doubled>(work + step.col * block_stride, work, sources.data(), n, z);
  }
  for (unsigned i = 0; i < nof_core_cols; ++i) {
    std::memcpy(a.codeword + (kb - 2 + i) * z, work + (kb + i) * block_stride, z);
  }

  // Extension rows: p_{K_b + r} is the sum of the other entries of row r (its own column is an identity).
  const std::size_t nof_ext_rows = (a.nof_codeword_bits - (kb + 2) * z + z - 1) / z;
  for (unsigned r = nof_core_cols; r < nof_core_cols + nof_ext_rows; ++r) {
    const std::size_t begin = bg.row_start[r];
    const std::size_t nof_terms = bg.row_start[r + 1] - begin - 1;
    const std::size_t out = static_cast<std::size_t>(kb - 2 + r) * z;
    const std::size_t room = a.nof_codeword_bits - out;
    if (room >= (z + chunk_bytes - 1) / chunk_bytes * chunk_bytes) {
      xor_sum<layout::plain>(a.codeword + out, work, a.offsets + begin, nof_terms, z);
    } else {
      uint8_t* scratch = work + scratch_slot * block_stride;
      xor_sum<layout::plain>(scratch, work, a.offsets + begin, nof_terms, z);
      std::memcpy(a.codeword + out, scratch, std::min<std::size_t>(room, z));
    }
  }
}

__attribute__((target("avx2"), flatten)) void encode_avx2(const encode_args& a)
{
  encode_impl(a);
}

void encode_generic(const encode_args& a)
{
  encode_impl(a);
}

} // namespace

status validate_ldpc_encoder_input(ldpc_base_graph graph,
                                   unsigned lifting_size,
                                   std::size_t nof_info_bits,
                                   std::size_t nof_codeword_bits)
{
  if (graph != ldpc_base_graph::bg1 && graph != ldpc_base_graph::bg2) {
    return status::error("LDPC encoder: unknown base graph " + std::to_string(static_cast<unsigned>(graph)));
  }
  if (!ldpc_lifting_set_index(lifting_size).has_value()) {
    return status::error("LDPC encoder: " + std::to_string(lifting_size) +
                         " is not a lifting size of TS 38.212 Table 5.3.2-1");
  }
  const std::size_t k = ldpc_info_length(graph, lifting_size);
  if (nof_info_bits != k) {
    return status::error("LDPC encoder: " + std::to_string(nof_info_bits) + " information bits, expected K = " +
                         std::to_string(k) + " for Z = " + std::to_string(lifting_size));
  }
  const std::size_t min_length = ldpc_min_codeword_length(graph, lifting_size);
  const std::size_t max_length = ldpc_codeword_length(graph, lifting_size);
  if (nof_codeword_bits < min_length || nof_codeword_bits > max_length) {
    return status::error("LDPC encoder: codeword length " + std::to_string(nof_codeword_bits) +
                         " outside [" + std::to_string(min_length) + ", " + std::to_string(max_length) +
                         "] for Z = " + std::to_string(lifting_size));
  }
  return status::ok();
}

void ldpc_encode(std::span<uint8_t> codeword,
                 std::span<const uint8_t> info_bits,
                 ldpc_base_graph graph,
                 unsigned lifting_size) noexcept
{
  assert(validate_ldpc_encoder_input(graph, lifting_size, info_bits.size(), codeword.size()).is_ok());
  const encode_args args{codeword.data(),
                         codeword.size(),
                         info_bits.data(),
                         &get_ldpc_base_graph(graph),
                         graph == ldpc_base_graph::bg1 ? &bg1_core : &bg2_core,
                         entry_offsets(graph, lifting_size),
                         lifting_size};
  static const bool have_avx2 = __builtin_cpu_supports("avx2");
  if (have_avx2) {
    encode_avx2(args);
  } else {
    encode_generic(args);
  }
}

} // namespace airan::phy
