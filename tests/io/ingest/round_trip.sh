#!/usr/bin/env bash
# Round trip through the fronthaul: `airan ru-emu` sends a pusch_grid vector's grid as U-plane packets, `airan run
# --input` assembles the slots and must decode every one bit-exactly.
# Usage: round_trip.sh AIRAN VECTOR WORKDIR pcap-eth|pcap-udp|udp [extra format options...]
set -euo pipefail
airan=$1 vector=$2 workdir=$3 mode=$4
shift 4
slots=4
mkdir -p "$workdir"
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
    "$airan" run "$vector" --input "udp:127.0.0.1:$port" --slots $slots --idle-ms 5000 "$@" &
    receiver=$!
    sleep 0.5
    "$airan" ru-emu "$vector" --out "udp:127.0.0.1:$port" --realtime --slots $slots "$@" \
      --report "$workdir/round_trip_udp.json"
    wait $receiver
    ;;
  *)
    echo "unknown mode $mode" >&2
    exit 2
    ;;
esac
