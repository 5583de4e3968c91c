#!/usr/bin/env bash
# `airan run --input ... --list-slots N` lists the first N slots to close in its table and JSON report, and still
# counts and judges every slot: 4 slots from a capture, 1 listed.
# Usage: list_slots.sh AIRAN VECTOR WORKDIR
set -euo pipefail
airan=$1 vector=$2 workdir=$3
mkdir -p "$workdir"
pcap=$workdir/list_slots.pcap
"$airan" ru-emu "$vector" --out "pcap:$pcap" --slots 4 > /dev/null
"$airan" run "$vector" --input "pcap:$pcap" --slots 4 --list-slots 1 --json "$workdir/list_slots.json" \
  > "$workdir/list_slots.txt"
cat "$workdir/list_slots.txt"
grep -q '^\.\.\. 3 more slots decoded, not listed (--list-slots 1), counted below$' "$workdir/list_slots.txt"
grep -q '^4 slots, 4 complete and decoded' "$workdir/list_slots.txt"
# One row in the table (its name is frame.subframe.slot) and one entry in the JSON array.
test "$(grep -c '^[0-9]*\.[0-9]*\.[0-9]* ' "$workdir/list_slots.txt")" = 1
test "$(grep -o '"frame"' "$workdir/list_slots.json" | wc -l)" = 1
