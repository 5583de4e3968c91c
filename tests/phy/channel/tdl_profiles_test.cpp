// TDL power-delay profiles: TR 38.901 7.7.2 / 7.7.3 and TS 38.104 Annex G.2.1.
#include "airan/phy/channel/tdl_profiles.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

struct row {
  double delay;
  double power_db;
};

/// RMS delay spread (power-weighted standard deviation of the delays).
double rms_delay_spread(const std::vector<tdl_path>& paths)
{
  double total = 0.0;
  double mean  = 0.0;
  double mean2 = 0.0;
  for (const tdl_path& p : paths) {
    total += p.power;
    mean += p.power * p.delay_s;
    mean2 += p.power * p.delay_s * p.delay_s;
  }
  mean /= total;
  return std::sqrt(mean2 / total - mean * mean);
}

/// Checks a profile against rows of the standard's table (delays in units of `unit` seconds): same delays, and powers
/// in the ratios of the table (the profile is normalised, the table is not).
void check_rows(const std::vector<tdl_path>& paths, const std::vector<row>& table, double unit)
{
  REQUIRE(paths.size() == table.size());
  for (std::size_t i = 0; i != table.size(); ++i) {
    CHECK(paths[i].delay_s == doctest::Approx(table[i].delay * unit).epsilon(1e-12));
    CHECK(10.0 * std::log10(paths[i].power / paths[0].power) ==
          doctest::Approx(table[i].power_db - table[0].power_db).epsilon(1e-9));
  }
}

double sum_of_powers(const std::vector<tdl_path>& paths)
{
  double total = 0.0;
  for (const tdl_path& p : paths) {
    total += p.power;
  }
  return total;
}

} // namespace

TEST_CASE("TDL presets reproduce TS 38.104 Tables G.2.1.1-2 .. -4")
{
  // TDLA30, TDLB100 and TDLC300 as printed in the standard (ns, dB).
  check_rows(tdl_power_delay_profile(tdl_model::tdla30, 0.0),
             {{0, -15.5}, {10, 0}, {15, -5.1}, {20, -5.1}, {25, -9.6}, {50, -8.2}, {65, -13.1}, {75, -11.5},
              {105, -11.0}, {135, -16.2}, {150, -16.6}, {290, -26.2}},
             1e-9);
  check_rows(tdl_power_delay_profile(tdl_model::tdlb100, 0.0),
             {{0, 0}, {10, -2.2}, {20, -0.6}, {30, -0.6}, {35, -0.3}, {45, -1.2}, {55, -5.9}, {120, -2.2},
              {170, -0.8}, {245, -6.3}, {330, -7.5}, {480, -7.1}},
             1e-9);
  check_rows(tdl_power_delay_profile(tdl_model::tdlc300, 0.0),
             {{0, -6.9}, {65, 0}, {70, -7.7}, {190, -2.5}, {195, -2.4}, {200, -9.9}, {240, -8.0}, {325, -6.6},
              {520, -7.1}, {1045, -13.0}, {1510, -14.2}, {2595, -16.0}},
             1e-9);
}

TEST_CASE("TR 38.901 TDL models: size, first and last rows, delays scaled by the delay spread")
{
  const double ds = 123e-9;
  struct expectation {
    tdl_model model;
    unsigned  nof_paths;
    row       second;
    row       last;
  };
  // Rows 2 and last of Tables 7.7.2-1 .. -5 (for TDL-D/E the first path merges the LOS and Rayleigh rows, so the
  // "second" path is table tap 2).
  for (const expectation& e : std::vector<expectation>{{tdl_model::tdl_a, 23, {0.3819, 0.0}, {9.6586, -29.7}},
                                                       {tdl_model::tdl_b, 23, {0.1072, -2.2}, {4.7834, -11.3}},
                                                       {tdl_model::tdl_c, 24, {0.2099, -1.2}, {8.6523, -22.8}},
                                                       {tdl_model::tdl_d, 13, {0.035, -18.8}, {12.525, -27.7}},
                                                       {tdl_model::tdl_e, 14, {0.5133, -15.8}, {20.6519, -29.2}}}) {
    CAPTURE(tdl_model_name(e.model));
    const std::vector<tdl_path> paths = tdl_power_delay_profile(e.model, ds);
    REQUIRE(paths.size() == e.nof_paths);
    CHECK(paths[0].delay_s == 0.0);
    CHECK(paths[1].delay_s == doctest::Approx(e.second.delay * ds).epsilon(1e-12));
    CHECK(paths.back().delay_s == doctest::Approx(e.last.delay * ds).epsilon(1e-12));
    CHECK(10.0 * std::log10(paths.back().power / paths[1].power) ==
          doctest::Approx(e.last.power_db - e.second.power_db).epsilon(1e-9));
    CHECK(sum_of_powers(paths) == doctest::Approx(1.0).epsilon(1e-12));
  }
  // TDL-A tap 1 is 13.4 dB below tap 2.
  const std::vector<tdl_path> a = tdl_power_delay_profile(tdl_model::tdl_a, ds);
  CHECK(10.0 * std::log10(a[0].power / a[1].power) == doctest::Approx(-13.4).epsilon(1e-9));
  // TDL-D: first path = LOS (-0.2 dB) + Rayleigh (-13.5 dB) of the table, in the ratio to tap 2 (-18.8 dB).
  const std::vector<tdl_path> d = tdl_power_delay_profile(tdl_model::tdl_d, ds);
  CHECK(d[0].power / d[1].power ==
        doctest::Approx((std::pow(10.0, -0.02) + std::pow(10.0, -1.35)) / std::pow(10.0, -1.88)).epsilon(1e-9));
}

