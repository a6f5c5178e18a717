#!/usr/bin/env bash
# Maps a GitHub runner's OS and architecture to the release asset built for it, as
# GITHUB_OUTPUT lines (target=, asset=, exe=):  release-target.sh Linux|macOS|Windows X64|ARM64
# The release workflow (.github/workflows/release.yml) names its archives the same way.
set -euo pipefail
os="${1:?usage: release-target.sh OS ARCH}"
arch="${2:?usage: release-target.sh OS ARCH}"
case "$os/$arch" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) echo "error: no backlot release for $os/$arch; use \`install: source\`" >&2; exit 1 ;;
esac
if [ "$os" = Windows ]; then
  echo "target=$target"; echo "asset=backlot-$target.zip"; echo "exe=backlot.exe"
else
  echo "target=$target"; echo "asset=backlot-$target.tar.gz"; echo "exe=backlot"
fi
