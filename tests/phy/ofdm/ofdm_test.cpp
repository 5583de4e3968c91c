// OFDM numerology, modulation and demodulation (TS 38.211 4.3, 5.3.1, 5.4).
#include "airan/phy/ofdm/ofdm.h"

// The SIMD kernels and their portable twins, to test both code paths on any machine.
#include "../../../phy/ofdm/ofdm_detail.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <utility>
#include <numbers>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

using cd_t = std::complex<double>;

carrier_config make_carrier(unsigned mu, cyclic_prefix cp, unsigned nof_prb, double f0_hz = 0.0)
{
  carrier_config carrier;
  carrier.numerology          = mu;
  carrier.cp                  = cp;
  carrier.nof_prb             = nof_prb;
  carrier.bwp_size            = nof_prb;
  carrier.center_frequency_hz = f0_hz;
  return carrier;
}

/// A slot's grid for several ports, owning its data.
struct slot_grid {
  std::vector<cf_t> data;
  grid_view         view;

  slot_grid(unsigned nof_ports, const ofdm_numerology& numerology) :
    data(std::size_t{nof_ports} * numerology.nof_symbols_per_slot() * numerology.nof_subcarriers())
  {
    view = {data.data(), nof_ports, numerology.nof_symbols_per_slot(), numerology.nof_subcarriers()};
  }
};

void fill_random(std::vector<cf_t>& values, std::mt19937& rng)
{
  std::normal_distribution<float> gauss(0.0F, std::sqrt(0.5F));
  for (auto& v : values) {
    v = {gauss(rng), gauss(rng)};
  }
}

/// Per-port sample buffers of one slot, each starting `offset_floats` floats into its own storage (to exercise
/// every alignment of caller memory).
struct slot_samples {
  std::vector<std::vector<cf_t>> storage;
  std::vector<std::span<cf_t>>   ports;

  slot_samples(unsigned nof_ports, std::size_t length, unsigned offset_floats = 0) : storage(nof_ports)
  {
    for (auto& s : storage) {
      s.resize(length + 2);
      ports.emplace_back(reinterpret_cast<cf_t*>(reinterpret_cast<float*>(s.data()) + offset_floats), length);
    }
  }
  std::vector<std::span<const cf_t>> const_ports() const { return {ports.begin(), ports.end()}; }
};

double relative_error(std::span<const cf_t> x, std::span<const cf_t> reference)
{
  double error = 0.0;
  double power = 0.0;
  for (std::size_t i = 0; i != x.size(); ++i) {
    error += std::norm(cd_t(x[i]) - cd_t(reference[i]));
    power += std::norm(cd_t(reference[i]));
  }
  return std::sqrt(error / power);
}

/// TS 38.211 5.3.1 and 5.4 written out in double for one port of slot `slot` (number in the frame): the symbol start
/// times t_start,l by their recursion over the subframe, each sample at t = t_start(first symbol of the slot) + n / fs
/// assigned to the symbol whose interval [t_start,l, t_start,l + (N_u + N_CP,l) T_c) holds it, its value
///   sum_k a_k exp(j 2 pi (k - N_sc / 2) Delta f (t - N_CP,l T_c - t_start,l)) exp(-j 2 pi f0 (t_start,l + N_CP,l T_c))
/// scaled by 1 / sqrt(N_FFT).
std::vector<cd_t> reference_slot(const carrier_config& carrier,
                                 unsigned              fft_size,
                                 unsigned              slot,
                                 std::span<const cf_t> grid_port,
                                 std::size_t           nof_samples)
{
  const unsigned mu          = carrier.numerology;
  const unsigned nof_symbols = carrier.cp == cyclic_prefix::extended ? 12 : 14;
  const unsigned nof_sc      = 12 * carrier.nof_prb;
  const double   tc          = 1.0 / (480.0e3 * 4096.0);
  const double   kappa       = 64.0;
  const double   scs         = 15.0e3 * (1U << mu);
  const double   fs          = fft_size * scs;
  const double   n_u         = 2048.0 * kappa / (1U << mu);

  const unsigned      symbols_per_subframe = nof_symbols * (1U << mu);
  std::vector<double> n_cp(symbols_per_subframe);
  std::vector<double> t_start(symbols_per_subframe);
  for (unsigned l = 0; l != symbols_per_subframe; ++l) {
    if (carrier.cp == cyclic_prefix::extended) {
      n_cp[l] = 512.0 * kappa / (1U << mu);
    } else if (l == 0 || l == 7 * (1U << mu)) {
      n_cp[l] = 144.0 * kappa / (1U << mu) + 16.0 * kappa;
    } else {
      n_cp[l] = 144.0 * kappa / (1U << mu);
    }
    t_start[l] = l == 0 ? 0.0 : t_start[l - 1] + (n_u + n_cp[l - 1]) * tc;
  }

  const unsigned    first = (slot % (1U << mu)) * nof_symbols;
  std::vector<cd_t> out(nof_samples);
  for (std::size_t n = 0; n != nof_samples; ++n) {
    const double t = t_start[first] + static_cast<double>(n) / fs;
    // Symbol search a quarter sample late so that rounding never moves a boundary sample.
    unsigned l = first;
    while (l + 1 != first + nof_symbols && t + 0.25 / fs >= t_start[l + 1]) {
      ++l;
    }
    cd_t sum = 0.0;
    for (unsigned k = 0; k != nof_sc; ++k) {
      const double frequency = (static_cast<double>(k) - nof_sc / 2.0) * scs;
      sum += cd_t(grid_port[(l - first) * nof_sc + k]) *
             std::polar(1.0, 2.0 * std::numbers::pi * frequency * (t - n_cp[l] * tc - t_start[l]));
    }
    const double up = 2.0 * std::numbers::pi * carrier.center_frequency_hz * (t_start[l] + n_cp[l] * tc);
    out[n]          = sum * std::polar(1.0, -up) / std::sqrt(static_cast<double>(fft_size));
  }
  return out;
}

