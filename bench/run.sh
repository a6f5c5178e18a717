#!/usr/bin/env bash
# The performance benchmark, one command:
#   bench/run.sh [--sizes 1000,10000] [--large] [--runs 3] [--no-hugo] [--no-preview]
# Builds backlot and the floor program (examples/floor.rs) in release mode, then bench/bench.py
# generates the corpora and times backlot (highlight cache on and off, and a warm rebuild with
# --cache after a one-page edit), the floor and Hugo (cold and warm), and the preview's
# edit-to-reload latency (bench/preview_latency.py), all in one table. `--large` adds 100,000
# pages. bench/preview.sh still runs the latency benchmark alone.
# See docs/performance.md for what it measures and the latest figures.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin backlot --example floor
python3 bench/bench.py "$@"
