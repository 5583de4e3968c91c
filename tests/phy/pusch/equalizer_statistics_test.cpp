// MIMO equaliser: statistics of the reported noise variances, interference rejection, robustness to degenerate
// input, validation.
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

TEST_CASE("equalizer: the reported noise variance is the variance of the estimation error")
{
  std::mt19937 rng(5);
  equalizer    eq = make_equalizer(8, 40000);
  for (const auto& [ports, layers] : {std::pair{1U, 1U}, {2U, 2U}, {4U, 2U}, {8U, 4U}}) {
    for (bool fixed_channel : {true, false}) {
      CAPTURE(ports);
      CAPTURE(layers);
      CAPTURE(fixed_channel);
      // Low SNR (about 3 dB per port), where the MMSE bias d_k is far from 1.
      problem            p = make_problem(ports, layers, 40000, rng, fixed_channel);
      std::vector<float> sigma2(ports);
      for (unsigned rx = 0; rx != ports; ++rx) {
        sigma2[rx] = 0.3F + 0.4F * static_cast<float>(rx % 2);
      }
      transmit(p, rng, diagonal_colouring(sigma2));
      result out(p);
      eq.equalize_mmse(out.output(), p.input(), sigma2);
      for (unsigned k = 0; k != layers; ++k) {
        const error_statistics st = statistics(p, out, k);
        CHECK(st.error_var == doctest::Approx(st.reported_var).epsilon(0.1));
        CHECK(st.gain == doctest::Approx(1.0).epsilon(0.03));
      }

      // The same with coloured noise, per group of 12 REs, through MMSE-IRC.
      const unsigned    nof_groups = (p.nof_re + 11) / 12;
      std::vector<cd_t> c;
      for (unsigned g = 0; g != nof_groups; ++g) {
        const auto cg = random_colouring(ports, 0.4, rng);
        c.insert(c.end(), cg.begin(), cg.end());
      }
      transmit(p, rng, c, 12);
      eq.equalize_mmse_irc(out.output(), p.input(), covariance_of(c, ports), 12);
      for (unsigned k = 0; k != layers; ++k) {
        const error_statistics st = statistics(p, out, k);
        CHECK(st.error_var == doctest::Approx(st.reported_var).epsilon(0.1));
        CHECK(st.gain == doctest::Approx(1.0).epsilon(0.03));
      }
    }
  }
}

TEST_CASE("equalizer: MMSE-IRC suppresses a strong rank-1 interferer that MMSE cannot")
{
  std::mt19937   rng(6);
  const unsigned ports  = 4;
  const unsigned layers = 2;
  equalizer      eq     = make_equalizer(ports, 20000);
  problem        p      = make_problem(ports, layers, 20000, rng);
  // Noise 0.01 per port plus an interferer 20 dB above it with a fixed spatial signature g: R = 0.01 I + g g^H.
  const double      sigma2 = 0.01;
  std::vector<cd_t> g(ports);
  for (auto& gi : g) {
    gi = cd_t(complex_normal(rng, 1.0)) * std::sqrt(100.0 * sigma2);
  }
  // n = sqrt(sigma2) w + g q with w (per port) and q white.
  for (unsigned re = 0; re != p.nof_re; ++re) {
    const cf_t q = complex_normal(rng, 1.0);
    for (unsigned rx = 0; rx != ports; ++rx) {
      cd_t acc = cd_t(complex_normal(rng, sigma2)) + g[rx] * cd_t(q);
      for (unsigned k = 0; k != layers; ++k) {
        acc += cd_t(p.h_at(rx, k, re)) * cd_t(p.s[k * p.nof_re + re]);
      }
      p.y_at(rx, re) = cf_t(acc);
    }
  }
  std::vector<cf_t>  r(ports * ports);
  std::vector<float> diagonal(ports);
  for (unsigned i = 0; i != ports; ++i) {
    for (unsigned j = 0; j != ports; ++j) {
      r[i * ports + j] = cf_t((i == j ? sigma2 : 0.0) + g[i] * std::conj(g[j]));
    }
    diagonal[i] = r[i * ports + i].real();
  }

  result irc(p);
  result mmse(p);
  eq.equalize_mmse_irc(irc.output(), p.input(), r, p.nof_re);
  eq.equalize_mmse(mmse.output(), p.input(), diagonal);
  for (unsigned k = 0; k != layers; ++k) {
    const error_statistics st_irc  = statistics(p, irc, k);
    const error_statistics st_mmse = statistics(p, mmse, k);
    CAPTURE(st_irc.error_var);
    CAPTURE(st_mmse.error_var);
    // Post-equalisation SINR at least 7 dB better, and IRC's own report is right.
    CHECK(st_irc.error_var * 5.0 < st_mmse.error_var);
    CHECK(st_irc.error_var == doctest::Approx(st_irc.reported_var).epsilon(0.1));
  }
}

