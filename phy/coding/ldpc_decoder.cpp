#include "airan/phy/coding/ldpc_decoder.h"

#include "ldpc_decoder_schedule.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <string>

namespace airan::phy {

using detail::ldpc_max_vector_width;

namespace {

using detail::ldpc_nof_core_rows;
using detail::ldpc_nof_processed_rows;
constexpr unsigned max_lifting_size = detail::ldpc_max_lifting_size;
constexpr unsigned max_nof_columns = detail::ldpc_max_nof_columns;
constexpr unsigned max_nof_rows = detail::ldpc_max_nof_rows;
constexpr unsigned max_nof_edges = detail::ldpc_max_nof_edges;
constexpr unsigned max_nof_iterations = 64;
constexpr unsigned max_llr_shift = 3;
constexpr unsigned max_offset = detail::ldpc_max_message;
constexpr std::size_t alignment = 64;

/// Lanes of the widest kernel: Z rounded up to a multiple of the vector width.
constexpr unsigned padded_lanes(unsigned lifting_size)
{
  return (lifting_size + ldpc_max_vector_width - 1) / ldpc_max_vector_width * ldpc_max_vector_width;
}

/// Bytes between two variable-node buffers: the padded lanes, the periodic extension, cache-line aligned.
constexpr unsigned column_stride(unsigned lifting_size)
{
  const unsigned bytes = padded_lanes(lifting_size) + ldpc_max_vector_width;
  return static_cast<unsigned>((bytes + alignment - 1) / alignment * alignment);
}

ldpc_decoder::simd best_supported(ldpc_decoder::simd level)
{
  if (level == ldpc_decoder::simd::automatic) {
    level = ldpc_decoder::simd::avx2;
  }
  if (level == ldpc_decoder::simd::avx2 && !ldpc_decoder::cpu_supports(ldpc_decoder::simd::avx2)) {
    level = ldpc_decoder::simd::scalar;
  }
  return level;
}

} // namespace

struct ldpc_decoder::impl {
  explicit impl(simd level_) :
    level(best_supported(level_)),
    storage(new int8_t[storage_size + alignment]),
    columns(align(storage.get())),
    messages(columns + column_bytes)
  {
  }

  static int8_t* align(int8_t* p)
  {
    const auto address = reinterpret_cast<std::uintptr_t>(p);
    return p + (alignment - address % alignment) % alignment;
  }

  int8_t* column_buffer(unsigned column, unsigned copy) const
  {
    return columns + static_cast<std::size_t>(2 * column + copy) * stride;
  }

  /// Builds the schedule of a graph, lifting size and number of processed rows (ldpc_decoder_schedule.h).
  void plan(const ldpc_base_graph_info& bg, unsigned lifting_size, unsigned nof_rows)
  {
    graph = bg.graph;
    z = lifting_size;
    rows = nof_rows;
    stride = column_stride(z);
    const unsigned set_index = *ldpc_lifting_set_index(z);
    const unsigned nof_edges = bg.row_start[rows];
    std::copy_n(bg.row_start.begin(), rows + 1, row_start.begin());

    // Frame of each block after a whole iteration: the shift of the last processed row touching it.
    std::fill(degree.begin(), degree.end(), 0);
    std::fill(frame.begin(), frame.end(), 0);
    std::array<unsigned, max_nof_columns> last_edge{};
    for (unsigned e = 0; e != nof_edges; ++e) {
      const unsigned column = bg.entries[e].col;
      frame[column] = ldpc_shift(bg.entries[e], z, set_index);
      last_edge[column] = e;
      ++degree[column];
    }

    std::array<unsigned, max_nof_columns> current_frame = frame;
    std::array<unsigned, max_nof_columns> touches{};
    for (unsigned e = 0; e != nof_edges; ++e) {
      const unsigned column = bg.entries[e].col;
      const unsigned shift = ldpc_shift(bg.entries[e], z, set_index);
      load_offset[e] = static_cast<uint16_t>((shift + z - current_frame[column]) % z);
      check_offset[e] = static_cast<uint16_t>((shift + z - frame[column]) % z);
      current_frame[column] = shift;
      // A block changes buffer at every update, so in odd iterations a block of odd degree starts in copy 1.
      for (unsigned parity = 0; parity != 2; ++parity) {
        const unsigned copy = parity * degree[column] + touches[column];
        source[parity][e] = column_buffer(column, copy & 1U);
        target[parity][e] = column_buffer(column, (copy + 1) & 1U);
      }
      ++touches[column];
    }
    for (unsigned e = 0; e != nof_edges; ++e) {
      const unsigned column = bg.entries[e].col;
      for (unsigned parity = 0; parity != 2; ++parity) {
        checked[parity][e] = target[parity][last_edge[column]];
      }
    }
  }

  static constexpr std::size_t column_bytes = std::size_t{2} * max_nof_columns * column_stride(max_lifting_size);
  static constexpr std::size_t storage_size = column_bytes + std::size_t{max_nof_edges} * max_lifting_size;

  simd level;
  std::unique_ptr<int8_t[]> storage;
  int8_t* columns;
  int8_t* messages;

