"""Draws content/stacks/performance/latency-percentiles.png from the same simulated durations as
percentiles.py. Run by hand after changing either file (needs matplotlib):

    python3 snippets/performance/plot_percentiles.py
"""
import pathlib
import random
import statistics

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

random.seed(7)
durations = [random.gauss(80, 15) for _ in range(970)]
durations += [random.uniform(900, 2500) for _ in range(30)]
cuts = statistics.quantiles(durations, n=100)
marks = [
    ("mean", statistics.fmean(durations), "#b03a2e", "--"),
    ("p50", cuts[49], "#1f5fa8", "-"),
    ("p95", cuts[94], "#6a3d9a", "-"),
    ("p99", cuts[98], "#222222", "-"),
]

plt.rcParams.update({"font.size": 13, "svg.hashsalt": "backlot"})
fig, ax = plt.subplots(figsize=(12, 5), dpi=120)
bins = [10 * 1.06**i for i in range(0, 100) if 10 * 1.06**i < 3000]
ax.hist(durations, bins=bins, color="#8fb3d9", edgecolor="#4a6f96", linewidth=0.5)
ax.set_xscale("log")
ax.set_xlim(30, 3000)
ax.set_xlabel("request duration (ms, log scale)")
ax.set_ylabel("requests")
ax.set_title("1,000 simulated requests: 970 fast, 30 on a slow path")
top = ax.get_ylim()[1]
for i, (name, value, colour, style) in enumerate(marks):
    ax.axvline(value, color=colour, linestyle=style, linewidth=2)
    ax.text(value * 1.04, top * (0.92 - 0.1 * i), f"{name} {value:,.0f} ms", color=colour,
            fontweight="bold", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})
ax.spines[["top", "right"]].set_visible(False)
fig.tight_layout()
out = pathlib.Path(__file__).resolve().parents[2] / "content/stacks/performance/latency-percentiles.png"
fig.savefig(out, metadata={"Software": None})
print(out)
