#pragma once
// The receive side of `airan run --input`: packets in, the resource grid of each slot out, for split 7.2x (U-plane
// PRBs assembled into the grid) and split 8 (time-domain samples assembled per port, then OFDM-demodulated).

#include "airan/io/ingest/ingest_counters.h"
#include "airan/io/ingest/packet_io.h"
#include "airan/io/testvector.h"
#include "airan/phy/common/resource_grid.h"
#include "fh_options.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

namespace airan::tools {

/// One slot as handed to the decoder.
struct received_slot {
  unsigned frame_id = 0;
  unsigned subframe_id = 0;
  unsigned slot_id = 0;
  /// Units that arrived out of those expected: PRBs (split 7) or samples (split 8), over all ports.
  uint64_t nof_received = 0;
  uint64_t nof_expected = 0;
  phy::const_grid_view grid;

  bool complete() const noexcept { return nof_received == nof_expected; }
};

class slot_frontend {
public:
  using slot_handler = std::function<void(const received_slot&)>;

  virtual ~slot_frontend() = default;
  virtual void push(std::span<const io::rx_packet> packets) noexcept = 0;
  virtual void advance_time(int64_t now_ns) noexcept = 0;
  virtual void flush() noexcept = 0;
  virtual const io::ingest_counters& counters() const noexcept = 0;
};

/// The front end of options.split for the vector's carrier and grid shape (ports, symbols, subcarriers). Throws
/// std::invalid_argument for a configuration the assemblers or the OFDM demodulator reject.
std::unique_ptr<slot_frontend> make_slot_frontend(const io::pusch_vector& v, const fronthaul_run_options& options,
                                                  slot_frontend::slot_handler handler);

/// The vector's carrier as OFDM sees it: the grid's width is the carrier (nof_prb = subcarriers / 12).
phy::carrier_config ofdm_carrier_of(const io::pusch_vector& v);

} // namespace airan::tools
