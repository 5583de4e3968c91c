#include "airan/io/ingest/slot_pipeline.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <stdexcept>
#include <thread>
#include <vector>

namespace airan::io {

namespace {

/// A bounded queue of buffer indices for any number of producers and consumers, without locks: each cell carries a
/// sequence number telling whether it waits for a push or a pop of the current lap (D. Vyukov's bounded queue). Its
/// capacity is at least the number of buffers, so a push of an index in circulation always finds room.
class index_queue {
public:
  explicit index_queue(unsigned capacity)
      : mask_(std::bit_ceil(capacity) - 1), cells_(std::make_unique<cell[]>(mask_ + 1))
  {
    for (std::size_t i = 0; i <= mask_; ++i) {
      cells_[i].sequence.store(i, std::memory_order_relaxed);
    }
  }

  bool push(unsigned value) noexcept
  {
    std::size_t position = tail_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[position & mask_];
      const std::size_t sequence = c.sequence.load(std::memory_order_acquire);
      const auto lag = static_cast<std::ptrdiff_t>(sequence - position);
      if (lag == 0) {
        if (tail_.compare_exchange_weak(position, position + 1, std::memory_order_relaxed)) {
          c.value = value;
          c.sequence.store(position + 1, std::memory_order_release);
          return true;
        }
      } else if (lag < 0) {
        return false;
      } else {
        position = tail_.load(std::memory_order_relaxed);
      }
    }
  }

  bool pop(unsigned& value) noexcept
  {
    std::size_t position = head_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[position & mask_];
      const std::size_t sequence = c.sequence.load(std::memory_order_acquire);
      const auto lag = static_cast<std::ptrdiff_t>(sequence - (position + 1));
      if (lag == 0) {
        if (head_.compare_exchange_weak(position, position + 1, std::memory_order_relaxed)) {
          value = c.value;
          c.sequence.store(position + mask_ + 1, std::memory_order_release);
          return true;
        }
      } else if (lag < 0) {
        return false;
      } else {
        position = head_.load(std::memory_order_relaxed);
      }
    }
  }

private:
  struct cell {
    std::atomic<std::size_t> sequence;
    unsigned value = 0;
  };

  std::size_t mask_;
  std::unique_ptr<cell[]> cells_;
  alignas(64) std::atomic<std::size_t> head_{0};
  alignas(64) std::atomic<std::size_t> tail_{0};
};

} // namespace

status validate(const slot_pipeline_config& config)
{
  if (config.nof_buffers < 1 || config.nof_buffers > 1024) {
    return status::error("slot pipeline: nof_buffers " + std::to_string(config.nof_buffers) + " outside 1..1024");
  }
  if (config.nof_workers < 1 || config.nof_workers > 64) {
    return status::error("slot pipeline: nof_workers " + std::to_string(config.nof_workers) + " outside 1..64");
  }
  if (config.worker_nice < 0 || config.worker_nice > 19) {
    return status::error("slot pipeline: worker_nice " + std::to_string(config.worker_nice) + " outside 0..19");
  }
  return status::ok();
}

struct slot_pipeline::impl {
  impl(const slot_pipeline_config& config, slot_handler h)
      : handler(std::move(h)), free_buffers(config.nof_buffers), ready(config.nof_buffers)
  {
    for (unsigned i = 0; i != config.nof_buffers; ++i) {
      free_buffers.push(i);
    }
  }

  void process(unsigned buffer, unsigned worker)
  {
    handler(buffer, worker);
    // Back on the free list before it is counted: processed == submitted means every buffer is free.
    free_buffers.push(buffer);
    processed.fetch_add(1, std::memory_order_release);
    processed.notify_one();
  }

  void work(unsigned worker, int nice)
  {
    // A real-time ingest thread (SCHED_FIFO / SCHED_RR, e.g. a polling DPDK lcore) passes its policy on to the
    // threads it creates; decoding runs under the normal policy, so that a busy worker cannot starve the machine.
    if (sched_getscheduler(0) != SCHED_OTHER) {
      const sched_param normal{};
      pthread_setschedparam(pthread_self(), SCHED_OTHER, &normal);
    }
    if (nice != 0) {
      // Best effort: the workers still run when the system refuses.
      errno = 0;
      const int base = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
      if (errno == 0) {
        setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), std::min(base + nice, 19));
      }
    }
    unsigned buffer = 0;
    for (;;) {
      const uint32_t seen = wakeups.load(std::memory_order_acquire);
      if (ready.pop(buffer)) {
        process(buffer, worker);
        continue;
      }
      if (stopping.load(std::memory_order_acquire)) {
        // Every push happened before the stop: what is left is visible now.
        while (ready.pop(buffer)) {
          process(buffer, worker);
        }
        return;
      }
      wakeups.wait(seen, std::memory_order_acquire);
    }
  }

  slot_handler handler;
  index_queue free_buffers; ///< Ingest thread pops, workers push.
  index_queue ready;        ///< Ingest thread pushes, workers pop.
  std::atomic<uint32_t> wakeups{0};
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> submitted{0};
  std::atomic<uint64_t> processed{0};
  std::atomic<uint64_t> overrun{0};
  std::vector<std::thread> workers;
};

slot_pipeline::slot_pipeline(const slot_pipeline_config& config, slot_handler handler)
{
  if (const status s = validate(config); !s) {
    throw std::invalid_argument(s.message());
  }
  impl_ = std::make_unique<impl>(config, std::move(handler));
  impl_->workers.reserve(config.nof_workers);
  for (unsigned w = 0; w != config.nof_workers; ++w) {
    impl_->workers.emplace_back([this, w, nice = config.worker_nice] { impl_->work(w, nice); });
  }
}

slot_pipeline::~slot_pipeline()
{
  stop();
}

int slot_pipeline::acquire() noexcept
{
  unsigned buffer = 0;
  if (!impl_->free_buffers.pop(buffer)) {
    impl_->overrun.fetch_add(1, std::memory_order_relaxed);
    return -1;
  }
  return static_cast<int>(buffer);
}

unsigned slot_pipeline::acquire_waiting() noexcept
{
  unsigned buffer = 0;
  for (;;) {
    const uint64_t seen = impl_->processed.load(std::memory_order_acquire);
    if (impl_->free_buffers.pop(buffer)) {
      return buffer;
    }
    // Every buffer is held: the next one comes back before processed moves on.
    impl_->processed.wait(seen, std::memory_order_acquire);
  }
}

void slot_pipeline::submit(unsigned buffer) noexcept
{
  impl_->ready.push(buffer);
  impl_->submitted.fetch_add(1, std::memory_order_relaxed);
  // A futex wake, and only when a worker sleeps: the ingest thread does not wait here.
  impl_->wakeups.fetch_add(1, std::memory_order_release);
  impl_->wakeups.notify_one();
}

void slot_pipeline::stop() noexcept
{
  if (impl_->stopping.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  impl_->wakeups.fetch_add(1, std::memory_order_release);
  impl_->wakeups.notify_all();
  for (std::thread& t : impl_->workers) {
    t.join();
  }
}

slot_pipeline_counters slot_pipeline::counters() const noexcept
{
  return {impl_->submitted.load(std::memory_order_relaxed), impl_->processed.load(std::memory_order_acquire),
          impl_->overrun.load(std::memory_order_relaxed)};
}

} // namespace airan::io
