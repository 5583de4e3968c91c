// The rate_dematcher interface: validation, the CPU backend (over harq_buffer_pool) and the factory.

#include "airan/phy/coding/harq_buffer.h"
#include "airan/phy/coding/rate_dematcher.h"

#ifdef AIRAN_HAVE_CUDA
#include "airan/phy/coding/rate_dematcher_cuda.h"
#endif

#include <algorithm>
#include <string>
#include <utility>

namespace airan::phy {

status rate_dematcher::validate(std::span<const rate_dematch_job> jobs, std::span<const unsigned> informed_lengths) const
{
  if (jobs.size() > config_.max_nof_jobs) {
    return status::error("rate dematcher: " + std::to_string(jobs.size()) + " code blocks, at most " +
                         std::to_string(config_.max_nof_jobs));
  }
  if (informed_lengths.size() != jobs.size()) {
    return status::error("rate dematcher: " + std::to_string(informed_lengths.size()) + " lengths for " +
                         std::to_string(jobs.size()) + " code blocks");
  }
  std::size_t nof_llrs = 0;
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    const rate_dematch_job& job = jobs[i];
    const std::string name = "rate dematcher: code block " + std::to_string(i);
    if (status s = phy::validate(job.params); !s) {
      return status::error(name + ": " + s.message());
    }
    if (job.llrs.size() != job.params.e) {
      return status::error(name + ": " + std::to_string(job.llrs.size()) + " LLRs, E = " +
                           std::to_string(job.params.e));
    }
    if (job.harq_id >= config_.nof_harq_processes || job.cb >= config_.max_cbs_per_tb) {
      return status::error(name + ": soft buffer (" + std::to_string(job.harq_id) + ", " + std::to_string(job.cb) +
                           ") out of range");
    }
    for (std::size_t j = 0; j != i; ++j) {
      if (jobs[j].harq_id == job.harq_id && jobs[j].cb == job.cb) {
        return status::error(name + ": soft buffer already used by code block " + std::to_string(j));
      }
    }
    nof_llrs += job.params.e;
  }
  if (nof_llrs > config_.max_nof_llrs) {
    return status::error("rate dematcher: " + std::to_string(nof_llrs) + " LLRs, at most " +
                         std::to_string(config_.max_nof_llrs));
  }
  return status::ok();
}

namespace {

class rate_dematcher_cpu final : public rate_dematcher {
public:
  explicit rate_dematcher_cpu(const rate_dematcher_config& config) :
    rate_dematcher(config), pool_(config.nof_harq_processes, config.max_cbs_per_tb, soft_buffer_length)
  {
  }

  backend active_backend() const noexcept override { return backend::cpu; }

  status dematch(std::span<const rate_dematch_job> jobs, std::span<unsigned> informed_lengths) noexcept override
  {
    if (status s = validate(jobs, informed_lengths); !s) {
      return s;
    }
    for (std::size_t i = 0; i != jobs.size(); ++i) {
      const rate_dematch_job& job = jobs[i];
      informed_lengths[i] =
          ldpc_rate_dematch(pool_.cb_soft_buffer(job.harq_id, job.cb), job.llrs, job.params, job.new_data);
    }
    return status::ok();
  }

  status read_soft_buffer(unsigned harq_id, unsigned cb, std::span<int8_t> out) noexcept override
  {
    const std::span<const int8_t> soft = std::as_const(pool_).cb_soft_buffer(harq_id, cb);
    if (soft.empty() || out.size() > soft.size()) {
      return status::error("rate dematcher: soft buffer (" + std::to_string(harq_id) + ", " + std::to_string(cb) +
                           ") out of range or read too long");
    }
    std::copy_n(soft.begin(), out.size(), out.begin());
    return status::ok();
  }

private:
  harq_buffer_pool pool_;
};

#ifdef AIRAN_HAVE_CUDA
class rate_dematcher_gpu final : public rate_dematcher {
public:
  explicit rate_dematcher_gpu(const rate_dematcher_config& config) : rate_dematcher(config), gpu_(config) {}

  backend active_backend() const noexcept override { return backend::cuda; }

  status dematch(std::span<const rate_dematch_job> jobs, std::span<unsigned> informed_lengths) noexcept override
  {
    if (status s = validate(jobs, informed_lengths); !s) {
      return s;
    }
    return gpu_.dematch(jobs, informed_lengths);
  }

  status read_soft_buffer(unsigned harq_id, unsigned cb, std::span<int8_t> out) noexcept override
  {
    return gpu_.read_soft_buffer(harq_id, cb, out);
  }

private:
  rate_dematcher_cuda gpu_;
};
#endif

} // namespace

std::unique_ptr<rate_dematcher> create_rate_dematcher(backend requested, const rate_dematcher_config& config)
{
#ifdef AIRAN_HAVE_CUDA
  if (require_backend(requested, "rate dematcher") == backend::cuda) {
    return std::make_unique<rate_dematcher_gpu>(config);
  }
#else
  require_backend(requested, "rate dematcher");
#endif
  return std::make_unique<rate_dematcher_cpu>(config);
}

} // namespace airan::phy
