// Test-vector writers: every kind round-trips (write -> read -> equal); malformed vectors give errors naming the
// dataset or attribute.
#include "airan/io/block_testvector.h"
#include "airan/io/hdf5_writer.h"
#include "airan/io/testvector.h"
#include "airan/io/testvector_generator.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include <unistd.h>

using namespace airan;

namespace {

const std::string dir = AIRAN_TESTVECTOR_DIR;

std::string temp_path(const std::string& name)
{
  // The process id keeps test processes running in parallel apart.
  const std::string prefix = "airan_tv_writer_" + std::to_string(getpid()) + "_";
  return (std::filesystem::temp_directory_path() / (prefix + name)).string();
}

std::string file_bytes(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Loads `path`, writes it, loads the copy, writes that again: both writes must give the same bytes (every field
/// written survived the read), and check(first, second) compares the data of both loads.
template <typename V>
void round_trip(const std::string& path, status (*load)(const std::string&, V&),
                status (*write)(const std::string&, const V&), const std::function<void(const V&, const V&)>& check)
{
  CAPTURE(path);
  V first;
  REQUIRE_MESSAGE(load(path, first).is_ok(), load(path, first).message());
  const std::string a = temp_path("a.h5");
  const std::string b = temp_path("b.h5");
  REQUIRE(write(a, first).is_ok());
  V second;
  REQUIRE(load(a, second).is_ok());
  REQUIRE(write(b, second).is_ok());
  CHECK(file_bytes(a) == file_bytes(b));
  check(first, second);
  std::filesystem::remove(a);
  std::filesystem::remove(b);
}

template <typename T>
void check_reference(const std::optional<io::tv_reference<T>>& a, const std::optional<io::tv_reference<T>>& b)
{
  REQUIRE(a.has_value() == b.has_value());
  if (a) {
    CHECK(a->values == b->values);
    CHECK(a->shape == b->shape);
    CHECK(a->tolerance == b->tolerance);
  }
}

} // namespace

TEST_CASE("test-vector writers: the shipped UL-SCH and PUSCH grid vectors round-trip")
{
  round_trip<io::ulsch_coding_vector>(dir + "/ulsch/case_0.h5", io::load_ulsch_coding_vector,
                                      io::write_ulsch_coding_vector, [](const auto& a, const auto& b) {
                                        CHECK(a.tb_bits == b.tb_bits);
                                        CHECK(a.coded_bits == b.coded_bits);
                                        CHECK(a.scrambled_bits == b.scrambled_bits);
                                        CHECK(a.config.tbs == b.config.tbs);
                                        CHECK(a.config.target_code_rate == b.config.target_code_rate);
                                        CHECK(a.rnti == b.rnti);
                                        CHECK(a.source == b.source);
                                      });
  round_trip<io::pusch_vector>(dir + "/pusch/case_10.h5", io::load_pusch_vector, io::write_pusch_vector,
                               [](const auto& a, const auto& b) {
                                 CHECK(a.input == io::pusch_input::grid);
                                 CHECK(a.grid == b.grid);
                                 CHECK(a.tb_bits == b.tb_bits);
                                 CHECK(a.nof_ports == b.nof_ports);
                                 CHECK(a.pdu.tpmi == b.pdu.tpmi);
                                 CHECK(a.pdu.dmrs.ports == b.pdu.dmrs.ports);
                                 CHECK(a.pdu.precoding == b.pdu.precoding);
                               });
}

TEST_CASE("test-vector writers: generated time-domain PUSCH vectors with references round-trip")
{
  io::pusch_vector_spec spec;
  spec.carrier = {0, phy::cyclic_prefix::normal, 5, 12, 0, 12, 2.0e9};
  spec.pdu.nof_prb = 12;
  spec.pdu.mcs = 5;
  spec.nof_rx_ports = 2;
  spec.input = io::pusch_input::time_domain;
  spec.snr_db = 25.0;
  io::pusch_vector v;
  bool crc_ok = false;
  REQUIRE(io::generate_pusch_vector(spec, v, crc_ok).is_ok());
  CHECK(crc_ok);
  const std::string path = temp_path("time_domain.h5");
  REQUIRE(io::write_pusch_vector(path, v).is_ok());
  round_trip<io::pusch_vector>(path, io::load_pusch_vector, io::write_pusch_vector, [&v](const auto& a, const auto& b) {
    CHECK(a.input == io::pusch_input::time_domain);
    CHECK(a.samples == v.samples);
    CHECK(a.samples == b.samples);
    CHECK(a.fft_size == v.fft_size);
    CHECK(a.carrier.center_frequency_hz == 2.0e9);
    check_reference(a.channel_estimate, v.channel_estimate);
    check_reference(a.equalized_symbols, v.equalized_symbols);
    check_reference(a.llrs, v.llrs);
    check_reference(a.llrs, b.llrs);
  });
  std::filesystem::remove(path);
}

namespace {

/// A 24 PRB PUSCH with transform precoding (MCS Table 6.1.4.1-1, index mcs) received on 2 ports at snr_db.
io::pusch_vector_spec transform_precoding_spec(unsigned mcs, double snr_db)
{
  io::pusch_vector_spec spec;
  spec.carrier = {1, phy::cyclic_prefix::normal, 5, 24, 0, 24, 3.5e9};
  spec.pdu.nof_prb = 24;
  spec.pdu.transform_precoding = true;
  spec.pdu.table = phy::mcs_table::tp_qam64;
  spec.pdu.mcs = mcs;
  spec.nof_rx_ports = 2;
  spec.snr_db = snr_db;
  return spec;
}

/// The vector of spec, which must decode.
io::pusch_vector generate_decoded(const io::pusch_vector_spec& spec)
{
  io::pusch_vector v;
  bool crc_ok = false;
  REQUIRE(io::generate_pusch_vector(spec, v, crc_ok).is_ok());
  CHECK(crc_ok);
  return v;
}

} // namespace

TEST_CASE("test-vector writers: tp-pi2BPSK is written, read back, and absent means off")
{
  io::pusch_vector_spec spec = transform_precoding_spec(1, 10.0);
  spec.pdu.tp_pi2_bpsk = true;
  const io::pusch_vector v = generate_decoded(spec);
  const std::string path = temp_path("pi2_bpsk.h5");
  REQUIRE(io::write_pusch_vector(path, v).is_ok());
  round_trip<io::pusch_vector>(path, io::load_pusch_vector, io::write_pusch_vector, [](const auto& a, const auto& b) {
    CHECK(a.pdu.tp_pi2_bpsk);
    CHECK(b.pdu.tp_pi2_bpsk);
    CHECK(a.llrs->values.size() == b.llrs->values.size());
  });
  std::filesystem::remove(path);
  // The shipped vectors predate the attribute.
  io::pusch_vector shipped;
  REQUIRE(io::load_pusch_vector(dir + "/pusch/case_10.h5", shipped).is_ok());
  CHECK_FALSE(shipped.pdu.tp_pi2_bpsk);
}

TEST_CASE("test-vector writers: the low-PAPR DM-RS hopping is written, read back, and absent means neither")
{
  for (const auto hopping : {phy::low_papr_hopping::group, phy::low_papr_hopping::sequence}) {
    CAPTURE(static_cast<int>(hopping));
    io::pusch_vector_spec spec = transform_precoding_spec(12, 20.0);
    spec.pdu.slot = 3;
    spec.pdu.dmrs.n_id_rs = 77;
    spec.pdu.dmrs.group_or_sequence_hopping = hopping;
    const io::pusch_vector v = generate_decoded(spec);
    const std::string path = temp_path("low_papr_hopping.h5");
    REQUIRE(io::write_pusch_vector(path, v).is_ok());
    round_trip<io::pusch_vector>(path, io::load_pusch_vector, io::write_pusch_vector,
                                 [hopping](const auto& a, const auto& b) {
                                   CHECK(a.pdu.dmrs.group_or_sequence_hopping == hopping);
                                   CHECK(b.pdu.dmrs.group_or_sequence_hopping == hopping);
                                 });
    std::filesystem::remove(path);
  }
  // A value outside the enumeration is written as one that the reader rejects, naming the attribute.
  io::pusch_vector bad = generate_decoded(transform_precoding_spec(12, 20.0));
  bad.pdu.dmrs.group_or_sequence_hopping = static_cast<phy::low_papr_hopping>(7);
  const std::string bad_path = temp_path("bad_hopping.h5");
  REQUIRE(io::write_pusch_vector(bad_path, bad).is_ok());
  io::pusch_vector read_back;
  const status s = io::load_pusch_vector(bad_path, read_back);
  CHECK(s.message().find("dmrs_low_papr_hopping") != std::string::npos);
  std::filesystem::remove(bad_path);
  // The shipped vectors predate the attribute.
  io::pusch_vector shipped;
  REQUIRE(io::load_pusch_vector(dir + "/pusch/case_10.h5", shipped).is_ok());
  CHECK(shipped.pdu.dmrs.group_or_sequence_hopping == phy::low_papr_hopping::neither);
}

TEST_CASE("test-vector writers: every block-level kind round-trips")
{
  const std::string blocks = temp_path("blocks");
  std::vector<std::string> names;
  REQUIRE(io::generate_block_vectors(blocks, 7, names).is_ok());
  unsigned nof_kinds_seen = 0;
  for (const auto& name : names) {
    std::string kind;
    REQUIRE(io::read_testvector_kind(name, kind).is_ok());
    if (kind == "ldpc_decoder") {
      round_trip<io::ldpc_decoder_vector>(name, io::load_ldpc_decoder_vector, io::write_ldpc_decoder_vector,
                                          [](const auto& a, const auto& b) {
                                            CHECK(a.llrs == b.llrs);
                                            CHECK(a.info_bits == b.info_bits);
                                            CHECK(a.nof_iterations == b.nof_iterations);
                                          });
    } else if (kind == "rate_dematcher") {
      round_trip<io::rate_dematcher_vector>(name, io::load_rate_dematcher_vector, io::write_rate_dematcher_vector,
                                            [](const auto& a, const auto& b) {
                                              CHECK(a.llrs == b.llrs);
                                              CHECK(a.soft_buffer_in == b.soft_buffer_in);
                                              CHECK(a.soft_buffer == b.soft_buffer);
                                              CHECK(a.params.e == b.params.e);
                                            });
    } else if (kind == "soft_demapper") {
      round_trip<io::soft_demapper_vector>(name, io::load_soft_demapper_vector, io::write_soft_demapper_vector,
                                           [](const auto& a, const auto& b) {
                                             CHECK(a.symbols == b.symbols);
                                             CHECK(a.noise_var == b.noise_var);
                                             CHECK(a.llrs == b.llrs);
                                           });
    } else if (kind == "ofdm_demodulator") {
      round_trip<io::ofdm_demodulator_vector>(name, io::load_ofdm_demodulator_vector, io::write_ofdm_demodulator_vector,
                                              [](const auto& a, const auto& b) {
                                                CHECK(a.samples == b.samples);
                                                CHECK(a.grid == b.grid);
                                                CHECK(a.carrier.cp == b.carrier.cp);
                                              });
    } else if (kind == "channel_estimator") {
      round_trip<io::channel_estimator_vector>(name, io::load_channel_estimator_vector,
                                               io::write_channel_estimator_vector, [](const auto& a, const auto& b) {
                                                 CHECK(a.grid == b.grid);
                                                 CHECK(a.channel.values == b.channel.values);
                                                 CHECK(a.noise_variance.values == b.noise_variance.values);
                                                 CHECK(a.estimator == b.estimator);
                                               });
    } else {
      FAIL("unexpected kind " << kind);
    }
    ++nof_kinds_seen;
  }
  CHECK(nof_kinds_seen == names.size());
  CHECK(names.size() >= 5);
  std::filesystem::remove_all(blocks);
}

TEST_CASE("test-vector writers: a fronthaul vector and its capture round-trip")
{
  io::pusch_vector_spec spec;
  spec.carrier = {1, phy::cyclic_prefix::normal, 2, 12, 0, 12, 0.0};
  spec.pdu.slot = 11;
  spec.pdu.nof_prb = 12;
  spec.pdu.mcs = 9;
  spec.nof_rx_ports = 2;
  spec.input = io::pusch_input::fronthaul_pcap;
  spec.fronthaul.iq_width = 12;
  spec.fronthaul.eaxc_base = 0x120;
  spec.snr_db = 30.0;
  io::pusch_vector v;
  bool crc_ok = false;
  REQUIRE(io::generate_pusch_vector(spec, v, crc_ok).is_ok());
  CHECK(crc_ok);
  CHECK_FALSE(v.channel_estimate.has_value());
  const std::string directory = temp_path("fronthaul");
  std::filesystem::create_directories(directory);
  v.pcap_file = "capture.pcap";
  REQUIRE(io::write_pusch_capture(directory + "/capture.pcap", v).is_ok());
  REQUIRE(io::write_pusch_vector(directory + "/vector.h5", v).is_ok());

  io::pusch_vector read;
  REQUIRE(io::load_pusch_vector(directory + "/vector.h5", read).is_ok());
  CHECK(read.input == io::pusch_input::fronthaul_pcap);
  CHECK(read.pcap_file == "capture.pcap");
  CHECK(std::filesystem::equivalent(read.pcap_path, directory + "/capture.pcap"));
  CHECK(read.fronthaul.iq_width == 12);
  CHECK(read.fronthaul.eaxc_base == 0x120);
  CHECK(read.fronthaul.block_floating_point);
  CHECK(read.fronthaul.iq_scale == spec.fronthaul.iq_scale);
  CHECK(read.tb_bits == v.tb_bits);
  CHECK(read.nof_ports == 2);
  // The capture gives back the grid up to the 12-bit block floating point quantization (about 2^-11 of each PRB's
  // peak).
  std::vector<cf_t> grid;
  REQUIRE(io::pusch_vector_grid(read, grid).is_ok());
  const double error = io::max_relative_error(std::span<const cf_t>(grid), std::span<const cf_t>(v.grid));
  CHECK(error < 2e-3);
  CHECK(error > 0.0);

  // Another slot number, or no capture: errors naming the capture.
  read.pdu.slot = 12;
  CHECK(io::pusch_vector_grid(read, grid).message().find("no complete slot 12 in the capture") != std::string::npos);
  std::filesystem::remove(directory + "/capture.pcap");
  CHECK(io::pusch_vector_grid(read, grid).message().find("capture.pcap") != std::string::npos);
  // A BWP narrower than the carrier cannot be carried.
  spec.carrier.nof_prb = 24;
  CHECK(io::generate_pusch_vector(spec, v, crc_ok).message().find("the BWP must span it") != std::string::npos);
  std::filesystem::remove_all(directory);
}

namespace {

/// A soft demapper vector written field by field, with one field left out or replaced.
struct soft_demapper_file {
  uint32_t schema_version = io::testvector_schema_version;
  std::string kind = "soft_demapper";
  bool with_llrs = true;
  std::size_t nof_noise_var = 4;
  bool symbols_as_bytes = false;
  std::string modulation = "qpsk";

  std::string write(const std::string& name) const
  {
    const std::string path = temp_path(name);
    io::hdf5_writer w;
    REQUIRE(io::hdf5_writer::create(path, w).is_ok());
    CHECK(w.write_attribute("schema_version", schema_version).is_ok());
    CHECK(w.write_attribute("kind", kind).is_ok());
    CHECK(w.write_attribute("source", "test").is_ok());
    CHECK(w.write_attribute("modulation", modulation).is_ok());
    CHECK(w.write_attribute("nof_symbols", uint32_t{4}).is_ok());
    CHECK(w.write_attribute("llrs_tolerance", 1e-4).is_ok());
    const std::vector<float> symbols(8, 0.5F);
    if (symbols_as_bytes) {
      CHECK(w.write_dataset("symbols", std::vector<uint8_t>(8, 1), {4, 2}).is_ok());
    } else {
      CHECK(w.write_dataset("symbols", symbols, {4, 2}).is_ok());
    }
    CHECK(w.write_dataset("noise_var", std::vector<float>(nof_noise_var, 0.1F), {nof_noise_var}).is_ok());
    if (with_llrs) {
      CHECK(w.write_dataset("llrs", std::vector<float>(8, 1.0F), {8}).is_ok());
    }
    CHECK(w.close().is_ok());
    return path;
  }
};

std::string load_error(const soft_demapper_file& file)
{
  const std::string path = file.write("malformed.h5");
  io::soft_demapper_vector v;
  const status s = io::load_soft_demapper_vector(path, v);
  std::filesystem::remove(path);
  return s.message();
}

bool contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("test-vector readers: unknown schema version, kind, missing and malformed datasets name the problem")
{
  const soft_demapper_file good;
  CHECK(load_error(good).empty());

  soft_demapper_file f = good;
  f.schema_version = 2;
  CHECK(contains(load_error(f), "schema_version 2 is not supported (this airan reads 1)"));
  f = good;
  f.kind = "soft_mapper";
  CHECK(contains(load_error(f), "kind 'soft_mapper', expected 'soft_demapper'"));
  f = good;
  f.with_llrs = false;
  CHECK(contains(load_error(f), "missing dataset 'llrs'"));
  f = good;
  f.nof_noise_var = 5;
  CHECK(contains(load_error(f), "dataset 'noise_var' has shape [5] (5 values), more than the 4 expected"));
  f = good;
  f.symbols_as_bytes = true;
  CHECK(contains(load_error(f), "dataset 'symbols' is not a floating-point array"));
  f = good;
  f.modulation = "qam1024";
  CHECK(contains(load_error(f), "attribute 'modulation' is 'qam1024', expected one of pi2_bpsk, qpsk"));

  // A PUSCH vector whose grid covers half the BWP.
  io::pusch_vector v;
  REQUIRE(io::load_pusch_vector(dir + "/pusch/case_00.h5", v).is_ok());
  v.nof_subcarriers /= 2;
  v.grid.resize(v.grid.size() / 2);
  const std::string path = temp_path("bad_grid.h5");
  REQUIRE(io::write_pusch_vector(path, v).is_ok());
  status s = io::load_pusch_vector(path, v);
  CHECK(contains(s.message(), "dataset 'grid' must hold 14 symbols of 480 subcarriers"));

  // Bits other than 0 and 1, and a transport block shorter than tbs.
  REQUIRE(io::load_pusch_vector(dir + "/pusch/case_00.h5", v).is_ok());
  v.tb_bits[5] = 2;
  REQUIRE(io::write_pusch_vector(path, v).is_ok());
  s = io::load_pusch_vector(path, v);
  CHECK(contains(s.message(), "dataset 'tb_bits' holds values other than 0 and 1"));
  v.tb_bits.pop_back();
  REQUIRE(io::write_pusch_vector(path, v).is_ok());
  s = io::load_pusch_vector(path, v);
  CHECK(contains(s.message(), "dataset 'tb_bits' has shape [" + std::to_string(v.tbs - 1) + "], expected [" +
                                  std::to_string(v.tbs) + "]"));
  std::filesystem::remove(path);
}
