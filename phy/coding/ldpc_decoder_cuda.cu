// CUDA twin of the layered min-sum LDPC decoder (ldpc_decoder_kernel.h): the same fixed point, row order, processed
// rows and stopping rule, so that the decisions, iteration counts and parity flags are bit-exact.
//
// Layout: one thread block per code block, thread q handles check q of the row being updated (q < Z). The
// a-posteriori LLRs of all used column blocks live in shared memory in natural bit order (block j at j Z); the
// check-to-variable messages live in global memory, message of edge e and check q at e Z + q (coalesced). In a row,
// thread q reads and writes bit (q + P(i,j)) mod Z of each block j of the row and no other thread touches it, so a
// row needs no synchronisation inside; one barrier separates consecutive rows (layers).

#include "airan/phy/coding/ldpc_decoder_cuda.h"

#include "../cuda/device_buffer.h"
#include "ldpc_decoder_schedule.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <vector>

namespace airan::phy {

namespace {

using detail::ldpc_max_channel_llr;
using detail::ldpc_max_lifting_size;
using detail::ldpc_max_message;
using detail::ldpc_max_nof_columns;
using detail::ldpc_max_nof_edges;
using detail::ldpc_max_nof_rows;
using detail::ldpc_max_row_degree;
using detail::ldpc_nof_core_rows;
using detail::ldpc_nof_punctured_columns;

/// Non-zero entries of one base graph (TS 38.212 Tables 5.3.2-2 and 5.3.2-3) in constant memory: every thread of a
/// block reads the same entry at the same time (broadcast).
struct graph_table {
  uint16_t row_start[ldpc_max_nof_rows + 1];
  uint8_t col[ldpc_max_nof_edges];
  uint16_t shift_by_set[ldpc_max_nof_edges][8];
  uint32_t nof_info_cols;
};

__constant__ graph_table graph_tables[2];

/// Per code block, packed by setup().
struct cb_descriptor {
  const int8_t* llrs;
  uint8_t* info_bits;
  uint32_t nof_llrs;
  uint16_t lifting_size;
  uint8_t graph_index; // 0: BG1, 1: BG2
  uint8_t set_index;
  uint8_t nof_rows;
  uint8_t min_magnitude;
};

/// The validated ldpc_decoder_config.
struct kernel_params {
  uint32_t max_iterations;
  uint32_t scaling_q4;
  uint32_t offset;
  uint32_t llr_shift;
  bool early_stop;
};

constexpr unsigned max_threads = ldpc_max_lifting_size;
constexpr std::size_t max_codeword_length = 66 * ldpc_max_lifting_size;
constexpr std::size_t max_info_length = 22 * ldpc_max_lifting_size;
constexpr std::size_t messages_per_code_block = std::size_t{ldpc_max_nof_edges} * ldpc_max_lifting_size;

__device__ __forceinline__ int saturate8(int v)
{
  return min(max(v, -128), 127);
}

/// The channel LLR conditioning of the CPU kernel: sign(a) * min((|a| + 2^shift / 2) >> shift, 39).
__device__ __forceinline__ int condition(int a, unsigned shift)
{
  const unsigned magnitude = (static_cast<unsigned>(abs(a)) + ((1U << shift) >> 1)) >> shift;
  const int limited = static_cast<int>(min(magnitude, ldpc_max_channel_llr));
  return a < 0 ? -limited : limited;
}

/// max(min(max(floor(m * scaling_q4 / 16), min(m, min_magnitude)), 40) - offset, 0).
__device__ __forceinline__ int scale(unsigned m, const kernel_params& p, unsigned min_magnitude)
{
  const unsigned lowest = min(m, min_magnitude);
  unsigned scaled = max((m * p.scaling_q4) >> 4, lowest);
  scaled = min(scaled, ldpc_max_message);
  return static_cast<int>(scaled > p.offset ? scaled - p.offset : 0U);
}

__global__ void __launch_bounds__(max_threads)
    ldpc_decode_kernel(const cb_descriptor* descriptors, int8_t* messages, ldpc_decode_result* results,
                       kernel_params p)
{
  __shared__ int8_t llr[ldpc_max_nof_columns * ldpc_max_lifting_size];
  __shared__ uint16_t edge_shift[ldpc_max_nof_edges];
  __shared__ uint8_t edge_col[ldpc_max_nof_edges];

  const cb_descriptor d = descriptors[blockIdx.x];
  const graph_table& g = graph_tables[d.graph_index];
  const unsigned z = d.lifting_size;
  const unsigned nof_rows = d.nof_rows;
  const unsigned nof_edges = g.row_start[nof_rows];
  const unsigned nof_columns = g.nof_info_cols + nof_rows;
  const unsigned q = threadIdx.x;
  int8_t* message = messages + blockIdx.x * messages_per_code_block;

  for (unsigned e = q; e < nof_edges; e += blockDim.x) {
    edge_col[e] = g.col[e];
    edge_shift[e] = static_cast<uint16_t>(g.shift_by_set[e][d.set_index] % z);
  }
  // Block j holds d_{(j-2)Z .. (j-1)Z-1}; the punctured blocks 0, 1 and the bits not given are erased.
  for (unsigned i = q; i < nof_columns * z; i += blockDim.x) {
    const unsigned column = i / z;
    const unsigned bit = i - column * z;
    const unsigned index = column >= ldpc_nof_punctured_columns ? (column - ldpc_nof_punctured_columns) * z + bit
                                                                : d.nof_llrs;
    llr[i] = static_cast<int8_t>(index < d.nof_llrs ? condition(d.llrs[index], p.llr_shift) : 0);
  }
  __syncthreads();

  unsigned iteration = 0;
  bool parity_ok = false;
  while (iteration != p.max_iterations) {
    const bool first = iteration == 0;
    for (unsigned row = 0; row != nof_rows; ++row) {
      if (q < z) {
        const unsigned begin = g.row_start[row];
        const unsigned degree = g.row_start[row + 1] - begin;
        int extrinsic[ldpc_max_row_degree];
        unsigned min1 = 255;
        unsigned min2 = 255;
        int sign = 0;
#pragma unroll
        for (unsigned k = 0; k != ldpc_max_row_degree; ++k) {
          if (k < degree) {
            const unsigned e = begin + k;
            unsigned v = q + edge_shift[e];
            v = v >= z ? v - z : v;
            const int a = llr[edge_col[e] * z + v];
            const int t = first ? a : saturate8(a - message[e * z + q]);
            extrinsic[k] = t;
            const unsigned m = static_cast<unsigned>(abs(t));
            min2 = min(min2, max(min1, m));
            min1 = min(min1, m);
            sign ^= t;
          }
        }
        const int magnitude1 = scale(min1, p, d.min_magnitude);
        const int magnitude2 = scale(min2, p, d.min_magnitude);
#pragma unroll
        for (unsigned k = 0; k != ldpc_max_row_degree; ++k) {
          if (k < degree) {
            const unsigned e = begin + k;
            unsigned v = q + edge_shift[e];
            v = v >= z ? v - z : v;
            const int t = extrinsic[k];
            const int magnitude = static_cast<unsigned>(abs(t)) == min1 ? magnitude2 : magnitude1;
            const int r = (sign ^ t) < 0 ? -magnitude : magnitude;
            message[e * z + q] = static_cast<int8_t>(r);
            llr[edge_col[e] * z + v] = static_cast<int8_t>(max(saturate8(t + r), -127));
          }
        }
      }
      __syncthreads();
    }
    ++iteration;
    if (p.early_stop || iteration == p.max_iterations) {
      // TS 38.212 5.3.2: H x = 0 over the processed rows, from the signs of the a-posteriori LLRs.
      int failed = 0;
      if (q < z) {
        for (unsigned row = 0; row != nof_rows && failed == 0; ++row) {
          int parity = 0;
          for (unsigned e = g.row_start[row]; e != g.row_start[row + 1]; ++e) {
            unsigned v = q + edge_shift[e];
            v = v >= z ? v - z : v;
            parity ^= llr[edge_col[e] * z + v] < 0 ? 1 : 0;
          }
          failed = parity;
        }
      }
      parity_ok = __syncthreads_or(failed) == 0;
      if (parity_ok) {
        break;
      }
    }
  }

  const unsigned nof_info_bits = g.nof_info_cols * z;
  for (unsigned i = q; i < nof_info_bits; i += blockDim.x) {
    d.info_bits[i] = llr[i] < 0 ? 1 : 0;
  }
  if (q == 0) {
    results[blockIdx.x] = ldpc_decode_result{iteration, parity_ok};
  }
}

/// The constant-memory image of both base graphs.
std::vector<graph_table> make_graph_tables()
{
  std::vector<graph_table> tables(2);
  for (const ldpc_base_graph graph : {ldpc_base_graph::bg1, ldpc_base_graph::bg2}) {
    const ldpc_base_graph_info& bg = get_ldpc_base_graph(graph);
    graph_table& t = tables[graph == ldpc_base_graph::bg1 ? 0 : 1];
    std::memset(&t, 0, sizeof(t));
    std::copy(bg.row_start.begin(), bg.row_start.end(), t.row_start);
    for (std::size_t e = 0; e != bg.entries.size(); ++e) {
      t.col[e] = static_cast<uint8_t>(bg.entries[e].col);
      std::copy_n(bg.entries[e].shift_by_set, 8, t.shift_by_set[e]);
    }
    t.nof_info_cols = bg.nof_info_cols;
  }
  return tables;
}

} // namespace

struct ldpc_decoder_cuda::impl {
  explicit impl(const ldpc_batch_decoder_config& config) :
    max_nof_code_blocks(config.max_nof_code_blocks),
    host_descriptors(max_nof_code_blocks),
    device_descriptors(max_nof_code_blocks),
    messages(max_nof_code_blocks * messages_per_code_block),
    host_results(max_nof_code_blocks),
    device_results(max_nof_code_blocks),
    host_llrs(max_nof_code_blocks * max_codeword_length),
    device_llrs(max_nof_code_blocks * max_codeword_length),
    host_bits(max_nof_code_blocks * max_info_length),
    device_bits(max_nof_code_blocks * max_info_length),
    staged(max_nof_code_blocks)
  {
    const std::vector<graph_table> tables = make_graph_tables();
    cuda::throw_on_error(AIRAN_CUDA_CHECK(
        cudaMemcpyToSymbolAsync(graph_tables, tables.data(), sizeof(graph_table) * tables.size(), 0,
                                cudaMemcpyHostToDevice, own_stream.get())));
    cuda::throw_on_error(AIRAN_CUDA_CHECK(cudaStreamSynchronize(own_stream.get())));
  }

