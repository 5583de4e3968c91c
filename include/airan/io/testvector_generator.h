#pragma once
/// Generation of test vectors (testvectors/FORMAT.md) by airan's own blocks, deterministic given the seeds: the same
/// spec gives the same datasets, bit for bit, on every run.
/// - PUSCH vectors: transport block -> pusch_transmitter -> channel (static or TDL fading, phy/channel) -> AWGN, as a
///   received grid, as time-domain samples (OFDM modulation before the channel) or as a grid for a fronthaul capture
///   (write_pusch_capture()), with the receiver's intermediates as optional references.
/// - Block-level vectors: inputs drawn from a seed, passed through one block; its output is the expectation.

#include "airan/common/status.h"
#include "airan/io/block_testvector.h"
#include "airan/io/testvector.h"
#include "airan/phy/channel/tdl_channel.h"
#include "airan/phy/pusch/pusch_pdu.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace airan::io {

/// One PUSCH vector to generate.
struct pusch_vector_spec {
  phy::carrier_config carrier{};
  phy::pusch_pdu pdu{};
  unsigned nof_rx_ports = 1;
  /// Any input; fronthaul_pcap keeps the grid in the vector for write_pusch_capture() and needs a BWP spanning the
  /// carrier.
  pusch_input input = pusch_input::grid;
  fronthaul_format fronthaul;
  /// Fading channel (nof_tx, nof_rx and sample_rate_hz are set from the PDU, the ports and the numerology); none:
  /// static, receive port r sees transmit port r mod P.
  std::optional<phy::tdl_channel_config> fading;
  /// SNR per resource element and receive port (impairments.h), dB; none: no noise.
  std::optional<double> snr_db;
  /// Seeds of the transport block bits and of the channel and noise.
  uint64_t payload_seed = 1;
  uint64_t seed = 1;
  /// FFT size of time-domain vectors; 0: ofdm_default_fft_size().
  unsigned fft_size = 0;
  /// Write the receiver's channel estimate, equalized symbols and LLRs as references (never for fronthaul_pcap: the
  /// compression of the capture changes them).
  bool write_references = true;
  std::string source = "airan tv generate";
};

/// Relative tolerances written with the references (max_relative_error()): float results of other CPUs or FFT
/// plans stay far within them, a changed algorithm does not.
inline constexpr double reference_tolerance = 1.0e-3;
/// LLRs: int8 values may move by a few steps where a float result sits on a rounding boundary.
inline constexpr double llr_reference_tolerance = 0.05;

/// The received grid of the BWP ([port][symbol][12 bwp_size subcarriers]) of a grid or time-domain vector: the grid
/// itself, the OFDM demodulation (phy/ofdm, FFT window at its default position) of the samples, or the slot of the
/// capture (v.pcap_path) assembled from its U-plane packets (io/ingest: the first slot whose number is the PDU's, all
/// of its PRBs received).
status pusch_vector_grid(const pusch_vector& v, std::vector<cf_t>& grid);

/// Generates one PUSCH vector. crc_ok receives whether airan's receiver decodes it (a vector meant to pass should;
/// for a capture, the grid before compression).
status generate_pusch_vector(const pusch_vector_spec& spec, pusch_vector& out, bool& crc_ok);

/// Block-level vectors of every kind from one seed: LDPC decoding (BG1 and BG2), rate dematching (new data and HARQ
/// combining), soft demapping (QPSK to 256QAM), OFDM demodulation (mu 0 and 1 normal CP, mu 2 extended CP) and
/// channel estimation (LS, DFT, LMMSE). Writes them into dir as <kind>_<case>.h5; names receives the paths.
status generate_block_vectors(const std::string& dir, uint64_t seed, std::vector<std::string>& names);

} // namespace airan::io
