#!/usr/bin/env bash
# npm start / npm run worker / npm run cli: the compiled entry under build/bin
# (npm run build), with a clear word instead of Node's "Cannot find module"
# when there is no build yet.
set -euo pipefail
cd "$(dirname "$0")/.."
entry="build/bin/$1.js"
shift
if [ ! -f "$entry" ]; then
  echo "No build at $entry: run \`npm run build\` first (or, from the sources without a build: \`npm run cli:dev\`, \`npm run worker:dev\`)." >&2
  exit 1
fi
# V8's heap flags for the app's processes (scripts/app-node-flags says why).
flags=${APP_NODE_FLAGS-$(grep -v '^#' scripts/app-node-flags)}
# shellcheck disable=SC2086 # the flags are words
exec node --enable-source-maps $flags "$entry" "$@"
