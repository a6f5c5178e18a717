#!/usr/bin/env bash
# The performance benchmark, one command: bench/run.sh [--sizes 1000,10000] [--runs 3] [--no-hugo]
# Builds backlot and the floor program (examples/floor.rs) in release mode, then bench/bench.py
# generates the corpora and times backlot (highlight cache on and off, and a warm rebuild with
# --cache after a one-page edit), the floor and Hugo.
# See docs/performance.md for what it measures and the latest figures.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin backlot --example floor
python3 bench/bench.py "$@"

# --- Preview edit-to-reload latency (issue 8 asks for it in the same run) --------------------
# The serve engineer's latency benchmark plugs in here: an executable bench/preview.sh taking the
# same arguments, printing its own Markdown lines. Skipped until it exists.
if [[ -x bench/preview.sh ]]; then
  bench/preview.sh "$@"
else
  echo; echo "(preview latency: bench/preview.sh not present yet, skipped)"
fi
