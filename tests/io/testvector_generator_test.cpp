// Test-vector generator: deterministic given its seeds, time-domain and grid inputs describe the same signal, the
// generated PUSCH vectors decode.
#include "airan/io/testvector_generator.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

using namespace airan;

namespace {

std::string temp_path(const std::string& name)
{
  // The process id keeps test processes running in parallel apart.
  const std::string prefix = "airan_tv_generator_" + std::to_string(getpid()) + "_";
  return (std::filesystem::temp_directory_path() / (prefix + name)).string();
}

std::string file_bytes(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// 16 PRB BWP at PRB 4 of a 24 PRB carrier at 30 kHz, 2 rx ports, 16QAM, TDL-A 30 ns fading at 25 dB.
io::pusch_vector_spec faded_spec(io::pusch_input input)
{
  io::pusch_vector_spec spec;
  spec.carrier = {1, phy::cyclic_prefix::normal, 11, 24, 4, 16, 3.5e9};
  spec.pdu.rnti = 1234;
  spec.pdu.slot = 5;
  spec.pdu.prb_start = 2;
  spec.pdu.nof_prb = 12;
  spec.pdu.mcs = 12;
  spec.nof_rx_ports = 2;
  spec.input = input;
  phy::tdl_channel_config fading;
  fading.model = phy::tdl_model::tdla30;
  fading.max_doppler_hz = 10.0;
  spec.fading = fading;
  spec.snr_db = 25.0;
  spec.seed = 99;
  spec.payload_seed = 3;
  return spec;
}

io::pusch_vector generate(const io::pusch_vector_spec& spec, bool& crc_ok)
{
  io::pusch_vector v;
  const status s = io::generate_pusch_vector(spec, v, crc_ok);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  return v;
}

} // namespace

TEST_CASE("test-vector generator: two runs of one spec write identical files, other seeds change the data")
{
  for (const auto input : {io::pusch_input::grid, io::pusch_input::time_domain}) {
    CAPTURE(static_cast<int>(input));
    const auto spec = faded_spec(input);
    bool crc_ok = false;
    const auto first = generate(spec, crc_ok);
    const auto second = generate(spec, crc_ok);
    const std::string a = temp_path("a.h5");
    const std::string b = temp_path("b.h5");
    REQUIRE(io::write_pusch_vector(a, first).is_ok());
    REQUIRE(io::write_pusch_vector(b, second).is_ok());
    CHECK(file_bytes(a) == file_bytes(b));
    CHECK(first.grid == second.grid);
    CHECK(first.samples == second.samples);

    auto other = spec;
    other.seed = 100;
    const auto reseeded = generate(other, crc_ok);
    CHECK(reseeded.tb_bits == first.tb_bits);
    CHECK((input == io::pusch_input::grid ? reseeded.grid != first.grid : reseeded.samples != first.samples));
    other = spec;
    other.payload_seed = 4;
    CHECK(generate(other, crc_ok).tb_bits != first.tb_bits);
    std::filesystem::remove(a);
    std::filesystem::remove(b);
  }
}

TEST_CASE("test-vector generator: block-level vectors are identical for one seed")
{
  std::vector<std::string> first;
  std::vector<std::string> second;
  REQUIRE(io::generate_block_vectors(temp_path("blocks_a"), 5, first).is_ok());
  REQUIRE(io::generate_block_vectors(temp_path("blocks_b"), 5, second).is_ok());
  REQUIRE(first.size() == second.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    CAPTURE(first[i]);
    CHECK(file_bytes(first[i]) == file_bytes(second[i]));
  }
  std::vector<std::string> other;
  REQUIRE(io::generate_block_vectors(temp_path("blocks_c"), 6, other).is_ok());
  CHECK(file_bytes(other[0]) != file_bytes(first[0]));
  for (const char* d : {"blocks_a", "blocks_b", "blocks_c"}) {
    std::filesystem::remove_all(temp_path(d));
  }
}

TEST_CASE("test-vector generator: a time-domain vector demodulates to the grid vector of the same signal")
{
  // Static channel, no noise: the OFDM modulator before the channel and the demodulator in pusch_vector_grid() must
  // give back the transmitted BWP grid, wherever the BWP sits in the carrier.
  auto spec = faded_spec(io::pusch_input::grid);
  spec.fading.reset();
  spec.snr_db.reset();
  bool crc_ok = false;
  const auto grid = generate(spec, crc_ok);
  CHECK(crc_ok);
  spec.input = io::pusch_input::time_domain;
  const auto time = generate(spec, crc_ok);
  CHECK(crc_ok);
  CHECK(time.fft_size == 512);
  // One 0.5 ms slot at 512 x 30 kHz = 15.36 MHz: 7680 samples per port.
  CHECK(time.samples.size() == 2 * 7680);
  std::vector<cf_t> demodulated;
  REQUIRE(io::pusch_vector_grid(time, demodulated).is_ok());
  CHECK(io::max_relative_error(std::span<const cf_t>(demodulated), std::span<const cf_t>(grid.grid)) < 1e-5);
}

TEST_CASE("test-vector generator: faded vectors decode and carry references of the documented shapes")
{
  for (const auto input : {io::pusch_input::grid, io::pusch_input::time_domain}) {
    bool crc_ok = false;
    const auto v = generate(faded_spec(input), crc_ok);
    CHECK(crc_ok);
    REQUIRE(v.channel_estimate);
    CHECK(v.channel_estimate->shape == std::vector<std::size_t>{2, 1, 14, 12 * 12});
    REQUIRE(v.equalized_symbols);
    REQUIRE(v.llrs);
    // 16QAM: four LLRs per equalized symbol.
    CHECK(v.llrs->values.size() == 4 * v.equalized_symbols->values.size());
    CHECK(v.llrs->tolerance == io::llr_reference_tolerance);
  }
  auto bad = faded_spec(io::pusch_input::grid);
  bad.nof_rx_ports = 0;
  io::pusch_vector v;
  bool crc_ok = false;
  CHECK(io::generate_pusch_vector(bad, v, crc_ok).message().find("receive ports") != std::string::npos);
  bad = faded_spec(io::pusch_input::fronthaul_pcap);
  CHECK_FALSE(io::generate_pusch_vector(bad, v, crc_ok).is_ok());
}
