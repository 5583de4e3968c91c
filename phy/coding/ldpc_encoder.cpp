#include "airan/phy/coding/ldpc_encoder.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <string>

#include <immintrin.h>

namespace airan::phy {

namespace {

// The lifted parity-check matrix H of TS 38.212 5.3.2 replaces entry (i, j) of the base graph by the Z x Z circulant
// whose row z has its one in column (z + P(i,j)) mod Z. A block of Z bits x_j therefore enters row block i as
// rot(x_j, P)[z] = x_j[(z + P) mod Z].
//
// Blocks are packed, bit t of a block in bit t % 64 of 64-bit word t / 64. Every block that is read rotated is kept
// "doubled" in a slot (x_j followed by x_j, 2 Z bits, then zeros), so that rot(x_j, P) is the plain bit range
// starting at bit P of the slot: two unaligned loads and two shifts per 64-bit word, no wrap-around.

constexpr unsigned max_lifting_size = 384;
constexpr unsigned max_info_cols = 22;
constexpr unsigned nof_core_cols = 4;

using word = uint64_t;
/// Four 64-bit words; GCC lowers the operations to AVX2 or to SSE2 pairs depending on the target of the caller.
using vec = word __attribute__((vector_size(32)));
constexpr unsigned bits_per_vec = 256;
constexpr unsigned bytes_per_vec = 32;

/// A slot holds a doubled block (at most 768 bits) and the margin a rotated read of up to two vectors runs into.
constexpr unsigned slot_bytes = 128;
constexpr unsigned slot_bits = slot_bytes * 8;
constexpr unsigned vecs_per_slot = slot_bytes / bytes_per_vec;
constexpr unsigned nof_slots = max_info_cols + nof_core_cols;
static_assert(nof_slots * slot_bits < 65536, "entry offsets are stored as uint16_t");
static_assert((max_lifting_size + bits_per_vec) / 8 + bytes_per_vec + 1 <= slot_bytes,
              "a rotated read stays in its slot");

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

constexpr std::size_t max_entries = 316;

/// Per lifting size: for each base graph entry, the bit offset of its rotated read in the slots, col * slot_bits +
/// P(i,j).
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
        out[k] = static_cast<uint16_t>(bg.entries[k].col * slot_bits + ldpc_shift(bg.entries[k], z, set));
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

/// The 256 bits starting at bit bit_offset of the bit string at base (bytes up to (bit_offset >> 3) + 33 read).
/// Word by word: the 64 bits from byte b shifted down by s, completed by the 64 bits from byte b + 1.
inline vec read_bits(const uint8_t* base, unsigned bit_offset)
{
  const uint8_t* p = base + (bit_offset >> 3);
  const unsigned s = bit_offset & 7;
  return (load_vec(p) >> s) | (load_vec(p + 1) << (8 - s));
}

/// A block of Z bits in NV vectors; bits from Z on are don't-care unless masked.
template <std::size_t NV>
using block = std::array<vec, NV>;

template <std::size_t NV>
inline void xor_rotated(block<NV>& acc, const uint8_t* slots, unsigned bit_offset)
{
  for (unsigned v = 0; v < NV; ++v) {
    acc[v] ^= read_bits(slots, bit_offset + v * bits_per_vec);
  }
}

/// Masks of a doubled block: low[g] selects bits < Z of vector g, high[g] the bits in [Z, 2 Z).
struct doubling_masks {
  std::array<vec, vecs_per_slot> low;
  std::array<vec, vecs_per_slot> high;
};

inline doubling_masks make_doubling_masks(unsigned z)
{
  doubling_masks m{};
  for (unsigned w = 0; w < 4 * vecs_per_slot; ++w) {
    const auto below = [w](unsigned limit) -> word {
      const unsigned first = 64 * w;
      if (limit >= first + 64) {
        return ~word{0};
      }
      return limit <= first ? 0 : (word{1} << (limit - first)) - 1;
    };
    m.low[w / 4][w % 4] = below(z);
    m.high[w / 4][w % 4] = below(2 * z) & ~below(z);
  }
  return m;
}

/// Writes the doubled block of the Z bits starting at bit bit_offset of src into a slot: bits [0, Z) from src, bits
/// [Z, 2 Z) from src again (Z bits further back), zeros after. Bits [bit_offset - Z, bit_offset + 2 Z + 8) of src
/// are read, rounded out to whole vectors.
inline void write_doubled(uint8_t* slot, const uint8_t* src, unsigned bit_offset, unsigned z, const doubling_masks& m)
{
  for (unsigned g = 0; g < vecs_per_slot; ++g) {
    const unsigned first = g * bits_per_vec;
    vec v{};
    if (first < z) {
      v |= read_bits(src, bit_offset + first) & m.low[g];
    }
    if (first + bits_per_vec > z && first < 2 * z) {
      v |= read_bits(src, bit_offset + first - z) & m.high[g];
    }
    std::memcpy(slot + g * bytes_per_vec, &v, sizeof(v));
  }
}

// Packing of unpacked bits (one per byte) into 32-bit groups and back, with AVX2 or with 64-bit integer arithmetic.

__attribute__((target("avx2"))) inline void
pack_avx2(uint32_t* dst, uint8_t* copy, const uint8_t* bits, std::size_t nof_groups)
{
  for (std::size_t i = 0; i < nof_groups; ++i) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bits + 32 * i));
    if (copy != nullptr) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(copy + 32 * i), v);
    }
    dst[i] = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_slli_epi16(v, 7)));
  }
}

