#!/usr/bin/env python3
"""Plots the JSON result of `airan sweep` (or `airan sweep merge`): BLER of the first transmission and residual BLER
after HARQ with their 95 % Wilson intervals (log scale), and throughput as a fraction of the maximum with the 70 %
line of TS 38.104 8.2.1. Several results (e.g. one per channel estimator) share the axes.

Usage: plot_sweep.py RESULT.json [RESULT.json ...] OUTPUT.png
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend is chosen first)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    results = []
    for path in argv[1:-1]:
        with open(path, encoding="utf-8") as f:
            results.append(json.load(f))
    fig, (ax_bler, ax_thr) = plt.subplots(1, 2, figsize=(12, 4.8))
    for r in results:
        pts = sorted(r["points"], key=lambda p: p["snr_db"])
        snr = [p["snr_db"] for p in pts]
        label = r["estimator"]
        floor = 0.5 / max(max(p["blocks"] for p in pts), 1)
        for key, style in (("bler", "-o"), ("residual_bler", "--s")):
            value = [max(p[key], floor) for p in pts]
            low = [max(v - max(p[key + "_ci95"][0], floor), 0) for v, p in zip(value, pts)]
            high = [max(p[key + "_ci95"][1] - v, 0) for v, p in zip(value, pts)]
            name = "first transmission" if key == "bler" else "after HARQ"
            ax_bler.errorbar(snr, value, yerr=[low, high], fmt=style, capsize=3, label=f"{label}: {name}")
        thr = [100 * p["throughput_fraction"] for p in pts]
        snr70 = r.get("snr_db_at_70pct_throughput")
        extra = f", 70 % at {snr70:.2f} dB" if snr70 is not None else ""
        ax_thr.plot(snr, thr, "-o", label=f"{label}{extra}")
    first = results[0]
    title = f"{first['scenario']}: {first['channel']}, {first['slots_per_point']} slots per point"
    ax_bler.set_yscale("log")
    ax_bler.set_xlabel("SNR per RE and RX antenna [dB]")
    ax_bler.set_ylabel("BLER (95 % Wilson interval)")
    ax_bler.grid(True, which="both", alpha=0.3)
    ax_bler.legend(fontsize=8)
    ax_thr.axhline(70, color="grey", linestyle=":", label="70 % of maximum")
    ax_thr.set_xlabel("SNR per RE and RX antenna [dB]")
    ax_thr.set_ylabel("throughput [% of maximum]")
    ax_thr.set_ylim(0, 105)
    ax_thr.grid(True, alpha=0.3)
    ax_thr.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(argv[-1], dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