ofdm_modulator make_modulator(const carrier_config& carrier, unsigned fft_size = 0)
{
  const ofdm_modulator_config config{carrier, fft_size, ofdm_fft_planning::estimate};
  REQUIRE(validate_ofdm_modulator_config(config).is_ok());
  return ofdm_modulator(config);
}

ofdm_demodulator make_demodulator(const carrier_config& carrier, unsigned fft_size = 0, float fraction = 0.25F)
{
  const ofdm_demodulator_config config{carrier, fft_size, fraction, ofdm_fft_planning::estimate};
  REQUIRE(validate_ofdm_demodulator_config(config).is_ok());
  return ofdm_demodulator(config);
}

/// Modulates a random grid of `nof_ports` ports, demodulates it and returns the relative error of the round trip.
double round_trip_error(const carrier_config& carrier,
                        unsigned              slot,
                        unsigned              nof_ports,
                        unsigned              fft_size,
                        float                 fraction,
                        unsigned              offset_floats,
                        std::mt19937&         rng)
{
  ofdm_modulator   modulator   = make_modulator(carrier, fft_size);
  ofdm_demodulator demodulator = make_demodulator(carrier, fft_size, fraction);
  const auto&      numerology  = modulator.numerology();

  slot_grid tx(nof_ports, numerology);
  fill_random(tx.data, rng);
  slot_samples samples(nof_ports, numerology.slot_length(slot), offset_floats);
  REQUIRE(modulator.validate(samples.ports, tx.view, slot).is_ok());
  modulator.modulate(samples.ports, tx.view, slot);

  slot_grid  rx(nof_ports, numerology);
  const auto inputs = samples.const_ports();
  REQUIRE(demodulator.validate(rx.view, inputs, slot).is_ok());
  demodulator.demodulate(rx.view, inputs, slot);
  return relative_error(rx.data, tx.data);
}

} // namespace