  // Schedule of the last decode (plan()).
  ldpc_base_graph graph = ldpc_base_graph::bg1;
  unsigned z = 0;
  unsigned rows = 0;
  unsigned stride = 0;
  std::array<uint16_t, max_nof_rows + 1> row_start{};
  std::array<uint16_t, max_nof_edges> load_offset{};
  std::array<uint16_t, max_nof_edges> check_offset{};
  std::array<const int8_t*, max_nof_edges> source[2]{};
  std::array<int8_t*, max_nof_edges> target[2]{};
  std::array<const int8_t*, max_nof_edges> checked[2]{};
  std::array<unsigned, max_nof_columns> degree{};
  std::array<unsigned, max_nof_columns> frame{};
};

ldpc_decoder::ldpc_decoder(simd level) : impl_(std::make_unique<impl>(level)) {}
ldpc_decoder::~ldpc_decoder() = default;
ldpc_decoder::ldpc_decoder(ldpc_decoder&&) noexcept = default;
ldpc_decoder& ldpc_decoder::operator=(ldpc_decoder&&) noexcept = default;

ldpc_decoder::simd ldpc_decoder::active_simd() const
{
  return impl_->level;
}

bool ldpc_decoder::cpu_supports(simd level)
{
  switch (level) {
    case simd::automatic:
    case simd::scalar:
      return true;
    case simd::avx2:
#ifdef AIRAN_LDPC_DECODER_HAVE_AVX2
      return __builtin_cpu_supports("avx2");
#else
      return false;
#endif
  }
  return false;
}

status ldpc_decoder::validate(ldpc_base_graph graph, unsigned lifting_size, std::size_t nof_llrs,
                              const ldpc_decoder_config& config)
{
  if (graph != ldpc_base_graph::bg1 && graph != ldpc_base_graph::bg2) {
    return status::error("LDPC decoder: unknown base graph " + std::to_string(static_cast<unsigned>(graph)));
  }
  if (!ldpc_lifting_set_index(lifting_size)) {
    return status::error("LDPC decoder: lifting size " + std::to_string(lifting_size) +
                         " is not in TS 38.212 Table 5.3.2-1");
  }
  const unsigned length = ldpc_codeword_length(graph, lifting_size);
  if (nof_llrs == 0 || nof_llrs > length) {
    return status::error("LDPC decoder: " + std::to_string(nof_llrs) + " LLRs, expected 1.." +
                         std::to_string(length));
  }
  if (config.max_iterations == 0 || config.max_iterations > max_nof_iterations) {
    return status::error("LDPC decoder: max_iterations " + std::to_string(config.max_iterations) +
                         " outside 1.." + std::to_string(max_nof_iterations));
  }
  if (config.scaling_q4 == 0 || config.scaling_q4 > 16) {
    return status::error("LDPC decoder: scaling_q4 " + std::to_string(config.scaling_q4) + " outside 1..16");
  }
  if (config.offset > max_offset) {
    return status::error("LDPC decoder: offset " + std::to_string(config.offset) + " outside 0.." +
                         std::to_string(max_offset));
  }
  if (config.llr_shift > max_llr_shift) {
    return status::error("LDPC decoder: llr_shift " + std::to_string(config.llr_shift) + " outside 0.." +
                         std::to_string(max_llr_shift));
  }
  return status::ok();
}

ldpc_decode_result ldpc_decoder::decode(std::span<uint8_t> info_bits, std::span<const int8_t> llrs,
                                        ldpc_base_graph graph, unsigned lifting_size,
                                        const ldpc_decoder_config& config) noexcept
{
  assert(validate(graph, lifting_size, llrs.size(), config).is_ok());
  assert(info_bits.size() == ldpc_info_length(graph, lifting_size));
  impl& d = *impl_;
  const ldpc_base_graph_info& bg = get_ldpc_base_graph(graph);
  const unsigned z = lifting_size;
  const unsigned rows = ldpc_nof_processed_rows(bg, z, llrs.size());
  if (graph != d.graph || z != d.z || rows != d.rows) {
    d.plan(bg, z, rows);
  }

  const detail::ldpc_layered_schedule schedule{
      .lifting_size = z,
      .nof_rows = rows,
      .row_start = d.row_start.data(),
      .load_offset = d.load_offset.data(),
      .check_offset = d.check_offset.data(),
      .source = {d.source[0].data(), d.source[1].data()},
      .target = {d.target[0].data(), d.target[1].data()},
      .checked = {d.checked[0].data(), d.checked[1].data()},
      .messages = d.messages,
      .columns = d.columns,
      .column_stride = d.stride,
      .nof_columns = bg.nof_info_cols + rows,
      .nof_info_columns = bg.nof_info_cols,
      .frame = d.frame.data(),
      .degree = d.degree.data(),
      .max_iterations = config.max_iterations,
      .early_stop = config.early_stop,
      .scaling_q4 = config.scaling_q4,
      .min_magnitude = rows == ldpc_nof_core_rows ? 1U : 0U,
      .offset = config.offset,
      .llr_shift = config.llr_shift,
  };
  switch (d.level) {
#ifdef AIRAN_LDPC_DECODER_HAVE_AVX2
    case simd::avx2:
      return detail::ldpc_decode_avx2(schedule, llrs, info_bits);
#endif
    default:
      return detail::ldpc_decode_scalar(schedule, llrs, info_bits);
  }
}

} // namespace airan::phy
