#!/usr/bin/env bash
# Installs what the test suite needs from Debian's packages when it is absent:
# Chromium for the browser tests. Idempotent; needs root (or sudo) on a machine
# that lacks it. Node 22 itself comes from the npm registry (package.json).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then
  echo "system dependencies present"
  exit 0
fi
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "installing: ${need[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
