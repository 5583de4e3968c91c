#include "sim/scenario_vectors.h"

#include <cmath>
#include <cstdio>

namespace airan::sim {

status scenario_vector_specs(const scenario& sc, std::vector<named_vector_spec>& out)
{
  if (sc.channel.cfo_hz != 0.0 || sc.channel.timing_offset_s != 0.0) {
    return status::error("scenario '" + sc.name +
                         "': test vectors with a carrier frequency or timing offset are not generated yet");
  }
  std::vector<named_vector_spec> specs;
  for (std::size_t i = 0; i < sc.pdus.size(); ++i) {
    for (std::size_t j = 0; j < sc.snrs_db.size(); ++j) {
      named_vector_spec v;
      auto& spec = v.spec;
      spec.carrier = sc.carrier;
      spec.pdu = sc.pdus[i];
      spec.nof_rx_ports = sc.nof_rx_ports;
      spec.input = sc.input == signal_input::grid          ? io::pusch_input::grid
                   : sc.input == signal_input::time_domain ? io::pusch_input::time_domain
                                                           : io::pusch_input::fronthaul_pcap;
      if (sc.channel.kind == channel_kind::tdl) {
        phy::tdl_channel_config fading;
        fading.model = sc.channel.model;
        fading.delay_spread_s = sc.channel.delay_spread_s;
        fading.max_doppler_hz = sc.channel.max_doppler_hz;
        fading.correlation = sc.channel.correlation;
        spec.fading = fading;
      }
      spec.snr_db = sc.snrs_db[j];
      spec.payload_seed = sc.payload_seed + i;
      // One independent channel and noise realisation per vector.
      spec.seed = sc.seed * 1000003ULL + i * 1009ULL + j;
      spec.source = "airan tv generate, scenario '" + sc.name + "'";
      char snr[32];
      std::snprintf(snr, sizeof(snr), "%.1f", std::abs(sc.snrs_db[j]));
      v.file_name = sc.name + "_pdu" + std::to_string(i) + "_snr" + (sc.snrs_db[j] < 0 ? "m" : "") + snr + ".h5";
      for (const named_vector_spec& earlier : specs) {
        if (earlier.file_name == v.file_name) {
          return status::error("scenario '" + sc.name + "': SNR points " + std::to_string(*earlier.spec.snr_db) +
                               " and " + std::to_string(*spec.snr_db) + " dB would both be written as " + v.file_name +
                               " (names carry the SNR to 0.1 dB)");
        }
      }
      specs.push_back(std::move(v));
    }
  }
  out = std::move(specs);
  return status::ok();
}

} // namespace airan::sim
