#!/usr/bin/env bash
# Installs what the test suite needs from Debian's packages when it is absent:
# Chromium for the browser tests, the PostgreSQL server for the Postgres tests
# (test/db/postgres.test.ts starts its own throwaway server from these binaries;
# it does not use the cluster the package sets up). Idempotent and quiet; needs
# root (or sudo) on a machine that lacks them. Node 22 itself comes from the npm
# registry (package.json).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Debian keeps the server binaries off PATH, under /usr/lib/postgresql/<version>/bin.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then
  echo "system dependencies present"
  exit 0
fi
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "installing: ${need[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${as_root[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "could not install: ${need[*]}" >&2
  exit 1
fi
