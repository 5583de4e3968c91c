#include "airan/phy/pusch/pusch_precoding.h"

#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <string>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

const cf_t jay{0.0F, 1.0F};

/// W of the table as written in the standard: rows are ports, scale applied.
void check_matrix(const precoding_matrix& w, float scale, const std::vector<std::vector<cf_t>>& rows)
{
  REQUIRE(w.nof_ports == rows.size());
  REQUIRE(w.nof_layers == rows[0].size());
  for (unsigned p = 0; p < w.nof_ports; ++p) {
    for (unsigned l = 0; l < w.nof_layers; ++l) {
      CAPTURE(p);
      CAPTURE(l);
      CHECK(std::abs(w(p, l) - scale * rows[p][l]) < 1e-6F);
    }
  }
}

pusch_pdu codebook_pdu(unsigned layers, unsigned ports, unsigned tpmi)
{
  pusch_pdu pdu;
  pdu.nof_layers = layers;
  pdu.nof_antenna_ports = ports;
  pdu.precoding = pusch_precoding::codebook;
  pdu.tpmi = tpmi;
  return pdu;
}

} // namespace

TEST_CASE("PUSCH layer mapping: x^(j)(i) = d(v i + j), TS 38.211 Table 6.3.1.3-1")
{
  for (unsigned v = 1; v <= 4; ++v) {
    std::vector<cf_t> d(12 * v);
    for (std::size_t i = 0; i < d.size(); ++i) {
      d[i] = cf_t(static_cast<float>(i), -static_cast<float>(i));
    }
    std::vector<cf_t> layers(d.size());
    pusch_layer_map(layers, d, v);
    for (unsigned j = 0; j < v; ++j) {
      for (unsigned i = 0; i < 12; ++i) {
        CHECK(layers[j * 12 + i] == d[v * i + j]);
      }
    }
  }
}

TEST_CASE("PUSCH codebooks: sizes of TS 38.211 Tables 6.3.1.5-1 to -7")
{
  CHECK(pusch_codebook_size(1, 1, false) == 1);
  CHECK(pusch_codebook_size(1, 2, false) == 6);
  CHECK(pusch_codebook_size(1, 2, true) == 6);
  CHECK(pusch_codebook_size(1, 4, true) == 28);
  CHECK(pusch_codebook_size(1, 4, false) == 28);
  CHECK(pusch_codebook_size(2, 2, false) == 3);
  CHECK(pusch_codebook_size(2, 4, false) == 22);
  CHECK(pusch_codebook_size(3, 4, false) == 7);
  CHECK(pusch_codebook_size(4, 4, false) == 5);
  CHECK(pusch_codebook_size(2, 2, true) == 0);
  CHECK(pusch_codebook_size(2, 1, false) == 0);
  CHECK(pusch_codebook_size(3, 2, false) == 0);
  CHECK(pusch_codebook_size(1, 3, false) == 0);
}

TEST_CASE("PUSCH codebooks: entries of the standard's tables")
{
  const cf_t o = 0.0F;
  const cf_t p = 1.0F;
  const cf_t n = -1.0F;
  const cf_t j = jay;
  const cf_t m = -jay;
  const float r2 = 1.0F / std::sqrt(2.0F);
  const float r8 = 1.0F / std::sqrt(8.0F);
  const float r12 = 1.0F / std::sqrt(12.0F);
  check_matrix(pusch_codebook_matrix(1, 1, false, 0), 1.0F, {{p}});
  check_matrix(pusch_codebook_matrix(1, 2, false, 0), r2, {{p}, {o}});
  check_matrix(pusch_codebook_matrix(1, 2, false, 4), r2, {{p}, {j}});
  check_matrix(pusch_codebook_matrix(1, 2, true, 5), r2, {{p}, {m}});
  check_matrix(pusch_codebook_matrix(1, 4, true, 7), 0.5F, {{p}, {o}, {m}, {o}});
  check_matrix(pusch_codebook_matrix(1, 4, true, 12), 0.5F, {{p}, {p}, {p}, {n}});
  check_matrix(pusch_codebook_matrix(1, 4, true, 25), 0.5F, {{p}, {m}, {j}, {n}});
  check_matrix(pusch_codebook_matrix(1, 4, false, 12), 0.5F, {{p}, {p}, {p}, {p}});
  check_matrix(pusch_codebook_matrix(1, 4, false, 25), 0.5F, {{p}, {m}, {j}, {p}});
  check_matrix(pusch_codebook_matrix(2, 2, false, 0), r2, {{p, o}, {o, p}});
  check_matrix(pusch_codebook_matrix(2, 2, false, 2), 0.5F, {{p, p}, {j, m}});
  check_matrix(pusch_codebook_matrix(2, 4, false, 3), 0.5F, {{o, o}, {p, o}, {o, p}, {o, o}});
  check_matrix(pusch_codebook_matrix(2, 4, false, 8), 0.5F, {{p, o}, {o, p}, {m, o}, {o, p}});
  check_matrix(pusch_codebook_matrix(2, 4, false, 17), r8, {{p, p}, {j, j}, {j, m}, {n, p}});
  check_matrix(pusch_codebook_matrix(2, 4, false, 21), r8, {{p, p}, {m, m}, {j, m}, {p, n}});
  check_matrix(pusch_codebook_matrix(3, 4, false, 2), 0.5F, {{p, o, o}, {o, p, o}, {n, o, o}, {o, o, p}});
  check_matrix(pusch_codebook_matrix(3, 4, false, 6), r12, {{p, p, p}, {n, p, n}, {j, j, m}, {m, j, j}});
  check_matrix(pusch_codebook_matrix(4, 4, false, 0), 0.5F,
               {{p, o, o, o}, {o, p, o, o}, {o, o, p, o}, {o, o, o, p}});
  check_matrix(pusch_codebook_matrix(4, 4, false, 2), r8,
               {{p, p, o, o}, {o, o, p, p}, {j, m, o, o}, {o, o, j, m}});
  check_matrix(pusch_codebook_matrix(4, 4, false, 4), 0.25F,
               {{p, p, p, p}, {p, n, p, n}, {j, j, m, m}, {j, m, m, j}});
}

