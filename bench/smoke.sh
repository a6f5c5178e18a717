#!/usr/bin/env bash
# CI smoke test of the benchmark: one small run (300 pages) that must work end to end.
# No Hugo and no time assertion: timings on a shared CI machine are not a pass/fail signal.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bench/run.sh --sizes 300 --runs 1 --no-hugo --no-wait --preview-edits 3 --preview-idle 0.5 "$@"
