#include "ru_emu_split8.h"

#include "airan/phy/ofdm/ofdm.h"
#include "fh_frontend.h"

#include <stdexcept>

namespace airan::tools {

namespace {

phy::ofdm_modulator_config modulator_config(const io::pusch_vector& v)
{
  phy::ofdm_modulator_config config;
  config.carrier = ofdm_carrier_of(v);
  config.planning = phy::ofdm_fft_planning::estimate;
  if (auto s = phy::validate_ofdm_modulator_config(config); !s) {
    throw std::invalid_argument(s.message());
  }
  return config;
}

io::split8_packetizer_config with_slot_length(io::split8_packetizer_config config, unsigned length)
{
  config.max_slot_length = length;
  return config;
}

/// Samples of the vector's slot per port.
std::vector<std::vector<cf_t>> modulate(const io::pusch_vector& v, phy::ofdm_modulator& modulator, unsigned slot)
{
  std::vector<std::vector<cf_t>> samples(v.nof_ports, std::vector<cf_t>(modulator.numerology().slot_length(slot)));
  std::vector<std::span<cf_t>> ports(samples.begin(), samples.end());
  const phy::const_grid_view grid{v.grid.data(), v.nof_ports, v.nof_symbols, v.nof_subcarriers};
  if (auto s = modulator.validate(ports, grid, slot); !s) {
    throw std::invalid_argument(s.message());
  }
  modulator.modulate(ports, grid, slot);
  return samples;
}

} // namespace

split8_emitter::split8_emitter(const io::pusch_vector& v, io::split8_packetizer_config config)
    : packetizer_([&] {
        phy::ofdm_modulator modulator(modulator_config(v));
        const auto& numerology = modulator.numerology();
        slots_per_subframe_ = numerology.nof_slots_per_subframe();
        slot_in_frame_ = v.pdu.slot % (10 * slots_per_subframe_);
        sample_rate_hz_ = numerology.sample_rate_hz();
        samples_ = modulate(v, modulator, slot_in_frame_);
        return io::split8_packetizer(with_slot_length(config, numerology.slot_length(slot_in_frame_)));
      }())
{
}

std::size_t split8_emitter::emit(io::fault_injector& injector, uint8_t frame_id, int64_t slot_start_ns)
{
  const std::vector<std::span<const cf_t>> ports(samples_.begin(), samples_.end());
  const auto packets =
      packetizer_.build_slot(ports, frame_id, static_cast<uint8_t>(slot_in_frame_ / slots_per_subframe_),
                             static_cast<uint8_t>(slot_in_frame_ % slots_per_subframe_));
  for (const io::split8_tx_packet& p : packets) {
    injector.push(p.bytes, p.ecpri_offset, p.port,
                  slot_start_ns + static_cast<int64_t>(p.end_sample * 1e9 / sample_rate_hz_));
  }
  return packets.size();
}

} // namespace airan::tools
