#pragma once
/// std::vector storage that starts on a cache line, for buffers that SIMD code and FFTW read or write in whole vectors
/// (the OFDM demodulator's sample buffers: ofdm_demodulator::grid_offset()).

#include <cstddef>
#include <new>
#include <vector>

namespace airan {

/// Allocates with operator new(std::align_val_t{Alignment}).
template <typename T, std::size_t Alignment = 64>
struct aligned_allocator {
  using value_type = T;

  template <typename U>
  struct rebind {
    using other = aligned_allocator<U, Alignment>;
  };

  aligned_allocator() noexcept = default;
  template <typename U>
  explicit aligned_allocator(const aligned_allocator<U, Alignment>& /*other*/) noexcept
  {
  }

  T* allocate(std::size_t n) { return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{Alignment})); }
  void deallocate(T* p, std::size_t n) noexcept { ::operator delete (p, n * sizeof(T), std::align_val_t{Alignment}); }

  template <typename U>
  bool operator==(const aligned_allocator<U, Alignment>& /*other*/) const noexcept
  {
    return true;
  }
};

/// A std::vector whose data() is 64-byte aligned.
template <typename T>
using aligned_vector = std::vector<T, aligned_allocator<T>>;

} // namespace airan
