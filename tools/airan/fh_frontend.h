#pragma once
// The receive side of `airan run --input`, in two halves on two kinds of thread. The front end (ingest thread):
// packets in, each closed slot out as a closed_slot, for split 7.2x (U-plane PRBs assembled into the grid) and split
// 8 (time-domain samples assembled per port); it is copied into a slot_buffer and handed to a decode worker
// (io::slot_pipeline). The slot decoder (one per worker): a slot_buffer in, its resource grid out (split 8: OFDM
// demodulation of the samples).

#include "airan/common/aligned_vector.h"
#include "airan/io/ingest/ingest_counters.h"
#include "airan/io/ingest/packet_io.h"
#include "airan/io/testvector.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/ofdm/ofdm.h"
#include "fh_options.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace airan::tools {

/// Which slot, and how much of it arrived: PRBs (split 7) or samples (split 8), over all ports.
struct slot_header {
  unsigned frame_id = 0;
  unsigned subframe_id = 0;
  unsigned slot_id = 0;
  uint64_t nof_received = 0;
  uint64_t nof_expected = 0;

  bool complete() const noexcept { return nof_received == nof_expected; }
};

/// A slot as the assembler closed it, valid during the handler call: port p's values (the grid rows [symbol]
/// [subcarrier] of split 7, the samples of split 8) are port_length values at data + p port_stride.
struct closed_slot {
  slot_header header;
  const cf_t* data = nullptr;
  unsigned nof_ports = 0;
  std::size_t port_stride = 0;
  std::size_t port_length = 0;
};

/// A slot on its way from the ingest thread to a decode worker, in storage allocated at creation.
struct slot_buffer {
  uint64_t sequence = 0; ///< Order in which the slot closed.
  slot_header header;
  /// Port p's values at p * port_capacity, port_length of them (the layout of the split 7 grid when they fill it).
  aligned_vector<cf_t> data;
  std::size_t port_capacity = 0;
  std::size_t port_length = 0;
};

/// Copies the slot into the buffer; does not allocate (the buffer holds the front end's largest slot).
void copy_slot(const closed_slot& slot, slot_buffer& buffer) noexcept;

class slot_frontend {
public:
  using slot_handler = std::function<void(const closed_slot&)>;

  virtual ~slot_frontend() = default;
  virtual void push(std::span<const io::rx_packet> packets) noexcept = 0;
  virtual void advance_time(int64_t now_ns) noexcept = 0;
  virtual void flush() noexcept = 0;
  virtual const io::ingest_counters& counters() const noexcept = 0;
  /// A buffer for any slot of this front end.
  virtual slot_buffer make_buffer() const = 0;
};

/// The front end of options.split for the vector's carrier and grid shape (ports, symbols, subcarriers). Throws
/// std::invalid_argument for a configuration the assemblers reject.
std::unique_ptr<slot_frontend> make_slot_frontend(const io::pusch_vector& v, const fronthaul_run_options& options,
                                                  slot_frontend::slot_handler handler);

/// The grid of a slot buffer: a view of it (split 7), or the OFDM demodulation of its samples (split 8) into the
/// decoder's own grid. One per worker thread.
class slot_decoder {
public:
  /// Throws std::invalid_argument when split 8 and the OFDM demodulator rejects the vector's carrier.
  slot_decoder(const io::pusch_vector& v, fh_split split);
  /// Valid until the next call, and while the buffer is unchanged.
  phy::const_grid_view grid_of(const slot_buffer& slot) noexcept;

private:
  unsigned nof_ports_, nof_symbols_, nof_subcarriers_;
  std::optional<phy::ofdm_demodulator> demodulator_;
  std::optional<phy::ofdm_demodulated_grid> grid_;
};

/// The vector's carrier as OFDM sees it: the grid's width is the carrier (nof_prb = subcarriers / 12).
phy::carrier_config ofdm_carrier_of(const io::pusch_vector& v);

} // namespace airan::tools
