#include "fh_frontend.h"

#include "airan/io/ingest/slot_assembler.h"
#include "airan/io/ingest/split8_assembler.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace airan::tools {

namespace {

phy::ofdm_demodulator_config demodulator_config(const io::pusch_vector& v)
{
  phy::ofdm_demodulator_config config;
  config.carrier = ofdm_carrier_of(v);
  // Planned with timed trials at start: about 0.35 s for a 4096-point FFT, after which the other decode workers reuse
  // FFTW's wisdom. Estimated plans took 1.24-1.43 times as long per 273-PRB slot.
  config.planning = phy::ofdm_fft_planning::measure;
  if (auto s = phy::validate_ofdm_demodulator_config(config); !s) {
    throw std::invalid_argument(s.message());
  }
  return config;
}

class split7_frontend final : public slot_frontend {
public:
  split7_frontend(const io::slot_assembler_config& config, slot_handler handler)
      : assembler_(config,
                   [handler = std::move(handler)](const io::assembled_slot& slot) {
                     const std::size_t port_length = std::size_t{slot.grid.nof_symbols} * slot.grid.nof_subcarriers;
                     handler(
                         {{slot.frame_id, slot.subframe_id, slot.slot_id, slot.nof_prb_received, slot.nof_prb_expected},
                          slot.grid.data,
                          slot.grid.nof_ports,
                          port_length,
                          port_length});
                   }),
        grid_size_(config.port_eaxc.size() * config.nof_symbols * 12 * config.uplane.nof_carrier_prb),
        nof_ports_(static_cast<unsigned>(config.port_eaxc.size()))
  {
  }

  void push(std::span<const io::rx_packet> packets) noexcept override { assembler_.push(packets); }
  void advance_time(int64_t now_ns) noexcept override { assembler_.advance_time(now_ns); }
  void flush() noexcept override { assembler_.flush(); }
  const io::ingest_counters& counters() const noexcept override { return assembler_.counters(); }
  slot_buffer make_buffer() const override
  {
    slot_buffer buffer;
    buffer.data.resize(grid_size_);
    buffer.port_capacity = grid_size_ / nof_ports_;
    return buffer;
  }

private:
  io::slot_assembler assembler_;
  std::size_t grid_size_;
  unsigned nof_ports_;
};

/// Assembles each slot's samples per port; the decode worker demodulates them (slot_decoder).
class split8_frontend final : public slot_frontend {
public:
  split8_frontend(const io::pusch_vector& v, const fronthaul_run_options& options, slot_handler handler)
      : numerology_(ofdm_carrier_of(v), demodulator_config(v).fft_size), nof_ports_(v.nof_ports),
        assembler_(assembler_config(options, v.nof_ports),
                   [handler = std::move(handler)](const io::assembled_samples& s) {
                     handler({{s.frame_id, s.subframe_id, s.slot_id, s.nof_samples_received, s.nof_samples_expected},
                              s.data,
                              s.nof_ports,
                              s.port_stride,
                              s.nof_samples});
                   })
  {
  }

  void push(std::span<const io::rx_packet> packets) noexcept override { assembler_.push(packets); }
  void advance_time(int64_t now_ns) noexcept override { assembler_.advance_time(now_ns); }
  void flush() noexcept override { assembler_.flush(); }
  const io::ingest_counters& counters() const noexcept override { return assembler_.counters(); }
  slot_buffer make_buffer() const override
  {
    slot_buffer buffer;
    for (unsigned s = 0; s != numerology_.nof_slots_per_subframe(); ++s) {
      buffer.port_capacity = std::max<std::size_t>(buffer.port_capacity, numerology_.slot_length(s));
    }
    // Every port starts on a cache line, as the OFDM demodulator prefers (ofdm_demodulator::grid_offset()).
    constexpr std::size_t line = 64 / sizeof(cf_t);
    buffer.port_capacity = (buffer.port_capacity + line - 1) / line * line;
    buffer.data.resize(buffer.port_capacity * nof_ports_);
    return buffer;
  }

private:
  io::split8_assembler_config assembler_config(const fronthaul_run_options& options, unsigned nof_ports) const
  {
    io::split8_assembler_config config;
    config.numerology = numerology_.numerology();
    config.slot_lengths.clear();
    for (unsigned s = 0; s != numerology_.nof_slots_per_subframe(); ++s) {
      config.slot_lengths.push_back(numerology_.slot_length(s));
    }
    config.port_stream = port_eaxc_of(options.format, nof_ports);
    config.reception_window_ns = static_cast<int64_t>(options.window_us * 1000.0);
    return config;
  }

  phy::ofdm_numerology numerology_;
  unsigned nof_ports_;
  io::split8_assembler assembler_;
};

} // namespace

void copy_slot(const closed_slot& slot, slot_buffer& buffer) noexcept
{
  buffer.header = slot.header;
  buffer.port_length = slot.port_length;
  for (unsigned p = 0; p != slot.nof_ports; ++p) {
    std::copy_n(slot.data + p * slot.port_stride, slot.port_length, buffer.data.data() + p * buffer.port_capacity);
  }
}

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

slot_decoder::slot_decoder(const io::pusch_vector& v, fh_split split)
    : nof_ports_(v.nof_ports), nof_symbols_(v.nof_symbols), nof_subcarriers_(v.nof_subcarriers)
{
  if (split == fh_split::split8) {
    demodulator_.emplace(demodulator_config(v));
    grid_.emplace(*demodulator_, nof_ports_);
  }
}

phy::const_grid_view slot_decoder::grid_of(const slot_buffer& slot) noexcept
{
  if (!demodulator_) {
    return {slot.data.data(), nof_ports_, nof_symbols_, nof_subcarriers_};
  }
  // The assembler delivered slot_length() samples of every port: the demodulator's requirements hold
  // (TS 38.211 5.3.1, inverse).
  std::array<std::span<const cf_t>, phy::ofdm_max_ports> ports;
  for (unsigned p = 0; p != nof_ports_; ++p) {
    ports[p] = {slot.data.data() + p * slot.port_capacity, slot.port_length};
  }
  const phy::ofdm_numerology& numerology = demodulator_->numerology();
  const unsigned slot_in_frame = slot.header.subframe_id * numerology.nof_slots_per_subframe() + slot.header.slot_id;
  const phy::grid_view grid = grid_->view();
  demodulator_->demodulate(grid, std::span(ports).first(nof_ports_), slot_in_frame);
  return grid;
}

} // namespace airan::tools
