#!/usr/bin/env python3
"""Plots the JSON result of `airan sweep` (or `airan sweep merge`): BLER of the first transmission and residual BLER
after HARQ with their 95 % Wilson intervals (log scale), and throughput as a fraction of the maximum with the 70 %
line of TS 38.104 8.2.1. Several results (e.g. one per channel estimator) share the axes. A BLER of zero (no block in
error) has no place on a log scale: such points are not joined to the curve but drawn as hollow markers (the shape of
their curve's) on the bottom edge of the axis, which lies below 1 / blocks of every result; several results are
shifted apart by a few hundredths of a dB there so that they do not hide each other.

Usage: plot_sweep.py RESULT.json [RESULT.json ...] OUTPUT.png
"""

import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend is chosen first)
from matplotlib.lines import Line2D  # noqa: E402


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    results = []
    for path in argv[1:-1]:
        with open(path, encoding="utf-8") as f:
            results.append(json.load(f))
    fig, (ax_bler, ax_thr) = plt.subplots(1, 2, figsize=(12, 4.8))
    # Bottom of the BLER axis: a decade below half of 1 / blocks of the largest result, where zero BLER is marked.
    max_blocks = max(max((p["blocks"] for p in r["points"]), default=1) for r in results)
    bottom = 10 ** math.floor(math.log10(0.5 / max(max_blocks, 1)))
    any_zero = False
    for index, r in enumerate(results):
        color = f"C{index}"
        shift = 0.04 * (index - (len(results) - 1) / 2)
        pts = sorted(r["points"], key=lambda p: p["snr_db"])
        snr = [p["snr_db"] for p in pts]
        label = r["estimator"]
        for key, style, marker in (("bler", "-", "o"), ("residual_bler", "--", "s")):
            name = "first transmission" if key == "bler" else "after HARQ"
            errors = [p for p in pts if p[key] > 0]
            value = [p[key] for p in errors]
            low = [max(p[key] - p[key + "_ci95"][0], 0) for p in errors]
            high = [max(p[key + "_ci95"][1] - p[key], 0) for p in errors]
            if not errors:
                # Only the legend entry: every point is on the bottom edge.
                ax_bler.plot([], [], linestyle=style, marker=marker, color=color, label=f"{label}: {name}")
            else:
                ax_bler.errorbar([p["snr_db"] for p in errors], value, yerr=[low, high], linestyle=style,
                                 marker=marker, capsize=3, color=color, label=f"{label}: {name}")
            zero = [p["snr_db"] for p in pts if p[key] == 0]
            if zero:
                any_zero = True
                ax_bler.plot([x + shift for x in zero], [bottom] * len(zero), linestyle="none", marker=marker,
                             markersize=7, markerfacecolor="none", color=color, clip_on=False)
        thr = [100 * p["throughput_fraction"] for p in pts]
        snr70 = r.get("snr_db_at_70pct_throughput")
        extra = f", 70 % at {snr70:.2f} dB" if snr70 is not None else ", 70 % not bracketed"
        ax_thr.plot(snr, thr, "-o", color=color, label=f"{label}{extra}")
    first = results[0]
    title = f"{first['scenario']}: {first['channel']}, {first['slots_per_point']} slots per point"
    ax_bler.set_yscale("log")
    ax_bler.set_ylim(bottom, 1.5)
    ax_bler.set_xlabel("SNR per RE and RX antenna [dB]")
    ax_bler.set_ylabel("BLER (95 % Wilson interval)")
    ax_bler.grid(True, which="both", alpha=0.3)
    handles, _ = ax_bler.get_legend_handles_labels()
    if any_zero:
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=7, markerfacecolor="none",
                              color="grey", label="hollow, on the bottom edge: BLER 0 (no block error)"))
    ax_bler.legend(handles=handles, fontsize=8)
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
