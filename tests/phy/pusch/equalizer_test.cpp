// MIMO equaliser: agreement with a plain double-precision MMSE written from the formulas, statistics of the reported
// noise variances, interference rejection, robustness to degenerate input, validation.
#include "equalizer_fixture.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <vector>

using namespace airan;
using namespace airan::phy;
using namespace airan::phy::equalizer_test;

TEST_CASE("equalizer: MMSE matches the double-precision reference for 1..4 layers and 1, 2, 4, 8 ports")
{
  std::mt19937 rng(1);
  // Both builds of the kernels (the baseline one is what CPUs without AVX2 run).
  for (bool avx2 : {true, false}) {
    CAPTURE(avx2);
    equalizer eq = make_equalizer(8, 4096, avx2);
    for (unsigned ports : {1U, 2U, 4U, 8U}) {
      for (unsigned layers = 1; layers <= std::min(ports, 4U); ++layers) {
        for (unsigned nof_re : {1U, 8U, 13U, 100U}) {
          CAPTURE(ports);
          CAPTURE(layers);
          CAPTURE(nof_re);
          problem            p = make_problem(ports, layers, nof_re, rng);
          std::vector<float> sigma2(ports);
          for (unsigned rx = 0; rx != ports; ++rx) {
            sigma2[rx] = 0.01F * static_cast<float>(1 + rx % 3);
          }
          transmit(p, rng, diagonal_colouring(sigma2));
          result out(p);
          REQUIRE(eq.validate_mmse(out.output(), p.input(), sigma2).is_ok());
          eq.equalize_mmse(out.output(), p.input(), sigma2);
          check_against_reference(p, out, diagonal_covariance(sigma2), nof_re);

          eq.equalize_mmse(out.output(), p.input(), std::vector<float>{0.02F});
          check_against_reference(p, out, diagonal_covariance(std::vector<float>(ports, 0.02F)), nof_re);
        }
      }
    }
  }
}

TEST_CASE("equalizer: MMSE-IRC matches the double-precision reference for 1..4 layers and 1, 2, 4, 8 ports")
{
  std::mt19937 rng(2);
  // Both builds of the kernels (the baseline one is what CPUs without AVX2 run).
  for (bool avx2 : {true, false}) {
    CAPTURE(avx2);
    equalizer eq = make_equalizer(8, 4096, avx2);
    for (unsigned ports : {1U, 2U, 4U, 8U}) {
      for (unsigned layers = 1; layers <= std::min(ports, 4U); ++layers) {
        for (unsigned group_nof_re : {1U, 5U, 12U, 100U}) {
          CAPTURE(ports);
          CAPTURE(layers);
          CAPTURE(group_nof_re);
          const unsigned    nof_re     = 100;
          const unsigned    nof_groups = (nof_re + group_nof_re - 1) / group_nof_re;
          problem           p          = make_problem(ports, layers, nof_re, rng);
          std::vector<cd_t> c;
          for (unsigned g = 0; g != nof_groups; ++g) {
            const auto cg = random_colouring(ports, 0.01 * (1 + g % 4), rng);
            c.insert(c.end(), cg.begin(), cg.end());
          }
          transmit(p, rng, c, group_nof_re);
          const std::vector<cf_t> r = covariance_of(c, ports);
          result                  out(p);
          REQUIRE(eq.validate_mmse_irc(out.output(), p.input(), r, group_nof_re).is_ok());
          eq.equalize_mmse_irc(out.output(), p.input(), r, group_nof_re);
          check_against_reference(p, out, r, group_nof_re);
        }
      }
    }
  }
}

/// nof_symbols problems with the channel of p, each with its own symbols and noise, in the layouts of one call.
struct multi_symbol_problem {
  std::vector<problem> symbols;
  std::vector<cf_t>    y;

  equalizer_input input() const
  {
    const problem& p = symbols[0];
    return {p.nof_rx_ports, p.nof_layers, p.nof_re, static_cast<unsigned>(symbols.size()), y, p.h};
  }
};

multi_symbol_problem make_multi_symbol(const problem& p, unsigned nof_symbols, std::mt19937& rng,
                                       const std::vector<cd_t>& c, unsigned group_nof_re)
{
  multi_symbol_problem m;
  for (unsigned l = 0; l != nof_symbols; ++l) {
    problem q = p;
    for (auto& s : q.s) {
      s = qpsk(rng);
    }
    transmit(q, rng, c, group_nof_re);
    m.y.insert(m.y.end(), q.y.begin(), q.y.end());
    m.symbols.push_back(std::move(q));
  }
  return m;
}