TEST_CASE("OFDM kernels: SIMD and portable paths compute the plain products")
{
  std::mt19937      rng(9);
  std::vector<cf_t> src(1700);
  std::vector<cf_t> weights(detail::cyclic_weight_period);
  fill_random(src, rng);
  fill_random(weights, rng);
  // The table repeats its first 15 weights.
  weights.insert(weights.end(), weights.begin(), weights.begin() + 15);
  REQUIRE(weights.size() == detail::cyclic_weight_table_size);
  const cf_t factor{0.6F, -0.8F};
  for (const unsigned n : {0U, 1U, 3U, 4U, 15U, 16U, 17U, 28U, 33U, 72U, 1638U, 1699U}) {
    // Destinations 0..3 samples past a 32-byte boundary, so that every path to the aligned stores runs.
    for (const unsigned first : {0U, 1U, 61U, 1638U}) {
      for (const unsigned shift : {0U, 1U, 2U, 3U}) {
        CAPTURE(n);
        CAPTURE(first);
        CAPTURE(shift);
        std::vector<cf_t> expected_product(n);
        std::vector<cf_t> expected_scaled(n);
        for (unsigned i = 0; i != n; ++i) {
          expected_product[i] = cf_t(cd_t(src[i]) * cd_t(weights[(first + i) % 64]));
          expected_scaled[i] = cf_t(cd_t(src[i]) * cd_t(factor));
        }
        std::vector<cf_t> product(n + 8, cf_t{7.0F, 7.0F});
        std::vector<cf_t> product_generic(n + 8, cf_t{7.0F, 7.0F});
        const auto at = [&](std::vector<cf_t>& v) {
          const auto misalignment = reinterpret_cast<std::uintptr_t>(v.data()) % 32 / sizeof(cf_t);
          return v.data() + (4 - misalignment + shift) % 4;
        };
        cf_t* const p = at(product);
        cf_t* const p_generic = at(product_generic);
        detail::multiply_cyclic(p, src.data(), weights.data(), first, n);
        detail::multiply_cyclic_generic(p_generic, src.data(), weights.data(), first, n);
        // In place, as the kernels' contract allows.
        std::vector<cf_t> in_place(src.begin(), src.begin() + n + 1);
        detail::multiply_cyclic(in_place.data() + 1, in_place.data() + 1, weights.data(), first + 1, n);
        std::vector<cf_t> scaled(src.begin(), src.begin() + n);
        std::vector<cf_t> scaled_generic(scaled);
        detail::scale(scaled.data(), scaled.data(), factor, n);
        detail::scale_generic(scaled_generic.data(), scaled_generic.data(), factor, n);
        if (n != 0) {
          CHECK(relative_error(std::span(p, n), expected_product) < 1e-6);
          CHECK(relative_error(std::span(p_generic, n), expected_product) < 1e-6);
          CHECK(relative_error(scaled, expected_scaled) < 1e-6);
          CHECK(relative_error(scaled_generic, expected_scaled) < 1e-6);
          std::vector<cf_t> expected_in_place(n);
          for (unsigned i = 0; i != n; ++i) {
            expected_in_place[i] = cf_t(cd_t(src[i + 1]) * cd_t(weights[(first + 1 + i) % 64]));
          }
          CHECK(relative_error(std::span(in_place).subspan(1), expected_in_place) < 1e-6);
        }
        // Nothing written around the n products.
        for (std::vector<cf_t>* v : {&product, &product_generic}) {
          cf_t* const q = v == &product ? p : p_generic;
          CHECK(std::all_of(v->data(), q, [](cf_t x) { return x == cf_t{7.0F, 7.0F}; }));
          CHECK(std::all_of(q + n, v->data() + v->size(), [](cf_t x) { return x == cf_t{7.0F, 7.0F}; }));
        }
      }
    }
  }
}

TEST_CASE("OFDM numerology: default FFT sizes leave at least 15 % guard band")
{
  CHECK(ofdm_default_fft_size(1) == 128);
  CHECK(ofdm_default_fft_size(11) == 256);
  CHECK(ofdm_default_fft_size(25) == 512);
  CHECK(ofdm_default_fft_size(52) == 1024);
  CHECK(ofdm_default_fft_size(106) == 2048);
  CHECK(ofdm_default_fft_size(273) == 4096);
  CHECK(ofdm_default_fft_size(275) == 4096);
}

