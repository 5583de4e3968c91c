#pragma once
/// Slot pipeline: closed slots handed from the ingest thread (the burst loop and the assembler, whose receive times
/// and deadlines must not wait for decoding) to decode workers on their own threads. A slot travels in one of
/// nof_buffers buffers the caller allocates at creation and indexes 0 .. nof_buffers - 1; the pipeline moves only
/// the index. Ownership of a buffer passes from the ingest thread (push: fill, then hand over) to one worker with its
/// slot, and back to the free list when the worker's handler returns. When every buffer is in flight (the workers
/// fell behind) push() drops the slot and counts a decode overrun: the ingest thread never waits, never allocates,
/// and never writes a buffer a worker holds. Slots are taken by the workers in the order they were pushed (with one
/// worker they are also finished in that order).

#include "airan/common/status.h"

#include <cstdint>
#include <functional>
#include <memory>

namespace airan::io {

struct slot_pipeline_config {
  /// Slot buffers, in flight between the ingest thread and the workers at once. 1..1024.
  unsigned nof_buffers = 8;
  /// Decode worker threads. 1..64.
  unsigned nof_workers = 1;
  /// Added to the workers' nice value (Linux: per thread; capped at 19), 0..19: when the CPUs are oversubscribed the
  /// ingest thread runs first, and a decode that falls behind costs counted overruns instead of late packets. Workers
  /// always run under the normal policy (SCHED_OTHER), even when the ingest thread that starts them is real-time.
  int worker_nice = 0;
};

status validate(const slot_pipeline_config& config);

struct slot_pipeline_counters {
  uint64_t submitted = 0; ///< Slots handed to the workers.
  uint64_t processed = 0; ///< Slots whose handler returned (buffer back on the free list).
  uint64_t overrun = 0;   ///< Slots dropped: no free buffer when they closed.
};

class slot_pipeline {
public:
  /// Runs on worker thread `worker` (0 .. nof_workers - 1) for one slot, held in buffer `buffer`; the buffer is the
  /// handler's until it returns.
  using slot_handler = std::function<void(unsigned buffer, unsigned worker)>;

  /// Starts the workers. Throws std::invalid_argument with validate()'s message when the configuration is invalid.
  slot_pipeline(const slot_pipeline_config& config, slot_handler handler);
  /// stop().
  ~slot_pipeline();
  slot_pipeline(const slot_pipeline&) = delete;
  slot_pipeline& operator=(const slot_pipeline&) = delete;

  /// Ingest thread only (the single producer). Takes a free buffer, calls fill(buffer) to write the slot into it and
  /// hands it to the workers; false when no buffer is free: the slot is dropped (counted as overrun) and fill is not
  /// called. Never blocks.
  template <typename Fill>
  bool push(Fill&& fill) noexcept
  {
    const int buffer = acquire();
    if (buffer < 0) {
      return false;
    }
    fill(static_cast<unsigned>(buffer));
    submit(static_cast<unsigned>(buffer));
    return true;
  }

  /// For input without real time (a file read as fast as it goes): like push(), but waits for a free buffer instead
  /// of dropping the slot. Ingest thread only.
  template <typename Fill>
  void push_waiting(Fill&& fill) noexcept
  {
    const unsigned buffer = acquire_waiting();
    fill(buffer);
    submit(buffer);
  }

  /// Lets the workers finish every slot pushed, then joins them; push() must not be called afterwards. The thread
  /// that pushes calls it (or the destructor does).
  void stop() noexcept;

  /// A snapshot, from any thread.
  slot_pipeline_counters counters() const noexcept;

private:
  int acquire() noexcept;
  unsigned acquire_waiting() noexcept;
  void submit(unsigned buffer) noexcept;

  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::io
