#include "airan/phy/pusch/harq_process_map.h"

#include <cassert>

namespace airan::phy {

harq_process_map::harq_process_map(unsigned nof_buffers) : entries_(nof_buffers)
{
  assert(nof_buffers >= 1);
}

harq_process_map::assignment harq_process_map::acquire(unsigned rnti, unsigned harq_id, bool new_data) noexcept
{
  ++clock_;
  for (unsigned i = 0; i != entries_.size(); ++i) {
    entry& e = entries_[i];
    if (e.held && e.rnti == rnti && e.harq_id == harq_id) {
      e.last_use = clock_;
      return {i, !new_data};
    }
  }
  if (!new_data) {
    ++counters_.nof_lost_retransmissions;
  }
  // A free buffer, the least recently used first; else the least recently used held one.
  unsigned chosen = 0;
  for (unsigned i = 1; i != entries_.size(); ++i) {
    const entry& e = entries_[i];
    const entry& best = entries_[chosen];
    if (e.held != best.held ? !e.held : e.last_use < best.last_use) {
      chosen = i;
    }
  }
  entry& e = entries_[chosen];
  if (e.held) {
    ++counters_.nof_evictions;
  }
  e = {rnti, harq_id, true, clock_};
  return {chosen, false};
}

void harq_process_map::release(unsigned buffer) noexcept
{
  assert(buffer < entries_.size());
  entries_[buffer].held = false;
}

} // namespace airan::phy
