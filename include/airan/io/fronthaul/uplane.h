#pragma once
/// O-RAN.WG4.CUS U-plane message (eCPRI message type 0, IQ data; O-RAN.WG4.CUS 6.3.2): the radio timing header,
/// then sections until the end of the eCPRI payload. A section is sectionId (12 bits), rb, symInc, startPrbu
/// (10 bits), numPrbu (8 bits, 0: all PRBs of the carrier), then, when the compression header is dynamic for the
/// eAxC, udCompHdr and a reserved byte, then the compressed PRBs (see iq_compression.h).

#include "airan/common/status.h"
#include "airan/io/fronthaul/app_header.h"
#include "airan/io/fronthaul/fh_error.h"
#include "airan/io/fronthaul/iq_compression.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace airan::io {

/// U-plane configuration of one eAxC (M-plane).
struct uplane_config {
  /// PRBs of the carrier: what numPrbu 0 stands for, and the bound of every section's PRBs. 1..275.
  unsigned nof_carrier_prb = 273;
  /// Every section carries udCompHdr and a reserved byte; otherwise static_compression applies to all sections.
  bool               dynamic_compression = false;
  compression_params static_compression{compression_method::block_floating_point, 9};
};

/// nof_carrier_prb in 1..275 (TS 38.211 4.4.2 maximum grid size), static_compression implemented (check_compression).
status validate(const uplane_config& config);

/// The header of one U-plane section, PRB count resolved (numPrbu 0 read as nof_carrier_prb).
struct uplane_section_header {
  uint16_t           section_id = 0; ///< 12 bits.
  bool               rb         = false; ///< Every other PRB.
  bool               sym_inc    = false;
  uint16_t           start_prb  = 0; ///< startPrbu, 10 bits.
  uint16_t           nof_prb    = 0;
  compression_params compression; ///< From udCompHdr when dynamic, else the static configuration.

  bool operator==(const uplane_section_header&) const = default;
};

struct uplane_section {
  uplane_section_header    header;
  std::span<const uint8_t> iq_data; ///< header.nof_prb * compressed_prb_size(header.compression) bytes.
};

/// Walks the sections of one U-plane message. A section is returned only when it lies whole inside the message,
/// its compression is implemented and its PRBs lie inside the carrier.
class uplane_section_reader {
public:
  uplane_section_reader() = default;
  /// sections: the bytes after the radio timing header. Requires validate(config) to be ok.
  uplane_section_reader(std::span<const uint8_t> sections, const uplane_config& config) noexcept :
    remaining_(sections), config_(config), done_(sections.empty())
  {
  }

  /// True when every section has been returned or after an error.
  bool at_end() const noexcept { return done_; }

  /// Parses the next section. Any error ends the walk.
  fh_error next(uplane_section& section) noexcept;

private:
  std::span<const uint8_t> remaining_;
  uplane_config            config_;
  bool                     done_ = true;
};

/// Parses the radio timing header of a U-plane message (payload: ecpri_message::payload) and sets sections to walk
/// its sections. A message needs at least one section (truncated_section_header otherwise). Requires
/// validate(config) to be ok.
fh_error parse_uplane(std::span<const uint8_t> payload,
                      const uplane_config&     config,
                      app_header&              header,
                      uplane_section_reader&   sections) noexcept;

} // namespace airan::io
