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
# The worker's V8 heap flags (scripts/worker-node-flags says why, and why not the others).
flags=""
if [ "$(basename "$entry" .js)" = worker ]; then flags=${WORKER_NODE_FLAGS-$(grep -v '^#' scripts/worker-node-flags)}; fi
# shellcheck disable=SC2086 # the flags are words
exec node --enable-source-maps $flags "$entry" "$@"