  unsigned max_nof_code_blocks;
  cuda::pinned_buffer<cb_descriptor> host_descriptors;
  cuda::device_buffer<cb_descriptor> device_descriptors;
  cuda::device_buffer<int8_t> messages;
  cuda::pinned_buffer<ldpc_decode_result> host_results;
  cuda::device_buffer<ldpc_decode_result> device_results;
  // Staging of decode() from host memory: code block i at i * max_codeword_length / i * max_info_length.
  cuda::pinned_buffer<int8_t> host_llrs;
  cuda::device_buffer<int8_t> device_llrs;
  cuda::pinned_buffer<uint8_t> host_bits;
  cuda::device_buffer<uint8_t> device_bits;
  std::vector<ldpc_cuda_code_block> staged;
  cuda::stream own_stream;

  // The batch of the last setup().
  unsigned nof_code_blocks = 0;
  unsigned nof_threads = 0;
  kernel_params params{};
};

ldpc_decoder_cuda::ldpc_decoder_cuda(const ldpc_batch_decoder_config& config) :
  impl_(std::make_unique<impl>(config))
{
}

ldpc_decoder_cuda::~ldpc_decoder_cuda() = default;

status ldpc_decoder_cuda::setup(std::span<const ldpc_cuda_code_block> code_blocks,
                                const ldpc_decoder_config& config) noexcept
{
  impl& d = *impl_;
  d.nof_code_blocks = 0;
  if (code_blocks.size() > d.max_nof_code_blocks) {
    return status::error("LDPC decoder (CUDA): " + std::to_string(code_blocks.size()) + " code blocks, at most " +
                         std::to_string(d.max_nof_code_blocks));
  }
  unsigned largest_z = 0;
  for (std::size_t i = 0; i != code_blocks.size(); ++i) {
    const ldpc_cuda_code_block& cb = code_blocks[i];
    if (status s = ldpc_decoder::validate(cb.graph, cb.lifting_size, cb.nof_llrs, config); !s) {
      return status::error("code block " + std::to_string(i) + ": " + s.message());
    }
    if (cb.llrs == nullptr || cb.info_bits == nullptr) {
      return status::error("LDPC decoder (CUDA): code block " + std::to_string(i) + " without buffers");
    }
    const ldpc_base_graph_info& bg = get_ldpc_base_graph(cb.graph);
    const unsigned rows = detail::ldpc_nof_processed_rows(bg, cb.lifting_size, cb.nof_llrs);
    d.host_descriptors.data()[i] = cb_descriptor{
        .llrs = cb.llrs,
        .info_bits = cb.info_bits,
        .nof_llrs = cb.nof_llrs,
        .lifting_size = static_cast<uint16_t>(cb.lifting_size),
        .graph_index = static_cast<uint8_t>(cb.graph == ldpc_base_graph::bg1 ? 0 : 1),
        .set_index = static_cast<uint8_t>(*ldpc_lifting_set_index(cb.lifting_size)),
        .nof_rows = static_cast<uint8_t>(rows),
        .min_magnitude = static_cast<uint8_t>(rows == ldpc_nof_core_rows ? 1 : 0),
    };
    largest_z = std::max(largest_z, cb.lifting_size);
  }
  d.nof_code_blocks = static_cast<unsigned>(code_blocks.size());
  d.nof_threads = (largest_z + 31) / 32 * 32;
  d.params = kernel_params{
      .max_iterations = config.max_iterations,
      .scaling_q4 = config.scaling_q4,
      .offset = config.offset,
      .llr_shift = config.llr_shift,
      .early_stop = config.early_stop,
  };
  return status::ok();
}

status ldpc_decoder_cuda::enqueue(cuda::stream_handle stream) noexcept
{
  impl& d = *impl_;
  if (d.nof_code_blocks == 0) {
    return status::ok();
  }
  if (auto s = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.device_descriptors.data(), d.host_descriptors.data(),
                                                d.nof_code_blocks * sizeof(cb_descriptor), cudaMemcpyHostToDevice,
                                                stream));
      !s) {
    return s;
  }
  ldpc_decode_kernel<<<d.nof_code_blocks, d.nof_threads, 0, stream>>>(d.device_descriptors.data(), d.messages.data(),
                                                                       d.device_results.data(), d.params);
  if (auto s = AIRAN_CUDA_CHECK(cudaGetLastError()); !s) {
    return s;
  }
  return AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.host_results.data(), d.device_results.data(),
                                          d.nof_code_blocks * sizeof(ldpc_decode_result), cudaMemcpyDeviceToHost,
                                          stream));
}

