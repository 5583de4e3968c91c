#include "airan/io/block_testvector.h"

#include "airan/phy/ofdm/ofdm_numerology.h"
#include "testvector_fields.h"

namespace airan::io {

using detail::field_reader;
using detail::field_writer;

namespace {

constexpr std::size_t max_ports = 16;

/// Opens a vector and checks that it is of the given kind.
status open_block(const std::string& path, hdf5_file& f, const char* kind)
{
  std::string found;
  return detail::open_vector(path, f, {kind}, found);
}

const char* const modulation_names[] = {"pi2_bpsk", "qpsk", "qam16", "qam64", "qam256"};
const char* const estimator_names[] = {"ls_linear", "dft", "lmmse"};

} // namespace

status load_ldpc_decoder_vector(const std::string& path, ldpc_decoder_vector& out)
{
  hdf5_file f;
  if (auto s = open_block(path, f, "ldpc_decoder"); !s) {
    return s;
  }
  field_reader r(f);
  ldpc_decoder_vector v;
  v.source = r.text("source");
  v.graph = r.choice("base_graph", {"bg1", "bg2"}) == 0 ? phy::ldpc_base_graph::bg1 : phy::ldpc_base_graph::bg2;
  v.lifting_size = r.u32("lifting_size");
  v.config.max_iterations = r.u32("max_iterations");
  v.config.early_stop = r.u32("early_stop") != 0;
  v.config.scaling_q4 = r.u32("scaling_q4");
  v.config.offset = r.u32("offset");
  v.config.llr_shift = r.u32("llr_shift");
  v.nof_iterations = r.u32("nof_iterations");
  v.parity_ok = r.u32("parity_ok") != 0;
  const uint32_t nof_llrs = r.u32("nof_llrs");
  if (!r.ok()) {
    return r.get();
  }
  if (auto s = phy::ldpc_decoder::validate(v.graph, v.lifting_size, nof_llrs, v.config); !s) {
    return status::error(path + ": decoder attributes: " + s.message());
  }
  v.llrs = r.int8s("llrs", {nof_llrs});
  v.info_bits = r.bits("info_bits", phy::ldpc_info_length(v.graph, v.lifting_size));
  if (r.ok()) {
    out = std::move(v);
  }
  return r.get();
}

status write_ldpc_decoder_vector(const std::string& path, const ldpc_decoder_vector& v)
{
  hdf5_writer file;
  if (auto s = detail::create_vector(path, file, "ldpc_decoder", v.source); !s) {
    return s;
  }
  field_writer w(file);
  w.text("base_graph", v.graph == phy::ldpc_base_graph::bg1 ? "bg1" : "bg2");
  w.u32("lifting_size", v.lifting_size);
  w.u32("max_iterations", v.config.max_iterations);
  w.u32("early_stop", v.config.early_stop ? 1 : 0);
  w.u32("scaling_q4", v.config.scaling_q4);
  w.u32("offset", v.config.offset);
  w.u32("llr_shift", v.config.llr_shift);
  w.u32("nof_iterations", v.nof_iterations);
  w.u32("parity_ok", v.parity_ok ? 1 : 0);
  w.u32("nof_llrs", static_cast<uint32_t>(v.llrs.size()));
  w.int8s("llrs", v.llrs, {v.llrs.size()});
  w.u8s("info_bits", v.info_bits);
  return detail::finish_vector(file, w);
}

status load_rate_dematcher_vector(const std::string& path, rate_dematcher_vector& out)
{
  hdf5_file f;
  if (auto s = open_block(path, f, "rate_dematcher"); !s) {
    return s;
  }
  field_reader r(f);
  rate_dematcher_vector v;
  v.source = r.text("source");
  auto& p = v.params;
  p.graph = r.choice("base_graph", {"bg1", "bg2"}) == 0 ? phy::ldpc_base_graph::bg1 : phy::ldpc_base_graph::bg2;
  p.lifting_size = r.u32("lifting_size");
  p.k_prime = r.u32("k_prime");
  p.n_cb = r.u32("n_cb");
  p.rv = r.u32("rv");
  p.modulation_order = r.u32("modulation_order");
  p.e = r.u32("e");
  v.new_data = r.u32("new_data") != 0;
  v.nof_informed = r.u32("nof_informed");
  if (!r.ok()) {
    return r.get();
  }
  if (auto s = phy::validate(p); !s) {
    return status::error(path + ": rate matching attributes: " + s.message());
  }
  v.llrs = r.int8s("llrs", {p.e});
  if (!v.new_data) {
    v.soft_buffer_in = r.int8s("soft_buffer_in", {p.n_cb});
  }
  v.soft_buffer = r.int8s("soft_buffer", {p.n_cb});
  if (r.ok()) {
    out = std::move(v);
  }
  return r.get();
}

status write_rate_dematcher_vector(const std::string& path, const rate_dematcher_vector& v)
{
  hdf5_writer file;
  if (auto s = detail::create_vector(path, file, "rate_dematcher", v.source); !s) {
    return s;
  }
  field_writer w(file);
  const auto& p = v.params;
  w.text("base_graph", p.graph == phy::ldpc_base_graph::bg1 ? "bg1" : "bg2");
  w.u32("lifting_size", p.lifting_size);
  w.u32("k_prime", p.k_prime);
  w.u32("n_cb", p.n_cb);
  w.u32("rv", p.rv);
  w.u32("modulation_order", p.modulation_order);
  w.u32("e", p.e);
  w.u32("new_data", v.new_data ? 1 : 0);
  w.u32("nof_informed", v.nof_informed);
  w.int8s("llrs", v.llrs, {v.llrs.size()});
  if (!v.new_data) {
    w.int8s("soft_buffer_in", v.soft_buffer_in, {v.soft_buffer_in.size()});
  }
  w.int8s("soft_buffer", v.soft_buffer, {v.soft_buffer.size()});
  return detail::finish_vector(file, w);
}

status load_soft_demapper_vector(const std::string& path, soft_demapper_vector& out)
{
  hdf5_file f;
  if (auto s = open_block(path, f, "soft_demapper"); !s) {
    return s;
  }
  field_reader r(f);
  soft_demapper_vector v;
  v.source = r.text("source");
  v.modulation = static_cast<phy::modulation_scheme>(
      r.choice("modulation", {modulation_names[0], modulation_names[1], modulation_names[2], modulation_names[3],
                              modulation_names[4]}));
  const uint32_t nof_symbols = r.u32("nof_symbols");
  v.llrs_tolerance = r.f64("llrs_tolerance");
  if (!r.ok()) {
    return r.get();
  }
  v.symbols = r.complexes("symbols", {nof_symbols});
  v.noise_var = r.floats("noise_var", {nof_symbols});
  v.llrs = r.floats("llrs", {std::size_t{nof_symbols} * phy::modulation_order(v.modulation)});
  if (r.ok()) {
    out = std::move(v);
  }
  return r.get();
}

status write_soft_demapper_vector(const std::string& path, const soft_demapper_vector& v)
{
  hdf5_writer file;
  if (auto s = detail::create_vector(path, file, "soft_demapper", v.source); !s) {
    return s;
  }
  field_writer w(file);
  w.text("modulation", modulation_names[static_cast<unsigned>(v.modulation)]);
  w.u32("nof_symbols", static_cast<uint32_t>(v.symbols.size()));
  w.f64("llrs_tolerance", v.llrs_tolerance);
  w.complexes("symbols", v.symbols, {v.symbols.size()});
  w.floats("noise_var", v.noise_var, {v.noise_var.size()});
  w.floats("llrs", v.llrs, {v.llrs.size()});
  return detail::finish_vector(file, w);
}

status load_ofdm_demodulator_vector(const std::string& path, ofdm_demodulator_vector& out)
{
  hdf5_file f;
  if (auto s = open_block(path, f, "ofdm_demodulator"); !s) {
    return s;
  }
  field_reader r(f);
  ofdm_demodulator_vector v;
  v.source = r.text("source");
  v.carrier.numerology = r.u32("numerology");
  v.carrier.cp = r.choice("cyclic_prefix", {"normal", "extended"}) == 0 ? phy::cyclic_prefix::normal
                                                                        : phy::cyclic_prefix::extended;
  v.carrier.nof_prb = r.u32("carrier_nof_prb");
  v.carrier.bwp_start = 0;
  v.carrier.bwp_size = v.carrier.nof_prb;
  v.carrier.center_frequency_hz = r.f64("center_frequency_hz");
  v.fft_size = r.u32("fft_size");
  v.fft_window_offset_cp_fraction = static_cast<float>(r.f64("fft_window_offset_cp_fraction"));
  v.slot = r.u32("slot");
  v.nof_ports = r.u32("nof_ports");
  v.grid_tolerance = r.f64("grid_tolerance");
  if (!r.ok()) {
    return r.get();
  }
  if (auto s = phy::validate_ofdm_numerology(v.carrier, v.fft_size); !s) {
    return status::error(path + ": numerology attributes: " + s.message());
  }
  if (v.nof_ports == 0 || v.nof_ports > max_ports) {
    return status::error(path + ": attribute 'nof_ports' must be 1.." + std::to_string(max_ports));
  }
  const phy::ofdm_numerology numerology(v.carrier, v.fft_size);
  v.samples = r.complexes("samples", {v.nof_ports, numerology.slot_length(v.slot)});
  v.grid = r.complexes("grid", {v.nof_ports, numerology.nof_symbols_per_slot(), numerology.nof_subcarriers()});
  if (r.ok()) {
    out = std::move(v);
  }
  return r.get();
}

status write_ofdm_demodulator_vector(const std::string& path, const ofdm_demodulator_vector& v)
{
  hdf5_writer file;
  if (auto s = detail::create_vector(path, file, "ofdm_demodulator", v.source); !s) {
    return s;
  }
  field_writer w(file);
  w.u32("numerology", v.carrier.numerology);
  w.text("cyclic_prefix", v.carrier.cp == phy::cyclic_prefix::normal ? "normal" : "extended");
  w.u32("carrier_nof_prb", v.carrier.nof_prb);
  w.f64("center_frequency_hz", v.carrier.center_frequency_hz);
  w.u32("fft_size", v.fft_size);
  w.f64("fft_window_offset_cp_fraction", v.fft_window_offset_cp_fraction);
  w.u32("slot", v.slot);
  w.u32("nof_ports", v.nof_ports);
  w.f64("grid_tolerance", v.grid_tolerance);
  const std::size_t nof_symbols = phy::ofdm_nof_symbols_per_slot(v.carrier.cp);
  w.complexes("samples", v.samples, {v.nof_ports, v.nof_ports == 0 ? 0 : v.samples.size() / v.nof_ports});
  w.complexes("grid", v.grid, {v.nof_ports, nof_symbols, std::size_t{12} * v.carrier.nof_prb});
  return detail::finish_vector(file, w);
}

status load_channel_estimator_vector(const std::string& path, channel_estimator_vector& out)
{
  hdf5_file f;
  if (auto s = open_block(path, f, "channel_estimator"); !s) {
    return s;
  }
  field_reader r(f);
  channel_estimator_vector v;
  v.source = r.text("source");
  detail::read_pusch_config(r, v.carrier, v.pdu);
  v.estimator = static_cast<phy::channel_estimator_kind>(
      r.choice("estimator", {estimator_names[0], estimator_names[1], estimator_names[2]}));
  v.nof_rx_ports = r.u32("nof_rx_ports");
  v.channel.tolerance = r.f64("channel_tolerance");
  v.noise_variance.tolerance = r.f64("noise_variance_tolerance");
  if (!r.ok()) {
    return r.get();
  }
  if (v.nof_rx_ports == 0 || v.nof_rx_ports > max_ports || v.carrier.bwp_size == 0 || v.carrier.bwp_size > 275 ||
      v.pdu.nof_symbols > 14 || v.pdu.nof_prb > 275) {
    return status::error(path + ": attributes 'nof_rx_ports' (1..16), 'bwp_size', 'nof_prb' (1..275) or "
                                "'nof_symbols' (1..14) out of range");
  }
  const std::size_t nof_symbols = phy::ofdm_nof_symbols_per_slot(v.carrier.cp);
  v.grid = r.complexes("grid", {v.nof_rx_ports, nof_symbols, std::size_t{12} * v.carrier.bwp_size});
  v.channel.shape = {v.nof_rx_ports, v.pdu.nof_layers, v.pdu.nof_symbols, std::size_t{12} * v.pdu.nof_prb};
  v.channel.values = r.complexes("channel", v.channel.shape);
  v.noise_variance.shape = {v.nof_rx_ports};
  v.noise_variance.values = r.floats("noise_variance", v.noise_variance.shape);
  if (r.ok()) {
    out = std::move(v);
  }
  return r.get();
}

status write_channel_estimator_vector(const std::string& path, const channel_estimator_vector& v)
{
  hdf5_writer file;
  if (auto s = detail::create_vector(path, file, "channel_estimator", v.source); !s) {
    return s;
  }
  field_writer w(file);
  detail::write_pusch_config(w, v.carrier, v.pdu);
  w.text("estimator", estimator_names[static_cast<unsigned>(v.estimator)]);
  w.u32("nof_rx_ports", v.nof_rx_ports);
  w.f64("channel_tolerance", v.channel.tolerance);
  w.f64("noise_variance_tolerance", v.noise_variance.tolerance);
  w.complexes("grid", v.grid,
              {v.nof_rx_ports, phy::ofdm_nof_symbols_per_slot(v.carrier.cp), std::size_t{12} * v.carrier.bwp_size});
  w.complexes("channel", v.channel.values, v.channel.shape);
  w.floats("noise_variance", v.noise_variance.values, v.noise_variance.shape);
  return detail::finish_vector(file, w);
}

} // namespace airan::io
