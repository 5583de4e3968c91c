// The UL-SCH chain against testvectors/ulsch/ (reference data of an independent implementation).
#include "airan/common/bit_packing.h"
#include "airan/io/testvector.h"
#include "airan/phy/coding/scrambling.h"
#include "airan/phy/ulsch/ulsch_decoder.h"
#include "airan/phy/ulsch/ulsch_encoder.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

using ulsch_vector = io::ulsch_coding_vector;

ulsch_vector load(const std::string& name)
{
  ulsch_vector v;
  const std::string path = std::string(AIRAN_TESTVECTOR_DIR) + "/ulsch/" + name + ".h5";
  const status s = io::load_ulsch_coding_vector(path, v);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  return v;
}

} // namespace

TEST_CASE("UL-SCH reference vectors: encoding and scrambling are bit-exact, decoding recovers the TB")
{
  for (const char* name : {"case_0", "case_1", "case_2", "case_3"}) {
    CAPTURE(name);
    const auto v = load(name);
    std::vector<uint8_t> tb(v.config.tbs / 8);
    pack_bits(tb, v.tb_bits);

    ulsch_encoder encoder;
    REQUIRE_MESSAGE(encoder.validate(v.config).is_ok(), encoder.validate(v.config).message());
    std::vector<uint8_t> codeword(v.config.nof_coded_bits);
    encoder.encode(codeword, tb, v.config);
    CHECK(codeword == v.coded_bits);

    const uint32_t c_init = pusch_scrambling_cinit(static_cast<uint16_t>(v.rnti), static_cast<uint16_t>(v.n_id));
    scramble_bits(codeword, c_init);
    CHECK(codeword == v.scrambled_bits);

    // Decode the reference's scrambled bits as confident LLRs.
    std::vector<int8_t> llrs(v.scrambled_bits.size());
    for (std::size_t i = 0; i < llrs.size(); ++i) {
      llrs[i] = v.scrambled_bits[i] != 0 ? -100 : 100;
    }
    descramble_llrs(llrs, c_init);
    ulsch_decoder decoder(v.config.tbs, 1, ldpc_decoder_config{});
    REQUIRE(decoder.validate(v.config, 0).is_ok());
    std::vector<uint8_t> decoded(v.config.tbs / 8);
    const auto result = decoder.decode(decoded, llrs, v.config, 0, true);
    CHECK(result.tb_crc_ok);
    CHECK(result.nof_cb_crc_ok == result.nof_cbs);
    CHECK(decoded == tb);
  }
}