TEST_CASE("equalizer: symbols sharing the channel give the results of one call per symbol")
{
  std::mt19937 rng(9);
  // Both builds of the kernels (the baseline one is what CPUs without AVX2 run).
  for (bool avx2 : {true, false}) {
    CAPTURE(avx2);
    equalizer eq = make_equalizer(8, 4096, avx2);
    for (unsigned ports : {1U, 2U, 4U, 8U}) {
      for (unsigned layers = 1; layers <= std::min(ports, 4U); ++layers) {
        for (unsigned nof_re : {13U, 100U}) {
          for (bool irc : {false, true}) {
            CAPTURE(ports);
            CAPTURE(layers);
            CAPTURE(nof_re);
            CAPTURE(irc);
            const unsigned     nof_symbols = irc ? 3 : equalizer_max_nof_symbols;
            const problem      p           = make_problem(ports, layers, nof_re, rng);
            std::vector<float> sigma2(ports);
            for (unsigned rx = 0; rx != ports; ++rx) {
              sigma2[rx] = 0.01F * static_cast<float>(1 + rx % 3);
            }
            std::vector<cd_t> c = diagonal_colouring(sigma2);
            if (irc) {
              c.clear();
              for (unsigned g = 0; g != (nof_re + 11) / 12; ++g) {
                const auto cg = random_colouring(ports, 0.02, rng);
                c.insert(c.end(), cg.begin(), cg.end());
              }
            }
            const multi_symbol_problem m = make_multi_symbol(p, nof_symbols, rng, c, irc ? 12 : 0);
            const std::vector<cf_t>    r = covariance_of(c, ports);
            auto run = [&](equalizer_output out, const equalizer_input& in) {
              if (irc) {
                REQUIRE(eq.validate_mmse_irc(out, in, r, 12).is_ok());
                eq.equalize_mmse_irc(out, in, r, 12);
              } else {
                REQUIRE(eq.validate_mmse(out, in, sigma2).is_ok());
                eq.equalize_mmse(out, in, sigma2);
              }
            };
            std::vector<cf_t>  x(nof_symbols * layers * nof_re);
            std::vector<float> noise_var(layers * nof_re);
            run({x, noise_var}, m.input());
            for (unsigned l = 0; l != nof_symbols; ++l) {
              result single(m.symbols[l]);
              run(single.output(), m.symbols[l].input());
              for (std::size_t i = 0; i != layers * nof_re; ++i) {
                const cf_t got = x[l * layers * nof_re + i];
                CHECK(std::abs(got - single.x[i]) <= 1e-5F * std::max(1.0F, std::abs(single.x[i])));
                CHECK(noise_var[i] == doctest::Approx(single.noise_var[i]).epsilon(1e-6));
              }
            }
          }
        }
      }
    }
  }
}

TEST_CASE("equalizer: a call with fewer ports than configured fills whole blocks of weights within the buffer")
{
  // Configured for 6 ports and 1 layer, called with 4 ports: the blocks of such a call (256 steps of 4 ports) hold
  // more weights than 6-port blocks would; a buffer sized for the configured maximum overflowed here (AddressSanitizer
  // reports it). Two blocks and a tail of REs, two symbols sharing the channel.
  std::mt19937             rng(41);
  const equalizer_config   config{6, 1, 4200, true};
  equalizer                eq(config);
  const unsigned           ports = 4;
  const unsigned           nof_re = 4101;
  const problem            p = make_problem(ports, 1, nof_re, rng);
  const std::vector<float> sigma2(ports, 0.02F);
  const multi_symbol_problem m = make_multi_symbol(p, 2, rng, diagonal_colouring(sigma2), 0);
  std::vector<cf_t>          x(2 * nof_re);
  std::vector<float>         noise_var(nof_re);
  REQUIRE(eq.validate_mmse({x, noise_var}, m.input(), sigma2).is_ok());
  eq.equalize_mmse({x, noise_var}, m.input(), sigma2);
  for (unsigned l = 0; l != 2; ++l) {
    result single(m.symbols[l]);
    eq.equalize_mmse(single.output(), m.symbols[l].input(), sigma2);
    bool same = true;
    for (std::size_t i = 0; i != nof_re; ++i) {
      same = same && std::abs(x[l * nof_re + i] - single.x[i]) <= 1e-5F * std::max(1.0F, std::abs(single.x[i])) &&
             noise_var[i] == doctest::Approx(single.noise_var[i]).epsilon(1e-6);
    }
    CHECK(same);
  }
}

