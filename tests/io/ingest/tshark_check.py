#!/usr/bin/env python3
"""Cross-check of the fronthaul parser against Wireshark's O-RAN dissector (oran_fh_cus).

Generates captures with `airan ru-emu` (eCPRI over Ethernet, and over UDP/IPv4), dissects them with tshark and
compares, section by section, the eAxC, frameId, subframeId, slotId, symbolId, sectionId, startPrbu, numPrbu,
udCompHdr (udIqWidth, udCompMeth) and the block floating point exponents with `airan fh dump` of the same file.
Exit status 77 (skipped) when tshark is not installed.

Usage: tshark_check.py AIRAN VECTOR WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys

SKIP = 77
EAXC_BASE = 0x1203  # DU port 1, band sector 2, cc 0, RU port 3 (4 bits each).
UDP_PORT = 50000
FIELDS = ["frame.number", "oran_fh_cus.du_port_id", "oran_fh_cus.bandsector_id", "oran_fh_cus.cc_id",
          "oran_fh_cus.ru_port_id", "oran_fh_cus.frameId", "oran_fh_cus.subframe_id", "oran_fh_cus.slotId",
          "oran_fh_cus.startSymbolId", "oran_fh_cus.sectionId", "oran_fh_cus.startPrbu", "oran_fh_cus.numPrbu",
          "oran_fh_cus.udCompHdrWidth", "oran_fh_cus.udCompHdrMeth", "oran_fh_cus.exponent"]


def tshark_sections(pcap, width, udp):
    prefs = {"ud_comp_hdr_up": "TRUE", "iq_bitwidth_up": str(width), "du_port_id_bits": "4",
             "bandsector_id_bits": "4", "cc_id_bits": "4", "ru_port_id_bits": "4"}
    cmd = ["tshark", "-r", pcap, "-T", "fields", "-E", "separator=;", "-E", "aggregator=,", "-E", "occurrence=a"]
    for name, value in prefs.items():
        cmd += ["-o", f"oran_fh_cus.oran.{name}:{value}"]
    if udp:
        cmd += ["-d", f"udp.port=={UDP_PORT},ecpri"]
    for field in FIELDS:
        cmd += ["-e", field]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        v = line.split(";")
        if len(v) != len(FIELDS) or v[5] == "":
            raise SystemExit(f"tshark did not dissect an O-RAN U-plane message: {line!r}")
        ints = [int(x, 0) for x in v[:14]]
        iq_width = ints[12] if ints[12] != 0 else 16
        rows.append({"packet": ints[0], "eaxc": ints[1] << 12 | ints[2] << 8 | ints[3] << 4 | ints[4],
                     "frame": ints[5], "subframe": ints[6], "slot": ints[7], "symbol": ints[8],
                     "section_id": ints[9], "start_prb": ints[10], "nof_prb": ints[11], "iq_width": iq_width,
                     "comp_meth": ints[13], "exponents": [int(x) for x in v[14].split(",")] if v[14] else []})
    return rows


def airan_sections(airan, pcap, width, prb):
    out = subprocess.run([airan, "fh", "dump", f"pcap:{pcap}", "--json", "--ud-comp-hdr", "--bfp", str(width),
                          "--prb", str(prb)], check=True, capture_output=True, text=True).stdout
    keys = ["packet", "eaxc", "frame", "subframe", "slot", "symbol", "section_id", "start_prb", "nof_prb",
            "iq_width", "comp_meth", "exponents"]
    return [{k: row[k] for k in keys} for row in json.loads(out)]


def check(airan, vector, workdir, framing, width, mtu):
    pcap = os.path.join(workdir, f"tshark_{framing}_{width}.pcap")
    report = os.path.join(workdir, f"tshark_{framing}_{width}.json")
    subprocess.run([airan, "ru-emu", vector, "--out", f"pcap:{pcap}", "--framing", framing, "--bfp", str(width),
                    "--ud-comp-hdr", "--eaxc-base", str(EAXC_BASE), "--slots", "2", "--mtu", str(mtu),
                    "--report", report], check=True)
    ours = airan_sections(airan, pcap, width, 273)
    theirs = tshark_sections(pcap, width, framing == "udp")
    if not ours or len(ours) != len(theirs):
        print(f"{framing}/{width}: {len(ours)} sections from airan, {len(theirs)} from tshark")
        return False
    for a, b in zip(ours, theirs):
        if a != b:
            print(f"{framing}/{width}: mismatch\n  airan:  {a}\n  tshark: {b}")
            return False
    if len({row["eaxc"] for row in ours}) < 2 and len({row["start_prb"] for row in ours}) < 2:
        print(f"{framing}/{width}: the capture does not vary eAxC or PRBs: too weak a check")
        return False
    print(f"{framing}/{width}: {len(ours)} sections agree")
    return True


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    if shutil.which("tshark") is None:
        print("tshark not installed: skipped")
        return SKIP
    airan, vector, workdir = sys.argv[1:]
    os.makedirs(workdir, exist_ok=True)
    ok = check(airan, vector, workdir, "eth", 9, 600)
    ok = check(airan, vector, workdir, "udp", 14, 1500) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
