#pragma once
/// Link simulation of one slot in the time domain: every PDU of a scenario is
/// transmitted by its own UE (phy::pusch_transmitter, OFDM modulation), passes
/// its own channel realisation (AWGN or phy::tdl_channel), carrier frequency
/// offset and timing offset, the UEs' signals add up at the gNB antennas with
/// white Gaussian noise, and the gNB demodulates the slot and decodes each PDU
/// with phy::pusch_receiver (HARQ soft combining in its buffers).
///
/// SNR: per resource element and receive antenna (phy/channel/impairments.h),
/// against the mean over the PDUs of the average signal power per RE of the
/// allocation at one receive antenna (the TDL channel has unit average power;
/// for AWGN receive port r sees transmit port r mod P). That power is measured
/// once per PDU at creation.
///
/// Timing: the channel's own output latency (windowed-sinc delays) is removed,
/// so the first TDL path arrives with the slot unless the scenario sets a
/// timing offset. The slot is transmitted as one burst: nothing precedes it.

#include "sim/scenario.h"

#include "airan/common/complex.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/pusch/pusch_receiver.h"

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <vector>

namespace airan::sim {

/// A seed for one stream of random numbers from a base seed and indices (e.g.
/// SNR point, slot, transmission): a SplitMix64 mix of each index into the
/// state, so that distinct index tuples give independent-looking streams and
/// the same tuple always gives the same seed, whatever process or thread
/// computes it.
uint64_t derive_seed(uint64_t seed,
                     std::initializer_list<uint64_t> indices) noexcept;

class link_simulator {
public:
  /// Requires a scenario from parse_scenario(). Allocates everything
  /// (transmitter, OFDM, receiver with one HARQ process per PDU).
  link_simulator(const scenario &sc, phy::channel_estimator_kind estimator);
  ~link_simulator();
  link_simulator(const link_simulator &) = delete;
  link_simulator &operator=(const link_simulator &) = delete;

  unsigned nof_pdus() const noexcept {
    return static_cast<unsigned>(scenario_.pdus.size());
  }
  /// Transport block size of PDU i, bits.
  unsigned tbs(unsigned pdu) const noexcept { return tbs_[pdu]; }
  /// Reference signal power per RE and receive antenna that the SNR is stated
  /// against.
  double signal_power() const noexcept { return signal_power_; }

  /// New random contents of every PDU's transport block.
  void draw_payloads(uint64_t seed);
  std::span<const uint8_t> payload(unsigned pdu) const noexcept {
    return payloads_[pdu];
  }

  /// Transmits the PDUs with active[i] set, PDU i with redundancy version
  /// rvs[i], through channel realisations and noise drawn from channel_seed, at
  /// snr_db; the result is received_grid(). Inactive PDUs send nothing.
  void transmit(std::span<const bool> active, std::span<const unsigned> rvs,
                double snr_db, uint64_t channel_seed);

  /// The received slot after OFDM demodulation: [rx port][symbol][subcarrier of
  /// the carrier].
  phy::const_grid_view received_grid() const noexcept;

  /// Decodes PDU i from received_grid() with redundancy version rv; new_data
  /// false combines with what the PDU's HARQ process holds from earlier calls.
  /// delivered: CRC pass and the bytes equal the payload.
  phy::pusch_rx_result receive(unsigned pdu, unsigned rv, bool new_data,
                               bool &delivered);

private:
  struct impl;
  scenario scenario_;
  std::vector<unsigned> tbs_;
  std::vector<std::vector<uint8_t>> payloads_;
  double signal_power_ = 1.0;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::sim
