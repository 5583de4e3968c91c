#include "airan/phy/coding/ldpc_batch_decoder.h"

#ifdef AIRAN_HAVE_CUDA
#include "airan/phy/coding/ldpc_decoder_cuda.h"
#endif

#include <string>

namespace airan::phy {

status ldpc_batch_decoder::validate(std::span<const ldpc_code_block_job> jobs, const ldpc_decoder_config& config,
                                    std::span<const ldpc_decode_result> results) const
{
  if (jobs.size() > max_nof_code_blocks_) {
    return status::error("LDPC batch decoder: " + std::to_string(jobs.size()) + " code blocks, at most " +
                         std::to_string(max_nof_code_blocks_));
  }
  if (results.size() != jobs.size()) {
    return status::error("LDPC batch decoder: " + std::to_string(results.size()) + " results for " +
                         std::to_string(jobs.size()) + " code blocks");
  }
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    const ldpc_code_block_job& job = jobs[i];
    if (status s = ldpc_decoder::validate(job.graph, job.lifting_size, job.llrs.size(), config); !s) {
      return status::error("code block " + std::to_string(i) + ": " + s.message());
    }
    if (job.info_bits.size() != ldpc_info_length(job.graph, job.lifting_size)) {
      return status::error("LDPC batch decoder: code block " + std::to_string(i) + " has room for " +
                           std::to_string(job.info_bits.size()) + " decisions, K = " +
                           std::to_string(ldpc_info_length(job.graph, job.lifting_size)));
    }
  }
  return status::ok();
}

namespace {

/// The CPU reference: one ldpc_decoder, code block after code block.
class ldpc_batch_decoder_cpu final : public ldpc_batch_decoder {
public:
  explicit ldpc_batch_decoder_cpu(const ldpc_batch_decoder_config& config) :
    ldpc_batch_decoder(config.max_nof_code_blocks)
  {
  }

  backend active_backend() const noexcept override { return backend::cpu; }

  status decode(std::span<const ldpc_code_block_job> jobs, const ldpc_decoder_config& config,
                std::span<ldpc_decode_result> results) noexcept override
  {
    if (status s = validate(jobs, config, results); !s) {
      return s;
    }
    for (std::size_t i = 0; i != jobs.size(); ++i) {
      results[i] = decoder_.decode(jobs[i].info_bits, jobs[i].llrs, jobs[i].graph, jobs[i].lifting_size, config);
    }
    return status::ok();
  }

private:
  ldpc_decoder decoder_;
};

#ifdef AIRAN_HAVE_CUDA
class ldpc_batch_decoder_gpu final : public ldpc_batch_decoder {
public:
  explicit ldpc_batch_decoder_gpu(const ldpc_batch_decoder_config& config) :
    ldpc_batch_decoder(config.max_nof_code_blocks), decoder_(config)
  {
  }

  backend active_backend() const noexcept override { return backend::cuda; }

  status decode(std::span<const ldpc_code_block_job> jobs, const ldpc_decoder_config& config,
                std::span<ldpc_decode_result> results) noexcept override
  {
    if (status s = validate(jobs, config, results); !s) {
      return s;
    }
    return decoder_.decode(jobs, config, results);
  }

private:
  ldpc_decoder_cuda decoder_;
};
#endif

} // namespace

std::unique_ptr<ldpc_batch_decoder> create_ldpc_batch_decoder(backend requested,
                                                              const ldpc_batch_decoder_config& config)
{
#ifdef AIRAN_HAVE_CUDA
  if (require_backend(requested, "LDPC decoder") == backend::cuda) {
    return std::make_unique<ldpc_batch_decoder_gpu>(config);
  }
#else
  require_backend(requested, "LDPC decoder");
#endif
  return std::make_unique<ldpc_batch_decoder_cpu>(config);
}

} // namespace airan::phy
