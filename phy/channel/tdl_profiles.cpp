#include "airan/phy/channel/tdl_profiles.h"

#include <array>
#include <cassert>
#include <cmath>
#include <span>
#include <string>

namespace airan::phy {

namespace {

/// One row of a table: normalised delay (TR 38.901) or delay in ns (TS 38.104), power in dB.
struct table_row {
  double delay;
  double power_db;
};

// TR 38.901 Table 7.7.2-1: TDL-A.
constexpr std::array<table_row, 23> tdl_a_table = {{
    {0.0000, -13.4}, {0.3819, 0.0},   {0.4025, -2.2},  {0.5868, -4.0},  {0.4610, -6.0},  {0.5375, -8.2},
    {0.6708, -9.9},  {0.5750, -10.5}, {0.7618, -7.5},  {1.5375, -15.9}, {1.8978, -6.6},  {2.2242, -16.7},
    {2.1718, -12.4}, {2.4942, -15.2}, {2.5119, -10.8}, {3.0582, -11.3}, {4.0810, -12.7}, {4.4579, -16.2},
    {4.5695, -18.3}, {4.7966, -18.9}, {5.0066, -16.6}, {5.3043, -19.9}, {9.6586, -29.7},
}};

// TR 38.901 Table 7.7.2-2: TDL-B.
constexpr std::array<table_row, 23> tdl_b_table = {{
    {0.0000, 0.0},   {0.1072, -2.2},  {0.2155, -4.0},  {0.2095, -3.2},  {0.2870, -9.8},  {0.2986, -1.2},
    {0.3752, -3.4},  {0.5055, -5.2},  {0.3681, -7.6},  {0.3697, -3.0},  {0.5700, -8.9},  {0.5283, -9.0},
    {1.1021, -4.8},  {1.2756, -5.7},  {1.5474, -7.5},  {1.7842, -1.9},  {2.0169, -7.6},  {2.8294, -12.2},
    {3.0219, -9.8},  {3.6187, -11.4}, {4.1067, -14.9}, {4.2790, -9.2},  {4.7834, -11.3},
}};

// TR 38.901 Table 7.7.2-3: TDL-C.
constexpr std::array<table_row, 24> tdl_c_table = {{
    {0.0000, -4.4},  {0.2099, -1.2},  {0.2219, -3.5},  {0.2329, -5.2},  {0.2176, -2.5},  {0.6366, 0.0},
    {0.6448, -2.2},  {0.6560, -3.9},  {0.6584, -7.4},  {0.7935, -7.1},  {0.8213, -10.7}, {0.9336, -11.1},
    {1.2285, -5.1},  {1.3083, -6.8},  {2.1704, -8.7},  {2.7105, -13.2}, {4.2589, -13.9}, {4.6003, -13.9},
    {5.4902, -15.8}, {5.6077, -17.1}, {6.3065, -16.0}, {6.6374, -15.7}, {7.0427, -21.6}, {8.6523, -22.8},
}};

// TR 38.901 Table 7.7.2-4: TDL-D. Row 0 is the LOS path, row 1 the Rayleigh tap at the same delay (K = 13.3 dB).
constexpr std::array<table_row, 14> tdl_d_table = {{
    {0.000, -0.2},   {0.000, -13.5},  {0.035, -18.8},  {0.612, -21.0},  {1.363, -22.8},  {1.405, -17.9},
    {1.804, -20.1},  {2.596, -21.9},  {1.775, -22.9},  {4.042, -27.8},  {7.937, -23.6},  {9.424, -24.8},
    {9.708, -30.0},  {12.525, -27.7},
}};

// TR 38.901 Table 7.7.2-5: TDL-E. Row 0 is the LOS path, row 1 the Rayleigh tap at the same delay (K = 22 dB).
constexpr std::array<table_row, 15> tdl_e_table = {{
    {0.0000, -0.03},  {0.0000, -22.03}, {0.5133, -15.8}, {0.5440, -18.1}, {0.5630, -19.8},
    {0.5440, -22.9},  {0.7112, -22.4},  {1.9092, -18.6}, {1.9293, -20.8}, {1.9589, -22.6},
    {2.6426, -22.3},  {3.7136, -25.6},  {5.4524, -20.2}, {12.0034, -29.8}, {20.6519, -29.2},
}};

// TS 38.104 Table G.2.1.1-2: TDLA30 (delays in ns).
constexpr std::array<table_row, 12> tdla30_table = {{
    {0, -15.5}, {10, 0.0},   {15, -5.1},   {20, -5.1},   {25, -9.6},   {50, -8.2},
    {65, -13.1}, {75, -11.5}, {105, -11.0}, {135, -16.2}, {150, -16.6}, {290, -26.2},
}};

// TS 38.104 Table G.2.1.1-3: TDLB100 (delays in ns).
constexpr std::array<table_row, 12> tdlb100_table = {{
    {0, 0.0},    {10, -2.2},  {20, -0.6},  {30, -0.6},  {35, -0.3},  {45, -1.2},
    {55, -5.9},  {120, -2.2}, {170, -0.8}, {245, -6.3}, {330, -7.5}, {480, -7.1},
}};

// TS 38.104 Table G.2.1.1-4: TDLC300 (delays in ns).
constexpr std::array<table_row, 12> tdlc300_table = {{
    {0, -6.9},    {65, 0.0},    {70, -7.7},   {190, -2.5},   {195, -2.4},   {200, -9.9},
    {240, -8.0},  {325, -6.6},  {520, -7.1},  {1045, -13.0}, {1510, -14.2}, {2595, -16.0},
}};

struct model_entry {
  tdl_model                   model;
  std::string_view            name;
  std::span<const table_row> rows;
  /// RMS delay spread of a preset; 0 for the scaled models.
  double preset_delay_spread_s;
  /// LOS models: the first two rows are the LOS path and the Rayleigh tap at the same delay.
  bool los;
};

constexpr std::array<model_entry, 8> models = {{
    {tdl_model::tdl_a, "TDL-A", tdl_a_table, 0.0, false},
    {tdl_model::tdl_b, "TDL-B", tdl_b_table, 0.0, false},
    {tdl_model::tdl_c, "TDL-C", tdl_c_table, 0.0, false},
    {tdl_model::tdl_d, "TDL-D", tdl_d_table, 0.0, true},
    {tdl_model::tdl_e, "TDL-E", tdl_e_table, 0.0, true},
    {tdl_model::tdla30, "TDLA30", tdla30_table, 30.0e-9, false},
    {tdl_model::tdlb100, "TDLB100", tdlb100_table, 100.0e-9, false},
    {tdl_model::tdlc300, "TDLC300", tdlc300_table, 300.0e-9, false},
}};

const model_entry* find(tdl_model model) noexcept
{
  for (const model_entry& entry : models) {
    if (entry.model == model) {
      return &entry;
    }
  }
  return nullptr;
}

double db_to_linear(double db) { return std::pow(10.0, db / 10.0); }

} // namespace

std::string_view tdl_model_name(tdl_model model) noexcept
{
  const model_entry* entry = find(model);
  return entry != nullptr ? entry->name : std::string_view("unknown");
}

status parse_tdl_model(std::string_view name, tdl_model& model)
{
  for (const model_entry& entry : models) {
    if (entry.name == name) {
      model = entry.model;
      return status::ok();
    }
  }
  return status::error("unknown TDL model name '" + std::string(name) +
                       "' (expected TDL-A .. TDL-E, TDLA30, TDLB100 or TDLC300)");
}

bool tdl_model_is_preset(tdl_model model) noexcept
{
  const model_entry* entry = find(model);
  return entry != nullptr && entry->preset_delay_spread_s > 0.0;
}

double tdl_preset_delay_spread_s(tdl_model model) noexcept
{
  const model_entry* entry = find(model);
  return entry != nullptr ? entry->preset_delay_spread_s : 0.0;
}

double tdl_los_k_factor(tdl_model model) noexcept
{
  const model_entry* entry = find(model);
  if (entry == nullptr || !entry->los) {
    return 0.0;
  }
  return db_to_linear(entry->rows[0].power_db - entry->rows[1].power_db);
}

status validate_tdl_profile(tdl_model model, double delay_spread_s)
{
  const model_entry* entry = find(model);
  if (entry == nullptr) {
    return status::error("unknown TDL model " + std::to_string(static_cast<unsigned>(model)));
  }
  if (entry->preset_delay_spread_s > 0.0) {
    if (delay_spread_s != 0.0) {
      return status::error("the delay spread of " + std::string(entry->name) +
                           " is fixed by its table: delay_spread_s must be 0, not " + std::to_string(delay_spread_s));
    }
    return status::ok();
  }
  if (!(delay_spread_s > 0.0 && delay_spread_s <= tdl_max_delay_spread_s)) {
    return status::error("delay spread " + std::to_string(delay_spread_s) + " s of " + std::string(entry->name) +
                         " outside (0, " + std::to_string(tdl_max_delay_spread_s) + "] s");
  }
  return status::ok();
}

std::vector<tdl_path> tdl_power_delay_profile(tdl_model model, double delay_spread_s)
{
  assert(validate_tdl_profile(model, delay_spread_s).is_ok());
  const model_entry& entry = *find(model);
  // Scaled models: tau = tau_model * DS (TR 38.901 7.7.3); presets: delays in ns.
  const double delay_unit_s = entry.preset_delay_spread_s > 0.0 ? 1.0e-9 : delay_spread_s;

  std::vector<tdl_path> paths;
  double                total = 0.0;
  for (std::size_t row = 0; row != entry.rows.size(); ++row) {
    const double power = db_to_linear(entry.rows[row].power_db);
    total += power;
    if (entry.los && row == 1) {
      // The Rayleigh tap under the LOS path: same delay, one path.
      paths.front().power += power;
      continue;
    }
    paths.push_back({entry.rows[row].delay * delay_unit_s, power});
  }
  for (tdl_path& path : paths) {
    path.power /= total;
  }
  return paths;
}

} // namespace airan::phy
