#pragma once
/// Errors of the fronthaul packet layer (Ethernet / eCPRI 2.0 / O-RAN.WG4.CUS 7.2x U-plane and C-plane / split 8
/// time-domain IQ).
/// The values are dense from 0 (ok) to nof_fh_errors - 1, so that a caller can keep one counter per reason in an
/// array indexed by the error.

#include <cstddef>
#include <cstdint>

namespace airan::io {

enum class fh_error : uint8_t {
  ok,
  // Reception.
  cut_on_receive,
  // Ethernet framing.
  truncated_ethernet_header,
  unsupported_ethertype,
  // eCPRI common header and transport fields (eCPRI 2.0 3.2.3, 3.2.4.1, 3.2.4.3).
  truncated_ecpri_header,
  bad_ecpri_revision,
  unsupported_ecpri_message_type,
  ecpri_payload_size_mismatch,
  ecpri_payload_too_small,
  // O-RAN application layer, both planes.
  truncated_application_header,
  bad_payload_version,
  subframe_out_of_range,
  symbol_out_of_range,
  truncated_section_header,
  prb_beyond_carrier,
  unknown_compression_method,
  unsupported_iq_width,
  section_overruns_packet,
  // C-plane.
  unsupported_section_type,
  bad_num_symbol,
  zero_extension_length,
  extension_overruns_packet,
  trailing_bytes,
  // Split 8 time-domain IQ (io/fronthaul/SPLIT8.md).
  bad_split8_version,
  unsupported_sample_format,
  scale_out_of_range,
  no_samples,
  samples_overrun_packet,
  // Building.
  buffer_too_small,
  field_out_of_range,
  build_out_of_order,
};

/// Number of fh_error values, ok included.
inline constexpr std::size_t nof_fh_errors = static_cast<std::size_t>(fh_error::build_out_of_order) + 1;

/// A sentence naming the problem, e.g. "eCPRI revision is not 1". Never null.
const char* to_string(fh_error error) noexcept;

/// The enumerator's name, e.g. "bad_ecpri_revision": a label for counters and reports. Never null.
const char* to_label(fh_error error) noexcept;

/// True for the errors of a packet shorter than its headers or length fields say (a frame cut short).
bool is_truncation(fh_error error) noexcept;

} // namespace airan::io
