#pragma once
/// Link-level simulation scenario: a carrier, the PUSCH PDUs of one slot, the
/// receive antennas, the propagation channel and the SNR points. Read from YAML
/// (format: testvectors/SCENARIO.md) by the command-line tools; the PHY never
/// sees YAML.

#include "airan/common/status.h"
#include "airan/phy/channel/delay_interpolation.h"
#include "airan/phy/channel/mimo_correlation.h"
#include "airan/phy/channel/tdl_profiles.h"
#include "airan/phy/pusch/pusch_pdu.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace airan::sim {

enum class channel_kind : uint8_t {
  /// Static, flat and noise-free apart from the AWGN: receive port r sees
  /// transmit port r mod P (P transmit ports).
  awgn,
  /// Tapped delay line fading, phy::tdl_channel (TR 38.901 7.7.2, TS 38.104
  /// Annex G).
  tdl,
};

/// Propagation between each UE and the gNB, and the impairments of each UE's
/// signal.
struct channel_scenario {
  channel_kind kind = channel_kind::awgn;
  /// TDL only: model, RMS delay spread (0 for the TS 38.104 presets), maximum
  /// Doppler, spatial correlation.
  phy::tdl_model model = phy::tdl_model::tdla30;
  double delay_spread_s = 0.0;
  double max_doppler_hz = 0.0;
  phy::mimo_correlation correlation = phy::mimo_correlation::low;
  /// Carrier frequency offset of the UE's signal at the receiver, Hz.
  double cfo_hz = 0.0;
  /// Arrival time of the UE's signal relative to the receiver's slot timing,
  /// seconds (positive: late).
  double timing_offset_s = 0.0;
};

/// HARQ of the sweeps, TS 38.104 8.2.1.1 (Table 8.2.1.1-1): up to 4
/// transmissions, redundancy versions 0, 2, 3, 1.
struct harq_scenario {
  unsigned max_nof_transmissions = 4;
  std::array<unsigned, 4> rv_sequence = {0, 2, 3, 1};
};

/// How test vectors of the scenario carry the received signal (airan tv generate; testvectors/FORMAT.md).
enum class signal_input : uint8_t {
  /// Frequency-domain resource grid (kind pusch_grid).
  grid,
  /// Time-domain IQ samples of the slot, OFDM-modulated before the channel (kind pusch_time_domain).
  time_domain,
  /// The received grid as O-RAN U-plane packets in a pcap file (kind pusch_fronthaul, BFP 9 compression).
  fronthaul,
};

struct scenario {
  std::string name;
  std::string description;
  phy::carrier_config carrier;
  /// The PDUs of the slot, one per UE; each UE has its own channel realisation.
  std::vector<phy::pusch_pdu> pdus;
  /// gNB receive antennas (ports of the received grid).
  unsigned nof_rx_ports = 1;
  channel_scenario channel;
  harq_scenario harq;
  /// SNR per resource element and receive antenna (phy/channel/impairments.h),
  /// dB; at least one.
  std::vector<double> snrs_db;
  /// Seeds of the transport block contents and of the channel realisations and
  /// noise.
  uint64_t payload_seed = 1;
  uint64_t seed = 1;
  /// Key `input`: grid, time_domain or fronthaul.
  signal_input input = signal_input::grid;
};

/// Largest |timing offset| accepted, seconds.
constexpr double max_timing_offset_s = 10.0e-6;
/// Most PDUs per scenario and receive ports.
constexpr unsigned max_nof_pdus = 16;
constexpr unsigned max_nof_rx_ports = 16;

/// Parses a scenario from YAML text. Unknown keys, wrong types and out-of-range
/// values are errors, and every PDU must pass pusch_transmitter::validate() and
/// pusch_receiver::validate() for the carrier and receive ports; the message
/// names the source, the line, the key path (e.g. "pdus[0].dmrs.config_type")
/// and the problem. out is written only on success.
status parse_scenario(std::string_view yaml_text, scenario &out,
                      std::string_view source_name = "scenario");

/// Reads and parses a scenario file (parse_scenario() with the path as source
/// name).
status load_scenario(const std::string &path, scenario &out);

/// The channel as a short text: "AWGN" or e.g. "TDLB100-400 Low" / "TDL-A
/// 100ns-30 Medium".
std::string channel_description(const channel_scenario &channel);

} // namespace airan::sim
