#pragma once
/// Power-delay profiles of the tapped delay line (TDL) channel models: TDL-A .. TDL-E of TR 38.901 7.7.2 (Tables
/// 7.7.2-1 .. 7.7.2-5, delays normalised to an RMS delay spread of 1 and scaled by the wanted delay spread as in 7.7.3)
/// and the simplified profiles TDLA30, TDLB100 and TDLC300 of TS 38.104 Annex G.2.1 (Tables G.2.1.1-2 .. G.2.1.1-4,
/// delays in ns) that the base-station performance requirements use.

#include "airan/common/status.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace airan::phy {

/// TDL-A, TDL-B, TDL-C: NLOS, every path Rayleigh. TDL-D, TDL-E: LOS, first path Rician. TDLA30, TDLB100, TDLC300:
/// the TS 38.104 profiles with fixed delays (RMS delay spreads 30, 100 and 300 ns), every path Rayleigh.
enum class tdl_model : uint8_t { tdl_a, tdl_b, tdl_c, tdl_d, tdl_e, tdla30, tdlb100, tdlc300 };

/// Largest delay spread accepted for the scaled TR 38.901 models (the longest TDL-E path is then 206 us).
constexpr double tdl_max_delay_spread_s = 10.0e-6;

/// One path of a profile.
struct tdl_path {
  double delay_s = 0.0;
  /// Share of the total power: the powers of a profile sum to 1. For the LOS models the first path carries the LOS
  /// and the Rayleigh tap of the table together (their delays are both 0).
  double power = 0.0;
};

/// The model's name as the standards write it: "TDL-A" .. "TDL-E", "TDLA30", "TDLB100", "TDLC300".
std::string_view tdl_model_name(tdl_model model) noexcept;

/// Parses a name written as tdl_model_name() gives it.
status parse_tdl_model(std::string_view name, tdl_model& model);

/// True for TDLA30, TDLB100 and TDLC300, whose delays are fixed by the table.
bool tdl_model_is_preset(tdl_model model) noexcept;

/// RMS delay spread in the name of a preset (30, 100 or 300 ns); 0 for the scaled models.
double tdl_preset_delay_spread_s(tdl_model model) noexcept;

/// K-factor of the first path, linear: 10^(13.3/10) for TDL-D (Table 7.7.2-4), 10^(22/10) for TDL-E (Table 7.7.2-5),
/// 0 for the NLOS models.
double tdl_los_k_factor(tdl_model model) noexcept;

/// Checks the model and its delay spread: for the TR 38.901 models 0 < delay_spread_s <= tdl_max_delay_spread_s; for
/// the presets delay_spread_s must be 0 (their table fixes the delays).
status validate_tdl_profile(tdl_model model, double delay_spread_s);

/// The paths of the profile, in the order of the standard's table, with powers normalised to a sum of 1 and delays
/// tau_n,model * delay_spread_s (TR 38.901 7.7.3) or the table's delays (presets). Requires
/// validate_tdl_profile(model, delay_spread_s) to be ok.
std::vector<tdl_path> tdl_power_delay_profile(tdl_model model, double delay_spread_s);

} // namespace airan::phy
