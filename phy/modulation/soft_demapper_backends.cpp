// The soft_demapper interface: validation, the CPU backend and the factory.

#include "airan/phy/coding/scrambling.h"
#include "airan/phy/modulation/soft_demapper.h"

#ifdef AIRAN_HAVE_CUDA
#include "airan/phy/modulation/soft_demapper_cuda.h"
#endif

#include <string>

namespace airan::phy {

status soft_demapper::validate(std::span<const soft_demap_job> jobs) const
{
  if (jobs.size() > config_.max_nof_jobs) {
    return status::error("soft demapper: " + std::to_string(jobs.size()) + " codewords, at most " +
                         std::to_string(config_.max_nof_jobs));
  }
  std::size_t nof_symbols = 0;
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    const soft_demap_job& job = jobs[i];
    const std::string name = "soft demapper: codeword " + std::to_string(i);
    const unsigned qm = modulation_order(job.scheme);
    if (qm == 0) {
      return status::error(name + ": unknown modulation scheme");
    }
    if (job.noise_var.size() != job.symbols.size() || job.llrs.size() != job.symbols.size() * qm) {
      return status::error(name + ": " + std::to_string(job.symbols.size()) + " symbols with " +
                           std::to_string(job.noise_var.size()) + " noise variances and " +
                           std::to_string(job.llrs.size()) + " LLRs (Q_m = " + std::to_string(qm) + ")");
    }
    // Written so that NaN fails.
    if (!(job.llr_scale > 0.0F && job.llr_scale <= 1.0e6F)) {
      return status::error(name + ": LLR scale " + std::to_string(job.llr_scale) + " outside (0, 1e6]");
    }
    if (job.c_init >= (1U << 31)) {
      return status::error(name + ": c_init " + std::to_string(job.c_init) + " needs more than 31 bits");
    }
    nof_symbols += job.symbols.size();
  }
  if (nof_symbols > config_.max_nof_symbols) {
    return status::error("soft demapper: " + std::to_string(nof_symbols) + " symbols, at most " +
                         std::to_string(config_.max_nof_symbols));
  }
  return status::ok();
}

namespace {

class soft_demapper_cpu final : public soft_demapper {
public:
  explicit soft_demapper_cpu(const soft_demapper_config& config) : soft_demapper(config) {}

  backend active_backend() const noexcept override { return backend::cpu; }

  status demodulate(std::span<const soft_demap_job> jobs) noexcept override
  {
    if (status s = validate(jobs); !s) {
      return s;
    }
    for (const soft_demap_job& job : jobs) {
      demodulate_soft(job.llrs, job.symbols, job.noise_var, job.scheme, job.llr_scale);
      descramble_llrs(job.llrs, job.c_init);
    }
    return status::ok();
  }
};

#ifdef AIRAN_HAVE_CUDA
class soft_demapper_gpu final : public soft_demapper {
public:
  explicit soft_demapper_gpu(const soft_demapper_config& config) : soft_demapper(config), gpu_(config) {}

  backend active_backend() const noexcept override { return backend::cuda; }

  status demodulate(std::span<const soft_demap_job> jobs) noexcept override
  {
    if (status s = validate(jobs); !s) {
      return s;
    }
    return gpu_.demodulate(jobs);
  }

private:
  soft_demapper_cuda gpu_;
};
#endif

} // namespace

std::unique_ptr<soft_demapper> create_soft_demapper(backend requested, const soft_demapper_config& config)
{
#ifdef AIRAN_HAVE_CUDA
  if (require_backend(requested, "soft demapper") == backend::cuda) {
    return std::make_unique<soft_demapper_gpu>(config);
  }
#else
  require_backend(requested, "soft demapper");
#endif
  return std::make_unique<soft_demapper_cpu>(config);
}

} // namespace airan::phy
