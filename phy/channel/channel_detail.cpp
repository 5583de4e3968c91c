#include "channel_detail.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <numbers>

namespace airan::phy::detail {

namespace {

uint64_t splitmix64(uint64_t& state) noexcept
{
  state += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state;
  z          = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z          = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

constexpr uint64_t rotl(uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

/// Modified Bessel function of the first kind, order 0, by its power series (converges fast for the window's
/// arguments, |x| <= 5).
double bessel_i0(double x)
{
  double sum  = 1.0;
  double term = 1.0;
  for (int k = 1; k != 40; ++k) {
    const double half = x / (2.0 * k);
    term *= half * half;
    sum += term;
  }
  return sum;
}

/// Kaiser window parameter of the windowed-sinc interpolator (see delay_interpolation.h for its accuracy).
constexpr double kaiser_beta = 5.0;

} // namespace

random_generator::random_generator(uint64_t seed, uint64_t stream) noexcept
{
  uint64_t mix       = seed;
  uint64_t key       = splitmix64(mix);
  uint64_t sequence  = key ^ (stream * 0xD1B54A32D192ED03ULL + 0x632BE59BD9B4E019ULL);
  for (uint64_t& word : state_) {
    word = splitmix64(sequence);
  }
}

uint64_t random_generator::next() noexcept
{
  const uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const uint64_t t      = state_[1] << 17U;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

std::complex<double> random_generator::complex_gaussian() noexcept
{
  // u1 in (0, 1] keeps the logarithm finite; -log(u1) is exponential with mean 1 = E|z|^2.
  const double u1    = 1.0 - uniform();
  const double u2    = uniform();
  const double r     = std::sqrt(-std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  return {r * std::cos(angle), r * std::sin(angle)};
}

delay_filter make_delay_filter(double delay_samples, delay_interpolation interpolation)
{
  assert(delay_samples >= 0.0);
  delay_filter filter;
  if (interpolation == delay_interpolation::nearest_sample) {
    filter.first_lag = static_cast<unsigned>(std::llround(delay_samples));
    return filter;
  }
  constexpr unsigned half    = windowed_sinc_half_length;
  const unsigned     latency = delay_latency_samples(interpolation);
  const double       whole   = std::floor(delay_samples);
  const double       frac    = delay_samples - whole;
  if (frac < 1e-9 || frac > 1.0 - 1e-9) {
    filter.first_lag = static_cast<unsigned>(std::llround(delay_samples)) + latency;
    return filter;
  }
  // Delay by d + latency: out[n] = sum_m in[m] h(n - m - d - latency); with m = n - floor(d) - j the coefficient of
  // in[n - floor(d) - j] is h(j - latency - frac), j = 0 .. 2 half - 1.
  filter.first_lag        = static_cast<unsigned>(whole);
  filter.nof_coefficients = 2 * half;
  const double window_norm = bessel_i0(kaiser_beta);
  for (unsigned j = 0; j != 2 * half; ++j) {
    const double x      = static_cast<double>(j) - latency - frac;
    const double sinc   = std::sin(std::numbers::pi * x) / (std::numbers::pi * x);
    const double r      = x / half;
    const double window = std::abs(r) < 1.0 ? bessel_i0(kaiser_beta * std::sqrt(1.0 - r * r)) / window_norm : 0.0;
    filter.coefficients[j] = static_cast<float>(sinc * window);
  }
  return filter;
}

__attribute__((target_clones("avx2", "default"))) void
apply_delay_filter(const delay_filter& filter, const cf_t* in, cf_t* out, unsigned n) noexcept
{
  const cf_t* base = in - filter.first_lag;
  if (filter.is_shift()) {
    std::copy_n(base, n, out);
    return;
  }
  assert(filter.nof_coefficients == filter.coefficients.size());
  // Real coefficients on interleaved complex samples. Eight outputs (two vectors of four complex samples) per step,
  // each summing the coefficients in registers: GCC vector extensions, AVX2 where the CPU has it (not FMA, which would
  // round differently and make the output depend on the machine).
  using v8sf                    = float __attribute__((vector_size(32)));
  constexpr std::ptrdiff_t taps = 2 * windowed_sinc_half_length;
  const float*             x    = reinterpret_cast<const float*>(base);
  float*                   y    = reinterpret_cast<float*>(out);
  std::ptrdiff_t           i    = 0;
  for (; i + 8 <= static_cast<std::ptrdiff_t>(n); i += 8) {
    v8sf low  = {};
    v8sf high = {};
    for (std::ptrdiff_t j = 0; j != taps; ++j) {
      v8sf x_low;
      v8sf x_high;
      std::memcpy(&x_low, x + 2 * (i - j), sizeof(v8sf));
      std::memcpy(&x_high, x + 2 * (i - j) + 8, sizeof(v8sf));
      low += filter.coefficients[j] * x_low;
      high += filter.coefficients[j] * x_high;
    }
    std::memcpy(y + 2 * i, &low, sizeof(v8sf));
    std::memcpy(y + 2 * i + 8, &high, sizeof(v8sf));
  }
  for (; i != static_cast<std::ptrdiff_t>(n); ++i) {
    cf_t sum = 0.0F;
    for (std::ptrdiff_t j = 0; j != taps; ++j) {
      sum += filter.coefficients[j] * base[i - j];
    }
    out[i] = sum;
  }
}

sample_history::sample_history(unsigned nof_ports, unsigned history, unsigned max_block) :
  history_(history), stride_(history + max_block), buffer_(std::size_t{nof_ports} * stride_)
{
}

const cf_t* sample_history::load(unsigned port, std::span<const cf_t> block) noexcept
{
  assert(history_ + block.size() <= stride_);
  cf_t* start = buffer_.data() + std::size_t{port} * stride_ + history_;
  std::copy(block.begin(), block.end(), start);
  return start;
}

void sample_history::advance(unsigned n) noexcept
{
  assert(history_ + n <= stride_);
  for (std::size_t port_start = 0; port_start != buffer_.size(); port_start += stride_) {
    cf_t* port = buffer_.data() + port_start;
    std::copy(port + n, port + n + history_, port);
  }
}

void sample_history::clear() noexcept { std::fill(buffer_.begin(), buffer_.end(), cf_t()); }

double cos_cycles(double frequency_hz, double time_s, double phase_cycles) noexcept
{
  // x = cycles - round(cycles) in [-1/2, 1/2] (rounding by adding and subtracting 1.5 * 2^52, exact for
  // |cycles| < 2^51), then cos(2 pi x) = sin(z) with z = 2 pi (1/4 - |x|) in [-pi/2, pi/2], and the Taylor series of
  // sin to degree 17 (error below 1e-11). No branch and no library call: vectorisable, and the same value on every
  // platform.
  constexpr double round_magic = 6755399441055744.0;
  const double     cycles      = frequency_hz * time_s + phase_cycles;
  const double     x           = cycles - ((cycles + round_magic) - round_magic);
  const double     z           = 2.0 * std::numbers::pi * (0.25 - std::abs(x));
  const double     z2          = z * z;
  double           p           = 1.0 / 355687428096000.0;
  p                            = p * z2 - 1.0 / 1307674368000.0;
  p                            = p * z2 + 1.0 / 6227020800.0;
  p                            = p * z2 - 1.0 / 39916800.0;
  p                            = p * z2 + 1.0 / 362880.0;
  p                            = p * z2 - 1.0 / 5040.0;
  p                            = p * z2 + 1.0 / 120.0;
  p                            = p * z2 - 1.0 / 6.0;
  p                            = p * z2 + 1.0;
  return p * z;
}

fading_processes::fading_processes(unsigned nof_processes, double max_doppler_hz, uint64_t seed,
                                   uint64_t first_stream) :
  nof_processes_(nof_processes),
  frequencies_hz_(std::size_t{nof_processes} * 2 * nof_sinusoids),
  phases_cycles_(frequencies_hz_.size())
{
  constexpr double pi = std::numbers::pi;
  constexpr double m  = nof_sinusoids;
  for (unsigned k = 0; k != nof_processes; ++k) {
    random_generator rng(seed, first_stream + k);
    const double     theta = 2.0 * pi * (rng.uniform() - 0.5);
    double*          f     = frequencies_hz_.data() + std::size_t{k} * 2 * nof_sinusoids;
    double*          phase = phases_cycles_.data() + std::size_t{k} * 2 * nof_sinusoids;
    for (unsigned i = 0; i != nof_sinusoids; ++i) {
      const double alpha    = (2.0 * pi * (i + 1) - pi + theta) / (4.0 * m);
      f[i]                  = max_doppler_hz * std::cos(alpha);
      f[nof_sinusoids + i]  = max_doppler_hz * std::sin(alpha);
    }
    for (unsigned i = 0; i != 2 * nof_sinusoids; ++i) {
      phase[i] = rng.uniform() - 0.5;
    }
  }
}

void fading_processes::evaluate(double time_s, std::span<std::complex<double>> values) const noexcept
{
  assert(values.size() == nof_processes_);
  const double scale = 1.0 / std::sqrt(static_cast<double>(nof_sinusoids));
  // The sinusoids of a process into a small array first (a loop the compiler vectorises), then their sums.
  std::array<double, 2 * nof_sinusoids> terms;
  for (unsigned k = 0; k != nof_processes_; ++k) {
    const double* f     = frequencies_hz_.data() + std::size_t{k} * 2 * nof_sinusoids;
    const double* phase = phases_cycles_.data() + std::size_t{k} * 2 * nof_sinusoids;
    for (unsigned i = 0; i != 2 * nof_sinusoids; ++i) {
      terms[i] = cos_cycles(f[i], time_s, phase[i]);
    }
    double re = 0.0;
    double im = 0.0;
    for (unsigned i = 0; i != nof_sinusoids; ++i) {
      re += terms[i];
      im += terms[nof_sinusoids + i];
    }
    values[k] = {scale * re, scale * im};
  }
}

} // namespace airan::phy::detail
