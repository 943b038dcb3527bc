#!/usr/bin/env bash
# Runs the browser tests of the npm package's VLE helpers and demo in headless Chromium
# (Debian's /usr/bin/chromium, driven by playwright-core from npm/node_modules).
# Exits non-zero when a test fails. Needs: node >= 20, chromium, `npm ci` done in npm/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
npm_dir="$here/../../npm"

if [[ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]]; then
  echo "tests/browser: chromium not found at ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)" >&2
  exit 1
fi
if [[ ! -d "$npm_dir/node_modules/playwright-core" ]]; then
  echo "tests/browser: playwright-core missing: run npm ci in npm/" >&2
  exit 1
fi
if [[ ! -f "$npm_dir/dist/web/esafety_wasm_bg.wasm" ]]; then
  echo "tests/browser: npm/dist/web is not built (npm run build in npm/)" >&2
  exit 1
fi

cd "$npm_dir"
# One test file at a time: each starts its own browser, and the machine may have 2 cores.
exec node --test --test-concurrency=1 \
  "$here/server.test.mjs" "$here/vle.test.mjs" "$here/report.test.mjs"