/// The 32 bits of one half of bits (spread picks the half) as 32 bytes: byte i takes the source byte holding its
/// bit, then keeps that bit only.
__attribute__((target("avx2"))) inline __m256i expand_bits_avx2(__m256i bits, __m256i spread)
{
  const __m256i select = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ULL));
  return _mm256_min_epu8(_mm256_and_si256(_mm256_shuffle_epi8(bits, spread), select), _mm256_set1_epi8(1));
}

__attribute__((target("avx2"))) inline void unpack_avx2(uint8_t* dst, const uint32_t* src, std::size_t nof_groups)
{
  const __m256i spread_low = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                              2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
  const __m256i spread_high = _mm256_add_epi8(spread_low, _mm256_set1_epi8(4));
  std::size_t i = 0;
  for (; i + 2 <= nof_groups; i += 2) {
    uint64_t pair;
    std::memcpy(&pair, src + i, sizeof(pair));
    const __m256i bits = _mm256_set1_epi64x(static_cast<long long>(pair));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 32 * i), expand_bits_avx2(bits, spread_low));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 32 * i + 32), expand_bits_avx2(bits, spread_high));
  }
  if (i < nof_groups) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 32 * i),
                        expand_bits_avx2(_mm256_set1_epi32(static_cast<int>(src[i])), spread_low));
  }
}

inline void pack_generic(uint32_t* dst, uint8_t* copy, const uint8_t* bits, std::size_t nof_groups)
{
  constexpr uint64_t lsbs = 0x0101010101010101ULL;
  // Byte k (bit 8 k) of an 8-byte word lands on bit 56 + k of the product, with no carries in between.
  constexpr uint64_t gather = 0x0102040810204080ULL;
  for (std::size_t i = 0; i < nof_groups; ++i) {
    uint32_t v = 0;
    for (unsigned q = 0; q < 4; ++q) {
      uint64_t bytes;
      std::memcpy(&bytes, bits + 32 * i + 8 * q, sizeof(bytes));
      v |= static_cast<uint32_t>(((bytes & lsbs) * gather) >> 56) << (8 * q);
    }
    dst[i] = v;
  }
  if (copy != nullptr) {
    std::memcpy(copy, bits, 32 * nof_groups);
  }
}

