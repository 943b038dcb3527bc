#!/usr/bin/env bash
# Builds extension/dist and runs the extension's end-to-end tests in headless Chromium
# (Debian's, driven by playwright-core from npm/node_modules). Exits non-zero on failure.
# Needs: node >= 20, chromium, `npm ci` and the web-split build in npm/ (npm/dist/web-split: node scripts/build.mjs web-split).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$here/../.."

chromium_bin="${CHROMIUM:-/usr/lib/chromium/chromium}"
if [[ ! -x "$chromium_bin" ]]; then
  echo "tests/extension: chromium not found at $chromium_bin (apt-get install chromium)" >&2
  exit 1
fi
if [[ ! -d "$repo/npm/node_modules/playwright-core" ]]; then
  echo "tests/extension: playwright-core missing: run npm ci in npm/" >&2
  exit 1
fi

# Policy files the policy and force-install tests write (and remove after) affect every Chromium
# on the machine: an interrupted earlier run may have left them behind.
rm -f /etc/chromium/policies/managed/esafety-extension-test.json \
  /etc/chromium/policies/managed/esafety-forced-install-test.json 2>/dev/null || true

node "$repo/extension/build.mjs"
# One file at a time: each starts its own browser, and the machine may have 2 cores.
exec node --test --test-concurrency=1 "$@" \
  "$here/unit.test.mjs" "$here/hot.test.mjs" "$here/identity.test.mjs" "$here/summary.test.mjs" "$here/outbox.test.mjs" \
  "$here/extension.test.mjs" "$here/network.test.mjs" "$here/summary.e2e.test.mjs" \
  "$here/messages.test.mjs" "$here/outbox.browser.test.mjs" "$here/policy.test.mjs" "$here/forced.test.mjs"
