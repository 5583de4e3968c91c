// UL-SCH chain behaviour: validation, HARQ soft combining across redundancy versions, noisy decoding.
#include "airan/phy/coding/segmentation.h"
#include "airan/phy/modulation/modulation.h"
#include "airan/phy/ulsch/ulsch_decoder.h"
#include "airan/phy/ulsch/ulsch_encoder.h"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

/// QPSK over AWGN at snr_db (Es/N0): returns int8 LLRs of the codeword bits.
std::vector<int8_t> qpsk_awgn(const std::vector<uint8_t>& bits, double snr_db, std::mt19937& rng)
{
  std::vector<cf_t> symbols(bits.size() / 2);
  modulate(symbols, bits, modulation_scheme::qpsk);
  const float n0 = static_cast<float>(std::pow(10.0, -snr_db / 10.0));
  std::normal_distribution<float> noise(0.0f, std::sqrt(n0 / 2));
  for (auto& s : symbols) {
    s += cf_t(noise(rng), noise(rng));
  }
  std::vector<float> noise_var(symbols.size(), n0);
  std::vector<int8_t> llrs(bits.size());
  demodulate_soft(llrs, symbols, noise_var, modulation_scheme::qpsk);
  return llrs;
}

std::vector<uint8_t> random_tb(unsigned tbs, std::mt19937& rng)
{
  std::vector<uint8_t> tb(tbs / 8);
  for (auto& b : tb) {
    b = static_cast<uint8_t>(rng());
  }
  return tb;
}

/// The codeword of tb, encoded with config, as confident noise-free LLRs.
std::vector<int8_t> noise_free_llrs(ulsch_encoder& encoder, const std::vector<uint8_t>& tb, const ulsch_config& config)
{
  std::vector<uint8_t> cw(config.nof_coded_bits);
  encoder.encode(cw, tb, config);
  std::vector<int8_t> llrs(cw.size());
  for (std::size_t i = 0; i < cw.size(); ++i) {
    llrs[i] = cw[i] ? -100 : 100;
  }
  return llrs;
}

} // namespace

TEST_CASE("UL-SCH: invalid configurations are rejected with a message, never crash")
{
  ulsch_encoder encoder;
  ulsch_decoder decoder(100000, 2, ldpc_decoder_config{});
  const ulsch_config good{8456, 0.5f, 2, 1, 17000, 0, std::nullopt};
  CHECK(encoder.validate(good).is_ok());
  CHECK(decoder.validate(good, 0).is_ok());

  auto bad = good;
  bad.nof_coded_bits = 8000; // rate above 0.95
  CHECK(encoder.validate(bad).message().find("0.95") != std::string::npos);
  bad = good;
  bad.tbs = 8457; // not a multiple of 8
  CHECK_FALSE(encoder.validate(bad).is_ok());
  bad = good;
  bad.modulation_order = 3;
  CHECK_FALSE(encoder.validate(bad).is_ok());
  bad = good;
  bad.rv = 4;
  CHECK_FALSE(encoder.validate(bad).is_ok());
  bad = good;
  bad.nof_layers = 5;
  CHECK_FALSE(encoder.validate(bad).is_ok());
  bad = good;
  bad.tbs = 200000; // above the decoder's maximum
  CHECK_FALSE(decoder.validate(bad, 0).is_ok());
  CHECK_FALSE(decoder.validate(good, 2).is_ok()); // no such HARQ process
}

