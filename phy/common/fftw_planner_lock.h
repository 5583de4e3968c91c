#pragma once
// FFTW's planner and plan destruction are not thread-safe (executing plans is): every block that creates or destroys
// FFTW plans holds this one process-wide mutex.

#include <mutex>

namespace airan::phy::detail {

std::mutex& fftw_planner_mutex();

} // namespace airan::phy::detail
