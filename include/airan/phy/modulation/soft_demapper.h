#pragma once
/// Soft demapping and descrambling of the codewords of a slot as one batch, on the CPU or the GPU
/// (backend::{cpu, cuda, automatic}).

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/phy/common/backend.h"
#include "airan/phy/modulation/modulation.h"

#include <cstdint>
#include <memory>
#include <span>

namespace airan::phy {

/// One codeword of a batch, in host memory.
struct soft_demap_job {
  /// Equalized symbols, TS 38.211 5.1 constellations.
  std::span<const cf_t> symbols;
  /// Noise variance per symbol (see demodulate_soft()).
  std::span<const float> noise_var;
  modulation_scheme scheme;
  /// Steps per natural unit of the int8 LLRs, 0 < llr_scale <= 1e6 (default_llr_scale).
  float llr_scale = default_llr_scale;
  /// c_init of the scrambling sequence, TS 38.211 6.3.1.1 (pusch_scrambling_cinit()); c(0) applies to llrs[0].
  uint32_t c_init;
  /// symbols.size() * Q_m LLRs out.
  std::span<int8_t> llrs;
};

/// Creation-time maxima.
struct soft_demapper_config {
  /// Largest number of codewords of one batch.
  unsigned max_nof_jobs = 16;
  /// Largest number of symbols of all codewords of one batch (273 PRB x 12 x 14 symbols x 4 layers by default).
  unsigned max_nof_symbols = 273 * 12 * 14 * 4;
};

/// Max-log soft demapping (demodulate_soft(), int8 output) followed by descrambling (descramble_llrs()) of each job.
class soft_demapper {
public:
  virtual ~soft_demapper() = default;

  /// cpu or cuda.
  virtual backend active_backend() const noexcept = 0;

  /// Checks sizes (noise_var and llrs against symbols and Q_m), llr_scale, c_init < 2^31 and the maxima.
  status validate(std::span<const soft_demap_job> jobs) const;

  /// LLRs of every job; the validation error, or a device error on the cuda backend, and no output otherwise.
  virtual status demodulate(std::span<const soft_demap_job> jobs) noexcept = 0;

protected:
  explicit soft_demapper(const soft_demapper_config& config) : config_(config) {}

private:
  soft_demapper_config config_;
};

/// Creates a soft demapper on the given backend; throws std::runtime_error when cuda is requested and unavailable,
/// or on a device allocation failure.
std::unique_ptr<soft_demapper> create_soft_demapper(backend requested, const soft_demapper_config& config = {});

} // namespace airan::phy
