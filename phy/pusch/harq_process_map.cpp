#include "airan/phy/pusch/harq_process_map.h"

#include <cassert>

namespace airan::phy {

harq_process_map::harq_process_map(unsigned nof_buffers) : entries_(nof_buffers)
{
  assert(nof_buffers >= 1);
}

harq_process_map::assignment harq_process_map::acquire(unsigned rnti, unsigned harq_id, bool new_data,
                                                       const harq_tb_layout& layout) noexcept
{
  ++clock_;
  if (const unsigned i = find(rnti, harq_id); i != entries_.size()) {
    entry& e = entries_[i];
    const bool combine = !new_data && e.layout == layout;
    if (!new_data && !combine) {
      ++counters_.nof_lost_retransmissions;
    }
    e.last_use = clock_;
    e.layout = layout;
    return {i, combine};
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
  e = {rnti, harq_id, true, clock_, layout};
  return {chosen, false};
}

const harq_tb_layout* harq_process_map::held_layout(unsigned rnti, unsigned harq_id) const noexcept
{
  const unsigned i = find(rnti, harq_id);
  return i == entries_.size() ? nullptr : &entries_[i].layout;
}

unsigned harq_process_map::find(unsigned rnti, unsigned harq_id) const noexcept
{
  for (unsigned i = 0; i != entries_.size(); ++i) {
    const entry& e = entries_[i];
    if (e.held && e.rnti == rnti && e.harq_id == harq_id) {
      return i;
    }
  }
  return static_cast<unsigned>(entries_.size());
}

void harq_process_map::release(unsigned buffer) noexcept
{
  assert(buffer < entries_.size());
  entries_[buffer].held = false;
}

} // namespace airan::phy