TEST_CASE("OFDM numerology: cyclic prefix and slot lengths of TS 38.211 5.3.1")
{
  SUBCASE("15 kHz, 2048-point FFT: 30.72 Msps, CP 160 at symbols 0 and 7, 144 elsewhere, 1 ms slots")
  {
    const ofdm_numerology n(make_carrier(0, cyclic_prefix::normal, 106), 2048);
    CHECK(n.sample_rate_hz() == 30.72e6);
    CHECK(n.cp_length(0, 0) == 160);
    CHECK(n.cp_length(0, 7) == 160);
    CHECK(n.cp_length(0, 1) == 144);
    CHECK(n.cp_length(0, 13) == 144);
    CHECK(n.symbol_offset(0, 7) == 7 * 2048 + 6 * 144 + 160);
    CHECK(n.slot_length(0) == 30720);
    CHECK(n.slot_length(9) == 30720);
  }
  SUBCASE("30 kHz, 4096-point FFT: 122.88 Msps, CP 352 at the first symbol of each slot, 288 elsewhere")
  {
    const ofdm_numerology n(make_carrier(1, cyclic_prefix::normal, 273), 4096);
    CHECK(n.fft_size() == 4096);
    CHECK(n.sample_rate_hz() == 122.88e6);
    CHECK(n.cp_length(0, 0) == 352);
    CHECK(n.cp_length(1, 0) == 352);
    CHECK(n.cp_length(0, 7) == 288);
    CHECK(n.cp_length(1, 1) == 288);
    CHECK(n.slot_length(0) == 61440);
    CHECK(n.slot_length(1) == 61440);
  }
  SUBCASE("60 kHz, 1024-point FFT: long CP 104 only in slots 0 and 2 of the subframe")
  {
    const ofdm_numerology n(make_carrier(2, cyclic_prefix::normal, 52), 1024);
    CHECK(n.cp_length(0, 0) == 104);
    CHECK(n.cp_length(1, 0) == 72);
    CHECK(n.cp_length(2, 0) == 104);
    CHECK(n.cp_length(3, 0) == 72);
    CHECK(n.cp_length(6, 0) == 104);
    CHECK(n.slot_length(0) == 15376);
    CHECK(n.slot_length(1) == 15344);
    CHECK(n.slot_length(2) == 15376);
    CHECK(n.slot_length(3) == 15344);
  }
  SUBCASE("60 kHz extended CP, 1024-point FFT: CP 256 everywhere, 12 symbols, 15360-sample slots")
  {
    const ofdm_numerology n(make_carrier(2, cyclic_prefix::extended, 52), 1024);
    CHECK(n.nof_symbols_per_slot() == 12);
    for (unsigned slot = 0; slot != 4; ++slot) {
      CHECK(n.slot_length(slot) == 15360);
      for (unsigned l = 0; l != 12; ++l) {
        CHECK(n.cp_length(slot, l) == 256);
      }
    }
  }
  SUBCASE("120 kHz, 4096-point FFT: long CP 288 + 256 in slots 0 and 4 of the subframe")
  {
    const ofdm_numerology n(make_carrier(3, cyclic_prefix::normal, 273), 4096);
    CHECK(n.cp_length(0, 0) == 544);
    CHECK(n.cp_length(4, 0) == 544);
    CHECK(n.cp_length(1, 0) == 288);
    CHECK(n.slot_length(0) == 61632);
    CHECK(n.slot_length(3) == 61376);
  }
}

TEST_CASE("OFDM numerology: symbol timing in T_c agrees with the sample counts")
{
  const double tc = 1.0 / (480.0e3 * 4096.0);
  // The long-CP symbol 7 * 2^mu starts exactly half a subframe in: 983040 T_c.
  CHECK(ofdm_numerology(make_carrier(0, cyclic_prefix::normal, 52)).symbol_start_tc(0, 7) == 983040);
  CHECK(ofdm_numerology(make_carrier(1, cyclic_prefix::normal, 52)).symbol_start_tc(1, 0) == 983040);
  CHECK(ofdm_numerology(make_carrier(3, cyclic_prefix::normal, 52)).symbol_start_tc(4, 0) == 983040);
  CHECK(ofdm_numerology(make_carrier(1, cyclic_prefix::normal, 52)).cp_length_tc(1, 0) == 144 * 64 / 2 + 16 * 64);

  struct numerology_case {
    unsigned      mu;
    cyclic_prefix cp;
    unsigned      fft_size;
  };
  for (const auto& c : {numerology_case{0, cyclic_prefix::normal, 128}, numerology_case{1, cyclic_prefix::normal, 1536},
                        numerology_case{2, cyclic_prefix::normal, 4096}, numerology_case{2, cyclic_prefix::extended, 384},
                        numerology_case{3, cyclic_prefix::normal, 8192}}) {
    const ofdm_numerology n(make_carrier(c.mu, c.cp, 1), c.fft_size);
    std::size_t           subframe = 0;
    for (unsigned slot = 0; slot != n.nof_slots_per_subframe(); ++slot) {
      for (unsigned l = 0; l != n.nof_symbols_per_slot(); ++l) {
        const double start_samples = static_cast<double>(n.symbol_start_tc(slot, l)) * tc * n.sample_rate_hz();
        CHECK(start_samples == doctest::Approx(static_cast<double>(subframe + n.symbol_offset(slot, l))).epsilon(1e-12));
        CHECK(static_cast<double>(n.cp_length_tc(slot, l)) * tc * n.sample_rate_hz() ==
              doctest::Approx(n.cp_length(slot, l)).epsilon(1e-12));
      }
      subframe += n.slot_length(slot);
    }
    CHECK(subframe == n.subframe_length());
    CHECK(static_cast<double>(subframe) == doctest::Approx(n.sample_rate_hz() * 1e-3).epsilon(1e-12));
  }
}

