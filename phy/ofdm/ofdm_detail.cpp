#include "ofdm_detail.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <new>

namespace airan::phy::detail {

namespace {

fftwf_complex* as_fftw(cf_t* p)
{
  return reinterpret_cast<fftwf_complex*>(p);
}

/// fftwf_alignment_of() of caller memory.
int alignment_of(const void* p)
{
  return fftwf_alignment_of(static_cast<float*>(const_cast<void*>(p)));
}

} // namespace

status validate_center_frequency(double f0_hz)
{
  if (!std::isfinite(f0_hz) || f0_hz < 0) {
    return status::error("OFDM: carrier frequency " + std::to_string(f0_hz) + " Hz is not a frequency >= 0");
  }
  return status::ok();
}

void ofdm_fft::buffer_deleter::operator()(cf_t* p) const noexcept
{
  fftwf_free(p);
}

void ofdm_fft::plan_deleter::operator()(fftwf_plan p) const noexcept
{
  std::lock_guard lock(fftw_planner_mutex());
  fftwf_destroy_plan(p);
}

ofdm_fft::buffer_ptr ofdm_fft::allocate(std::size_t nof_samples)
{
  buffer_ptr p(static_cast<cf_t*>(fftwf_malloc(nof_samples * sizeof(cf_t))));
  if (p == nullptr) {
    throw std::bad_alloc();
  }
  return p;
}

ofdm_fft::ofdm_fft(unsigned size, direction dir, ofdm_fft_planning planning) :
  size_(size), internal_(allocate(size)), bounce_(allocate(size))
{
  // Caller pointers p and p + m samples share an alignment class when m is a multiple of the class count, which
  // fftwf_malloc memory (maximally aligned) reveals: at most 8 classes for 64-byte SIMD alignment.
  constexpr unsigned max_classes = 8;
  const buffer_ptr   external    = allocate(size + max_classes);
  unsigned           nof_classes = 1;
  while (nof_classes != max_classes && alignment_of(external.get() + nof_classes) != alignment_of(external.get())) {
    ++nof_classes;
  }

  // The forward input is written whole before each transform, so FFTW may use it as scratch.
  const unsigned flags = (planning == ofdm_fft_planning::measure ? FFTW_MEASURE : FFTW_ESTIMATE) |
                         (dir == direction::forward ? FFTW_DESTROY_INPUT : 0U);
  const int      sign  = dir == direction::forward ? FFTW_FORWARD : FFTW_BACKWARD;
  for (unsigned c = 0; c != nof_classes; ++c) {
    cf_t* const in  = internal_.get();
    cf_t* const out = external.get() + c;
    fftwf_plan  plan;
    {
      std::lock_guard lock(fftw_planner_mutex());
      plan = fftwf_plan_dft_1d(static_cast<int>(size), as_fftw(in), as_fftw(out), sign, flags);
    }
    if (plan == nullptr) {
      throw std::bad_alloc();
    }
    plans_.emplace_back(plan);
  }
  // Planning with FFTW_MEASURE overwrites the arrays.
  std::fill_n(internal_.get(), size_, cf_t{});
}

fftwf_plan ofdm_fft::plan_for(const void* p) const noexcept
{
  const auto alignment = static_cast<std::size_t>(alignment_of(p));
  if (alignment % sizeof(cf_t) != 0 || alignment / sizeof(cf_t) >= plans_.size()) {
    return nullptr;
  }
  return plans_[alignment / sizeof(cf_t)].get();
}

void ofdm_fft::execute(cf_t* out) noexcept
{
  if (fftwf_plan plan = plan_for(out); plan != nullptr) {
    fftwf_execute_dft(plan, as_fftw(internal_.get()), as_fftw(out));
    return;
  }
  fftwf_execute_dft(plans_[0].get(), as_fftw(internal_.get()), as_fftw(bounce_.get()));
  std::copy_n(bounce_.get(), size_, out);
}

} // namespace airan::phy::detail