TEST_CASE("PUSCH codebooks: orthogonal layers, one amplitude per matrix, total power at most 1")
{
  for (bool tp : {false, true}) {
    for (unsigned ports : {2U, 4U}) {
      for (unsigned layers = 1; layers <= ports; ++layers) {
        for (unsigned tpmi = 0; tpmi < pusch_codebook_size(layers, ports, tp); ++tpmi) {
          CAPTURE(tp);
          CAPTURE(ports);
          CAPTURE(layers);
          CAPTURE(tpmi);
          const auto w = pusch_codebook_matrix(layers, ports, tp, tpmi);
          float amplitude = 0;
          float power = 0;
          bool has_zero = false;
          for (unsigned p = 0; p < ports; ++p) {
            for (unsigned l = 0; l < layers; ++l) {
              const float a = std::abs(w(p, l));
              has_zero = has_zero || a == 0.0F;
              amplitude = a > 0.0F ? a : amplitude;
              CHECK((a == 0.0F || std::abs(a - amplitude) < 1e-6F));
              power += a * a;
            }
          }
          // Fully coherent precoders use all the power; the others use 1/2 or 1/4 of it per layer.
          CHECK(power <= 1.0F + 1e-5F);
          if (!has_zero) {
            CHECK(power == doctest::Approx(1.0F));
          }
          for (unsigned a = 0; a < layers; ++a) {
            for (unsigned b = a + 1; b < layers; ++b) {
              cf_t inner = 0;
              for (unsigned p = 0; p < ports; ++p) {
                inner += std::conj(w(p, a)) * w(p, b);
              }
              CHECK(std::abs(inner) < 1e-6F);
            }
          }
        }
      }
    }
  }
  // The two single-layer four-port tables differ where transform precoding keeps the PAPR low.
  CHECK(std::abs(pusch_codebook_matrix(1, 4, true, 12)(3, 0) - pusch_codebook_matrix(1, 4, false, 12)(3, 0)) > 0.9F);
}

TEST_CASE("PUSCH precoding matrix of a PDU: identity without codebook, validated TPMI")
{
  precoding_matrix w;
  pusch_pdu pdu;
  pdu.nof_layers = 3;
  pdu.nof_antenna_ports = 3;
  REQUIRE(get_pusch_precoding_matrix(w, pdu).is_ok());
  for (unsigned p = 0; p < 3; ++p) {
    for (unsigned l = 0; l < 3; ++l) {
      CHECK(w(p, l) == cf_t(p == l ? 1.0F : 0.0F));
    }
  }
  REQUIRE(get_pusch_precoding_matrix(w, codebook_pdu(2, 4, 21)).is_ok());
  CHECK(std::abs(w(1, 0) - (-jay / std::sqrt(8.0F))) < 1e-6F);

  const auto rejects = [](const pusch_pdu& bad, const std::string& needle) {
    precoding_matrix out;
    const status s = get_pusch_precoding_matrix(out, bad);
    CAPTURE(s.message());
    CHECK_FALSE(s.is_ok());
    CHECK(s.message().find(needle) != std::string::npos);
  };
  pdu.nof_antenna_ports = 4;
  rejects(pdu, "one antenna port per layer");
  rejects(codebook_pdu(2, 4, 22), "TPMI 22 outside 0..21");
  rejects(codebook_pdu(1, 1, 1), "TPMI 1 outside 0..0");
  rejects(codebook_pdu(3, 2, 0), "no codebook");
  rejects(codebook_pdu(1, 8, 0), "no codebook");
  auto tp = codebook_pdu(2, 4, 0);
  tp.transform_precoding = true;
  rejects(tp, "with transform precoding");
  rejects(codebook_pdu(0, 4, 0), "nof_layers 0");
}
