// Slot pipeline: order of hand-over, overrun counting when every buffer is held, buffer ownership under several
// workers (each slot read back whole, exactly once), configuration checks. Build with AIRAN_SANITIZE=thread to check
// the hand-over for data races.

#include "airan/io/ingest/slot_pipeline.h"

#include <doctest/doctest.h>

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace airan::io;

namespace {

/// Yields until the workers have finished `n` slots (no time limit: ctest's timeout catches a hang).
void wait_processed(const slot_pipeline& pipeline, uint64_t n)
{
  while (pipeline.counters().processed < n) {
    std::this_thread::yield();
  }
}

} // namespace

TEST_CASE("slot pipeline: configuration checks")
{
  CHECK(validate(slot_pipeline_config{}));
  CHECK_FALSE(validate(slot_pipeline_config{0, 1}));
  CHECK_FALSE(validate(slot_pipeline_config{1025, 1}));
  CHECK_FALSE(validate(slot_pipeline_config{8, 0}));
  CHECK_FALSE(validate(slot_pipeline_config{8, 65}));
  CHECK_FALSE(validate(slot_pipeline_config{8, 1, -1}));
  CHECK_FALSE(validate(slot_pipeline_config{8, 1, 20}));
  CHECK_THROWS_AS(slot_pipeline(slot_pipeline_config{0, 1}, [](unsigned, unsigned) {}), std::invalid_argument);
}

TEST_CASE("slot pipeline: one worker finishes the slots in the order they were pushed")
{
  constexpr unsigned nof_buffers = 4;
  constexpr uint32_t nof_slots = 5000;
  std::vector<uint32_t> buffers(nof_buffers);
  std::vector<uint32_t> finished; // Written by the one worker only, read after stop().
  finished.reserve(nof_slots);
  std::vector<uint32_t> accepted;
  slot_pipeline pipeline({nof_buffers, 1}, [&](unsigned buffer, unsigned worker) {
    CHECK(worker == 0);
    finished.push_back(buffers[buffer]);
  });
  for (uint32_t seq = 0; seq != nof_slots; ++seq) {
    if (pipeline.push([&](unsigned buffer) { buffers[buffer] = seq; })) {
      accepted.push_back(seq);
    }
  }
  pipeline.stop();
  // Slots may be dropped when the worker falls behind, but those handed over come out whole and in order.
  CHECK(finished == accepted);
  const slot_pipeline_counters c = pipeline.counters();
  CHECK(c.submitted == accepted.size());
  CHECK(c.processed == accepted.size());
  CHECK(c.overrun == nof_slots - accepted.size());
}

TEST_CASE("slot pipeline: with every buffer held by the workers, a slot is dropped and counted, never blocking")
{
  constexpr unsigned nof_buffers = 3;
  std::atomic<bool> gate{false};
  std::atomic<unsigned> started{0};
  slot_pipeline pipeline({nof_buffers, 2}, [&](unsigned, unsigned) {
    started.fetch_add(1);
    gate.wait(false);
  });
  unsigned nof_fills = 0;
  for (unsigned i = 0; i != nof_buffers; ++i) {
    CHECK(pipeline.push([&](unsigned) { ++nof_fills; }));
  }
  // Every buffer is held (two by blocked workers, one waiting in the queue): these are dropped without a fill.
  for (unsigned i = 0; i != 5; ++i) {
    CHECK_FALSE(pipeline.push([&](unsigned) { ++nof_fills; }));
  }
  CHECK(nof_fills == nof_buffers);
  CHECK(pipeline.counters().overrun == 5);
  CHECK(pipeline.counters().processed == 0);
  gate.store(true);
  gate.notify_all();
  wait_processed(pipeline, nof_buffers);
  // The buffers came back: the next slot is accepted.
  CHECK(pipeline.push([&](unsigned) { ++nof_fills; }));
  pipeline.stop();
  const slot_pipeline_counters c = pipeline.counters();
  CHECK(c.submitted == nof_buffers + 1);
  CHECK(c.processed == nof_buffers + 1);
  CHECK(c.overrun == 5);
  CHECK(started.load() == nof_buffers + 1);
}