TEST_CASE("TDL profiles: normalised power and RMS delay spread")
{
  // TR 38.901 normalises the delays to an RMS delay spread of 1, so the scaled profile has the requested spread. The
  // tables round delays to 4 digits and powers to 0.1 dB; TDL-D comes out at 0.9937 and the others within 0.03 %,
  // hence the 1 % tolerance.
  for (tdl_model model : {tdl_model::tdl_a, tdl_model::tdl_b, tdl_model::tdl_c, tdl_model::tdl_d, tdl_model::tdl_e}) {
    for (double ds : {10e-9, 30e-9, 100e-9, 300e-9, 1000e-9}) {
      CAPTURE(tdl_model_name(model));
      CAPTURE(ds);
      const std::vector<tdl_path> paths = tdl_power_delay_profile(model, ds);
      CHECK(sum_of_powers(paths) == doctest::Approx(1.0).epsilon(1e-12));
      CHECK(rms_delay_spread(paths) == doctest::Approx(ds).epsilon(0.01));
    }
  }
  // The presets carry their spread in the name; their tables give 30.0, 100.4 and 300.3 ns (0.5 %).
  for (tdl_model model : {tdl_model::tdla30, tdl_model::tdlb100, tdl_model::tdlc300}) {
    CAPTURE(tdl_model_name(model));
    const std::vector<tdl_path> paths = tdl_power_delay_profile(model, 0.0);
    CHECK(sum_of_powers(paths) == doctest::Approx(1.0).epsilon(1e-12));
    CHECK(rms_delay_spread(paths) == doctest::Approx(tdl_preset_delay_spread_s(model)).epsilon(0.005));
  }
  CHECK(tdl_preset_delay_spread_s(tdl_model::tdla30) == 30e-9);
  CHECK(tdl_preset_delay_spread_s(tdl_model::tdlb100) == 100e-9);
  CHECK(tdl_preset_delay_spread_s(tdl_model::tdlc300) == 300e-9);
  CHECK(tdl_preset_delay_spread_s(tdl_model::tdl_a) == 0.0);
}

TEST_CASE("TDL K-factors: Tables 7.7.2-4 and 7.7.2-5")
{
  CHECK(10.0 * std::log10(tdl_los_k_factor(tdl_model::tdl_d)) == doctest::Approx(13.3).epsilon(1e-12));
  CHECK(10.0 * std::log10(tdl_los_k_factor(tdl_model::tdl_e)) == doctest::Approx(22.0).epsilon(1e-12));
  for (tdl_model model : {tdl_model::tdl_a, tdl_model::tdl_b, tdl_model::tdl_c, tdl_model::tdla30,
                          tdl_model::tdlb100, tdl_model::tdlc300}) {
    CHECK(tdl_los_k_factor(model) == 0.0);
  }
}

TEST_CASE("TDL model names")
{
  for (tdl_model model : {tdl_model::tdl_a, tdl_model::tdl_b, tdl_model::tdl_c, tdl_model::tdl_d, tdl_model::tdl_e,
                          tdl_model::tdla30, tdl_model::tdlb100, tdl_model::tdlc300}) {
    tdl_model parsed = tdl_model::tdl_a;
    CHECK(parse_tdl_model(tdl_model_name(model), parsed).is_ok());
    CHECK(parsed == model);
  }
  tdl_model parsed;
  CHECK(tdl_model_name(tdl_model::tdlb100) == "TDLB100");
  CHECK(tdl_model_name(tdl_model::tdl_c) == "TDL-C");
  CHECK_FALSE(parse_tdl_model("TDL-F", parsed).is_ok());
  CHECK_FALSE(parse_tdl_model("tdla30", parsed).is_ok());
  CHECK_FALSE(parse_tdl_model("", parsed).is_ok());
  CHECK(tdl_model_is_preset(tdl_model::tdlc300));
  CHECK_FALSE(tdl_model_is_preset(tdl_model::tdl_c));
}

TEST_CASE("TDL profile validation")
{
  CHECK(validate_tdl_profile(tdl_model::tdl_a, 30e-9).is_ok());
  CHECK(validate_tdl_profile(tdl_model::tdl_e, tdl_max_delay_spread_s).is_ok());
  CHECK_FALSE(validate_tdl_profile(tdl_model::tdl_a, 0.0).is_ok());
  CHECK_FALSE(validate_tdl_profile(tdl_model::tdl_b, -30e-9).is_ok());
  CHECK_FALSE(validate_tdl_profile(tdl_model::tdl_c, 2 * tdl_max_delay_spread_s).is_ok());
  CHECK_FALSE(validate_tdl_profile(tdl_model::tdl_c, std::nan("")).is_ok());
  CHECK(validate_tdl_profile(tdl_model::tdlb100, 0.0).is_ok());
  CHECK_FALSE(validate_tdl_profile(tdl_model::tdlb100, 100e-9).is_ok());
  CHECK_FALSE(validate_tdl_profile(static_cast<tdl_model>(42), 30e-9).is_ok());
}