TEST_CASE("equalizer: rows read with distances (a grid in place) give the results of the packed layout")
{
  std::mt19937 rng(12);
  // Both builds of the kernels (the baseline one is what CPUs without AVX2 run).
  for (bool avx2 : {true, false}) {
    CAPTURE(avx2);
    equalizer eq = make_equalizer(8, 4096, avx2);
    for (unsigned ports : {1U, 4U, 8U}) {
      for (unsigned layers = 1; layers <= std::min(ports, 4U); ++layers) {
        // One symbol (a single pass); several: full groups (four symbols for one layer, three for two, two for three
        // and four) and every smaller last group (3, 4 and 6 symbols: 2 + 1, 4, 4 + 2 for one layer; 3, 3 + 1, 3 + 3
        // for two; 2 + 1, 2 + 2, 2 + 2 + 2 for three and four).
        for (unsigned nof_symbols : {1U, 3U, 4U, 6U}) {
          CAPTURE(ports);
          CAPTURE(layers);
          CAPTURE(nof_symbols);
          const unsigned           nof_re = 37;
          const problem            p      = make_problem(ports, layers, nof_re, rng);
          const std::vector<float> sigma2(ports, 0.02F);
          const multi_symbol_problem m = make_multi_symbol(p, nof_symbols, rng, diagonal_colouring(sigma2), 0);
          // Grid-like layouts: rows of 50 and 45 elements, the ports 6 rows apart in y (room for the symbols), NaN
          // outside the REs so that any element read by mistake shows in the results.
          const std::size_t  y_port_stride = 6 * 50;
          const std::size_t  h_stride      = 45;
          const cf_t         nan{std::numeric_limits<float>::quiet_NaN(), 0.0F};
          std::vector<cf_t>  y((nof_symbols - 1) * 50 + (ports - 1) * y_port_stride + nof_re + 5, nan);
          std::vector<cf_t>  h((ports * layers - 1) * h_stride + nof_re, nan);
          for (unsigned l = 0; l != nof_symbols; ++l) {
            for (unsigned rx = 0; rx != ports; ++rx) {
              std::copy_n(m.y.begin() + (l * ports + rx) * nof_re, nof_re, y.begin() + l * 50 + rx * y_port_stride);
            }
          }
          for (unsigned row = 0; row != ports * layers; ++row) {
            std::copy_n(p.h.begin() + row * nof_re, nof_re, h.begin() + row * h_stride);
          }
          equalizer_input in = m.input();
          in.y               = y;
          in.h               = h;
          in.y_port_stride   = y_port_stride;
          in.y_symbol_stride = 50;
          in.h_stride        = h_stride;

          std::vector<cf_t>  packed_x(nof_symbols * layers * nof_re);
          std::vector<float> packed_noise_var(layers * nof_re);
          eq.equalize_mmse({packed_x, packed_noise_var}, m.input(), sigma2);
          std::vector<cf_t>  x(packed_x.size());
          std::vector<float> noise_var(packed_noise_var.size());
          REQUIRE(eq.validate_mmse({x, noise_var}, in, sigma2).is_ok());
          eq.equalize_mmse({x, noise_var}, in, sigma2);
          CHECK(x == packed_x);
          CHECK(noise_var == packed_noise_var);

          // Interleaved by layer: the same values reordered. The two layouts are separate instantiations of the
          // kernel, which the compiler may fuse into multiply-adds differently: equal within rounding (a misplaced
          // value would differ by the order of the values themselves).
          eq.equalize_mmse({x, noise_var, true}, in, sigma2);
          auto close = [](auto a, auto b) { return std::abs(a - b) <= 1e-5F * (1.0F + std::abs(b)); };
          bool reordered = true;
          for (unsigned l = 0; l != nof_symbols; ++l) {
            for (unsigned k = 0; k != layers; ++k) {
              for (unsigned re = 0; re != nof_re; ++re) {
                const std::size_t base = std::size_t{l} * layers * nof_re;
                const std::size_t at = std::size_t{re} * layers + k;
                reordered            = reordered && close(x[base + at], packed_x[base + k * nof_re + re]) &&
                            close(noise_var[at], packed_noise_var[k * nof_re + re]);
              }
            }
          }
          CHECK(reordered);

          const std::vector<cf_t> r = covariance_of(random_colouring(ports, 0.02, rng), ports);
          eq.equalize_mmse_irc({packed_x, packed_noise_var}, m.input(), r, nof_re);
          REQUIRE(eq.validate_mmse_irc({x, noise_var}, in, r, nof_re).is_ok());
          eq.equalize_mmse_irc({x, noise_var}, in, r, nof_re);
          CHECK(x == packed_x);
          CHECK(noise_var == packed_noise_var);
        }
      }
    }
  }
}