TEST_CASE("slot pipeline: push_waiting waits for a free buffer instead of dropping")
{
  constexpr uint32_t nof_slots = 2000;
  std::vector<uint32_t> buffers(1);
  std::vector<uint32_t> finished;
  finished.reserve(nof_slots);
  slot_pipeline pipeline({1, 1}, [&](unsigned buffer, unsigned) { finished.push_back(buffers[buffer]); });
  std::vector<uint32_t> pushed;
  for (uint32_t seq = 0; seq != nof_slots; ++seq) {
    pipeline.push_waiting([&](unsigned buffer) { buffers[buffer] = seq; });
    pushed.push_back(seq);
  }
  pipeline.stop();
  CHECK(finished == pushed);
  CHECK(pipeline.counters().overrun == 0);
  CHECK(pipeline.counters().processed == nof_slots);
}

TEST_CASE("slot pipeline: several workers read every accepted slot whole, exactly once")
{
  constexpr unsigned nof_buffers = 3;
  constexpr unsigned nof_workers = 4;
  constexpr uint32_t nof_slots = 20000;
  constexpr std::size_t buffer_size = 1024;
  std::vector<std::vector<uint32_t>> buffers(nof_buffers, std::vector<uint32_t>(buffer_size));
  std::vector<std::vector<uint32_t>> seen(nof_workers); // Each worker writes its own.
  std::atomic<unsigned> torn{0};
  slot_pipeline pipeline({nof_buffers, nof_workers}, [&](unsigned buffer, unsigned worker) {
    const std::vector<uint32_t>& slot = buffers[buffer];
    // A buffer rewritten while held would show two sequence numbers.
    if (!std::all_of(slot.begin(), slot.end(), [&](uint32_t x) { return x == slot.front(); })) {
      torn.fetch_add(1);
    }
    seen[worker].push_back(slot.front());
  });
  std::vector<uint32_t> accepted;
  for (uint32_t seq = 0; seq != nof_slots; ++seq) {
    if (pipeline.push([&](unsigned buffer) { std::fill(buffers[buffer].begin(), buffers[buffer].end(), seq); })) {
      accepted.push_back(seq);
    }
  }
  pipeline.stop();
  std::vector<uint32_t> all;
  for (const auto& s : seen) {
    // Each worker takes slots in push order.
    CHECK(std::is_sorted(s.begin(), s.end()));
    all.insert(all.end(), s.begin(), s.end());
  }
  std::sort(all.begin(), all.end());
  CHECK(torn.load() == 0);
  CHECK(all == accepted);
  CHECK(pipeline.counters().overrun + accepted.size() == nof_slots);
  CHECK_FALSE(accepted.empty());
}

TEST_CASE("slot pipeline: workers run at the nice value asked for, above the ingest thread's")
{
  errno = 0;
  const int base = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  REQUIRE(errno == 0);
  std::vector<int> nice(2, -100);
  slot_pipeline pipeline({2, 2, 7}, [&](unsigned buffer, unsigned) {
    nice[buffer] = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  });
  CHECK(pipeline.push([](unsigned) {}));
  pipeline.stop();
  const int expected = std::min(base + 7, 19);
  CHECK((nice[0] == expected || nice[1] == expected));
  CHECK(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())) == base);
}

TEST_CASE("slot pipeline: workers of a real-time ingest thread run under the normal policy")
{
  // Needs the right to make a thread real-time (root or CAP_SYS_NICE); without it there is nothing to inherit.
  int worker_policy = -1;
  bool realtime = false;
  std::thread ingest([&] {
    const sched_param fifo{1};
    realtime = pthread_setschedparam(pthread_self(), SCHED_FIFO, &fifo) == 0;
    if (!realtime) {
      return;
    }
    slot_pipeline pipeline({1, 1}, [&](unsigned, unsigned) { worker_policy = sched_getscheduler(0); });
    CHECK(pipeline.push([](unsigned) {}));
    pipeline.stop();
    CHECK(sched_getscheduler(0) == SCHED_FIFO);
  });
  ingest.join();
  if (!realtime) {
    MESSAGE("not allowed to make a thread real-time here: policy inheritance not checked");
    return;
  }
  CHECK(worker_policy == SCHED_OTHER);
}
