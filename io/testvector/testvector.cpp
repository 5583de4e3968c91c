#include "airan/io/testvector.h"

#include "airan/phy/ofdm/ofdm_numerology.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "testvector_fields.h"

#include <filesystem>

namespace airan::io {

using detail::field_reader;
using detail::field_writer;

status read_testvector_kind(const std::string& path, std::string& kind)
{
  hdf5_file f;
  if (auto s = hdf5_file::open(path, f); !s) {
    return s;
  }
  uint32_t version = 0;
  if (auto s = f.read_attribute("schema_version", version); !s) {
    return s;
  }
  if (version != testvector_schema_version) {
    return status::error(path + ": schema_version " + std::to_string(version) + " is not supported (this airan reads " +
                         std::to_string(testvector_schema_version) + ")");
  }
  return f.read_attribute("kind", kind);
}

status load_ulsch_coding_vector(const std::string& path, ulsch_coding_vector& out)
{
  hdf5_file f;
  std::string kind;
  if (auto s = detail::open_vector(path, f, {"ulsch_coding"}, kind); !s) {
    return s;
  }
  field_reader r(f);
  ulsch_coding_vector v;
  v.source = r.text("source");
  v.config.tbs = r.u32("tbs");
  v.config.nof_coded_bits = r.u32("nof_coded_bits");
  v.config.target_code_rate = static_cast<float>(r.f64("target_code_rate"));
  v.config.modulation_order = r.u32("modulation_order");
  v.config.nof_layers = r.u32("nof_layers");
  v.config.rv = r.u32("rv");
  v.config.tbs_lbrm.reset();
  v.rnti = r.u32("rnti");
  v.n_id = r.u32("n_id");
  if (!r.ok()) {
    return r.get();
  }
  if (v.rnti > 65535 || v.n_id > 1023) {
    return status::error(path + ": rnti or n_id out of range");
  }
  v.tb_bits = r.bits("tb_bits", v.config.tbs);
  v.coded_bits = r.bits("coded_bits", v.config.nof_coded_bits);
  v.scrambled_bits = r.bits("scrambled_bits", v.config.nof_coded_bits);
  if (r.ok()) {
    out = std::move(v);
  }
  return r.get();
}

status write_ulsch_coding_vector(const std::string& path, const ulsch_coding_vector& v)
{
  hdf5_writer file;
  if (auto s = detail::create_vector(path, file, "ulsch_coding", v.source); !s) {
    return s;
  }
  field_writer w(file);
  w.u32("tbs", v.config.tbs);
  w.u32("nof_coded_bits", v.config.nof_coded_bits);
  w.f64("target_code_rate", v.config.target_code_rate);
  w.u32("modulation_order", v.config.modulation_order);
  w.u32("nof_layers", v.config.nof_layers);
  w.u32("rv", v.config.rv);
  w.u32("rnti", v.rnti);
  w.u32("n_id", v.n_id);
  w.u8s("tb_bits", v.tb_bits);
  w.u8s("coded_bits", v.coded_bits);
  w.u8s("scrambled_bits", v.scrambled_bits);
  return detail::finish_vector(file, w);
}

const char* pusch_kind_name(pusch_input input)
{
  switch (input) {
  case pusch_input::grid:
    return "pusch_grid";
  case pusch_input::time_domain:
    return "pusch_time_domain";
  case pusch_input::fronthaul_pcap:
    return "pusch_fronthaul";
  }
  return "";
}

namespace {

/// Largest receive ports of a vector.
constexpr std::size_t max_rx_ports = 16;

} // namespace

status load_pusch_vector(const std::string& path, pusch_vector& out)
{
  hdf5_file f;
  std::string kind;
  if (auto s = detail::open_vector(path, f, {"pusch_grid", "pusch_time_domain", "pusch_fronthaul"}, kind); !s) {
    return s;
  }
  field_reader r(f);
  pusch_vector v;
  v.input = kind == "pusch_grid"          ? pusch_input::grid
            : kind == "pusch_time_domain" ? pusch_input::time_domain
                                          : pusch_input::fronthaul_pcap;
  v.source = r.text("source");
  detail::read_pusch_config(r, v.carrier, v.pdu);
  v.tbs = r.u32("tbs");
  if (!r.ok()) {
    return r.get();
  }
  if (v.carrier.bwp_size == 0 || v.carrier.bwp_size > 275) {
    return status::error(path + ": attribute 'bwp_size' must be 1..275");
  }
  v.tb_bits = r.bits("tb_bits", v.tbs);
  v.nof_symbols = phy::ofdm_nof_symbols_per_slot(v.carrier.cp);
  v.nof_subcarriers = 12 * v.carrier.bwp_size;
  std::vector<std::size_t> shape;
  if (v.input == pusch_input::grid) {
    v.grid = r.complexes_within("grid", {max_rx_ports, v.nof_symbols, v.nof_subcarriers}, shape);
    if (r.ok() && (shape[1] != v.nof_symbols || shape[2] != v.nof_subcarriers)) {
      return status::error(path + ": dataset 'grid' must hold " + std::to_string(v.nof_symbols) + " symbols of " +
                           std::to_string(v.nof_subcarriers) + " subcarriers (the BWP)");
    }
  } else if (v.input == pusch_input::time_domain) {
    v.fft_size = r.u32("fft_size");
    const double sample_rate_hz = r.f64("sample_rate_hz");
    if (!r.ok()) {
      return r.get();
    }
    if (auto s = phy::validate_ofdm_numerology(v.carrier, v.fft_size); !s) {
      return status::error(path + ": attributes 'fft_size' and carrier: " + s.message());
    }
    const phy::ofdm_numerology numerology(v.carrier, v.fft_size);
    if (std::abs(sample_rate_hz - numerology.sample_rate_hz()) > 1e-6 * numerology.sample_rate_hz()) {
      return status::error(path + ": attribute 'sample_rate_hz' is " + std::to_string(sample_rate_hz) + ", " +
                           std::to_string(numerology.sample_rate_hz()) + " expected from fft_size and numerology");
    }
    const std::size_t length = numerology.slot_length(v.pdu.slot);
    v.samples = r.complexes_within("samples", {max_rx_ports, length}, shape);
    if (r.ok() && shape[1] != length) {
      return status::error(path + ": dataset 'samples' must hold one slot, " + std::to_string(length) +
                           " samples per port");
    }
  } else {
    v.pcap_file = r.text("pcap_file");
    v.pcap_path = (std::filesystem::path(path).parent_path() / v.pcap_file).string();
    shape = {r.u32("nof_rx_ports")};
    auto& fh = v.fronthaul;
    fh.block_floating_point = r.choice("fh_compression", {"block_floating_point", "none"}) == 0;
    fh.iq_width = r.u32("fh_iq_width");
    fh.ud_comp_hdr = r.u32("fh_ud_comp_hdr") != 0;
    const uint32_t eaxc_base = r.u32("fh_eaxc_base");
    fh.iq_scale = static_cast<float>(r.f64("fh_iq_scale"));
    if (r.ok() && (shape[0] == 0 || shape[0] > max_rx_ports)) {
      return status::error(path + ": attribute 'nof_rx_ports' must be 1.." + std::to_string(max_rx_ports));
    }
    if (r.ok() && (fh.iq_width == 0 || fh.iq_width > 16 || (!fh.block_floating_point && fh.iq_width != 16) ||
                   eaxc_base + shape[0] > 65536 || !(fh.iq_scale > 0.0F))) {
      return status::error(path + ": attributes 'fh_iq_width' (1..16, 16 without compression), 'fh_eaxc_base' or "
                                  "'fh_iq_scale' out of range");
    }
    fh.eaxc_base = static_cast<uint16_t>(eaxc_base);
  }
  if (!r.ok()) {
    return r.get();
  }
  v.nof_ports = static_cast<unsigned>(shape[0]);
  if (f.has_dataset("channel_estimate") || f.has_dataset("equalized_symbols") || f.has_dataset("llrs")) {
    // The references' shapes follow from the allocation and the codeword it carries.
    phy::pusch_codeword_params cw;
    if (auto s = phy::compute_pusch_codeword_params(cw, v.pdu, v.carrier); !s) {
      return status::error(path + ": the PUSCH configuration of the references is invalid: " + s.message());
    }
    v.channel_estimate = r.complex_reference(
        "channel_estimate", {v.nof_ports, v.pdu.nof_layers, v.pdu.nof_symbols, std::size_t{12} * v.pdu.nof_prb});
    v.equalized_symbols =
        r.complex_reference("equalized_symbols", {std::size_t{cw.nof_re_per_layer} * v.pdu.nof_layers});
    v.llrs = r.int8_reference("llrs", {cw.nof_coded_bits});
  }
  if (!r.ok()) {
    return r.get();
  }
  out = std::move(v);
  return status::ok();
}

status write_pusch_vector(const std::string& path, const pusch_vector& v)
{
  hdf5_writer file;
  if (auto s = detail::create_vector(path, file, pusch_kind_name(v.input), v.source); !s) {
    return s;
  }
  field_writer w(file);
  detail::write_pusch_config(w, v.carrier, v.pdu);
  w.u32("tbs", v.tbs);
  w.u8s("tb_bits", v.tb_bits);
  switch (v.input) {
  case pusch_input::grid:
    w.complexes("grid", v.grid, {v.nof_ports, v.nof_symbols, v.nof_subcarriers});
    break;
  case pusch_input::time_domain: {
    w.u32("fft_size", v.fft_size);
    w.f64("sample_rate_hz", v.fft_size * 15.0e3 * (1U << v.carrier.numerology));
    w.complexes("samples", v.samples, {v.nof_ports, v.nof_ports == 0 ? 0 : v.samples.size() / v.nof_ports});
    break;
  }
  case pusch_input::fronthaul_pcap:
    w.text("pcap_file", v.pcap_file);
    w.u32("nof_rx_ports", v.nof_ports);
    w.text("fh_compression", v.fronthaul.block_floating_point ? "block_floating_point" : "none");
    w.u32("fh_iq_width", v.fronthaul.iq_width);
    w.u32("fh_ud_comp_hdr", v.fronthaul.ud_comp_hdr ? 1 : 0);
    w.u32("fh_eaxc_base", v.fronthaul.eaxc_base);
    w.f64("fh_iq_scale", v.fronthaul.iq_scale);
    break;
  }
  w.complex_reference("channel_estimate", v.channel_estimate);
  w.complex_reference("equalized_symbols", v.equalized_symbols);
  w.int8_reference("llrs", v.llrs);
  return detail::finish_vector(file, w);
}

} // namespace airan::io
