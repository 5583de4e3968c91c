#pragma once
/// Split 8 time-domain IQ over eCPRI (io/fronthaul/SPLIT8.md): for labs whose radio is an SDR front-end that moves
/// baseband samples rather than O-RAN 7.2x PRBs. Each eCPRI IQ data message (message type 0, eCPRI 2.0 3.2.4.1;
/// ecpriPcid = the stream, one per antenna port; ecpriSeqid counts per stream) carries one block of consecutive
/// samples of one slot: a 12-byte header, then the samples as 16-bit big-endian I and Q.
///
/// Header (all fields big-endian):
///   octet 0      version, 1
///   octet 1      dataDirection (bit 7: 0 uplink, 1 downlink), 3 reserved bits, sampleFormat (4 bits, 0: int16 I, Q)
///   octet 2      frameId (8 bits)
///   octet 3      subframeId (0..9)
///   octet 4      slotId within the subframe (0..2^mu - 1)
///   octet 5      scaleExponent e (0..31): an integer sample value v stands for v 2^-e
///   octets 6-9   sampleOffset: index of the block's first sample within the slot (sample 0: the first sample of
///                the cyclic prefix of the slot's first symbol, TS 38.211 5.3.1)
///   octets 10-11 nofSamples, 1..65535 (limited further by the eCPRI payload size)
/// The message ends with the last sample. The sample rate is N_FFT 15 kHz 2^mu of the carrier (ofdm_numerology.h).

#include "airan/common/complex.h"
#include "airan/io/fronthaul/app_header.h"
#include "airan/io/fronthaul/fh_error.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace airan::io {

inline constexpr uint8_t split8_version = 1;
inline constexpr std::size_t split8_header_size = 12;
inline constexpr std::size_t split8_sample_size = 4;
inline constexpr unsigned split8_max_scale_exponent = 31;

/// sampleFormat values; only int16 I, Q is defined.
enum class split8_sample_format : uint8_t { int16_iq = 0 };

struct split8_header {
  data_direction direction = data_direction::uplink;
  split8_sample_format format = split8_sample_format::int16_iq;
  uint8_t frame_id = 0;
  uint8_t subframe_id = 0; ///< 0..9.
  uint8_t slot_id = 0;
  uint8_t scale_exponent = 12; ///< 0..31.
  uint32_t sample_offset = 0;
  uint16_t nof_samples = 0; ///< >= 1.

  bool operator==(const split8_header&) const = default;
};

/// The float value of one integer unit: 2^-scale_exponent.
float split8_scale(unsigned scale_exponent) noexcept;

/// Parses the split 8 header of an IQ data message (payload: ecpri_message::payload) and returns its samples
/// (4 header.nof_samples bytes). Errors: truncated_application_header, bad_split8_version, unsupported_sample_format,
/// subframe_out_of_range, scale_out_of_range, no_samples, samples_overrun_packet, trailing_bytes. The slot and sample
/// ranges depend on the numerology and are the assembler's to check.
fh_error parse_split8(std::span<const uint8_t> payload, split8_header& header,
                      std::span<const uint8_t>& samples) noexcept;

/// Converts samples (4 bytes each) to floats, v scale. Requires out.size() * 4 == samples.size().
void split8_read_samples(std::span<cf_t> out, std::span<const uint8_t> samples, float scale) noexcept;

/// Converts floats to samples: x / scale rounded to nearest and saturated to [-32768, 32767] (NaN gives 0). Requires
/// out.size() == in.size() * 4. Returns how many values (I or Q) saturated.
std::size_t split8_write_samples(std::span<uint8_t> out, std::span<const cf_t> in, float scale) noexcept;

} // namespace airan::io