TEST_CASE("OFDM numerology: upconversion phase reference of TS 38.211 5.4")
{
  // 30 kHz, slot 1, symbol 0: the useful part starts 0.5 ms + (144 kappa / 2 + 16 kappa) T_c into the subframe.
  const ofdm_numerology n(make_carrier(1, cyclic_prefix::normal, 52));
  const double          tc       = 1.0 / (480.0e3 * 4096.0);
  const double          expected = 1000.0 * (0.5e-3 + (144.0 * 64 / 2 + 16.0 * 64) * tc);
  CHECK(n.upconversion_phase_cycles(1000.0, 1, 0) == doctest::Approx(expected - 0.0).epsilon(1e-12));
  CHECK(n.upconversion_phase_cycles(0.0, 1, 5) == 0.0);
  const double c = n.upconversion_phase_cycles(3.5e9 + 1234.5, 1, 9);
  CHECK(c >= 0.0);
  CHECK(c < 1.0);
}

TEST_CASE("OFDM modulator: matches the TS 38.211 5.3.1 / 5.4 formula evaluated directly")
{
  struct modulator_case {
    unsigned      mu;
    cyclic_prefix cp;
    unsigned      nof_prb;
    unsigned      fft_size;
    unsigned      slot;
    double        f0_hz;
  };
  std::mt19937 rng(1);
  for (const auto& c : {modulator_case{0, cyclic_prefix::normal, 1, 128, 0, 0.0},
                        modulator_case{0, cyclic_prefix::normal, 4, 256, 3, 2.1e9 + 15.0e3 / 7},
                        modulator_case{1, cyclic_prefix::normal, 6, 128, 1, 3.5e9 + 1234.5},
                        modulator_case{1, cyclic_prefix::normal, 6, 384, 4, 0.0},
                        modulator_case{2, cyclic_prefix::normal, 3, 128, 2, 3.7e9},
                        modulator_case{2, cyclic_prefix::normal, 3, 128, 3, 3.7e9},
                        modulator_case{2, cyclic_prefix::extended, 5, 128, 1, 4.1e9},
                        modulator_case{3, cyclic_prefix::normal, 10, 256, 4, 28.0e9 + 60.0e3 / 11},
                        modulator_case{3, cyclic_prefix::normal, 10, 256, 7, 28.0e9}}) {
    CAPTURE(c.mu);
    CAPTURE(c.nof_prb);
    CAPTURE(c.slot);
    const carrier_config carrier   = make_carrier(c.mu, c.cp, c.nof_prb, c.f0_hz);
    ofdm_modulator       modulator = make_modulator(carrier, c.fft_size);
    const auto&          n         = modulator.numerology();
    slot_grid            grid(2, n);
    fill_random(grid.data, rng);
    slot_samples samples(2, n.slot_length(c.slot));
    modulator.modulate(samples.ports, grid.view, c.slot);
    for (unsigned port = 0; port != 2; ++port) {
      const auto reference = reference_slot(
          carrier, c.fft_size, c.slot,
          std::span<const cf_t>(grid.data).subspan(std::size_t{port} * grid.view.nof_symbols * n.nof_subcarriers()),
          n.slot_length(c.slot));
      const std::vector<cf_t> reference_f(reference.begin(), reference.end());
      CHECK(relative_error(samples.ports[port], reference_f) < 1e-5);
    }
  }
}

TEST_CASE("OFDM demodulator: inverts the modulator")
{
  std::mt19937 rng(2);
  struct numerology_case {
    unsigned      mu;
    cyclic_prefix cp;
    double        f0_hz;
  };
  for (const auto& c : {numerology_case{0, cyclic_prefix::normal, 2.1e9 + 7.5e3}, numerology_case{1, cyclic_prefix::normal, 3.5e9 + 1234.5},
                        numerology_case{2, cyclic_prefix::normal, 4.1e9}, numerology_case{2, cyclic_prefix::extended, 3.9e9},
                        numerology_case{3, cyclic_prefix::normal, 28.0e9 + 1.0e3}}) {
    for (const unsigned nof_prb : {1U, 25U, 52U, 106U, 273U}) {
      for (const double f0 : {0.0, c.f0_hz}) {
        for (const unsigned slot : {0U, 5U, 2U}) {
          CAPTURE(c.mu);
          CAPTURE(nof_prb);
          CAPTURE(f0);
          CAPTURE(slot);
          CHECK(round_trip_error(make_carrier(c.mu, c.cp, nof_prb, f0), slot, 2, 0, 0.25F, 0, rng) < 1e-5);
        }
      }
    }
  }
}

