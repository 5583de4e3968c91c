#include "airan/io/fronthaul/fh_error.h"

#include <array>

namespace airan::io {

namespace {

constexpr std::array<const char*, nof_fh_errors> descriptions = {
    "ok",
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
    "bytes left in the C-plane message after numberOfSections sections",
    "buffer too small for the packet being built",
    "field value does not fit its bit width in the packet being built",
    "packet built out of order (section before its message header, header twice, ...)",
};

} // namespace

const char* to_string(fh_error error) noexcept
{
  const auto index = static_cast<std::size_t>(error);
  return index < descriptions.size() ? descriptions[index] : "unknown fronthaul error";
}

} // namespace airan::io