TEST_CASE("equalizer: degenerate inputs give finite outputs")
{
  std::mt19937       rng(7);
  equalizer          eq = make_equalizer();
  const float        nan = std::numeric_limits<float>::quiet_NaN();
  const float        inf = std::numeric_limits<float>::infinity();
  const unsigned     ports = 4;
  const unsigned     layers = 2;
  problem            base = make_problem(ports, layers, 29, rng);
  const std::vector<float> sigma2(ports, 0.01F);
  transmit(base, rng, diagonal_colouring(sigma2));
  result reference(base);
  eq.equalize_mmse(reference.output(), base.input(), sigma2);

  auto no_information = [&](const result& out, unsigned re) {
    for (unsigned k = 0; k != layers; ++k) {
      CHECK(out.x[k * base.nof_re + re] == cf_t{});
      CHECK(out.noise_var[k * base.nof_re + re] == equalizer_noise_var_max);
    }
  };
  auto unchanged = [&](const result& out, unsigned re) {
    for (unsigned k = 0; k != layers; ++k) {
      CHECK(out.x[k * base.nof_re + re] == reference.x[k * base.nof_re + re]);
      CHECK(out.noise_var[k * base.nof_re + re] == reference.noise_var[k * base.nof_re + re]);
    }
  };

  SUBCASE("zero channel")
  {
    problem p = base;
    std::fill(p.h.begin(), p.h.end(), cf_t{});
    for (const std::vector<float>& noise : {sigma2, std::vector<float>{0.0F}}) {
      result out(p);
      eq.equalize_mmse(out.output(), p.input(), noise);
      for (unsigned re = 0; re != p.nof_re; ++re) {
        no_information(out, re);
      }
    }
  }
  SUBCASE("zero noise with a rank-deficient channel and a singular covariance")
  {
    problem p = base;
    for (unsigned re = 0; re != p.nof_re; ++re) {
      for (unsigned rx = 0; rx != ports; ++rx) {
        p.h_at(rx, 1, re) = p.h_at(rx, 0, re);
      }
    }
    result out(p);
    eq.equalize_mmse(out.output(), p.input(), std::vector<float>{0.0F});
    CHECK(all_finite(out));
    std::vector<cf_t> r(ports * ports, cf_t{1.0F, 0.0F});
    eq.equalize_mmse_irc(out.output(), p.input(), r, p.nof_re);
    CHECK(all_finite(out));
    std::fill(r.begin(), r.end(), cf_t{});
    eq.equalize_mmse_irc(out.output(), p.input(), r, p.nof_re);
    CHECK(all_finite(out));
    eq.equalize_mmse(out.output(), p.input(), std::vector<float>{-1.0F, 0.0F, 1e-30F, 1.0F});
    CHECK(all_finite(out));
  }
  SUBCASE("NaN and infinity in y or H affect only their RE")
  {
    for (float bad : {nan, inf, -inf}) {
      problem p    = base;
      p.y_at(2, 3) = {bad, 0.0F};
      p.h_at(1, 0, 17) = {0.0F, bad};
      result out(p);
      eq.equalize_mmse(out.output(), p.input(), sigma2);
      for (unsigned re = 0; re != p.nof_re; ++re) {
        if (re == 3 || re == 17) {
          no_information(out, re);
        } else {
          unchanged(out, re);
        }
      }
    }
  }
  SUBCASE("huge values")
  {
    problem p = base;
    for (auto& v : p.y) {
      v *= 1e30F;
    }
    for (auto& v : p.h) {
      v *= 1e30F;
    }
    result out(p);
    eq.equalize_mmse(out.output(), p.input(), sigma2);
    CHECK(all_finite(out));
  }
  SUBCASE("non-finite noise variance excludes its port")
  {
    for (float bad : {nan, inf}) {
      result out(base);
      eq.equalize_mmse(out.output(), base.input(), std::vector<float>{0.01F, bad, 0.01F, 0.01F});
      CHECK(all_finite(out));
      // The reference without port 1: a huge noise variance there.
      check_against_reference(base, out, diagonal_covariance({0.01F, 1e30F, 0.01F, 0.01F}), base.nof_re);
      eq.equalize_mmse(out.output(), base.input(), std::vector<float>{bad});
      for (unsigned re = 0; re != base.nof_re; ++re) {
        no_information(out, re);
      }
    }
  }
  SUBCASE("non-finite covariance affects only its group")
  {
    for (float bad : {nan, inf}) {
      std::vector<cf_t> r(3 * ports * ports);
      for (unsigned g = 0; g != 3; ++g) {
        for (unsigned i = 0; i != ports; ++i) {
          r[(g * ports + i) * ports + i] = 0.01F;
        }
      }
      r[(ports + 2) * ports + 1] = {bad, 0.0F};
      result out(base);
      eq.equalize_mmse_irc(out.output(), base.input(), r, 10);
      for (unsigned re = 0; re != base.nof_re; ++re) {
        if (re >= 10 && re < 20) {
          no_information(out, re);
        } else {
          for (unsigned k = 0; k != layers; ++k) {
            CHECK(std::abs(out.x[k * base.nof_re + re] - reference.x[k * base.nof_re + re]) < 1e-5F);
          }
        }
      }
    }
  }
}

