#pragma once
/// O-RAN.WG4.CUS C-plane message (eCPRI message type 2, real-time control; O-RAN.WG4.CUS 7), section types 1 (most
/// channels) and 3 (PRACH and mixed numerology).
///
/// Common header: the radio timing header (symbolId is startSymbolId), numberOfSections (8 bits), sectionType
/// (8 bits), then for type 1 udCompHdr and a reserved byte (8 bytes in all), for type 3 timeOffset (16 bits),
/// frameStructure (FFT size 4 bits | subcarrier spacing 4 bits), cpLength (16 bits) and udCompHdr (12 bytes).
/// Section: sectionId (12 bits) | rb | symInc | startPrbc (10 bits), numPrbc (8 bits), reMask (12 bits) | numSymbol
/// (4 bits), ef | beamId (15 bits); type 3 adds freqOffset (24 bits, signed) and a reserved byte. With ef = 1
/// section extensions follow: ef | extType (7 bits), extLen (8 bits, 16 bits for types 11, 19 and 20) in 32-bit
/// words including this header; each one's ef says whether another follows.

#include "airan/io/fronthaul/app_header.h"
#include "airan/io/fronthaul/fh_error.h"
#include "airan/io/fronthaul/iq_compression.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace airan::io {

enum class cplane_section_type : uint8_t {
  type1 = 1,
  type3 = 3,
};

/// Section extension types defined by O-RAN.WG4.CUS (up to cyclic delay adjustment); others count as unknown.
inline constexpr unsigned max_known_extension_type = 29;

struct cplane_header {
  app_header          common;                               ///< symbol_id is startSymbolId.
  cplane_section_type section_type = cplane_section_type::type1;
  uint8_t             nof_sections = 0; ///< numberOfSections; the builder writes the number of sections added.
  compression_params  compression;      ///< udCompHdr of the U-plane data, as received (any method).
  // Section type 3 only.
  uint16_t time_offset        = 0; ///< timeOffset, in sample periods of the PRACH numerology.
  uint8_t  fft_size           = 0; ///< frameStructure FFT size code, 4 bits.
  uint8_t  subcarrier_spacing = 0; ///< frameStructure subcarrier spacing code (mu), 4 bits.
  uint16_t cp_length          = 0; ///< cpLength.

  bool operator==(const cplane_header&) const = default;
};

/// Fixed fields of one C-plane section. For type 1, nof_prb is resolved (numPrbc 0 read as the carrier's PRB count)
/// and the PRBs are checked against the carrier; for type 3 the PRBs count in the PRACH numerology, so nof_prb is
/// numPrbc as sent and is not checked.
struct cplane_section_header {
  uint16_t section_id  = 0;     ///< 12 bits.
  bool     rb          = false; ///< Every other PRB.
  bool     sym_inc     = false;
  uint16_t start_prb   = 0;     ///< startPrbc, 10 bits.
  uint16_t nof_prb     = 0;
  uint16_t re_mask     = 0xFFF; ///< 12 bits.
  uint8_t  nof_symbols = 1;     ///< numSymbol, 1..14.
  uint16_t beam_id     = 0;     ///< 15 bits.
  int32_t  freq_offset = 0;     ///< Type 3 only: freqOffset, 24-bit signed.

  bool operator==(const cplane_section_header&) const = default;
};

struct cplane_section {
  cplane_section_header    header;
  std::span<const uint8_t> extensions;             ///< The section extensions, whole; empty when ef = 0.
  unsigned                 nof_extensions         = 0;
  unsigned                 nof_unknown_extensions = 0; ///< extType 0 or above max_known_extension_type.
};

/// Walks the numberOfSections sections of one C-plane message; the extensions of a section are skipped by their
/// extLen (never past the message) and counted.
class cplane_section_reader {
public:
  cplane_section_reader() = default;
  /// sections: the bytes after the common header.
  cplane_section_reader(std::span<const uint8_t> sections, cplane_section_type type, unsigned nof_sections,
                        unsigned nof_carrier_prb) noexcept :
    remaining_(sections),
    type_(type),
    nof_left_(nof_sections),
    nof_carrier_prb_(nof_carrier_prb)
  {
  }

  /// True when numberOfSections sections have been returned (or there were none) or after an error.
  bool at_end() const noexcept { return nof_left_ == 0; }

  /// Parses the next section. Any error ends the walk. The last section fails with trailing_bytes when bytes are
  /// left after it.
  fh_error next(cplane_section& section) noexcept;

private:
  std::span<const uint8_t> remaining_;
  cplane_section_type      type_            = cplane_section_type::type1;
  unsigned                 nof_left_        = 0;
  unsigned                 nof_carrier_prb_ = 0;
};

/// Parses the common header of a C-plane message (payload: ecpri_message::payload) and sets sections to walk its
/// sections. nof_carrier_prb (1..275) resolves numPrbc 0 and bounds the PRBs of type 1 sections. A message without
/// sections must end after its common header (trailing_bytes otherwise).
fh_error parse_cplane(std::span<const uint8_t> payload,
                      unsigned                 nof_carrier_prb,
                      cplane_header&           header,
                      cplane_section_reader&   sections) noexcept;

} // namespace airan::io