TEST_CASE("UL-SCH: HARQ combining of RV0 and RV2 recovers blocks that neither transmission decodes alone")
{
  // R about 0.85 per transmission with QPSK: at 2 dB each alone is far below threshold, combined they are not.
  const unsigned tbs = 8456;
  ulsch_config config{tbs, 0.85f, 2, 1, 10000, 0, std::nullopt};
  ulsch_encoder encoder;
  ulsch_decoder decoder(tbs, 1, ldpc_decoder_config{10, true});
  std::mt19937 rng(2024);
  const unsigned nof_trials = 20;
  unsigned rv0_alone = 0;
  unsigned rv2_alone = 0;
  unsigned combined = 0;
  unsigned rescued = 0;
  std::vector<uint8_t> out(tbs / 8);
  for (unsigned t = 0; t < nof_trials; ++t) {
    const auto tb = random_tb(tbs, rng);
    std::vector<uint8_t> cw0(config.nof_coded_bits);
    std::vector<uint8_t> cw2(config.nof_coded_bits);
    config.rv = 0;
    encoder.encode(cw0, tb, config);
    config.rv = 2;
    encoder.encode(cw2, tb, config);
    const auto llr0 = qpsk_awgn(cw0, 2.0, rng);
    const auto llr2 = qpsk_awgn(cw2, 2.0, rng);

    config.rv = 0;
    const bool ok0 = decoder.decode(out, llr0, config, 0, true).tb_crc_ok && out == tb;
    config.rv = 2;
    const bool ok2 = decoder.decode(out, llr2, config, 0, true).tb_crc_ok && out == tb;
    config.rv = 0;
    (void)decoder.decode(out, llr0, config, 0, true);
    config.rv = 2;
    const bool ok02 = decoder.decode(out, llr2, config, 0, false).tb_crc_ok && out == tb;
    rv0_alone += ok0 ? 1 : 0;
    rv2_alone += ok2 ? 1 : 0;
    combined += ok02 ? 1 : 0;
    rescued += (!ok0 && !ok2 && ok02) ? 1 : 0;
  }
  CHECK(rv0_alone <= 2);
  CHECK(rv2_alone <= 2);
  CHECK(combined >= nof_trials - 2);
  CHECK(rescued >= nof_trials - 4);
}

TEST_CASE("UL-SCH: BLER falls with SNR over AWGN (QPSK, R about 1/2, several code blocks)")
{
  const unsigned tbs = 20496; // three BG1 code blocks
  const ulsch_config config{tbs, 0.5f, 2, 1, 41472, 0, std::nullopt};
  ulsch_encoder encoder;
  ulsch_decoder decoder(tbs, 1, ldpc_decoder_config{});
  REQUIRE(decoder.validate(config, 0).is_ok());
  std::mt19937 rng(99);
  std::vector<uint8_t> out(tbs / 8);
  auto errors_at = [&](double snr_db) {
    unsigned errors = 0;
    for (unsigned t = 0; t < 20; ++t) {
      const auto tb = random_tb(tbs, rng);
      std::vector<uint8_t> cw(config.nof_coded_bits);
      encoder.encode(cw, tb, config);
      const auto llrs = qpsk_awgn(cw, snr_db, rng);
      errors += (decoder.decode(out, llrs, config, 0, true).tb_crc_ok && out == tb) ? 0 : 1;
    }
    return errors;
  };
  // Shannon limit for 1 bit per QPSK symbol is 0 dB; a practical LDPC needs about 1.5 dB for low BLER.
  CHECK(errors_at(-2.0) == 20);
  CHECK(errors_at(4.0) == 0);
  CHECK(errors_at(6.0) == 0);
}

TEST_CASE("UL-SCH: per code block results, and all-zero LLRs (nothing received) fail instead of passing the CRC")
{
  // The all-zero codeword is a valid LDPC codeword with valid CRCs: a decoder that ran on zero LLRs would report it.
  const unsigned tbs = 20496; // three BG1 code blocks
  const ulsch_config config{tbs, 0.5f, 2, 1, 41472, 0, std::nullopt};
  ulsch_encoder encoder;
  ulsch_decoder decoder(tbs, 1, ldpc_decoder_config{});
  std::mt19937 rng(5);
  const auto tb = random_tb(tbs, rng);
  auto llrs = noise_free_llrs(encoder, tb, config);
  std::vector<uint8_t> out(tbs / 8);
  std::vector<ulsch_cb_result> cbs(4, {false, 99});
  auto r = decoder.decode(out, llrs, config, 0, true, cbs);
  CHECK(r.tb_crc_ok);
  CHECK(out == tb);
  REQUIRE(r.nof_cbs == 3);
  for (unsigned c = 0; c < 3; ++c) {
    CHECK(cbs[c].crc_ok);
    CHECK(cbs[c].nof_iterations >= 1);
    CHECK(cbs[c].nof_iterations <= r.max_iterations);
  }
  CHECK(cbs[3].nof_iterations == 99); // beyond C: untouched

  // Code block 1 erased: it fails, the others pass, the TB fails.
  std::fill(llrs.begin() + 41472 / 3, llrs.begin() + 2 * 41472 / 3, int8_t{0});
  r = decoder.decode(out, llrs, config, 0, true, cbs);
  CHECK_FALSE(r.tb_crc_ok);
  CHECK(r.nof_cb_crc_ok == 2);
  CHECK(cbs[0].crc_ok);
  CHECK_FALSE(cbs[1].crc_ok);
  CHECK(cbs[1].nof_iterations == 0);
  CHECK(cbs[2].crc_ok);

  // Nothing received at all.
  std::fill(llrs.begin(), llrs.end(), int8_t{0});
  r = decoder.decode(out, llrs, config, 0, true, cbs);
  CHECK_FALSE(r.tb_crc_ok);
  CHECK(r.nof_cb_crc_ok == 0);
  CHECK(r.nof_cbs_decoded == 0);

  // A single code block of zeros.
  const ulsch_config small{1024, 0.5f, 2, 1, 2400, 0, std::nullopt};
  std::vector<int8_t> zeros(small.nof_coded_bits, 0);
  std::vector<uint8_t> small_out(small.tbs / 8);
  r = decoder.decode(small_out, zeros, small, 0, true, cbs);
  CHECK(r.nof_cbs == 1);
  CHECK_FALSE(r.tb_crc_ok);
  CHECK_FALSE(cbs[0].crc_ok);
}