inline void unpack_generic(uint8_t* dst, const uint32_t* src, std::size_t nof_groups)
{
  constexpr uint64_t lsbs = 0x0101010101010101ULL;
  constexpr uint64_t bit_of_byte = 0x8040201008040201ULL;
  for (std::size_t i = 0; i < nof_groups; ++i) {
    for (unsigned q = 0; q < 4; ++q) {
      // The 8 bits copied into every byte, byte k keeping bit k, then moved down to bit 0.
      const uint64_t spread = (((src[i] >> (8 * q)) & 0xFFU) * lsbs) & bit_of_byte;
      const uint64_t bytes = ((spread + 0x7F * lsbs) >> 7) & lsbs;
      std::memcpy(dst + 32 * i + 8 * q, &bytes, sizeof(bytes));
    }
  }
}

enum class isa { generic, avx2 };

/// Packs nof_groups groups of 32 bits into dst and, unless copy is null, copies the bits unchanged to copy.
template <isa I>
inline void pack(uint32_t* dst, uint8_t* copy, const uint8_t* bits, std::size_t nof_groups)
{
  if constexpr (I == isa::avx2) {
    pack_avx2(dst, copy, bits, nof_groups);
  } else {
    pack_generic(dst, copy, bits, nof_groups);
  }
}

template <isa I>
inline void unpack(uint8_t* dst, const uint32_t* src, std::size_t nof_groups)
{
  if constexpr (I == isa::avx2) {
    unpack_avx2(dst, src, nof_groups);
  } else {
    unpack_generic(dst, src, nof_groups);
  }
}

/// Staging area: a margin of max Z bits, room for the K packed information bits, a margin of 2 max Z + 264 bits.
/// Blocks start at bit staging_margin_bits.
constexpr unsigned staging_margin_bits = max_lifting_size;
constexpr unsigned staging_words = (3 * max_lifting_size + max_info_cols * max_lifting_size + 264 + 63) / 64 + 1;

/// What one call works on; input validated.
struct encode_args {
  uint8_t* codeword;
  std::size_t nof_codeword_bits;
  const uint8_t* info_bits;
  const ldpc_base_graph_info* bg;
  const core_plan* core;
  const uint16_t* offsets;
  unsigned z;
};

/// One encoding, with instruction set I and blocks of NV vectors; its workspace lives on the stack.
template <isa I, std::size_t NV>
struct encoder {
  const encode_args& a;
  const ldpc_base_graph_info& bg;
  const unsigned z;
  const unsigned kb;
  const doubling_masks masks;
  alignas(32) uint8_t slots[nof_slots * slot_bytes];
  /// Packed information bits, and computed blocks on their way into a slot, with the margins write_doubled() reads:
  /// Z bits before, 2 Z + 264 bits after.
  alignas(32) word staging[staging_words];

  explicit encoder(const encode_args& args) :
    a(args), bg(*args.bg), z(args.z), kb(args.bg->nof_info_cols), masks(make_doubling_masks(args.z))
  {
  }

  /// Unpacks the Z bits at src into the codeword bits [first, first + Z), clipped to the codeword length. Whole
  /// 32-bit groups are written where there is room: bits past Z land on the next block, which is written later.
  void write_codeword(std::size_t first, const uint32_t* src)
  {
    const std::size_t nof_groups = (z + 31) / 32;
    const std::size_t room = a.nof_codeword_bits - first;
    if (room >= 32 * nof_groups) {
      unpack<I>(a.codeword + first, src, nof_groups);
    } else {
      alignas(32) uint8_t tail[max_lifting_size + 32];
      unpack<I>(tail, src, nof_groups);
      std::memcpy(a.codeword + first, tail, std::min<std::size_t>(room, z));
    }
  }

  void write_codeword(std::size_t first, const block<NV>& x)
  {
    alignas(32) uint32_t packed[NV * bits_per_vec / 32];
    std::memcpy(packed, x.data(), sizeof(packed));
    write_codeword(first, packed);
  }