TEST_CASE("OFDM demodulator: larger FFT sizes, window offsets, 16 ports, any buffer alignment")
{
  std::mt19937 rng(3);
  const auto   carrier = make_carrier(1, cyclic_prefix::normal, 52, 3.5e9);
  CHECK(round_trip_error(carrier, 1, 1, 1536, 0.25F, 0, rng) < 1e-5);
  CHECK(round_trip_error(carrier, 1, 1, 4096, 0.25F, 0, rng) < 1e-5);
  CHECK(round_trip_error(make_carrier(0, cyclic_prefix::normal, 10), 0, 1, 128, 0.25F, 0, rng) < 1e-5);
  for (const float fraction : {0.0F, 0.5F, 1.0F}) {
    CHECK(round_trip_error(carrier, 3, 3, 0, fraction, 0, rng) < 1e-5);
  }
  CHECK(round_trip_error(carrier, 0, ofdm_max_ports, 0, 0.25F, 0, rng) < 1e-5);
  // Sample buffers 8 bytes (one sample), 4 bytes and 12 bytes off the allocator's alignment.
  for (const unsigned offset_floats : {1U, 2U, 3U}) {
    CHECK(round_trip_error(carrier, 1, 2, 0, 0.25F, offset_floats, rng) < 1e-5);
  }
}

TEST_CASE("OFDM demodulator: writes the grid and nothing around it, at any grid alignment")
{
  std::mt19937 rng(8);
  for (const unsigned nof_prb : {1U, 11U, 273U}) {
    // 4 ports at most, so that the 273 PRB case stays quick.
    for (const unsigned nof_ports : {1U, 4U}) {
      const carrier_config carrier     = make_carrier(1, cyclic_prefix::normal, nof_prb, 3.5e9);
      ofdm_modulator       modulator   = make_modulator(carrier);
      ofdm_demodulator     demodulator = make_demodulator(carrier);
      const auto&          numerology  = modulator.numerology();
      const unsigned       slot        = 1;
      slot_grid            tx(nof_ports, numerology);
      fill_random(tx.data, rng);
      slot_samples samples(nof_ports, numerology.slot_length(slot), 0);
      modulator.modulate(samples.ports, tx.view, slot);

      // A grid 0 or 1 samples past the allocator's alignment, inside a buffer whose other values must stay.
      const cf_t guard{7.0F, -7.0F};
      for (const unsigned offset : {0U, 1U}) {
        CAPTURE(nof_prb);
        CAPTURE(nof_ports);
        CAPTURE(offset);
        const std::size_t margin = numerology.fft_size();
        std::vector<cf_t> buffer(tx.data.size() + 2 * margin, guard);
        const grid_view   rx{buffer.data() + margin + offset, nof_ports, numerology.nof_symbols_per_slot(),
                           numerology.nof_subcarriers()};
        demodulator.demodulate(rx, samples.const_ports(), slot);
        const std::span<const cf_t> inside(rx.data, tx.data.size());
        CHECK(relative_error(std::vector<cf_t>(inside.begin(), inside.end()), tx.data) < 1e-5);
        CHECK(std::all_of(buffer.begin(), buffer.begin() + margin + offset, [&](cf_t v) { return v == guard; }));
        CHECK(std::all_of(buffer.begin() + margin + offset + tx.data.size(), buffer.end(),
                          [&](cf_t v) { return v == guard; }));
      }
    }
  }
}

TEST_CASE("OFDM demodulator: its grid storage sits at grid_offset() and holds the slot it demodulates")
{
  std::mt19937 rng(9);
  for (const unsigned nof_prb : {1U, 11U, 52U, 273U}) {
    for (const unsigned fft_size : {0U, 4096U}) {
      CAPTURE(nof_prb);
      CAPTURE(fft_size);
      const carrier_config   carrier = make_carrier(1, cyclic_prefix::normal, nof_prb, 3.5e9);
      ofdm_modulator         modulator({carrier, fft_size, ofdm_fft_planning::estimate});
      ofdm_demodulator       demodulator({carrier, fft_size, 0.25F, ofdm_fft_planning::estimate});
      const auto&            numerology = demodulator.numerology();
      const unsigned         slot       = 1;
      const unsigned         nof_ports  = 2;
      ofdm_demodulated_grid  grid(demodulator, nof_ports);
      const const_grid_view  view = std::as_const(grid).view();
      CHECK(demodulator.grid_offset() < 8);
      CHECK(reinterpret_cast<std::uintptr_t>(view.data) % 64 == demodulator.grid_offset() * sizeof(cf_t));
      CHECK(view.nof_ports == nof_ports);
      CHECK(view.nof_symbols == numerology.nof_symbols_per_slot());
      CHECK(view.nof_subcarriers == numerology.nof_subcarriers());

      slot_grid tx(nof_ports, numerology);
      fill_random(tx.data, rng);
      slot_samples samples(nof_ports, numerology.slot_length(slot), 0);
      modulator.modulate(samples.ports, tx.view, slot);
      demodulator.demodulate(grid.view(), samples.const_ports(), slot);
      CHECK(relative_error(std::vector<cf_t>(view.data, view.data + view.size()), tx.data) < 1e-5);
    }
  }
}

