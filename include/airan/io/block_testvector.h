#pragma once
/// Readers and writers of the block-level test-vector kinds of testvectors/FORMAT.md: one processing block's input,
/// configuration and expected output, so that a model of the block can be checked on its own. Errors as in
/// testvector.h.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/io/testvector.h"
#include "airan/phy/coding/ldpc_decoder.h"
#include "airan/phy/coding/rate_matching.h"
#include "airan/phy/modulation/modulation.h"
#include "airan/phy/pusch/channel_estimator.h"
#include "airan/phy/pusch/pusch_pdu.h"

#include <cstdint>
#include <string>
#include <vector>

namespace airan::io {

/// kind "ldpc_decoder": one code block's LLRs (TS 38.212 5.3.2 codeword d without the 2 Z punctured bits, positive
/// means 0), the decoder settings, and the expected information bits c_0 .. c_{K-1} and iterations.
struct ldpc_decoder_vector {
  std::string source;
  phy::ldpc_base_graph graph = phy::ldpc_base_graph::bg1;
  unsigned lifting_size = 0;
  phy::ldpc_decoder_config config{};
  std::vector<int8_t> llrs;
  std::vector<uint8_t> info_bits;
  unsigned nof_iterations = 0;
  bool parity_ok = false;
};
status load_ldpc_decoder_vector(const std::string& path, ldpc_decoder_vector& out);
status write_ldpc_decoder_vector(const std::string& path, const ldpc_decoder_vector& v);

/// kind "rate_dematcher": one code block's E received LLRs f (TS 38.212 5.4.2), the rate matching parameters, an
/// optional soft buffer of an earlier transmission to combine with (new_data false), and the expected soft buffer
/// d_0 .. d_{N_cb - 1} with the number of leading positions this transmission informs.
struct rate_dematcher_vector {
  std::string source;
  phy::ldpc_rate_match_params params{};
  bool new_data = true;
  std::vector<int8_t> llrs;
  /// N_cb values when !new_data, else empty.
  std::vector<int8_t> soft_buffer_in;
  std::vector<int8_t> soft_buffer;
  unsigned nof_informed = 0;
};
status load_rate_dematcher_vector(const std::string& path, rate_dematcher_vector& out);
status write_rate_dematcher_vector(const std::string& path, const rate_dematcher_vector& v);

/// kind "soft_demapper": symbols with their noise variances, the modulation (TS 38.211 5.1), and the expected
/// max-log LLRs in natural units (Q_m per symbol, positive means 0).
struct soft_demapper_vector {
  std::string source;
  phy::modulation_scheme modulation = phy::modulation_scheme::qpsk;
  std::vector<cf_t> symbols;
  std::vector<float> noise_var;
  std::vector<float> llrs;
  double llrs_tolerance = 0.0;
};
status load_soft_demapper_vector(const std::string& path, soft_demapper_vector& out);
status write_soft_demapper_vector(const std::string& path, const soft_demapper_vector& v);

/// kind "ofdm_demodulator": one slot of samples per port (ofdm.h conventions), the numerology, FFT size, window and
/// carrier frequency, and the expected grid [port][symbol][12 N_RB subcarriers].
struct ofdm_demodulator_vector {
  std::string source;
  phy::carrier_config carrier{};
  unsigned fft_size = 0;
  float fft_window_offset_cp_fraction = 0.0F;
  unsigned slot = 0;
  unsigned nof_ports = 0;
  /// [port][sample], slot_length(slot) samples per port.
  std::vector<cf_t> samples;
  /// [port][symbol][subcarrier].
  std::vector<cf_t> grid;
  double grid_tolerance = 0.0;
};
status load_ofdm_demodulator_vector(const std::string& path, ofdm_demodulator_vector& out);
status write_ofdm_demodulator_vector(const std::string& path, const ofdm_demodulator_vector& v);

/// kind "channel_estimator": a received grid [rx][symbol][subcarrier] of the BWP, the carrier and PUSCH PDU (DM-RS
/// configuration), the estimator method, and the expected channel [rx][layer][symbol][subcarrier] of the allocation
/// with the expected noise variance per rx port.
struct channel_estimator_vector {
  std::string source;
  phy::carrier_config carrier{};
  phy::pusch_pdu pdu{};
  phy::channel_estimator_kind estimator = phy::channel_estimator_kind::ls_linear;
  unsigned nof_rx_ports = 0;
  std::vector<cf_t> grid;
  tv_reference<cf_t> channel;
  tv_reference<float> noise_variance;
};
status load_channel_estimator_vector(const std::string& path, channel_estimator_vector& out);
status write_channel_estimator_vector(const std::string& path, const channel_estimator_vector& v);

} // namespace airan::io