TEST_CASE("equalizer: a non-finite received value in one of several symbols marks its RE")
{
  std::mt19937             rng(10);
  equalizer                eq = make_equalizer();
  const problem            p  = make_problem(4, 2, 21, rng);
  const std::vector<float> sigma2(4, 0.01F);
  multi_symbol_problem     m = make_multi_symbol(p, 4, rng, diagonal_colouring(sigma2), 0);
  std::vector<cf_t>        clean_x(4 * 2 * 21);
  std::vector<float>       clean_noise_var(2 * 21);
  eq.equalize_mmse({clean_x, clean_noise_var}, m.input(), sigma2);
  // Symbol 2, port 3, RE 5.
  m.y[(2 * 4 + 3) * 21 + 5] = {std::numeric_limits<float>::quiet_NaN(), 0.0F};
  std::vector<cf_t>  x(clean_x.size());
  std::vector<float> noise_var(clean_noise_var.size());
  eq.equalize_mmse({x, noise_var}, m.input(), sigma2);
  for (unsigned l = 0; l != 4; ++l) {
    for (unsigned k = 0; k != 2; ++k) {
      for (unsigned re = 0; re != 21; ++re) {
        const std::size_t i = (l * 2 + k) * 21 + re;
        if (re == 5 && l == 2) {
          CHECK(x[i] == cf_t{});
        } else {
          CHECK(x[i] == clean_x[i]);
        }
      }
    }
  }
  for (unsigned k = 0; k != 2; ++k) {
    for (unsigned re = 0; re != 21; ++re) {
      CHECK(noise_var[k * 21 + re] == (re == 5 ? equalizer_noise_var_max : clean_noise_var[k * 21 + re]));
    }
  }
}

TEST_CASE("equalizer: the result does not depend on the units of y, H and the noise")
{
  std::mt19937 rng(3);
  equalizer    eq = make_equalizer();
  problem      p  = make_problem(4, 2, 64, rng);
  const std::vector<float> sigma2 = {0.01F, 0.02F, 0.01F, 0.04F};
  transmit(p, rng, diagonal_colouring(sigma2));
  result base(p);
  eq.equalize_mmse(base.output(), p.input(), sigma2);
  for (float scale : {1.0e-6F, 1.0e-3F, 1.0e4F}) {
    CAPTURE(scale);
    problem q = p;
    for (auto& v : q.y) {
      v *= scale;
    }
    for (auto& v : q.h) {
      v *= scale;
    }
    std::vector<float> scaled = sigma2;
    for (auto& s : scaled) {
      s *= scale * scale;
    }
    result out(q);
    eq.equalize_mmse(out.output(), q.input(), scaled);
    for (std::size_t i = 0; i != out.x.size(); ++i) {
      CHECK(std::abs(out.x[i] - base.x[i]) < 1e-5F * std::max(1.0F, std::abs(base.x[i])));
      CHECK(std::abs(out.noise_var[i] - base.noise_var[i]) < 1e-5F * base.noise_var[i]);
    }
  }
}

TEST_CASE("equalizer: noise-free identity channel returns y with a small noise variance")
{
  std::mt19937 rng(4);
  // Both builds of the kernels (the baseline one is what CPUs without AVX2 run).
  for (bool avx2 : {true, false}) {
    CAPTURE(avx2);
    equalizer eq = make_equalizer(8, 4096, avx2);
    for (unsigned layers = 1; layers <= 4; ++layers) {
      CAPTURE(layers);
      problem p = make_problem(layers, layers, 37, rng);
      for (unsigned re = 0; re != p.nof_re; ++re) {
        for (unsigned rx = 0; rx != layers; ++rx) {
          for (unsigned k = 0; k != layers; ++k) {
            p.h_at(rx, k, re) = rx == k ? 1.0F : 0.0F;
          }
        }
      }
      transmit(p, rng, std::vector<cd_t>(layers * layers));
      const std::vector<cf_t> zero_covariance(layers * layers);
      for (bool irc : {false, true}) {
        CAPTURE(irc);
        result out(p);
        if (irc) {
          eq.equalize_mmse_irc(out.output(), p.input(), zero_covariance, p.nof_re);
        } else {
          eq.equalize_mmse(out.output(), p.input(), std::vector<float>{0.0F});
        }
        for (unsigned k = 0; k != layers; ++k) {
          for (unsigned re = 0; re != p.nof_re; ++re) {
            CHECK(std::abs(out.x[k * p.nof_re + re] - p.y_at(k, re)) < 1e-5F);
            CHECK(out.noise_var[k * p.nof_re + re] <= 1e-5F);
          }
        }
      }
    }
  }
}

