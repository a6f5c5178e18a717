#!/usr/bin/env bash
# Runs the build-along track (content/build-along/) end to end on this machine.
#
# Python (the primary stack): for each step N, lays steps 01..N of
# examples/build-along/python/ over one another in a fresh folder (each step folder holds the
# files that step adds or changes), creates a fresh database in a throwaway PostgreSQL, and runs
# that step's tests. Node.js and Go: runs the finished service's tests (Node.js against the same
# PostgreSQL, Go against its in-memory store; see the Go page for why).
#
# Needs python3 (3.11+), PostgreSQL's server binaries (initdb, pg_ctl), and for the other stacks
# node (20+) with npm, and go. A missing Node.js or Go toolchain skips that stack with a message;
# a missing PostgreSQL or Python fails. Set BUILD_ALONG_VENV to reuse a virtualenv between runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
track="$root/examples/build-along"
work="$(mktemp -d)"
pgdir="$work/pg"
say() { printf '\n== build-along: %s\n' "$*"; }

# --- a throwaway PostgreSQL, reached over a Unix socket in the temp folder ---------------------
pgbin=""
for candidate in "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")" /usr/lib/postgresql/*/bin; do
  if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then pgbin="$candidate"; break; fi
done
[ -n "$pgbin" ] || { echo "build-along: PostgreSQL's initdb and pg_ctl not found (apt-get install postgresql)" >&2; exit 1; }
as_pg=()
if [ "$(id -u)" -eq 0 ]; then  # the server refuses to run as root
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  as_pg=(runuser -u postgres --)
fi
mkdir -p "$pgdir" && chmod 755 "$work" && [ ${#as_pg[@]} -eq 0 ] || chown postgres "$pgdir"
stop_pg() { "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap stop_pg EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -U postgres -A trust --no-sync >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -w -l "$pgdir/log" \
  -o "-c listen_addresses='' -k $pgdir -c fsync=off" start >/dev/null
pg_url() { echo "postgresql://postgres@/$1?host=$pgdir"; }
fresh_db() { psql -q -X -d "$(pg_url postgres)" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"; }

# --- Python: every step, in order ----------------------------------------------------------------
say "python: virtualenv"
venv="${BUILD_ALONG_VENV:-$work/venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
last_py="$(ls -d "$track"/python/step-* | tail -n 1)"
reqs="$last_py/requirements-dev.txt"; [ -f "$reqs" ] || reqs="$last_py/requirements.txt"
"$venv/bin/pip" install -q -r "$reqs"
app="$work/python-app"
mkdir -p "$app"
for step in "$track"/python/step-*; do
  name="$(basename "$step")"
  cp -r "$step/." "$app/"
  fresh_db orders_test
  say "python: $name"
  (cd "$app" && DATABASE_URL="$(pg_url orders_test)" "$venv/bin/python" -m pytest -p no:cacheprovider)
  if [ -x "$app/check.sh" ]; then (cd "$app" && ./check.sh); fi
done

# --- Node.js: the finished service -------------------------------------------------------------
if command -v node >/dev/null && command -v npm >/dev/null; then
  say "node.js: npm ci and tests"
  cp -r "$track/node" "$work/node-app"
  fresh_db orders_node
  (cd "$work/node-app" && npm ci --no-audit --no-fund --silent &&
    DATABASE_URL="$(pg_url orders_node)" node --test)
else
  say "node.js: skipped (node or npm not installed)"
fi

# --- Go: the finished service ------------------------------------------------------------------
if command -v go >/dev/null; then
  say "go: vet and tests"
  cp -r "$track/go" "$work/go-app"
  (cd "$work/go-app" && GOPROXY=off go vet ./... && GOPROXY=off go test ./...)
else
  say "go: skipped (go not installed)"
fi
say "all steps passed"
