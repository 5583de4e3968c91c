#include "airan/phy/pusch/pusch_precoding.h"

#include <string>

namespace airan::phy {

namespace {

/// A codebook entry, (re, im) with re, im in {-1, 0, 1}.
struct gaussian {
  int8_t re;
  int8_t im;
};
constexpr gaussian o{0, 0};
constexpr gaussian p{1, 0};  // +1
constexpr gaussian n{-1, 0}; // -1
constexpr gaussian j{0, 1};  // +j
constexpr gaussian m{0, -1}; // -j

/// One TPMI: scale factor and W row-major (port rows, layer columns).
struct codebook_entry {
  float scale;
  std::array<gaussian, 16> w;
};

constexpr float half = 0.5F;
constexpr float inv_sqrt2 = 0.70710678F;
constexpr float inv_2sqrt2 = 0.35355339F;
constexpr float inv_2sqrt3 = 0.28867513F;
constexpr float quarter = 0.25F;

/// TS 38.211 Table 6.3.1.5-1: single layer, two antenna ports.
constexpr codebook_entry table_1[] = {
    {inv_sqrt2, {p, o}}, {inv_sqrt2, {o, p}}, {inv_sqrt2, {p, p}},
    {inv_sqrt2, {p, n}}, {inv_sqrt2, {p, j}}, {inv_sqrt2, {p, m}},
};

/// TS 38.211 Table 6.3.1.5-2: single layer, four antenna ports, transform precoding enabled.
constexpr codebook_entry table_2[] = {
    {half, {p, o, o, o}}, {half, {o, p, o, o}}, {half, {o, o, p, o}}, {half, {o, o, o, p}}, // 0..3
    {half, {p, o, p, o}}, {half, {p, o, n, o}}, {half, {p, o, j, o}}, {half, {p, o, m, o}}, // 4..7
    {half, {o, p, o, p}}, {half, {o, p, o, n}}, {half, {o, p, o, j}}, {half, {o, p, o, m}}, // 8..11
    {half, {p, p, p, n}}, {half, {p, p, j, j}}, {half, {p, p, n, p}}, {half, {p, p, m, m}}, // 12..15
    {half, {p, j, p, j}}, {half, {p, j, j, p}}, {half, {p, j, n, m}}, {half, {p, j, m, n}}, // 16..19
    {half, {p, n, p, p}}, {half, {p, n, j, m}}, {half, {p, n, n, n}}, {half, {p, n, m, j}}, // 20..23
    {half, {p, m, p, m}}, {half, {p, m, j, n}}, {half, {p, m, n, j}}, {half, {p, m, m, p}}, // 24..27
};

/// TS 38.211 Table 6.3.1.5-3: single layer, four antenna ports, transform precoding disabled.
constexpr codebook_entry table_3[] = {
    {half, {p, o, o, o}}, {half, {o, p, o, o}}, {half, {o, o, p, o}}, {half, {o, o, o, p}}, // 0..3
    {half, {p, o, p, o}}, {half, {p, o, n, o}}, {half, {p, o, j, o}}, {half, {p, o, m, o}}, // 4..7
    {half, {o, p, o, p}}, {half, {o, p, o, n}}, {half, {o, p, o, j}}, {half, {o, p, o, m}}, // 8..11
    {half, {p, p, p, p}}, {half, {p, p, j, j}}, {half, {p, p, n, n}}, {half, {p, p, m, m}}, // 12..15
    {half, {p, j, p, j}}, {half, {p, j, j, n}}, {half, {p, j, n, m}}, {half, {p, j, m, p}}, // 16..19
    {half, {p, n, p, n}}, {half, {p, n, j, m}}, {half, {p, n, n, p}}, {half, {p, n, m, j}}, // 20..23
    {half, {p, m, p, m}}, {half, {p, m, j, p}}, {half, {p, m, n, j}}, {half, {p, m, m, n}}, // 24..27
};

/// TS 38.211 Table 6.3.1.5-4: two layers, two antenna ports (rows: ports).
constexpr codebook_entry table_4[] = {
    {inv_sqrt2, {p, o, o, p}},
    {half, {p, p, p, n}},
    {half, {p, p, j, m}},
};

/// TS 38.211 Table 6.3.1.5-5: two layers, four antenna ports (rows: ports 0..3, two layer columns each).
constexpr codebook_entry table_5[] = {
    {half, {p, o, o, p, o, o, o, o}},       {half, {p, o, o, o, o, p, o, o}}, // 0, 1
    {half, {p, o, o, o, o, o, o, p}},       {half, {o, o, p, o, o, p, o, o}}, // 2, 3
    {half, {o, o, p, o, o, o, o, p}},       {half, {o, o, o, o, p, o, o, p}}, // 4, 5
    {half, {p, o, o, p, p, o, o, m}},       {half, {p, o, o, p, p, o, o, j}}, // 6, 7
    {half, {p, o, o, p, m, o, o, p}},       {half, {p, o, o, p, m, o, o, n}}, // 8, 9
    {half, {p, o, o, p, n, o, o, m}},       {half, {p, o, o, p, n, o, o, j}}, // 10, 11
    {half, {p, o, o, p, j, o, o, p}},       {half, {p, o, o, p, j, o, o, n}}, // 12, 13
    {inv_2sqrt2, {p, p, p, p, p, n, p, n}}, {inv_2sqrt2, {p, p, p, p, j, m, j, m}}, // 14, 15
    {inv_2sqrt2, {p, p, j, j, p, n, j, m}}, {inv_2sqrt2, {p, p, j, j, j, m, n, p}}, // 16, 17
    {inv_2sqrt2, {p, p, n, n, p, n, n, p}}, {inv_2sqrt2, {p, p, n, n, j, m, m, j}}, // 18, 19
    {inv_2sqrt2, {p, p, m, m, p, n, m, j}}, {inv_2sqrt2, {p, p, m, m, j, m, p, n}}, // 20, 21
};

/// TS 38.211 Table 6.3.1.5-6: three layers, four antenna ports (rows: ports 0..3, three layer columns each).
constexpr codebook_entry table_6[] = {
    {half, {p, o, o, o, p, o, o, o, p, o, o, o}},       {half, {p, o, o, o, p, o, p, o, o, o, o, p}},       // 0, 1
    {half, {p, o, o, o, p, o, n, o, o, o, o, p}},       {inv_2sqrt3, {p, p, p, p, n, p, p, p, n, p, n, n}}, // 2, 3
    {inv_2sqrt3, {p, p, p, p, n, p, j, j, m, j, m, m}}, {inv_2sqrt3, {p, p, p, n, p, n, p, p, n, n, p, p}}, // 4, 5
    {inv_2sqrt3, {p, p, p, n, p, n, j, j, m, m, j, j}},                                                    // 6
};

/// TS 38.211 Table 6.3.1.5-7: four layers, four antenna ports (rows: ports 0..3, four layer columns each).
constexpr codebook_entry table_7[] = {
    {half, {p, o, o, o, o, p, o, o, o, o, p, o, o, o, o, p}},
    {inv_2sqrt2, {p, p, o, o, o, o, p, p, p, n, o, o, o, o, p, n}},
    {inv_2sqrt2, {p, p, o, o, o, o, p, p, j, m, o, o, o, o, j, m}},
    {quarter, {p, p, p, p, p, n, p, n, p, p, n, n, p, n, n, p}},
    {quarter, {p, p, p, p, p, n, p, n, j, j, m, m, j, m, m, j}},
};

/// The codebook for v layers on P ports, empty when there is none (P = 1 is handled by the callers).
std::span<const codebook_entry> codebook(unsigned nof_layers, unsigned nof_ports, bool transform_precoding)
{
  if (transform_precoding && nof_layers != 1) {
    return {};
  }
  if (nof_ports == 2) {
    switch (nof_layers) {
      case 1:
        return table_1;
      case 2:
        return table_4;
      default:
        return {};
    }
  }
  if (nof_ports == 4) {
    switch (nof_layers) {
      case 1:
        return transform_precoding ? std::span<const codebook_entry>(table_2)
                                   : std::span<const codebook_entry>(table_3);
      case 2:
        return table_5;
      case 3:
        return table_6;
      case 4:
        return table_7;
      default:
        return {};
    }
  }
  return {};
}

} // namespace

void pusch_layer_map(std::span<cf_t> layers, std::span<const cf_t> symbols, unsigned nof_layers) noexcept
{
  assert(nof_layers >= 1 && nof_layers <= 4 && symbols.size() % nof_layers == 0 && layers.size() == symbols.size());
  const std::size_t per_layer = symbols.size() / nof_layers;
  for (unsigned layer = 0; layer < nof_layers; ++layer) {
    cf_t* out = layers.data() + layer * per_layer;
    for (std::size_t i = 0; i < per_layer; ++i) {
      out[i] = symbols[i * nof_layers + layer];
    }
  }
}

unsigned pusch_codebook_size(unsigned nof_layers, unsigned nof_ports, bool transform_precoding) noexcept
{
  if (nof_layers == 1 && nof_ports == 1) {
    return 1;
  }
  return static_cast<unsigned>(codebook(nof_layers, nof_ports, transform_precoding).size());
}

precoding_matrix
pusch_codebook_matrix(unsigned nof_layers, unsigned nof_ports, bool transform_precoding, unsigned tpmi) noexcept
{
  assert(tpmi < pusch_codebook_size(nof_layers, nof_ports, transform_precoding));
  precoding_matrix w;
  w.nof_layers = nof_layers;
  w.nof_ports = nof_ports;
  if (nof_ports == 1) {
    return w;
  }
  const codebook_entry& entry = codebook(nof_layers, nof_ports, transform_precoding)[tpmi];
  for (unsigned i = 0; i < nof_ports * nof_layers; ++i) {
    w.coefficients[i] = cf_t(entry.scale * entry.w[i].re, entry.scale * entry.w[i].im);
  }
  return w;
}

status get_pusch_precoding_matrix(precoding_matrix& out, const pusch_pdu& pdu)
{
  const unsigned v = pdu.nof_layers;
  const unsigned ports = pdu.nof_antenna_ports;
  if (v < 1 || v > 4) {
    return status::error("PUSCH precoding: nof_layers " + std::to_string(v) + " outside 1..4");
  }
  if (pdu.precoding == pusch_precoding::non_codebook) {
    if (ports != v) {
      return status::error("PUSCH precoding: non-codebook transmission needs one antenna port per layer, got " +
                           std::to_string(ports) + " ports for " + std::to_string(v) + " layers");
    }
    precoding_matrix w;
    w.nof_layers = v;
    w.nof_ports = v;
    w.coefficients = {};
    for (unsigned i = 0; i < v; ++i) {
      w.coefficients[i * v + i] = 1.0F;
    }
    out = w;
    return status::ok();
  }
  const unsigned size = pusch_codebook_size(v, ports, pdu.transform_precoding);
  if (size == 0) {
    return status::error("PUSCH precoding: no codebook for " + std::to_string(v) + " layers on " +
                         std::to_string(ports) + " antenna ports" +
                         (pdu.transform_precoding ? " with transform precoding" : "") +
                         " (TS 38.211 6.3.1.5: 1, 2 or 4 ports, at most one layer per port)");
  }
  if (pdu.tpmi >= size) {
    return status::error("PUSCH precoding: TPMI " + std::to_string(pdu.tpmi) + " outside 0.." +
                         std::to_string(size - 1) + " for " + std::to_string(v) + " layers on " +
                         std::to_string(ports) + " antenna ports");
  }
  out = pusch_codebook_matrix(v, ports, pdu.transform_precoding, pdu.tpmi);
  return status::ok();
}

} // namespace airan::phy
