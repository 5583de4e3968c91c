#include "airan/io/fronthaul/fh_error.h"

#include <array>

namespace airan::io {

namespace {

constexpr std::array<const char*, nof_fh_errors> descriptions = {
    "ok",
    "packet longer than the receiver keeps (UDP: max_datagram_bytes; pcap: the capture's snapshot length), cut on "
    "receive",
    "Ethernet frame shorter than its header",
    "EtherType is neither eCPRI (0xAEFE) nor an 802.1Q VLAN tag followed by eCPRI",
    "eCPRI common header or transport fields truncated",
    "eCPRI revision is not 1",
    "eCPRI message type is neither IQ data (0) nor real-time control (2)",
    "eCPRI payload size runs past the end of the packet",
    "eCPRI payload size is smaller than the 4 bytes of ecpriPcid/ecpriRtcid and ecpriSeqid",
    "O-RAN common header truncated",
    "O-RAN payloadVersion is not 1",
    "subframeId above 9",
    "symbolId or startSymbolId above 13",
    "section header truncated (or fewer sections than numberOfSections)",
    "section PRB range (startPrb, numPrb, rb) reaches beyond the carrier",
    "udCompMeth is not a supported compression method (none or block floating point)",
    "udIqWidth not supported by the compression method (no compression needs 16 bits)",
    "section IQ data runs past the end of the message",
    "C-plane section type is neither 1 nor 3",
    "C-plane numSymbol outside 1..14",
    "C-plane section extension with extLen 0",
    "C-plane section extension runs past the end of the message",
    "bytes left in the message after its content (C-plane: numberOfSections sections; split 8: its samples)",
    "split 8 IQ header version is not 1",
    "split 8 sample format is not 0 (16-bit I and Q)",
    "split 8 scale exponent above 31",
    "split 8 sample block with 0 samples",
    "split 8 samples run past the end of the message",
    "buffer too small for the packet being built",
    "field value does not fit its bit width in the packet being built",
    "packet built out of order (section before its message header, header twice, ...)",
};

constexpr std::array<const char*, nof_fh_errors> labels = {
    "ok",
    "cut_on_receive",
    "truncated_ethernet_header",
    "unsupported_ethertype",
    "truncated_ecpri_header",
    "bad_ecpri_revision",
    "unsupported_ecpri_message_type",
    "ecpri_payload_size_mismatch",
    "ecpri_payload_too_small",
    "truncated_application_header",
    "bad_payload_version",
    "subframe_out_of_range",
    "symbol_out_of_range",
    "truncated_section_header",
    "prb_beyond_carrier",
    "unknown_compression_method",
    "unsupported_iq_width",
    "section_overruns_packet",
    "unsupported_section_type",
    "bad_num_symbol",
    "zero_extension_length",
    "extension_overruns_packet",
    "trailing_bytes",
    "bad_split8_version",
    "unsupported_sample_format",
    "scale_out_of_range",
    "no_samples",
    "samples_overrun_packet",
    "buffer_too_small",
    "field_out_of_range",
    "build_out_of_order",
};

} // namespace

const char* to_string(fh_error error) noexcept
{
  const auto index = static_cast<std::size_t>(error);
  return index < descriptions.size() ? descriptions[index] : "unknown fronthaul error";
}

const char* to_label(fh_error error) noexcept
{
  const auto index = static_cast<std::size_t>(error);
  return index < labels.size() ? labels[index] : "unknown";
}

bool is_truncation(fh_error error) noexcept
{
  switch (error) {
  case fh_error::cut_on_receive:
  case fh_error::truncated_ethernet_header:
  case fh_error::truncated_ecpri_header:
  case fh_error::ecpri_payload_size_mismatch:
  case fh_error::truncated_application_header:
  case fh_error::truncated_section_header:
  case fh_error::section_overruns_packet:
  case fh_error::samples_overrun_packet:
    return true;
  default:
    return false;
  }
}

} // namespace airan::io
