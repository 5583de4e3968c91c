#include "fh_frontend.h"

#include "airan/io/ingest/slot_assembler.h"
#include "airan/io/ingest/split8_assembler.h"
#include "airan/phy/ofdm/ofdm.h"

#include <array>
#include <stdexcept>
#include <vector>

namespace airan::tools {

namespace {

class split7_frontend final : public slot_frontend {
public:
  split7_frontend(const io::slot_assembler_config& config, slot_handler handler)
      : assembler_(config, [handler = std::move(handler)](const io::assembled_slot& slot) {
          handler(
              {slot.frame_id, slot.subframe_id, slot.slot_id, slot.nof_prb_received, slot.nof_prb_expected, slot.grid});
        })
  {
  }

  void push(std::span<const io::rx_packet> packets) noexcept override { assembler_.push(packets); }
  void advance_time(int64_t now_ns) noexcept override { assembler_.advance_time(now_ns); }
  void flush() noexcept override { assembler_.flush(); }
  const io::ingest_counters& counters() const noexcept override { return assembler_.counters(); }

private:
  io::slot_assembler assembler_;
};

/// Assembles each slot's samples, then demodulates them into the grid (TS 38.211 5.3.1 inverse, phy/ofdm).
class split8_frontend final : public slot_frontend {
public:
  split8_frontend(const io::pusch_vector& v, const fronthaul_run_options& options, slot_handler handler)
      : demodulator_(demodulator_config(v)), grid_(std::size_t{v.nof_ports} * v.nof_symbols * v.nof_subcarriers),
        nof_ports_(v.nof_ports), nof_symbols_(v.nof_symbols), nof_subcarriers_(v.nof_subcarriers),
        handler_(std::move(handler)), assembler_(assembler_config(v, options, demodulator_.numerology()),
                                                 [this](const io::assembled_samples& slot) { demodulate(slot); })
  {
  }

  void push(std::span<const io::rx_packet> packets) noexcept override { assembler_.push(packets); }
  void advance_time(int64_t now_ns) noexcept override { assembler_.advance_time(now_ns); }
  void flush() noexcept override { assembler_.flush(); }
  const io::ingest_counters& counters() const noexcept override { return assembler_.counters(); }

private:
  static phy::ofdm_demodulator_config demodulator_config(const io::pusch_vector& v)
  {
    phy::ofdm_demodulator_config config;
    config.carrier = ofdm_carrier_of(v);
    config.planning = phy::ofdm_fft_planning::estimate;
    if (auto s = phy::validate_ofdm_demodulator_config(config); !s) {
      throw std::invalid_argument(s.message());
    }
    return config;
  }

  static io::split8_assembler_config assembler_config(const io::pusch_vector& v,
                                                      const fronthaul_run_options& options,
                                                      const phy::ofdm_numerology& numerology)
  {
    io::split8_assembler_config config;
    config.numerology = numerology.numerology();
    config.slot_lengths.clear();
    for (unsigned s = 0; s != numerology.nof_slots_per_subframe(); ++s) {
      config.slot_lengths.push_back(numerology.slot_length(s));
    }
    config.port_stream = port_eaxc_of(options.format, v.nof_ports);
    config.reception_window_ns = static_cast<int64_t>(options.window_us * 1000.0);
    return config;
  }

  void demodulate(const io::assembled_samples& slot)
  {
    const unsigned slot_in_frame = slot.subframe_id * demodulator_.numerology().nof_slots_per_subframe() + slot.slot_id;
    // The assembler delivers slot_length() samples of every port: the demodulator's requirements hold.
    for (unsigned p = 0; p != slot.nof_ports; ++p) {
      ports_[p] = slot.port(p);
    }
    const phy::grid_view grid{grid_.data(), nof_ports_, nof_symbols_, nof_subcarriers_};
    demodulator_.demodulate(grid, std::span(ports_).first(slot.nof_ports), slot_in_frame);
    handler_({slot.frame_id,
              slot.subframe_id,
              slot.slot_id,
              slot.nof_samples_received,
              slot.nof_samples_expected,
              {grid_.data(), nof_ports_, nof_symbols_, nof_subcarriers_}});
  }

  phy::ofdm_demodulator demodulator_;
  std::vector<cf_t> grid_;
  std::array<std::span<const cf_t>, phy::ofdm_max_ports> ports_;
  unsigned nof_ports_, nof_symbols_, nof_subcarriers_;
  slot_handler handler_;
  io::split8_assembler assembler_;
};

} // namespace

phy::carrier_config ofdm_carrier_of(const io::pusch_vector& v)
{
  phy::carrier_config carrier = v.carrier;
  carrier.nof_prb = v.nof_subcarriers / 12;
  return carrier;
}

std::unique_ptr<slot_frontend> make_slot_frontend(const io::pusch_vector& v, const fronthaul_run_options& options,
                                                  slot_frontend::slot_handler handler)
{
  if (options.split == fh_split::split8) {
    return std::make_unique<split8_frontend>(v, options, std::move(handler));
  }
  io::slot_assembler_config config;
  config.numerology = v.carrier.numerology;
  config.nof_symbols = v.nof_symbols;
  config.uplane.nof_carrier_prb = v.nof_subcarriers / 12;
  config.uplane.dynamic_compression = options.format.ud_comp_hdr;
  config.uplane.static_compression = compression_of(options.format);
  config.iq_scale = options.format.iq_scale;
  config.port_eaxc = port_eaxc_of(options.format, v.nof_ports);
  config.reception_window_ns = static_cast<int64_t>(options.window_us * 1000.0);
  return std::make_unique<split7_frontend>(config, std::move(handler));
}

} // namespace airan::tools
