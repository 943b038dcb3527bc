#!/usr/bin/env bash
# Builds the npm package's WebAssembly (if needed) and serves the demo class chat: a pupil
# view with the message-box nudge and the report button, and a teacher view that
# highlights risky messages as they arrive. Open the printed address; Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
ESAFETY_SKIP_FUZZ=1 bash scripts/setup.sh
if ! [ -f npm/dist/web/esafety_wasm_bg.wasm ]; then
  (cd npm && node scripts/build.mjs web)
fi
cd npm && exec node demo/serve.mjs "${PORT:-8080}"
