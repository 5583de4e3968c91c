/// MCS index tables, TS 38.214 Tables 5.1.3.1-1, 5.1.3.1-2, 5.1.3.1-3, 6.1.4.1-1 and 6.1.4.1-2.

#include "airan/phy/coding/mcs_tbs.h"

#include <array>

namespace airan::phy {
namespace {

/// One tabulated row. qm = 0 stands for the q of Tables 6.1.4.1-1/-2 (1 with tp-pi2BPSK, 2 otherwise); such rows
/// tabulate R x 1024 as value / q, stored here as the value for q = 1. r_x1024 = 0 marks a reserved row.
struct mcs_row {
  uint8_t qm;
  float   r_x1024;
  float   spectral_efficiency;
};

constexpr uint8_t q = 0;

using mcs_rows = std::array<mcs_row, nof_mcs_indices>;

/// TS 38.214 Table 5.1.3.1-1: MCS index table 1 for PDSCH.
constexpr mcs_rows table_qam64 = {{{2, 120, 0.2344F},  {2, 157, 0.3066F}, {2, 193, 0.3770F}, {2, 251, 0.4902F},
                                   {2, 308, 0.6016F},  {2, 379, 0.7402F}, {2, 449, 0.8770F}, {2, 526, 1.0273F},
                                   {2, 602, 1.1758F},  {2, 679, 1.3262F}, {4, 340, 1.3281F}, {4, 378, 1.4766F},
                                   {4, 434, 1.6953F},  {4, 490, 1.9141F}, {4, 553, 2.1602F}, {4, 616, 2.4063F},
                                   {4, 658, 2.5703F},  {6, 438, 2.5664F}, {6, 466, 2.7305F}, {6, 517, 3.0293F},
                                   {6, 567, 3.3223F},  {6, 616, 3.6094F}, {6, 666, 3.9023F}, {6, 719, 4.2129F},
                                   {6, 772, 4.5234F},  {6, 822, 4.8164F}, {6, 873, 5.1152F}, {6, 910, 5.3320F},
                                   {6, 948, 5.5547F},  {2, 0, 0},         {4, 0, 0},         {6, 0, 0}}};

/// TS 38.214 Table 5.1.3.1-2: MCS index table 2 for PDSCH.
constexpr mcs_rows table_qam256 = {{{2, 120, 0.2344F},   {2, 193, 0.3770F}, {2, 308, 0.6016F}, {2, 449, 0.8770F},
                                    {2, 602, 1.1758F},   {4, 378, 1.4766F}, {4, 434, 1.6953F}, {4, 490, 1.9141F},
                                    {4, 553, 2.1602F},   {4, 616, 2.4063F}, {4, 658, 2.5703F}, {6, 466, 2.7305F},
                                    {6, 517, 3.0293F},   {6, 567, 3.3223F}, {6, 616, 3.6094F}, {6, 666, 3.9023F},
                                    {6, 719, 4.2129F},   {6, 772, 4.5234F}, {6, 822, 4.8164F}, {6, 873, 5.1152F},
                                    {8, 682.5F, 5.3320F}, {8, 711, 5.5547F}, {8, 754, 5.8906F}, {8, 797, 6.2266F},
                                    {8, 841, 6.5703F},   {8, 885, 6.9141F}, {8, 916.5F, 7.1602F}, {8, 948, 7.4063F},
                                    {2, 0, 0},           {4, 0, 0},         {6, 0, 0},         {8, 0, 0}}};

/// TS 38.214 Table 5.1.3.1-3: MCS index table 3 for PDSCH.
constexpr mcs_rows table_qam64_low_se = {{{2, 30, 0.0586F},  {2, 40, 0.0781F},  {2, 50, 0.0977F},  {2, 64, 0.1250F},
                                          {2, 78, 0.1523F},  {2, 99, 0.1934F},  {2, 120, 0.2344F}, {2, 157, 0.3066F},
                                          {2, 193, 0.3770F}, {2, 251, 0.4902F}, {2, 308, 0.6016F}, {2, 379, 0.7402F},
                                          {2, 449, 0.8770F}, {2, 526, 1.0273F}, {2, 602, 1.1758F}, {4, 340, 1.3281F},
                                          {4, 378, 1.4766F}, {4, 434, 1.6953F}, {4, 490, 1.9141F}, {4, 553, 2.1602F},
                                          {4, 616, 2.4063F}, {6, 438, 2.5664F}, {6, 466, 2.7305F}, {6, 517, 3.0293F},
                                          {6, 567, 3.3223F}, {6, 616, 3.6094F}, {6, 666, 3.9023F}, {6, 719, 4.2129F},
                                          {6, 772, 4.5234F}, {2, 0, 0},         {4, 0, 0},         {6, 0, 0}}};

/// TS 38.214 Table 6.1.4.1-1: MCS index table for PUSCH with transform precoding and 64QAM.
constexpr mcs_rows table_tp_qam64 = {{{q, 240, 0.2344F},  {q, 314, 0.3066F}, {2, 193, 0.3770F}, {2, 251, 0.4902F},
                                      {2, 308, 0.6016F},  {2, 379, 0.7402F}, {2, 449, 0.8770F}, {2, 526, 1.0273F},
                                      {2, 602, 1.1758F},  {2, 679, 1.3262F}, {4, 340, 1.3281F}, {4, 378, 1.4766F},
                                      {4, 434, 1.6953F},  {4, 490, 1.9141F}, {4, 553, 2.1602F}, {4, 616, 2.4063F},
                                      {4, 658, 2.5703F},  {6, 466, 2.7305F}, {6, 517, 3.0293F}, {6, 567, 3.3223F},
                                      {6, 616, 3.6094F},  {6, 666, 3.9023F}, {6, 719, 4.2129F}, {6, 772, 4.5234F},
                                      {6, 822, 4.8164F},  {6, 873, 5.1152F}, {6, 910, 5.3320F}, {6, 948, 5.5547F},
                                      {q, 0, 0},          {2, 0, 0},         {4, 0, 0},         {6, 0, 0}}};

/// TS 38.214 Table 6.1.4.1-2: MCS index table 2 for PUSCH with transform precoding and 64QAM.
constexpr mcs_rows table_tp_qam64_low_se = {{{q, 60, 0.0586F},  {q, 80, 0.0781F},  {q, 100, 0.0977F}, {q, 128, 0.1250F},
                                             {q, 156, 0.1523F}, {q, 198, 0.1934F}, {2, 120, 0.2344F}, {2, 157, 0.3066F},
                                             {2, 193, 0.3770F}, {2, 251, 0.4902F}, {2, 308, 0.6016F}, {2, 379, 0.7402F},
                                             {2, 449, 0.8770F}, {2, 526, 1.0273F}, {2, 602, 1.1758F}, {2, 679, 1.3262F},
                                             {4, 378, 1.4766F}, {4, 434, 1.6953F}, {4, 490, 1.9141F}, {4, 553, 2.1602F},
                                             {4, 616, 2.4063F}, {4, 658, 2.5703F}, {4, 699, 2.7305F}, {4, 772, 3.0156F},
                                             {6, 567, 3.3223F}, {6, 616, 3.6094F}, {6, 666, 3.9023F}, {6, 772, 4.5234F},
                                             {q, 0, 0},         {2, 0, 0},         {4, 0, 0},         {6, 0, 0}}};

const mcs_rows& rows_of(mcs_table table)
{
  switch (table) {
    case mcs_table::qam64:
      return table_qam64;
    case mcs_table::qam256:
      return table_qam256;
    case mcs_table::qam64_low_se:
      return table_qam64_low_se;
    case mcs_table::tp_qam64:
      return table_tp_qam64;
    case mcs_table::tp_qam64_low_se:
      return table_tp_qam64_low_se;
  }
  return table_qam64;
}

modulation_scheme scheme_of_order(unsigned qm)
{
  switch (qm) {
    case 1:
      return modulation_scheme::pi2_bpsk;
    case 2:
      return modulation_scheme::qpsk;
    case 4:
      return modulation_scheme::qam16;
    case 6:
      return modulation_scheme::qam64;
    default:
      return modulation_scheme::qam256;
  }
}

/// Q_m of a row, resolving q (TS 38.214 6.1.4.1: q = 1 if tp-pi2BPSK is configured, q = 2 otherwise).
unsigned order_of(const mcs_row& row, bool tp_pi2_bpsk)
{
  return (row.qm == q) ? (tp_pi2_bpsk ? 1U : 2U) : row.qm;
}

} // namespace

std::optional<mcs_entry> lookup_mcs(mcs_table table, unsigned mcs_index, bool tp_pi2_bpsk) noexcept
{
  if (mcs_index >= nof_mcs_indices) {
    return std::nullopt;
  }
  const mcs_row& row = rows_of(table)[mcs_index];
  if (row.r_x1024 == 0) {
    return std::nullopt;
  }
  const unsigned qm     = order_of(row, tp_pi2_bpsk);
  const float    r_x1024 = (row.qm == q) ? row.r_x1024 / static_cast<float>(qm) : row.r_x1024;
  return mcs_entry{scheme_of_order(qm), qm, r_x1024, row.spectral_efficiency};
}

std::optional<modulation_scheme> lookup_mcs_modulation(mcs_table table, unsigned mcs_index, bool tp_pi2_bpsk) noexcept
{
  if (mcs_index >= nof_mcs_indices) {
    return std::nullopt;
  }
  return scheme_of_order(order_of(rows_of(table)[mcs_index], tp_pi2_bpsk));
}

} // namespace airan::phy