  /// Stores a computed block (its bits from Z on are ignored) doubled into the slot of column col.
  void store_doubled(unsigned col, const block<NV>& x)
  {
    auto* bytes = reinterpret_cast<uint8_t*>(staging);
    std::memcpy(bytes + staging_margin_bits / 8, x.data(), sizeof(x));
    write_doubled(slots + col * slot_bytes, bytes, staging_margin_bits, z, masks);
  }

  /// Copies the systematic bits c_k, k >= 2 Z, to the codeword and the doubled information blocks into the slots of
  /// columns 0..K_b-1.
  void load_info()
  {
    const std::size_t k = std::size_t{kb} * z;
    auto* bytes = reinterpret_cast<uint8_t*>(staging);
    const std::size_t nof_groups = k / 32;
    const std::size_t info_end = staging_margin_bits / 8 + 4 * ((k + 31) / 32);
    std::memset(bytes, 0, staging_margin_bits / 8);
    std::memset(bytes + info_end, 0, sizeof(staging) - info_end);
    auto* groups = reinterpret_cast<uint32_t*>(bytes + staging_margin_bits / 8);
    // Groups from the first one after the punctured 2 Z bits are copied on the way, the rest separately.
    const std::size_t first_copied = std::min<std::size_t>((2 * z + 31) / 32, nof_groups);
    pack<I>(groups, nullptr, a.info_bits, first_copied);
    if (first_copied < nof_groups) {
      pack<I>(groups + first_copied,
              a.codeword + (32 * first_copied - 2 * z),
              a.info_bits + 32 * first_copied,
              nof_groups - first_copied);
    }
    const std::size_t head_end = std::max<std::size_t>(2 * z, 32 * first_copied);
    std::memcpy(a.codeword, a.info_bits + 2 * z, head_end - 2 * z);
    const std::size_t tail_begin = std::max<std::size_t>(2 * z, 32 * nof_groups);
    std::memcpy(a.codeword + tail_begin - 2 * z, a.info_bits + tail_begin, k - tail_begin);
    if (k % 32 != 0) {
      alignas(32) uint8_t last[32] = {};
      std::memcpy(last, a.info_bits + k / 32 * 32, k % 32);
      pack<I>(groups + k / 32, nullptr, last, 1);
    }
    for (unsigned j = 0; j < kb; ++j) {
      write_doubled(slots + j * slot_bytes, bytes, staging_margin_bits + j * z, z, masks);
    }
  }

  block<NV> sum_rotated(std::size_t first_entry, std::size_t nof_entries) const
  {
    block<NV> acc{};
    for (std::size_t k = first_entry; k < first_entry + nof_entries; ++k) {
      xor_rotated(acc, slots, a.offsets[k]);
    }
    return acc;
  }

  unsigned core_shift(unsigned row, unsigned col) const
  {
    for (unsigned k = bg.row_start[row]; k < bg.row_start[row + 1]; ++k) {
      if (bg.entries[k].col == col) {
        return a.offsets[k] - col * slot_bits;
      }
    }
    assert(false && "no such core entry");
    return 0;
  }

