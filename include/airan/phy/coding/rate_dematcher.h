#pragma once
/// Rate dematching with HARQ soft combining of the code blocks of a slot as one batch, with the soft buffers kept by
/// the backend (host memory for cpu, device memory for cuda): TS 38.212 5.4.2 / 6.2.5, see ldpc_rate_dematch().

#include "airan/common/status.h"
#include "airan/phy/coding/rate_matching.h"
#include "airan/phy/common/backend.h"

#include <cstdint>
#include <memory>
#include <span>

namespace airan::phy {

/// One code block of a batch.
struct rate_dematch_job {
  /// HARQ process and code block index whose soft buffer receives the LLRs.
  unsigned harq_id;
  unsigned cb;
  ldpc_rate_match_params params;
  /// New transmission: the soft buffer is cleared first (see ldpc_rate_dematch()).
  bool new_data;
  /// The E LLRs f_0..f_{E-1} of the code block, host memory.
  std::span<const int8_t> llrs;
};

/// Creation-time maxima.
struct rate_dematcher_config {
  unsigned nof_harq_processes = 16;
  unsigned max_cbs_per_tb = 152;
  /// Largest number of code blocks of one batch.
  unsigned max_nof_jobs = 152;
  /// Largest number of LLRs of all code blocks of one batch.
  unsigned max_nof_llrs = 273 * 12 * 14 * 4 * 8;
};

/// Soft buffers of max_cbs_per_tb code blocks of nof_harq_processes processes, each of N = 66 * 384 positions.
class rate_dematcher {
public:
  /// Soft buffer length: the largest codeword length N of TS 38.212 5.3.2.
  static constexpr unsigned soft_buffer_length = 66 * 384;

  virtual ~rate_dematcher() = default;

  virtual backend active_backend() const noexcept = 0;

  /// Checks each job (validate(ldpc_rate_match_params), E LLRs given, indices in range), that no soft buffer is
  /// named twice, the maxima and informed_lengths.size() == jobs.size().
  status validate(std::span<const rate_dematch_job> jobs, std::span<const unsigned> informed_lengths) const;

  /// Dematches every job into its soft buffer, exactly as ldpc_rate_dematch() (same saturation and combining order),
  /// and writes per job the number of leading positions the transmission informs (its return value).
  virtual status dematch(std::span<const rate_dematch_job> jobs, std::span<unsigned> informed_lengths) noexcept = 0;

  /// Copies the first out.size() (at most soft_buffer_length) positions of a soft buffer into out.
  virtual status read_soft_buffer(unsigned harq_id, unsigned cb, std::span<int8_t> out) noexcept = 0;

protected:
  explicit rate_dematcher(const rate_dematcher_config& config) : config_(config) {}
  const rate_dematcher_config& config() const noexcept { return config_; }

private:
  rate_dematcher_config config_;
};

/// Creates a rate dematcher on the given backend; throws std::runtime_error when cuda is requested and unavailable,
/// or when its memory cannot be allocated.
std::unique_ptr<rate_dematcher> create_rate_dematcher(backend requested, const rate_dematcher_config& config = {});

} // namespace airan::phy
