#pragma once
// The packet walk shared by the assemblers: the Ethernet header when the packet is a frame, then every eCPRI message
// of the PDU, each handed to read(message); framing errors are counted as malformed and end the packet.

#include "airan/io/fronthaul/ecpri.h"
#include "airan/io/ingest/ingest_counters.h"
#include "airan/io/ingest/packet_io.h"

namespace airan::io::detail {

template <typename Read>
void for_each_message(const rx_packet& packet, ingest_counters& counters, Read&& read) noexcept
{
  if (packet.cut) {
    ++counters.malformed[static_cast<std::size_t>(fh_error::cut_on_receive)];
    return;
  }
  std::span<const uint8_t> pdu = packet.bytes;
  if (packet.framing == packet_framing::ethernet) {
    ethernet_header eth;
    if (const fh_error error = parse_ethernet(packet.bytes, eth, pdu); error != fh_error::ok) {
      ++counters.malformed[static_cast<std::size_t>(error)];
      return;
    }
  }
  ecpri_reader messages(pdu);
  while (!messages.at_end()) {
    ecpri_message message;
    if (const fh_error error = messages.next(message); error != fh_error::ok) {
      ++counters.malformed[static_cast<std::size_t>(error)];
      return;
    }
    read(message);
  }
}

} // namespace airan::io::detail
