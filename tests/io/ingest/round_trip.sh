#!/usr/bin/env bash
# Round trip through the fronthaul: `airan ru-emu` sends a pusch_grid vector's grid as U-plane packets, `airan run
# --input` assembles the slots and must decode every one bit-exactly. The dpdk modes go through a DPDK net_pcap
# virtual device on one side (no hugepages, no NIC): dpdk-in reads the capture through DPDK, dpdk-out writes it
# through DPDK; they exit 77 (skipped) when AIRAN_HAVE_DPDK is not 1.
# Usage: round_trip.sh AIRAN VECTOR WORKDIR pcap-eth|pcap-udp|udp|dpdk-in|dpdk-out [extra format options...]
set -euo pipefail
airan=$1 vector=$2 workdir=$3 mode=$4
shift 4
slots=4
mkdir -p "$workdir"
# Live modes: an RU sends each symbol on time (hardware), and a receiver's ingest core is its own (a DPDK lcore polls
# without pause). Where the system allows it (root or CAP_SYS_NICE) both run real-time (SCHED_FIFO; the receiver's
# decode workers drop to the normal policy, below its ingest thread), so that a busy machine's scheduling delays do
# not turn into late packets. Elsewhere both run as they are.
rt=()
if chrt -f 10 true 2>/dev/null; then
  rt=(chrt -f 10)
fi
# Reception window of the live modes. airan's default is 2 ms; a shared CI VM has been seen to deschedule the
# emulator's sender by more than that (send lag 2.2 ms on an idle 2-core VM), which would count its packets late, so
# these tests allow 20 ms unless AIRAN_TEST_WINDOW_US says otherwise.
window=(--window-us "${AIRAN_TEST_WINDOW_US:-20000}")
case $mode in
  pcap-eth | pcap-udp)
    pcap=$workdir/round_trip_$mode.pcap
    "$airan" ru-emu "$vector" --out "pcap:$pcap" --framing "${mode#pcap-}" --slots $slots "$@" \
      --report "$workdir/round_trip_$mode.json"
    "$airan" run "$vector" --input "pcap:$pcap" --slots $slots "$@"
    ;;
  udp)
    # Receiver and emulator as two processes over loopback; the emulator paces the packets at air time.
    port=$((40000 + RANDOM % 20000))
    # Slots are decoded off the receive thread, which only stamps and assembles.
    "${rt[@]}" "$airan" run "$vector" --input "udp:127.0.0.1:$port" --slots $slots --idle-ms 5000 "${window[@]}" "$@" &
    receiver=$!
    sleep 0.5
    "${rt[@]}" "$airan" ru-emu "$vector" --out "udp:127.0.0.1:$port" --realtime --slots $slots "$@" \
      --report "$workdir/round_trip_udp.json"
    status=0
    wait $receiver || status=$?
    if [ $status != 0 ]; then
      # Packets the emulator sent after their time arrive late however fast the receiver is.
      grep max_send_lag_us "$workdir/round_trip_udp.json" >&2 || true
      exit $status
    fi
    ;;
  dpdk-in | dpdk-out)
    if [ "${AIRAN_HAVE_DPDK:-0}" != 1 ]; then
      echo "DPDK backend not built: skipped"
      exit 77
    fi
    pcap=$workdir/round_trip_$mode.pcap
    rm -f "$pcap"
    if [ $mode = dpdk-in ]; then
      "$airan" ru-emu "$vector" --out "pcap:$pcap" --slots $slots "$@" --report "$workdir/round_trip_$mode.json"
      # The port delivers the capture as fast as it is polled; the decode workers keep up through the slot buffers.
      "${rt[@]}" "$airan" run "$vector" --input "dpdk:net_pcap0,rx_pcap=$pcap" --slots $slots --idle-ms 5000 "${window[@]}" "$@"
    else
      # net_pcap stamps each frame when sent: the capture's times are the emulator's.
      "${rt[@]}" "$airan" ru-emu "$vector" --out "dpdk:net_pcap0,tx_pcap=$pcap" --slots $slots "$@" \
        --report "$workdir/round_trip_$mode.json"
      "$airan" run "$vector" --input "pcap:$pcap" --slots $slots "${window[@]}" "$@"
    fi
    ;;
  *)
    echo "unknown mode $mode" >&2
    exit 2
    ;;
esac
