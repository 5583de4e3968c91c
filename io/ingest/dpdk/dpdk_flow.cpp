// eAxC steering with rte_flow: Ethernet (EtherType 0xAEFE) / eCPRI IQ data message (type 0) with ecpriPcid = eAxC ID ->
// RX queue (eCPRI 2.0 3.2.4.1, O-RAN.WG4.CUS 5.1.3.1.1).

#include "airan/io/fronthaul/ecpri.h"
#include "dpdk_resources.h"

#include <rte_byteorder.h>
#include <rte_ecpri.h>
#include <rte_errno.h>
#include <rte_flow.h>

namespace airan::io {

namespace {

/// The rule for one eAxC, or a non-zero DPDK error with error filled in. create: validate only when false.
rte_flow* make_rule(uint16_t port_id, const dpdk_eaxc_rule& rule, bool create, int& result, rte_flow_error& error)
{
  rte_flow_attr attr{};
  attr.ingress = 1;

  rte_flow_item_eth eth_spec{};
  rte_flow_item_eth eth_mask{};
  eth_spec.type = rte_cpu_to_be_16(ecpri_ethertype);
  eth_mask.type = 0xffff;

  rte_flow_item_ecpri ecpri_spec{};
  rte_flow_item_ecpri ecpri_mask{};
  ecpri_spec.hdr.common.type = static_cast<uint8_t>(ecpri_message_type::iq_data);
  ecpri_spec.hdr.common.u32  = rte_cpu_to_be_32(ecpri_spec.hdr.common.u32);
  ecpri_mask.hdr.common.type = 0xff;
  ecpri_mask.hdr.common.u32  = rte_cpu_to_be_32(ecpri_mask.hdr.common.u32);
  ecpri_spec.hdr.type0.pc_id = rte_cpu_to_be_16(rule.eaxc_id);
  ecpri_mask.hdr.type0.pc_id = 0xffff;

  const rte_flow_item pattern[] = {
      {.type = RTE_FLOW_ITEM_TYPE_ETH, .spec = &eth_spec, .last = nullptr, .mask = &eth_mask},
      {.type = RTE_FLOW_ITEM_TYPE_ECPRI, .spec = &ecpri_spec, .last = nullptr, .mask = &ecpri_mask},
      {.type = RTE_FLOW_ITEM_TYPE_END, .spec = nullptr, .last = nullptr, .mask = nullptr},
  };
  const rte_flow_action_queue queue{.index = rule.rx_queue};
  const rte_flow_action       actions[] = {
            {.type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue},
            {.type = RTE_FLOW_ACTION_TYPE_END, .conf = nullptr},
  };
  if (!create) {
    result = rte_flow_validate(port_id, &attr, pattern, actions, &error);
    return nullptr;
  }
  rte_flow* flow = rte_flow_create(port_id, &attr, pattern, actions, &error);
  result         = flow == nullptr ? -rte_errno : 0;
  return flow;
}

std::string describe(const dpdk_eaxc_rule& rule, int result, const rte_flow_error& error)
{
  const std::string text = error.message != nullptr ? std::string(error.message) : dpdk_error("rte_flow", -result);
  return "eAxC " + std::to_string(rule.eaxc_id) + " -> RX queue " + std::to_string(rule.rx_queue) + ": " + text;
}

} // namespace

void install_eaxc_steering(uint16_t port_id, const dpdk_port_config& config, dpdk_steering_report& report)
{
  report                     = {};
  report.nof_rules_requested = static_cast<unsigned>(config.eaxc_steering.size());
  // Validate every rule first so that a port that refuses one gets none: the split between queues stays whole.
  for (const dpdk_eaxc_rule& rule : config.eaxc_steering) {
    rte_flow_error error{};
    int            result = 0;
    make_rule(port_id, rule, false, result, error);
    if (result != 0) {
      report.fallback_reason = describe(rule, result, error);
      return;
    }
  }
  for (const dpdk_eaxc_rule& rule : config.eaxc_steering) {
    rte_flow_error error{};
    int            result = 0;
    if (make_rule(port_id, rule, true, result, error) == nullptr) {
      rte_flow_error flush_error{};
      rte_flow_flush(port_id, &flush_error);
      report.nof_rules_installed = 0;
      report.fallback_reason     = describe(rule, result, error);
      return;
    }
    ++report.nof_rules_installed;
  }
}

} // namespace airan::io
