#pragma once
/// Readers and writers of the PUSCH and UL-SCH test-vector kinds of testvectors/FORMAT.md (block-level kinds:
/// block_testvector.h). Every read failure (missing file, unknown schema version or kind, missing or malformed
/// attribute or dataset) is a status naming the file and the item; writers report what they could not write.
/// What a writer writes, the matching reader reads back equal.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/phy/pusch/pusch_pdu.h"
#include "airan/phy/ulsch/ulsch_config.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace airan::io {

/// Schema version this reader understands and the writers write.
inline constexpr uint32_t testvector_schema_version = 1;

/// Reads the root attributes schema_version (checked) and kind of a vector.
status read_testvector_kind(const std::string& path, std::string& kind);

/// An expected intermediate or output with the largest relative error accepted (max_relative_error()); shape is the
/// dataset's, without the trailing dimension 2 of complex values.
template <typename T>
struct tv_reference {
  std::vector<T> values;
  std::vector<std::size_t> shape;
  double tolerance = 0.0;
};

/// max_i |actual_i - expected_i| / max_i |expected_i| (the error relative to the reference's peak, stable where single
/// values are near 0); 0 when both are all zero, infinity when the sizes differ or only the reference is zero.
template <typename T>
double max_relative_error(std::span<const T> actual, std::span<const T> expected)
{
  if (actual.size() != expected.size()) {
    return INFINITY;
  }
  double error = 0.0;
  double peak = 0.0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    error = std::max(error, static_cast<double>(std::abs(actual[i] - expected[i])));
    peak = std::max(peak, static_cast<double>(std::abs(expected[i])));
  }
  if (peak == 0.0) {
    return error == 0.0 ? 0.0 : INFINITY;
  }
  return error / peak;
}

/// kind "ulsch_coding": one UL-SCH transport block with its coded and scrambled bits.
struct ulsch_coding_vector {
  std::string source;
  phy::ulsch_config config{};
  uint32_t rnti = 0;
  uint32_t n_id = 0;
  std::vector<uint8_t> tb_bits;
  std::vector<uint8_t> coded_bits;
  std::vector<uint8_t> scrambled_bits;
};
status load_ulsch_coding_vector(const std::string& path, ulsch_coding_vector& out);
status write_ulsch_coding_vector(const std::string& path, const ulsch_coding_vector& v);

/// The receiver input a PUSCH vector carries, one kind each: "pusch_grid" (frequency-domain resource grid),
/// "pusch_time_domain" (IQ samples of one slot per rx port, O-RAN split 8) and "pusch_fronthaul" (a capture of
/// O-RAN fronthaul packets in a pcap file beside the vector, split 7.2x).
enum class pusch_input : uint8_t { grid, time_domain, fronthaul_pcap };

/// The kind name of an input.
const char* pusch_kind_name(pusch_input input);

/// How the IQ data of a fronthaul capture is carried (O-RAN.WG4.CUS U-plane, split 7.2x); both ends must agree.
struct fronthaul_format {
  /// Block floating point with iq_width-bit mantissas (O-RAN.WG4.CUS Annex A.1.1), or none: iq_width must be 16.
  bool block_floating_point = true;
  unsigned iq_width = 9;
  /// Every section carries udCompHdr (dynamic compression); otherwise the format above applies to all sections.
  bool ud_comp_hdr = false;
  /// eAxC ID (ecpriPcid) of receive port 0; port i uses eaxc_base + i.
  uint16_t eaxc_base = 0;
  /// The float value of one int16 unit of the IQ samples.
  float iq_scale = 1.0F / 8192.0F;
};

/// kinds "pusch_grid", "pusch_time_domain", "pusch_fronthaul": one PUSCH of one slot with its transport block.
struct pusch_vector {
  pusch_input input = pusch_input::grid;
  std::string source;
  phy::carrier_config carrier{};
  phy::pusch_pdu pdu{};
  uint32_t tbs = 0;
  std::vector<uint8_t> tb_bits;
  /// Receive ports of the input.
  unsigned nof_ports = 0;
  /// grid: [port][symbol][subcarrier], N_symb^slot symbols, 12 bwp_size subcarriers from the BWP's first.
  unsigned nof_symbols = 0;
  unsigned nof_subcarriers = 0;
  std::vector<cf_t> grid;
  /// time_domain: [port][sample], ofdm_numerology(carrier, fft_size).slot_length(pdu.slot) samples per port at
  /// fft_size * 15 kHz * 2^mu, from the start of the slot's first cyclic prefix (carrier.center_frequency_hz: f_0).
  unsigned fft_size = 0;
  std::vector<cf_t> samples;
  /// fronthaul_pcap: the capture's file name, relative to the vector's directory, the same resolved against that
  /// directory by the reader, and the packets' format.
  std::string pcap_file;
  std::string pcap_path;
  fronthaul_format fronthaul;
  /// Optional references of the receiver's intermediates (FORMAT.md): channel estimate [rx][layer][symbol][subcarrier]
  /// of the allocation, equalized codeword symbols [symbol] and descrambled LLRs [bit].
  std::optional<tv_reference<cf_t>> channel_estimate;
  std::optional<tv_reference<cf_t>> equalized_symbols;
  std::optional<tv_reference<int8_t>> llrs;
};
/// Reads any of the three PUSCH kinds (a fronthaul vector without its capture: pusch_vector_grid() reads that).
status load_pusch_vector(const std::string& path, pusch_vector& out);
status write_pusch_vector(const std::string& path, const pusch_vector& v);

/// Writes the capture of a fronthaul vector: v.grid (the BWP, which must span the carrier) as the U-plane packets of
/// the vector's slot (frame 0), eCPRI over Ethernet, in the vector's format, with the times of a slot received over
/// the air. pcap_path: where (usually beside the vector, named v.pcap_file).
status write_pusch_capture(const std::string& pcap_path, const pusch_vector& v);

} // namespace airan::io
