#pragma once
/// The baseline of the OFDM and PUSCH receiver benchmarks: the FFTs of a slot's OFDM demodulation (one per symbol and
/// port) as one batched out-of-place FFTW plan (fftwf_plan_many_dft, FFTW_MEASURE), with nothing else around them.
/// Measured in the same run as the code under test, it gives ratios that do not depend on how fast the shared
/// machine happens to be.

#include <benchmark/benchmark.h>
#include <fftw3.h>

#include <cstddef>
#include <random>

namespace airan::bench {

class batched_fft {
public:
  batched_fft(unsigned fft_size, unsigned count)
      : size_(static_cast<int>(fft_size)), count_(static_cast<int>(count)),
        in_(fftwf_alloc_complex(std::size_t(size_) * count_)), out_(fftwf_alloc_complex(std::size_t(size_) * count_))
  {
    plan_ = fftwf_plan_many_dft(1, &size_, count_, in_, nullptr, 1, size_, out_, nullptr, 1, size_, FFTW_FORWARD,
                                FFTW_MEASURE);
    std::mt19937 rng(6);
    std::normal_distribution<float> gauss(0.0F, 0.1F);
    for (std::size_t i = 0; i != std::size_t(size_) * count_; ++i) {
      in_[i][0] = gauss(rng);
      in_[i][1] = gauss(rng);
    }
  }
  batched_fft(const batched_fft&) = delete;
  batched_fft& operator=(const batched_fft&) = delete;
  ~batched_fft()
  {
    fftwf_destroy_plan(plan_);
    fftwf_free(out_);
    fftwf_free(in_);
  }

  void execute() noexcept
  {
    fftwf_execute(plan_);
    benchmark::DoNotOptimize(out_);
    benchmark::ClobberMemory();
  }

private:
  int size_;
  int count_;
  fftwf_complex* in_;
  fftwf_complex* out_;
  fftwf_plan plan_ = nullptr;
};

} // namespace airan::bench