TEST_CASE("OFDM demodulator: the FFT window offset is the CP fraction rounded down to a multiple of N_FFT / 64")
{
  struct window_case {
    unsigned mu;
    cyclic_prefix cp;
    unsigned nof_prb;
    unsigned fft_size;
    float fraction;
    unsigned expected;
  };
  // Shortest CPs: 288 (30 kHz, 4096), 144 (15 kHz, 2048), 108 (30 kHz, 1536), 9 (15 kHz, 128), 256 (60 kHz extended,
  // 1024).
  for (const window_case& c : {window_case{1, cyclic_prefix::normal, 273, 4096, 0.25F, 64},
                               window_case{1, cyclic_prefix::normal, 273, 4096, 1.0F, 256},
                               window_case{1, cyclic_prefix::normal, 273, 4096, 0.2F, 0},
                               window_case{0, cyclic_prefix::normal, 106, 2048, 0.25F, 32},
                               window_case{1, cyclic_prefix::normal, 52, 1536, 0.5F, 48},
                               window_case{0, cyclic_prefix::normal, 10, 128, 0.5F, 4},
                               window_case{0, cyclic_prefix::normal, 10, 128, 0.0F, 0},
                               window_case{2, cyclic_prefix::extended, 24, 1024, 0.25F, 64}}) {
    CAPTURE(c.fft_size);
    CAPTURE(c.fraction);
    const ofdm_demodulator demodulator(
        {make_carrier(c.mu, c.cp, c.nof_prb), c.fft_size, c.fraction, ofdm_fft_planning::estimate});
    CHECK(demodulator.fft_window_offset() == c.expected);
    CHECK(ofdm_fft_window_offset(demodulator.numerology(), c.fraction) == c.expected);
  }
}

TEST_CASE("OFDM demodulator: a timing offset inside the window shows as a linear phase across subcarriers")
{
  std::mt19937         rng(4);
  const carrier_config carrier     = make_carrier(1, cyclic_prefix::normal, 24, 3.5e9);
  ofdm_modulator       modulator   = make_modulator(carrier);
  ofdm_demodulator     demodulator = make_demodulator(carrier, 0, 0.5F);
  const auto&          n           = modulator.numerology();
  const unsigned       slot        = 1;
  const unsigned       length      = n.slot_length(slot);
  const int            offset      = static_cast<int>(demodulator.fft_window_offset());
  const int            short_cp    = static_cast<int>(n.cp_length(slot, 1));
  const int step = static_cast<int>(n.fft_size() / 64);
  REQUIRE(offset == short_cp / 2 / step * step);
  REQUIRE(offset > 0);

  slot_grid tx(1, n);
  fill_random(tx.data, rng);
  slot_samples samples(1, length);
  modulator.modulate(samples.ports, tx.view, slot);

  // tau > 0: the signal arrives tau samples late (r[m] = x[m - tau]); tau < 0: early.
  for (const int tau : {-offset, -3, 1, 7, short_cp - offset}) {
    CAPTURE(tau);
    std::vector<cf_t> delayed(length);
    for (int m = 0; m != static_cast<int>(length); ++m) {
      const int source = m - tau;
      delayed[m]       = source >= 0 && source < static_cast<int>(length) ? samples.ports[0][source] : cf_t{};
    }
    const std::vector<std::span<const cf_t>> inputs = {delayed};
    slot_grid                                rx(1, n);
    demodulator.demodulate(rx.view, inputs, slot);

    std::vector<cf_t> expected(tx.data.size());
    for (unsigned l = 0; l != n.nof_symbols_per_slot(); ++l) {
      for (unsigned k = 0; k != n.nof_subcarriers(); ++k) {
        const double frequency = static_cast<double>(k) - n.nof_subcarriers() / 2.0;
        const auto   ramp      = std::polar(1.0, -2.0 * std::numbers::pi * frequency * tau / n.fft_size());
        const auto   i         = std::size_t{l} * n.nof_subcarriers() + k;
        expected[i]            = cf_t(cd_t(tx.data[i]) * ramp);
      }
    }
    CHECK(relative_error(rx.data, expected) < 1e-5);
  }
}

