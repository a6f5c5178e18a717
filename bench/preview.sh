#!/usr/bin/env bash
# The preview's edit-to-reload latency (issue 4), called by bench/run.sh with its arguments:
# `--sizes 1000,10000` becomes the latency benchmark's `--pages 1000 10000`; the rest is ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=(1000 10000)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) IFS=, read -r -a pages <<< "$2"; shift 2 ;;
    --sizes=*) IFS=, read -r -a pages <<< "${1#--sizes=}"; shift ;;
    *) shift ;;
  esac
done
exec python3 bench/preview_latency.py --pages "${pages[@]}"
