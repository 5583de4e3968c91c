// The ofdm_slot_demodulator interface: the CPU backend over ofdm_demodulator and the factory.

#include "airan/phy/ofdm/ofdm_slot_demodulator.h"

#ifdef AIRAN_HAVE_CUDA
#include "airan/phy/ofdm/ofdm_demodulator_cuda.h"
#endif

#include <stdexcept>
#include <string>

namespace airan::phy {

namespace {

class ofdm_slot_demodulator_cpu final : public ofdm_slot_demodulator {
public:
  explicit ofdm_slot_demodulator_cpu(const ofdm_demodulator_config& config) : demodulator_(config) {}

  backend active_backend() const noexcept override { return backend::cpu; }

  status demodulate(grid_view grid, std::span<const std::span<const cf_t>> samples, unsigned slot) noexcept override
  {
    if (status s = demodulator_.validate(grid, samples, slot); !s) {
      return s;
    }
    demodulator_.demodulate(grid, samples, slot);
    return status::ok();
  }

private:
  ofdm_demodulator demodulator_;
};

#ifdef AIRAN_HAVE_CUDA
class ofdm_slot_demodulator_gpu final : public ofdm_slot_demodulator {
public:
  ofdm_slot_demodulator_gpu(const ofdm_demodulator_config& config, unsigned max_nof_ports) :
    demodulator_(config, max_nof_ports)
  {
  }

  backend active_backend() const noexcept override { return backend::cuda; }

  status demodulate(grid_view grid, std::span<const std::span<const cf_t>> samples, unsigned slot) noexcept override
  {
    return demodulator_.demodulate(grid, samples, slot);
  }

private:
  ofdm_demodulator_cuda demodulator_;
};
#endif

} // namespace

std::unique_ptr<ofdm_slot_demodulator> create_ofdm_slot_demodulator(backend requested,
                                                                   const ofdm_demodulator_config& config,
                                                                   unsigned max_nof_ports)
{
  if (status s = validate_ofdm_demodulator_config(config); !s) {
    throw std::runtime_error(s.message());
  }
  if (max_nof_ports < 1 || max_nof_ports > ofdm_max_ports) {
    throw std::runtime_error("OFDM: " + std::to_string(max_nof_ports) + " ports out of range (1.." +
                             std::to_string(ofdm_max_ports) + ")");
  }
#ifdef AIRAN_HAVE_CUDA
  if (require_backend(requested, "OFDM demodulator") == backend::cuda) {
    return std::make_unique<ofdm_slot_demodulator_gpu>(config, max_nof_ports);
  }
#else
  require_backend(requested, "OFDM demodulator");
#endif
  return std::make_unique<ofdm_slot_demodulator_cpu>(config);
}

} // namespace airan::phy
