#!/usr/bin/env bash
# Invalid command-line values are refused at once with a message naming the option: no crash, no runaway memory or
# time, no silently wrong output. Each case must exit non-zero (not by a signal or the time limit) and print the text
# given.
# Usage: cli_rejects.sh AIRAN SOURCE_DIR WORKDIR
set -uo pipefail
airan=$1 source_dir=$2 workdir=$3
mkdir -p "$workdir"
scenario=$source_dir/testvectors/scenarios/awgn_small.yaml
vector=$source_dir/testvectors/pusch/case_05.h5
failures=0

refused() {
  local expected=$1
  shift
  local output rc
  output=$(timeout 60 "$@" 2>&1)
  rc=$?
  if [ $rc -eq 0 ] || [ $rc -ge 124 ]; then
    echo "FAIL (exit status $rc): $*" >&2
    failures=$((failures + 1))
  elif ! grep -qF -- "$expected" <<< "$output"; then
    echo "FAIL (no '$expected' in the output): $*" >&2
    echo "$output" | tail -3 >&2
    failures=$((failures + 1))
  else
    echo "ok: $* -> $(tail -1 <<< "$output")"
  fi
}

# sweep: an SNR range of a billion points, shards that do not parse as unsigned numbers.
refused "more than 1000 SNR points" "$airan" sweep "$scenario" --slots 1 --snr 0:1e-9:10
refused "--shard" "$airan" sweep "$scenario" --slots 1 --shard 0/-1
refused "--shard" "$airan" sweep "$scenario" --slots 1 --shard 0/99999999999
# demo and bench: SNRs outside the channel model's range.
refused "--snr: SNR nan" "$airan" demo --prb 4 --slots 2 --snr nan
refused "SNR -inf dB outside" "$airan" bench --prb 4 --rx 1 --layers 1 --slots 2 --snr -inf
# Seeds (64-bit): a negative value or one past 2^64 - 1 would wrap or saturate to 2^64 - 1.
refused "--seed: '-1' is not an integer" "$airan" demo --prb 4 --slots 1 --seed -1
refused "--seed: '18446744073709551616' is not an integer" "$airan" bench --prb 4 --rx 1 --layers 1 --slots 2 --seed 18446744073709551616
refused "--seed: '-1' is not an integer" "$airan" ru-emu "$vector" --out "pcap:$workdir/x.pcap" --seed -1
# bench: a latency list of 10^9 entries.
refused "timed cell slots" "$airan" bench --prb 4 --rx 1 --layers 1 --cells 1024 --slots 1000000 --warmup 0
# ru-emu: more slots than memory holds, an unbounded delay, no room in the MTU, an infinite IQ scale, a partly
# numeric mantissa width, eAxC IDs past 65535 (4 ports).
refused "MiB of packets" "$airan" ru-emu "$vector" --out "pcap:$workdir/x.pcap" --slots 1000000
refused "--slots" "$airan" ru-emu "$vector" --out "pcap:$workdir/x.pcap" --slots 0
refused "--delay-us" "$airan" ru-emu "$vector" --out "pcap:$workdir/x.pcap" --delay 1 --delay-us 1e12
refused "no room for the eCPRI PDU" "$airan" ru-emu "$vector" --out "pcap:$workdir/x.pcap" --framing udp --mtu 10
refused "IQ scale must be positive and finite" "$airan" ru-emu "$vector" --out "pcap:$workdir/x.pcap" --iq-scale inf
refused "--bfp '9x'" "$airan" ru-emu "$vector" --out "pcap:$workdir/x.pcap" --bfp 9x
refused "--eaxc-base 65535" "$airan" ru-emu "$source_dir/testvectors/pusch/case_20.h5" --out "pcap:$workdir/x.pcap" --eaxc-base 65535
# fh dump: a capture cut short is reported after the packets before the damage.
"$airan" ru-emu "$vector" --out "pcap:$workdir/whole.pcap" > /dev/null
size=$(stat -c %s "$workdir/whole.pcap")
head -c $((size - 100)) "$workdir/whole.pcap" > "$workdir/cut.pcap"
refused "cut.pcap: truncated" "$airan" fh dump "pcap:$workdir/cut.pcap"
# fh dump: a record shorter than its frame (snapshot length) is shown as cut, not as a malformed packet. The file:
# pcap header (little-endian, Ethernet), one record of 60 bytes kept of 160, an eCPRI EtherType then zeros.
{
  printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00'
  printf '\x01\x00\x00\x00\x00\x00\x00\x00\x3c\x00\x00\x00\xa0\x00\x00\x00'
  printf '\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\xae\xfe'
  head -c 46 /dev/zero
} > "$workdir/snapped.pcap"
if "$airan" fh dump "pcap:$workdir/snapped.pcap" | grep -qF '"error":"cut_on_receive"'; then
  echo "ok: fh dump shows the cut record"
else
  echo "FAIL: fh dump does not show the cut record as cut_on_receive" >&2
  failures=$((failures + 1))
fi

if [ $failures -ne 0 ]; then
  echo "$failures case(s) not refused as expected" >&2
  exit 1
fi
