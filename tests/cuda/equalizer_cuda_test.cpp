#include "airan/phy/pusch/equalizer.h"
#include "airan/phy/pusch/equalizer_cuda.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

struct mimo_case {
  unsigned nof_rx_ports;
  unsigned nof_layers;
  unsigned nof_re;
  unsigned nof_symbols;
  std::vector<cf_t> y;
  std::vector<cf_t> h;
  std::vector<float> rx_noise_var;
};

/// Rayleigh channels (CN(0, 1) per rx port and layer, one per RE), QPSK-like unit symbols and per-port noise at
/// snr_db with a spread of 0.5..2 across ports.
mimo_case random_case(unsigned p, unsigned v, unsigned nof_re, unsigned nof_symbols, float snr_db, std::mt19937& rng)
{
  mimo_case c{p,
              v,
              nof_re,
              nof_symbols,
              std::vector<cf_t>(std::size_t{nof_symbols} * p * nof_re),
              std::vector<cf_t>(std::size_t{p} * v * nof_re),
              std::vector<float>(p)};
  std::normal_distribution<float> gauss(0.0F, std::sqrt(0.5F));
  std::uniform_real_distribution<float> spread(0.5F, 2.0F);
  for (auto& h : c.h) {
    h = {gauss(rng), gauss(rng)};
  }
  const float n0 = std::pow(10.0F, -snr_db / 10.0F);
  for (auto& s : c.rx_noise_var) {
    s = n0 * spread(rng);
  }
  for (unsigned s = 0; s != nof_symbols; ++s) {
    for (unsigned re = 0; re != nof_re; ++re) {
      std::vector<cf_t> x(v);
      for (auto& xi : x) {
        xi = cf_t((rng() & 1U) != 0 ? 0.7071068F : -0.7071068F, (rng() & 1U) != 0 ? 0.7071068F : -0.7071068F);
      }
      for (unsigned rx = 0; rx != p; ++rx) {
        cf_t acc{};
        for (unsigned k = 0; k != v; ++k) {
          acc += c.h[(std::size_t{rx} * v + k) * nof_re + re] * x[k];
        }
        const float sigma = std::sqrt(c.rx_noise_var[rx] / 2.0F);
        c.y[(std::size_t{s} * p + rx) * nof_re + re] =
            acc + cf_t(sigma * gauss(rng) * 1.4142135F, sigma * gauss(rng) * 1.4142135F);
      }
    }
  }
  return c;
}

/// ||a - b|| / ||b||.
template <typename T>
double relative_error(const std::vector<T>& a, const std::vector<T>& b)
{
  double err = 0.0;
  double ref = 0.0;
  for (std::size_t i = 0; i != a.size(); ++i) {
    err += std::norm(std::complex<double>(a[i]) - std::complex<double>(b[i]));
    ref += std::norm(std::complex<double>(b[i]));
  }
  return std::sqrt(err / std::max(ref, 1e-300));
}

struct outputs {
  std::vector<cf_t> x;
  std::vector<float> noise_var;
};

outputs run_cpu(const mimo_case& c)
{
  equalizer eq({8, 4, c.nof_re, true});
  outputs o{std::vector<cf_t>(std::size_t{c.nof_symbols} * c.nof_layers * c.nof_re),
            std::vector<float>(std::size_t{c.nof_layers} * c.nof_re)};
  const equalizer_input in{c.nof_rx_ports, c.nof_layers, c.nof_re, c.nof_symbols, c.y, c.h};
  const equalizer_output out{o.x, o.noise_var};
  REQUIRE(eq.validate_mmse(out, in, c.rx_noise_var));
  eq.equalize_mmse(out, in, c.rx_noise_var);
  return o;
}

outputs run_gpu(equalizer_cuda& gpu, const mimo_case& c)
{
  outputs o{std::vector<cf_t>(std::size_t{c.nof_symbols} * c.nof_layers * c.nof_re),
            std::vector<float>(std::size_t{c.nof_layers} * c.nof_re)};
  const equalizer_input in{c.nof_rx_ports, c.nof_layers, c.nof_re, c.nof_symbols, c.y, c.h};
  REQUIRE(gpu.equalize_mmse({o.x, o.noise_var}, in, c.rx_noise_var));
  return o;
}

} // namespace

TEST_CASE("equalizer (cuda): MMSE of 1..4 layers and 1..8 receive ports agrees with equalize_mmse")
{
  std::mt19937 rng(11);
  equalizer_cuda gpu(
      {.max_nof_jobs = 1, .max_nof_rx_ports = 8, .max_nof_layers = 4, .max_nof_re = 3276, .max_nof_symbols = 3});
  for (unsigned v = 1; v <= 4; ++v) {
    for (unsigned p = v; p <= 8; ++p) {
      for (const float snr_db : {0.0F, 20.0F, 50.0F}) {
        for (const unsigned nof_symbols : {1U, 3U}) {
          CAPTURE(v);
          CAPTURE(p);
          CAPTURE(snr_db);
          CAPTURE(nof_symbols);
          const mimo_case c = random_case(p, v, 1000, nof_symbols, snr_db, rng);
          const outputs cpu = run_cpu(c);
          const outputs gpu_out = run_gpu(gpu, c);
          // Single precision with a different factorisation: the errors stay far below the noise of any SNR used.
          CHECK(relative_error(gpu_out.x, cpu.x) < 2e-3);
          CHECK(relative_error(gpu_out.noise_var, cpu.noise_var) < 2e-3);
        }
      }
    }
  }
}

TEST_CASE("equalizer (cuda): null channels and excluded ports give x = 0 and the largest noise variance")
{
  std::mt19937 rng(12);
  mimo_case c = random_case(4, 2, 64, 1, 20.0F, rng);
  for (unsigned rx = 0; rx != 4; ++rx) {
    for (unsigned k = 0; k != 2; ++k) {
      c.h[(rx * 2 + k) * 64 + 5] = {}; // RE 5: no channel at all
    }
  }
  c.rx_noise_var[3] = std::numeric_limits<float>::infinity(); // port 3 excluded
  equalizer_cuda gpu(
      {.max_nof_jobs = 1, .max_nof_rx_ports = 4, .max_nof_layers = 2, .max_nof_re = 64, .max_nof_symbols = 1});
  const outputs cpu = run_cpu(c);
  const outputs gpu_out = run_gpu(gpu, c);
  for (unsigned k = 0; k != 2; ++k) {
    CHECK(gpu_out.x[k * 64 + 5] == cf_t{});
    CHECK(gpu_out.noise_var[k * 64 + 5] == equalizer_noise_var_max);
    CHECK(cpu.noise_var[k * 64 + 5] == equalizer_noise_var_max);
  }
  CHECK(relative_error(gpu_out.x, cpu.x) < 2e-3);
}

TEST_CASE("equalizer (cuda): setup rejects more layers than ports and too many ports")
{
  equalizer_cuda gpu({});
  equalizer_cuda_job job;
  job.nof_rx_ports = 2;
  job.nof_layers = 3;
  CHECK_FALSE(gpu.setup({&job, 1}));
  job.nof_rx_ports = 9;
  CHECK_FALSE(gpu.setup({&job, 1}));
  job.nof_rx_ports = 4;
  job.nof_re = 0;
  CHECK(gpu.setup({&job, 1}));
}