  void run()
  {
    // Systematic part d_{k-2Z} = c_k (always within the caller's length) and the packed information blocks.
    load_info();

    // Information part of the four core rows: lambda_r.
    std::array<block<NV>, nof_core_cols> lambda;
    for (unsigned r = 0; r < nof_core_cols; ++r) {
      unsigned nof_info_entries = 0;
      while (bg.entries[bg.row_start[r] + nof_info_entries].col < kb) {
        ++nof_info_entries;
      }
      lambda[r] = sum_rotated(bg.row_start[r], nof_info_entries);
    }

    // Sum of the core rows = rot(p_0, b), so p_0 = rot(lambda_0 + .. + lambda_3, Z - b).
    block<NV> sum;
    for (unsigned v = 0; v < NV; ++v) {
      sum[v] = lambda[0][v] ^ lambda[1][v] ^ lambda[2][v] ^ lambda[3][v];
    }
    store_doubled(kb, sum);
    block<NV> p0{};
    xor_rotated(p0, slots, kb * slot_bits + z - core_shift(a.core->p0_row, kb));
    store_doubled(kb, p0);

    // Remaining core columns, each from a row where it is the only unknown (identity circulant).
    for (const core_step& step : a.core->steps) {
      block<NV> acc = lambda[step.row];
      for (unsigned e = bg.row_start[step.row]; e < bg.row_start[step.row + 1]; ++e) {
        const unsigned col = bg.entries[e].col;
        if (col >= kb && col != step.col) {
          xor_rotated(acc, slots, a.offsets[e]);
        }
      }
      store_doubled(step.col, acc);
    }
    for (unsigned i = 0; i < nof_core_cols; ++i) {
      alignas(32) uint32_t packed[max_lifting_size / 32];
      std::memcpy(packed, slots + (kb + i) * slot_bytes, sizeof(packed));
      write_codeword(std::size_t{kb - 2 + i} * z, packed);
    }

    // Extension rows: p_{K_b + r} is the sum of the other entries of row r (its own column is an identity).
    const std::size_t nof_ext_rows = (a.nof_codeword_bits - std::size_t{kb + 2} * z + z - 1) / z;
    for (unsigned r = nof_core_cols; r < nof_core_cols + nof_ext_rows; ++r) {
      const std::size_t begin = bg.row_start[r];
      write_codeword(std::size_t{kb - 2 + r} * z, sum_rotated(begin, bg.row_start[r + 1] - begin - 1));
    }
  }
};

/// Encodes with blocks of one vector (Z <= 256) or two (Z <= 384).
template <isa I>
inline void encode_with(const encode_args& a)
{
  if (a.z <= bits_per_vec) {
    encoder<I, 1>(a).run();
  } else {
    encoder<I, 2>(a).run();
  }
}

/// Everything inlined into this function is compiled for AVX2, the vector operations included.
__attribute__((target("avx2"), flatten)) void encode_with_avx2(const encode_args& a)
{
  encode_with<isa::avx2>(a);
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
    return status::error("LDPC encoder: codeword length " + std::to_string(nof_codeword_bits) + " outside [" +
                         std::to_string(min_length) + ", " + std::to_string(max_length) + "] for Z = " +
                         std::to_string(lifting_size));
  }
  return status::ok();
}

namespace {

encode_args make_encode_args(std::span<uint8_t> codeword,
                             std::span<const uint8_t> info_bits,
                             ldpc_base_graph graph,
                             unsigned lifting_size)
{
  assert(validate_ldpc_encoder_input(graph, lifting_size, info_bits.size(), codeword.size()).is_ok());
  return {codeword.data(),
          codeword.size(),
          info_bits.data(),
          &get_ldpc_base_graph(graph),
          graph == ldpc_base_graph::bg1 ? &bg1_core : &bg2_core,
          entry_offsets(graph, lifting_size),
          lifting_size};
}

} // namespace

void ldpc_encode(std::span<uint8_t> codeword,
                 std::span<const uint8_t> info_bits,
                 ldpc_base_graph graph,
                 unsigned lifting_size) noexcept
{
  static const bool have_avx2 = __builtin_cpu_supports("avx2");
  const encode_args args = make_encode_args(codeword, info_bits, graph, lifting_size);
  if (have_avx2) {
    encode_with_avx2(args);
  } else {
    encode_with<isa::generic>(args);
  }
}

void detail::ldpc_encode_generic(std::span<uint8_t> codeword,
                                 std::span<const uint8_t> info_bits,
                                 ldpc_base_graph graph,
                                 unsigned lifting_size) noexcept
{
  encode_with<isa::generic>(make_encode_args(codeword, info_bits, graph, lifting_size));
}

} // namespace airan::phy
