#!/usr/bin/env python3
"""Import whole-PUSCH-transmitter reference cases into airan test vectors (HDF5, testvectors/FORMAT.md, kind
"pusch_grid").

Input folders (case_NN) hold config.json (carrier and PUSCH parameters), tb_bits.u8 (transport block bits, one per
byte) and grid.c64 (complex64 [antenna port][OFDM symbol][subcarrier], subcarrier 0 = first subcarrier of the BWP).
Parameters that config.json does not give take the defaults of the reference data's description: normal cyclic
prefix, BWP = CRB 0 .. n_size_bwp - 1 with the allocation covering it, PUSCH mapping type A with dmrs-TypeA-Position
2, no transform precoding, redundancy version 0, DM-RS scrambling N_ID^0 = N_ID^1 = dmrs.n_id, data scrambling
n_ID = n_cell_id. The numerology is not given (it does not change the grid) and is stored as 1.
Needs numpy and h5py (Debian: python3-numpy python3-h5py).

Usage: import_reference_pusch.py SOURCE_ATTRIBUTION OUT_DIR CASE_DIR...
"""
import json
import os
import sys

import h5py
import numpy as np

# MCS table numbers of the source (TS 38.214 Tables 5.1.3.1-1, -2, -3) by airan name.
MCS_TABLES = {1: "qam64", 2: "qam256", 3: "qam64_low_se"}
PRECODING = {"non-codebook": "non_codebook", "codebook": "codebook"}


def u32(value):
    return np.uint32(value)


def convert(case_dir, out_path, source):
    with open(os.path.join(case_dir, "config.json")) as f:
        config = json.load(f)
    carrier, pusch = config["carrier"], config["pusch"]
    dmrs, tb = pusch["dmrs"], pusch["tb"]
    ports = list(dmrs["dmrs_port_set"])
    nof_layers = pusch["num_layers"]
    if len(ports) != nof_layers:
        raise ValueError(f"{case_dir}: {len(ports)} DM-RS ports for {nof_layers} layers")
    start_symbol, nof_symbols = pusch["symbol_allocation"]

    tb_bits = np.fromfile(os.path.join(case_dir, "tb_bits.u8"), dtype=np.uint8)
    expected_bits = config["files"]["tb_bits.u8"]["count"]
    if tb_bits.size != expected_bits or np.any(tb_bits > 1):
        raise ValueError(f"{case_dir}: expected {expected_bits} bits of value 0/1, got {tb_bits.size}")
    shape = config["files"]["grid.c64"]["shape"]
    grid = np.fromfile(os.path.join(case_dir, "grid.c64"), dtype=np.complex64)
    if grid.size != np.prod(shape):
        raise ValueError(f"{case_dir}: grid has {grid.size} values, expected shape {shape}")
    grid = grid.reshape(shape)
    if shape[0] != pusch["num_antenna_ports"] or shape[1] != 14 or shape[2] != 12 * pusch["n_size_bwp"]:
        raise ValueError(f"{case_dir}: grid shape {shape} does not match the configuration")

    with h5py.File(out_path, "w") as h5:
        a = h5.attrs
        a["schema_version"] = u32(1)
        a["kind"] = "pusch_grid"
        a["source"] = source
        # Carrier and bandwidth part.
        a["cell_id"] = u32(carrier["n_cell_id"])
        a["numerology"] = u32(1)
        a["cyclic_prefix"] = "normal"
        a["carrier_nof_prb"] = u32(pusch["n_size_bwp"])
        a["bwp_start"] = u32(0)
        a["bwp_size"] = u32(pusch["n_size_bwp"])
        # Allocation.
        a["rnti"] = u32(pusch["n_rnti"])
        a["n_id"] = u32(carrier["n_cell_id"])
        a["slot"] = u32(carrier["slot_number"])
        a["prb_start"] = u32(0)
        a["nof_prb"] = u32(pusch["n_size_bwp"])
        a["start_symbol"] = u32(start_symbol)
        a["nof_symbols"] = u32(nof_symbols)
        a["mapping_type"] = "A"
        a["nof_layers"] = u32(nof_layers)
        a["nof_antenna_ports"] = u32(pusch["num_antenna_ports"])
        a["precoding"] = PRECODING[pusch["precoding"]]
        a["tpmi"] = u32(pusch["tpmi"])
        a["transform_precoding"] = u32(0)
        # DM-RS.
        a["dmrs_config_type"] = u32(dmrs["config_type"])
        a["dmrs_length"] = u32(dmrs["length"])
        a["dmrs_additional_position"] = u32(dmrs["additional_position"])
        a["dmrs_type_a_position"] = u32(2)
        a["dmrs_scrambling_id0"] = u32(dmrs["n_id"])
        a["dmrs_scrambling_id1"] = u32(dmrs["n_id"])
        a["dmrs_n_scid"] = u32(dmrs["n_scid"])
        a["dmrs_nof_cdm_groups_without_data"] = u32(dmrs["num_cdm_groups_without_data"])
        a["dmrs_n_id_rs"] = u32(carrier["n_cell_id"])
        # Transport block.
        a["mcs_table"] = MCS_TABLES[tb["mcs_table"]]
        a["mcs"] = u32(tb["mcs_index"])
        a["rv"] = u32(0)
        a["tbs"] = u32(tb_bits.size)
        a["modulation_order"] = u32(tb["num_bits_per_symbol"])
        a["target_code_rate"] = np.float64(tb["target_code_rate"])

        opts = dict(compression="gzip", compression_opts=9, shuffle=True)
        h5.create_dataset("dmrs_ports", data=np.array(ports, dtype=np.uint8))
        h5.create_dataset("tb_bits", data=tb_bits, **opts)
        pairs = np.stack([grid.real, grid.imag], axis=-1).astype(np.float32)
        h5.create_dataset("grid", data=pairs, chunks=(1,) + pairs.shape[1:], **opts)


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