TEST_CASE("UL-SCH: a decoder sized for a TBS holds every code block of it, base graph 2 included")
{
  // TBS 8064 at R = 120/1024 (QPSK, 4 layers, 55 PRB of 156 data REs): base graph 2, three code blocks, where base
  // graph 1 would need one.
  const ulsch_config config{8064, 120.0f / 1024, 2, 4, 55 * 156 * 2 * 4, 0, std::nullopt};
  REQUIRE(select_ldpc_base_graph(config.tbs, config.target_code_rate) == ldpc_base_graph::bg2);
  ulsch_encoder encoder(config.tbs);
  ulsch_decoder decoder(config.tbs, 1, ldpc_decoder_config{});
  REQUIRE(encoder.validate(config).is_ok());
  CHECK(decoder.validate(config, 0).is_ok());
  std::mt19937 rng(8);
  const auto tb = random_tb(config.tbs, rng);
  auto llrs = noise_free_llrs(encoder, tb, config);
  std::vector<uint8_t> out(config.tbs / 8);
  const auto r = decoder.decode(out, llrs, config, 0, true, {});
  CHECK(r.nof_cbs == 3);
  CHECK(r.tb_crc_ok);
  CHECK(out == tb);
}

TEST_CASE("UL-SCH: a decode that ends on the all-zero word without converging fails, though every CRC holds on it")
{
  // Initial transmissions of RV 1, 2 and 3 at a high code rate carry too few systematic bits to decode alone; the
  // decoder leaves what it cannot resolve at 0, and the all-zero word passes the CRCs (zero initial value).
  std::mt19937 rng(9);
  ulsch_encoder encoder;
  ulsch_decoder decoder(max_transport_block_size, 1, ldpc_decoder_config{});
  unsigned nof_false_passes = 0;
  unsigned nof_cases = 0;
  for (const unsigned tbs : {888U, 1928U, 11528U}) {
    for (const unsigned rv : {1U, 2U, 3U}) {
      const unsigned g = (tbs + 24) * 8 / 7 / 48 * 48 + 48; // R about 7/8
      const ulsch_config config{tbs, 0.9f, 6, 1, g, rv, std::nullopt};
      REQUIRE(encoder.validate(config).is_ok());
      const auto tb = random_tb(tbs, rng);
      const auto llrs = noise_free_llrs(encoder, tb, config);
      std::vector<uint8_t> out(tbs / 8, 0xee);
      const auto r = decoder.decode(out, llrs, config, 0, true, {});
      CAPTURE(tbs);
      CAPTURE(rv);
      ++nof_cases;
      // Either the block was recovered, or the decoder says it was not.
      if (r.tb_crc_ok) {
        CHECK(out == tb);
        nof_false_passes += out == tb ? 0 : 1;
      }
    }
  }
  CHECK(nof_cases == 9);
  CHECK(nof_false_passes == 0);
}
