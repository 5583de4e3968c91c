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

ofdm_fft::ofdm_fft(unsigned size, direction dir, source input, ofdm_fft_planning planning) :
  size_(size), internal_(allocate(size)), bounce_(allocate(size))
{
  // Caller pointers p and p + m samples share an alignment class when m is a multiple of the class count, which
  // fftwf_malloc memory (maximally aligned) reveals: at most 8 classes for 64-byte SIMD alignment.
  constexpr unsigned max_classes  = 8;
  const buffer_ptr   external_in  = allocate(size + max_classes);
  const buffer_ptr   external_out = allocate(size + max_classes);
  while (nof_classes_ != max_classes &&
         alignment_of(external_out.get() + nof_classes_) != alignment_of(external_out.get())) {
    ++nof_classes_;
  }

  // FFTW_PRESERVE_INPUT: caller input is const, and the internal one keeps what the caller does not rewrite.
  const unsigned flags = (planning == ofdm_fft_planning::measure ? FFTW_MEASURE : FFTW_ESTIMATE) | FFTW_PRESERVE_INPUT;
  const int      sign  = dir == direction::forward ? FFTW_FORWARD : FFTW_BACKWARD;
  const unsigned nof_input_classes = input == source::internal ? 1 : nof_classes_;
  for (unsigned in_class = 0; in_class != nof_input_classes; ++in_class) {
    cf_t* const in = input == source::internal ? internal_.get() : external_in.get() + in_class;
    for (unsigned out_class = 0; out_class != nof_classes_; ++out_class) {
      cf_t* const out = external_out.get() + out_class;
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
  }
  // Planning with FFTW_MEASURE overwrites the arrays.
  std::fill_n(internal_.get(), size_, cf_t{});
}

unsigned ofdm_fft::class_of(const void* p) const noexcept
{
  const auto alignment = static_cast<std::size_t>(alignment_of(p));
  if (alignment % sizeof(cf_t) != 0 || alignment / sizeof(cf_t) >= nof_classes_) {
    return nof_classes_;
  }
  return static_cast<unsigned>(alignment / sizeof(cf_t));
}

void ofdm_fft::run(unsigned in_class, const cf_t* in, cf_t* out) noexcept
{
  // FFTW takes non-const arrays; every plan preserves its input.
  auto* const input = as_fftw(const_cast<cf_t*>(in));
  if (const unsigned out_class = class_of(out); out_class != nof_classes_) {
    fftwf_execute_dft(plans_[in_class * nof_classes_ + out_class].get(), input, as_fftw(out));
    return;
  }
  fftwf_execute_dft(plans_[in_class * nof_classes_].get(), input, as_fftw(bounce_.get()));
  std::copy_n(bounce_.get(), size_, out);
}

void ofdm_fft::execute(cf_t* out) noexcept
{
  assert(plans_.size() == nof_classes_);
  run(0, internal_.get(), out);
}

void ofdm_fft::execute(const cf_t* in, cf_t* out) noexcept
{
  assert(plans_.size() == std::size_t{nof_classes_} * nof_classes_);
  if (const unsigned in_class = class_of(in); in_class != nof_classes_) {
    run(in_class, in, out);
    return;
  }
  std::copy_n(in, size_, internal_.get());
  run(0, internal_.get(), out);
}

} // namespace airan::phy::detail
