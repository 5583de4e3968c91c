#!/usr/bin/env python3
"""Import UL-SCH coding reference cases into airan test vectors (HDF5, testvectors/FORMAT.md, kind "ulsch_coding").

Input folders hold params.json (A, G, coderate, num_bits_per_symbol, num_layers, n_rnti, n_id, rv), a.u8 (transport
block bits, one per byte), c_unscrambled.u8 and c_scrambled.u8 (the G coded bits, one per byte).
Needs numpy and h5py (Debian: python3-numpy python3-h5py).

Usage: import_reference_ulsch.py SOURCE_ATTRIBUTION OUT_DIR CASE_DIR...
"""
import json
import os
import sys

import h5py
import numpy as np


def read_bits(path, expected_len):
    bits = np.fromfile(path, dtype=np.uint8)
    if bits.size != expected_len or np.any(bits > 1):
        raise ValueError(f"{path}: expected {expected_len} bits of value 0/1, got {bits.size}")
    return bits


def convert(case_dir, out_path, source):
    with open(os.path.join(case_dir, "params.json")) as f:
        p = json.load(f)
    with h5py.File(out_path, "w") as h5:
        h5.attrs["schema_version"] = np.uint32(1)
        h5.attrs["kind"] = "ulsch_coding"
        h5.attrs["source"] = source
        h5.attrs["tbs"] = np.uint32(p["A"])
        h5.attrs["nof_coded_bits"] = np.uint32(p["G"])
        h5.attrs["target_code_rate"] = np.float64(p["coderate"])
        h5.attrs["modulation_order"] = np.uint32(p["num_bits_per_symbol"])
        h5.attrs["nof_layers"] = np.uint32(p["num_layers"])
        h5.attrs["rnti"] = np.uint32(p["n_rnti"])
        h5.attrs["n_id"] = np.uint32(p["n_id"])
        h5.attrs["rv"] = np.uint32(p["rv"])
        opts = dict(compression="gzip", compression_opts=9, shuffle=True)
        h5.create_dataset("tb_bits", data=read_bits(os.path.join(case_dir, "a.u8"), p["A"]), **opts)
        h5.create_dataset("coded_bits", data=read_bits(os.path.join(case_dir, "c_unscrambled.u8"), p["G"]), **opts)
        h5.create_dataset("scrambled_bits", data=read_bits(os.path.join(case_dir, "c_scrambled.u8"), p["G"]), **opts)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    source, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    for case_dir in sys.argv[3:]:
        name = os.path.basename(os.path.normpath(case_dir))
        convert(case_dir, os.path.join(out_dir, f"{name}.h5"), source)


if __name__ == "__main__":
    main()