TEST_CASE("equalizer: invalid sizes are rejected")
{
  CHECK_FALSE(equalizer::validate({0, 4, 100}).is_ok());
  CHECK_FALSE(equalizer::validate({17, 4, 100}).is_ok());
  CHECK_FALSE(equalizer::validate({4, 0, 100}).is_ok());
  CHECK_FALSE(equalizer::validate({4, 5, 100}).is_ok());
  CHECK_FALSE(equalizer::validate({4, 4, 0}).is_ok());
  CHECK_FALSE(equalizer::validate({4, 4, (1U << 24) + 1}).is_ok());
  CHECK(equalizer::validate({16, 4, 1U << 24}).is_ok());

  std::mt19937             rng(8);
  equalizer                eq = make_equalizer(4, 100);
  const problem            p  = make_problem(4, 2, 50, rng);
  result                   out(p);
  const equalizer_input    in = p.input();
  const std::vector<float> sigma2(4, 0.1F);
  const std::vector<cf_t>  r(5 * 16);
  CHECK(eq.validate_mmse(out.output(), in, sigma2).is_ok());
  CHECK(eq.validate_mmse(out.output(), in, std::vector<float>{0.1F}).is_ok());
  CHECK(eq.validate_mmse_irc(out.output(), in, r, 10).is_ok());
  CHECK_FALSE(eq.validate_mmse(out.output(), in, std::vector<float>(3, 0.1F)).is_ok());
  CHECK_FALSE(eq.validate_mmse(out.output(), in, std::vector<float>{}).is_ok());
  CHECK_FALSE(eq.validate_mmse_irc(out.output(), in, r, 0).is_ok());
  CHECK_FALSE(eq.validate_mmse_irc(out.output(), in, r, 20).is_ok());
  CHECK_FALSE(eq.validate_mmse_irc(out.output(), in, std::span(r).first(4 * 16), 10).is_ok());

  // One span or count off at a time.
  auto rejected = [&](auto change) {
    equalizer_input  bad_in  = in;
    equalizer_output bad_out = out.output();
    change(bad_in, bad_out);
    return !eq.validate_mmse(bad_out, bad_in, sigma2).is_ok() && !eq.validate_mmse_irc(bad_out, bad_in, r, 10).is_ok();
  };
  CHECK(rejected([](equalizer_input& i, equalizer_output&) { i.nof_layers = 3; }));
  CHECK(rejected([](equalizer_input& i, equalizer_output&) { i.y = i.y.first(i.y.size() - 1); }));
  CHECK(rejected([](equalizer_input& i, equalizer_output&) { i.h = i.h.first(i.h.size() - 1); }));
  CHECK(rejected([](equalizer_input&, equalizer_output& o) { o.x = o.x.first(10); }));
  CHECK(rejected([](equalizer_input&, equalizer_output& o) { o.noise_var = o.noise_var.first(10); }));
  CHECK(rejected([](equalizer_input& i, equalizer_output&) { i.nof_symbols = 0; }));
  CHECK(rejected([](equalizer_input& i, equalizer_output&) { i.nof_symbols = 2; }));

  // Several symbols: y and x hold all of them, noise_var one set.
  std::vector<cf_t> y3(3 * p.y.size());
  std::vector<cf_t> x3(3 * out.x.size());
  equalizer_input   in3 = in;
  in3.nof_symbols       = 3;
  in3.y                 = y3;
  CHECK(eq.validate_mmse({x3, out.noise_var}, in3, sigma2).is_ok());
  in3.nof_symbols = equalizer_max_nof_symbols + 1;
  CHECK_FALSE(eq.validate_mmse({x3, out.noise_var}, in3, sigma2).is_ok());

  // Row distances: at least nof_re, and the spans must reach the last element addressed.
  equalizer_input strided = in;
  strided.y_port_stride   = 60;
  strided.h_stride        = 55;
  std::vector<cf_t> y_rows(3 * 60 + 50);
  std::vector<cf_t> h_rows(7 * 55 + 50);
  strided.y = y_rows;
  strided.h = h_rows;
  CHECK(eq.validate_mmse(out.output(), strided, sigma2).is_ok());
  CHECK(eq.validate_mmse_irc(out.output(), strided, r, 10).is_ok());
  CHECK(rejected([&](equalizer_input& i, equalizer_output&) { i = strided; i.y = i.y.first(i.y.size() - 1); }));
  CHECK(rejected([&](equalizer_input& i, equalizer_output&) { i = strided; i.h = i.h.first(i.h.size() - 1); }));
  CHECK(rejected([&](equalizer_input& i, equalizer_output&) { i = strided; i.y_port_stride = 49; }));
  CHECK(rejected([&](equalizer_input& i, equalizer_output&) { i = strided; i.h_stride = 49; }));
  CHECK(rejected([&](equalizer_input& i, equalizer_output&) { i = strided; i.y_symbol_stride = 49; }));

  // Layers above ports, ports and REs above the configuration.
  const problem   one_port = make_problem(1, 1, 50, rng);
  equalizer_input wide     = one_port.input();
  wide.nof_layers          = 2;
  CHECK_FALSE(eq.validate_mmse(out.output(), wide, std::vector<float>{0.1F}).is_ok());
  for (const problem& q : {make_problem(8, 1, 50, rng), make_problem(4, 2, 101, rng)}) {
    result out_q(q);
    CHECK_FALSE(eq.validate_mmse(out_q.output(), q.input(), std::vector<float>{0.1F}).is_ok());
  }
}