TEST_CASE("OFDM: invalid configurations and buffers are rejected")
{
  auto numerology_error = [](unsigned mu, cyclic_prefix cp, unsigned nof_prb, unsigned fft_size) {
    return !validate_ofdm_numerology(make_carrier(mu, cp, nof_prb), fft_size).is_ok();
  };
  CHECK(numerology_error(4, cyclic_prefix::normal, 52, 0));
  CHECK(numerology_error(0, cyclic_prefix::extended, 52, 0));
  CHECK(numerology_error(1, cyclic_prefix::extended, 52, 0));
  CHECK(numerology_error(3, cyclic_prefix::extended, 52, 0));
  CHECK(numerology_error(1, static_cast<cyclic_prefix>(7), 52, 0));
  CHECK(numerology_error(1, cyclic_prefix::normal, 0, 0));
  CHECK(numerology_error(1, cyclic_prefix::normal, 276, 0));
  CHECK(numerology_error(1, cyclic_prefix::normal, 10, 100));
  CHECK(numerology_error(1, cyclic_prefix::normal, 10, 1000));
  CHECK(numerology_error(1, cyclic_prefix::normal, 10, 64));
  CHECK(numerology_error(1, cyclic_prefix::normal, 10, 131072));
  CHECK(numerology_error(1, cyclic_prefix::normal, 11, 128));
  CHECK(numerology_error(1, cyclic_prefix::normal, 273, 3200));
  CHECK_FALSE(numerology_error(2, cyclic_prefix::extended, 52, 0));
  CHECK_FALSE(numerology_error(1, cyclic_prefix::normal, 273, 3328));
  CHECK_FALSE(numerology_error(1, cyclic_prefix::normal, 275, 0));
  CHECK_FALSE(numerology_error(0, cyclic_prefix::normal, 1, 65536));

  const status fft_too_small = validate_ofdm_numerology(make_carrier(1, cyclic_prefix::normal, 11), 128);
  CHECK(fft_too_small.message().find("132 subcarriers") != std::string::npos);

  for (const double f0 : {-1.0, std::nan(""), HUGE_VAL}) {
    CHECK_FALSE(validate_ofdm_modulator_config({make_carrier(1, cyclic_prefix::normal, 52, f0)}).is_ok());
    CHECK_FALSE(validate_ofdm_demodulator_config({make_carrier(1, cyclic_prefix::normal, 52, f0)}).is_ok());
  }
  for (const float fraction : {-0.1F, 1.5F, std::nanf("")}) {
    CHECK_FALSE(validate_ofdm_demodulator_config({make_carrier(1, cyclic_prefix::normal, 52), 0, fraction}).is_ok());
  }
  CHECK_FALSE(validate_ofdm_modulator_config({make_carrier(1, cyclic_prefix::normal, 52), 100}).is_ok());

  const carrier_config carrier     = make_carrier(1, cyclic_prefix::normal, 52);
  ofdm_modulator       modulator   = make_modulator(carrier);
  ofdm_demodulator     demodulator = make_demodulator(carrier);
  const auto&          n           = modulator.numerology();
  slot_grid            grid(2, n);
  slot_samples         samples(2, n.slot_length(0));
  const auto           inputs = samples.const_ports();
  CHECK(modulator.validate(samples.ports, grid.view, 0).is_ok());
  CHECK(demodulator.validate(grid.view, inputs, 0).is_ok());

  // Port count mismatch, zero and too many ports.
  CHECK_FALSE(modulator.validate(std::span(samples.ports).first(1), grid.view, 0).is_ok());
  CHECK_FALSE(demodulator.validate(grid.view, std::span(inputs).first(1), 0).is_ok());
  grid_view no_ports = grid.view;
  no_ports.nof_ports = 0;
  CHECK_FALSE(demodulator.validate(no_ports, {}, 0).is_ok());
  slot_grid    big(ofdm_max_ports + 1, n);
  slot_samples many(ofdm_max_ports + 1, n.slot_length(0));
  CHECK_FALSE(modulator.validate(many.ports, big.view, 0).is_ok());
  // Wrong grid dimensions.
  grid_view short_grid   = grid.view;
  short_grid.nof_symbols = 12;
  CHECK_FALSE(modulator.validate(samples.ports, short_grid, 0).is_ok());
  grid_view narrow_grid       = grid.view;
  narrow_grid.nof_subcarriers = 600;
  CHECK_FALSE(demodulator.validate(narrow_grid, inputs, 0).is_ok());
  grid_view no_data = grid.view;
  no_data.data      = nullptr;
  CHECK_FALSE(demodulator.validate(no_data, inputs, 0).is_ok());
  // Wrong sample count for the slot.
  slot_samples short_samples(2, n.slot_length(0) - 1);
  CHECK_FALSE(modulator.validate(short_samples.ports, grid.view, 0).is_ok());
  const status wrong_length = demodulator.validate(grid.view, short_samples.const_ports(), 0);
  CHECK(wrong_length.message().find("15359 samples") != std::string::npos);
}
