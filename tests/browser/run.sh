#!/usr/bin/env bash
# The browser suite and HTML validation of the built Field Guide (see suite.mjs).
# Installs what is missing: Debian's chromium (and node/java if absent), the npm packages
# from package-lock.json, and the release binary. With CI set, a browser that cannot be
# installed or started fails the run instead of skipping it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "browser: cannot apt-get install $* (not root)" >&2
    return 1
  fi
  if [ -z "${BACKLOT_APT_UPDATED:-}" ]; then
    apt-get update -qq >/dev/null
    export BACKLOT_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium"
  apt_install chromium fonts-dejavu-core || [ -z "${CI:-}" ] || { echo "browser: chromium could not be installed" >&2; exit 1; }
fi
command -v node >/dev/null || apt_install nodejs npm
command -v java >/dev/null || apt_install default-jre-headless

cd "$here"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci (tests/browser)"
  npm ci --no-audit --no-fund --loglevel=error
fi

cd "$repo"
if [ -z "${BACKLOT:-}" ]; then
  cargo build --release -q
  export BACKLOT=target/release/backlot
fi
echo "== browser suite and HTML validation"
node "$here/suite.mjs"
