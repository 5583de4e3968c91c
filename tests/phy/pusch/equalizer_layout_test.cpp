// MIMO equaliser layouts: per-symbol phases of a shared channel, symbols picked out of a grid by index, and the
// output interleaved by layer, checked together against plain calls of one symbol each; their validation. (The
// interleaved output alone: equalizer_test.cpp, rows read with distances.)
#include "equalizer_fixture.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;
using namespace airan::phy::equalizer_test;

namespace {

/// Worst of |a - b| / max(1, |b|) over all elements.
float worst_relative_error(const std::vector<cf_t>& a, const std::vector<cf_t>& b)
{
  float worst = 0.0F;
  for (std::size_t i = 0; i != a.size(); ++i) {
    worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(1.0F, std::abs(b[i])));
  }
  return worst;
}

} // namespace

TEST_CASE("equalizer: phased symbols of a grid, interleaved, give the results of one call per symbol")
{
  std::mt19937 rng(31);
  // Symbols 1, 2, 4, 5, 7 of an 8-symbol grid (DM-RS-like gaps between them).
  const std::vector<unsigned> index = {1, 2, 4, 5, 7};
  const auto                  nof_symbols = static_cast<unsigned>(index.size());
  constexpr unsigned          grid_symbols = 8;
  std::uniform_real_distribution<float> angle(-3.14159F, 3.14159F);
  for (bool avx2 : {true, false}) {
    CAPTURE(avx2);
    equalizer eq = make_equalizer(8, 4096, avx2);
    for (unsigned ports : {1U, 4U, 8U}) {
      for (unsigned layers = 1; layers <= std::min(ports, 4U); ++layers) {
        // Below one vector, across blocks of the weights (1024 REs for 2 layers and 4 ports, 256 for 4 and 8).
        for (unsigned nof_re : {5U, 100U, 1203U}) {
          for (bool irc : {false, true}) {
            CAPTURE(ports);
            CAPTURE(layers);
            CAPTURE(nof_re);
            CAPTURE(irc);
            const problem      p = make_problem(ports, layers, nof_re, rng);
            std::vector<float> sigma2(ports);
            for (unsigned rx = 0; rx != ports; ++rx) {
              sigma2[rx] = 0.01F * static_cast<float>(1 + rx % 3);
            }
            const std::vector<cf_t> r = covariance_of(random_colouring(ports, 0.02, rng), ports);
            auto run = [&](equalizer_output out, const equalizer_input& in) {
              if (irc) {
                REQUIRE(eq.validate_mmse_irc(out, in, r, nof_re).is_ok());
                eq.equalize_mmse_irc(out, in, r, nof_re);
              } else {
                REQUIRE(eq.validate_mmse(out, in, sigma2).is_ok());
                eq.equalize_mmse(out, in, sigma2);
              }
            };

            // Grid [port][symbol][re] with NaN outside the used symbols (any stray read shows in the results); the
            // channel of used symbol l is phase[l] H.
            const std::size_t  port_stride = std::size_t{grid_symbols} * nof_re;
            const cf_t         nan{std::numeric_limits<float>::quiet_NaN(), 0.0F};
            std::vector<cf_t>  grid(ports * port_stride, nan);
            std::vector<cf_t>  phase(nof_symbols);
            std::vector<cf_t>  expected_x(std::size_t{nof_symbols} * layers * nof_re);
            std::vector<float> expected_noise_var(std::size_t{layers} * nof_re);
            for (unsigned l = 0; l != nof_symbols; ++l) {
              phase[l]  = std::polar(1.0F, angle(rng));
              problem q = p;
              for (auto& h : q.h) {
                h *= phase[l];
              }
              for (auto& s : q.s) {
                s = qpsk(rng);
              }
              transmit(q, rng, diagonal_colouring(sigma2));
              for (unsigned rx = 0; rx != ports; ++rx) {
                std::copy_n(q.y.begin() + rx * nof_re, nof_re, grid.begin() + rx * port_stride + index[l] * nof_re);
              }
              // Reference: this symbol alone with its own (rounded) channel, layers one after the other; the rounding
              // of the rotated channel makes the results differ by up to about 1e-4 relative on ill-conditioned
              // REs.
              result single(q);
              run(single.output(), q.input());
              for (unsigned k = 0; k != layers; ++k) {
                for (unsigned re = 0; re != nof_re; ++re) {
                  expected_x[(std::size_t{l} * nof_re + re) * layers + k] = single.x[k * nof_re + re];
                  if (l == 0) {
                    expected_noise_var[std::size_t{re} * layers + k] = single.noise_var[k * nof_re + re];
                  }
                }
              }
            }

            equalizer_input in{ports, layers, nof_re, nof_symbols, grid, p.h};
            in.y_port_stride   = port_stride;
            in.y_symbol_stride = nof_re;
            in.symbol_index    = index;
            in.symbol_phase    = phase;
            std::vector<cf_t>  x(expected_x.size());
            std::vector<float> noise_var(expected_noise_var.size());
            run({x, noise_var, true}, in);
            CHECK(worst_relative_error(x, expected_x) < 1e-4F);
            for (std::size_t i = 0; i != noise_var.size(); ++i) {
              CHECK(noise_var[i] == doctest::Approx(expected_noise_var[i]).epsilon(1e-4));
            }
          }
        }
      }
    }
  }
}

TEST_CASE("equalizer: symbol phases and indices are validated")
{
  std::mt19937             rng(33);
  const equalizer          eq = make_equalizer(4, 64);
  const problem            p  = make_problem(4, 2, 10, rng);
  const std::vector<float> sigma2(4, 0.01F);
  std::vector<cf_t>        grid(4 * 5 * 10);
  std::vector<cf_t>        x(3 * 2 * 10);
  std::vector<float>       noise_var(2 * 10);
  const std::vector<cf_t>  phase(3, cf_t{1.0F, 0.0F});
  equalizer_input          in{4, 2, 10, 3, grid, p.h};
  in.y_port_stride   = 50;
  in.y_symbol_stride = 10;
  const std::vector<unsigned> index = {0, 2, 4};
  in.symbol_index                   = index;
  in.symbol_phase                   = phase;
  CHECK(eq.validate_mmse({x, noise_var, true}, in, sigma2).is_ok());

  equalizer_input bad = in;
  bad.symbol_phase    = std::span(phase).first(2);
  CHECK_FALSE(eq.validate_mmse({x, noise_var}, bad, sigma2).is_ok());
  bad                                   = in;
  const std::vector<unsigned> short_index = {0, 2};
  bad.symbol_index                      = short_index;
  CHECK_FALSE(eq.validate_mmse({x, noise_var}, bad, sigma2).is_ok());
  const std::vector<unsigned> unordered = {0, 4, 2};
  bad.symbol_index                      = unordered;
  CHECK_FALSE(eq.validate_mmse({x, noise_var}, bad, sigma2).is_ok());
  // Symbol 5 of 5 would read past the grid.
  const std::vector<unsigned> beyond = {0, 2, 5};
  bad.symbol_index                   = beyond;
  CHECK_FALSE(eq.validate_mmse({x, noise_var}, bad, sigma2).is_ok());
  bad                 = in;
  bad.y_port_stride   = 0;
  bad.y_symbol_stride = 0;
  CHECK_FALSE(eq.validate_mmse({x, noise_var}, bad, sigma2).is_ok());
}
