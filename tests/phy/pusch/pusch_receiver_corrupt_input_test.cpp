// The PUSCH receiver on corrupt received values (a broken test vector or radio): NaN, infinity and huge values in the
// grid keep every reported measurement finite and never pass a CRC they should not, a non-finite pilot does not take
// the timing and frequency estimates of every port with it, and no signal reads as the lowest SNR. (Fixed-point
// fronthaul formats cannot carry NaN or infinity; float test vectors can.)
#include "airan/phy/channel/impairments.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_receiver.h"
#include "airan/phy/pusch/pusch_transmitter.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

constexpr unsigned nof_prb = 24;
constexpr std::size_t port_size = std::size_t{14} * 12 * nof_prb;

carrier_config test_carrier()
{
  carrier_config carrier;
  carrier.nof_prb = nof_prb;
  carrier.bwp_size = nof_prb;
  return carrier;
}

/// One layer (DM-RS on symbols 2 and 11, type 1: subcarrier 0 carries DM-RS), with or without transform precoding,
/// received on two ports, each the transmitted signal plus noise 30 dB below it.
struct two_port_slot {
  pusch_pdu pdu;
  std::vector<uint8_t> tb;
  std::vector<cf_t> grid;

  explicit two_port_slot(bool transform_precoding = false)
  {
    pdu.nof_prb = nof_prb;
    pdu.table = transform_precoding ? mcs_table::tp_qam64 : mcs_table::qam64;
    pdu.mcs = 16;
    pdu.dmrs.additional_position = 1;
    pdu.transform_precoding = transform_precoding;
    std::mt19937 rng(3);
    tb.resize(pusch_tbs(pdu, test_carrier()) / 8);
    for (auto& b : tb) {
      b = static_cast<uint8_t>(rng());
    }
    std::vector<cf_t> sent(port_size);
    pusch_transmitter tx(nof_prb, 1);
    tx.transmit({sent.data(), 1, 14, 12 * nof_prb}, tb, pdu, test_carrier());
    grid.resize(2 * port_size);
    awgn_generator noise(4);
    for (unsigned port = 0; port != 2; ++port) {
      const std::span<cf_t> row(grid.data() + port * port_size, port_size);
      std::copy(sent.begin(), sent.end(), row.begin());
      noise.add(row, 1e-3F);
    }
  }

  cf_t& re(unsigned port, unsigned symbol, unsigned subcarrier)
  {
    return grid[port * port_size + std::size_t{symbol} * 12 * nof_prb + subcarrier];
  }
};

pusch_rx_result receive(pusch_receiver& rx, two_port_slot& slot, std::vector<uint8_t>& decoded)
{
  REQUIRE(rx.validate(slot.pdu, test_carrier(), 2).is_ok());
  decoded.assign(slot.tb.size(), 0);
  return rx.receive(decoded, {slot.grid.data(), 2, 14, 12 * nof_prb}, slot.pdu, test_carrier());
}

void check_finite(const pusch_rx_result& r)
{
  CHECK(std::isfinite(r.time_offset_s));
  CHECK(std::isfinite(r.cfo_hz));
  CHECK(std::isfinite(r.dmrs_snr_db));
  CHECK(std::isfinite(r.sinr_db));
  CHECK(std::isfinite(r.evm_percent));
}

} // namespace

TEST_CASE("PUSCH receiver: one non-finite DM-RS value or a port of NaN keeps the measurements finite")
{
  // One bad pilot: the LS and LMMSE estimates stay local to it and the block decodes; the DFT estimate spreads it
  // over the port (the block may be lost, never passed wrongly). A port of NaN loses the block: every RE reads it.
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  constexpr float inf = std::numeric_limits<float>::infinity();
  for (const auto estimator :
       {channel_estimator_kind::ls_linear, channel_estimator_kind::dft, channel_estimator_kind::lmmse}) {
    for (const int corruption : {0, 1, 2}) {
      CAPTURE(static_cast<int>(estimator));
      CAPTURE(corruption);
      two_port_slot slot;
      if (corruption == 0) {
        slot.re(0, 2, 0) = {nan, 0.0F};
      } else if (corruption == 1) {
        slot.re(0, 11, 0) = {inf, -inf};
      } else {
        std::fill_n(slot.grid.begin(), port_size, cf_t{nan, nan});
      }
      pusch_receiver rx({nof_prb, 2, 1, 1, estimator, equalizer_kind::mmse, {}});
      std::vector<uint8_t> decoded;
      const auto result = receive(rx, slot, decoded);
      check_finite(result);
      if (corruption != 2 && estimator != channel_estimator_kind::dft) {
        CHECK(result.tb_crc_ok);
      }
      if (result.tb_crc_ok) {
        CHECK(decoded == slot.tb);
      }
    }
  }
}

TEST_CASE("PUSCH receiver: a huge data value gives a large, finite EVM")
{
  two_port_slot slot;
  slot.re(0, 5, 7) = {1e30F, -1e30F};
  slot.re(1, 5, 7) = {1e30F, -1e30F};
  pusch_receiver rx({nof_prb, 2, 1, 1, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
  std::vector<uint8_t> decoded;
  const auto result = receive(rx, slot, decoded);
  check_finite(result);
  CHECK(result.evm_percent > 10.0F);
  CHECK(result.tb_crc_ok);
}

TEST_CASE("PUSCH receiver: with transform precoding, one NaN data RE costs its share of the symbol, not the block")
{
  for (const bool both_ports : {false, true}) {
    CAPTURE(both_ports);
    two_port_slot slot(true);
    slot.re(0, 5, 7) = {std::numeric_limits<float>::quiet_NaN(), 0.0F};
    if (both_ports) {
      slot.re(1, 5, 7) = {0.0F, std::numeric_limits<float>::quiet_NaN()};
    }
    pusch_receiver rx({nof_prb, 2, 1, 1, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
    std::vector<uint8_t> decoded;
    const auto result = receive(rx, slot, decoded);
    check_finite(result);
    CHECK(result.tb_crc_ok);
    CHECK(decoded == slot.tb);
  }
}

TEST_CASE("PUSCH receiver: no signal reads as the lowest DM-RS SNR, a dead port as the lowest of its port")
{
  two_port_slot slot;
  pusch_receiver rx({nof_prb, 2, 1, 1, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
  std::vector<uint8_t> decoded;
  const float both = receive(rx, slot, decoded).dmrs_snr_db;
  CHECK(both > 25.0F);
  CHECK(both < 35.0F);

  // Port 0 silent: the mean over ports is halfway between -40 dB and port 1's SNR.
  std::fill_n(slot.grid.begin(), port_size, cf_t{});
  const auto one_dead = receive(rx, slot, decoded);
  CHECK(one_dead.tb_crc_ok);
  CHECK(one_dead.dmrs_snr_db == doctest::Approx((both - 40.0F) / 2).epsilon(0.05));

  std::fill(slot.grid.begin(), slot.grid.end(), cf_t{});
  const auto silent = receive(rx, slot, decoded);
  CHECK_FALSE(silent.tb_crc_ok);
  CHECK(silent.dmrs_snr_db == doctest::Approx(-40.0F));
  check_finite(silent);
}