std::span<const ldpc_decode_result> ldpc_decoder_cuda::results() const noexcept
{
  return {impl_->host_results.data(), impl_->nof_code_blocks};
}

status ldpc_decoder_cuda::decode(std::span<const ldpc_code_block_job> jobs, const ldpc_decoder_config& config,
                                 std::span<ldpc_decode_result> results) noexcept
{
  impl& d = *impl_;
  if (jobs.size() > d.max_nof_code_blocks || results.size() != jobs.size()) {
    return status::error("LDPC decoder (CUDA): " + std::to_string(jobs.size()) + " code blocks with " +
                         std::to_string(results.size()) + " results, at most " +
                         std::to_string(d.max_nof_code_blocks));
  }
  cudaStream_t s = d.own_stream.get();
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    const ldpc_code_block_job& job = jobs[i];
    if (job.llrs.size() > max_codeword_length ||
        job.info_bits.size() != ldpc_info_length(job.graph, job.lifting_size)) {
      return status::error("LDPC decoder (CUDA): code block " + std::to_string(i) + " has buffers of the wrong size");
    }
    int8_t* host = d.host_llrs.data() + i * max_codeword_length;
    std::copy(job.llrs.begin(), job.llrs.end(), host);
    d.staged[i] = ldpc_cuda_code_block{
        .graph = job.graph,
        .lifting_size = job.lifting_size,
        .nof_llrs = static_cast<unsigned>(job.llrs.size()),
        .llrs = d.device_llrs.data() + i * max_codeword_length,
        .info_bits = d.device_bits.data() + i * max_info_length,
    };
    if (auto st = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.device_llrs.data() + i * max_codeword_length, host,
                                                   job.llrs.size(), cudaMemcpyHostToDevice, s));
        !st) {
      return st;
    }
  }
  if (status st = setup({d.staged.data(), jobs.size()}, config); !st) {
    return st;
  }
  if (status st = enqueue(s); !st) {
    return st;
  }
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    if (auto st = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.host_bits.data() + i * max_info_length,
                                                   d.device_bits.data() + i * max_info_length,
                                                   jobs[i].info_bits.size(), cudaMemcpyDeviceToHost, s));
        !st) {
      return st;
    }
  }
  if (auto st = AIRAN_CUDA_CHECK(cudaStreamSynchronize(s)); !st) {
    return st;
  }
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    std::copy_n(d.host_bits.data() + i * max_info_length, jobs[i].info_bits.size(), jobs[i].info_bits.data());
    results[i] = d.host_results.data()[i];
  }
  return status::ok();
}

} // namespace airan::phy
