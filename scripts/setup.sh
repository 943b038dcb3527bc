#!/usr/bin/env bash
# Installs what esafety's build and tests need, skipping whatever is already there.
# Safe to run again and again: a machine with everything present finishes in about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "setup: cargo not found; install Rust with rustup first" >&2
    exit 1
  fi
fi

# Rust components used by the test command (fmt and clippy run there).
if command -v rustup >/dev/null 2>&1; then
  for c in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$c"; then
      say "adding rustup component $c"
      rustup component add "$c"
    fi
  done
fi

# cargo-fuzz drives the short fuzz run in the test command (stable toolchain with
# RUSTC_BOOTSTRAP=1, see scripts/fuzz.sh).
if [ "${ESAFETY_SKIP_FUZZ:-0}" != 1 ] && ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (once, ~1 min)"
  cargo install cargo-fuzz --locked
fi

# WebAssembly and the npm package (issue 4); ESAFETY_SKIP_WASM=1 skips all of it.
if [ "${ESAFETY_SKIP_WASM:-0}" != 1 ]; then
  if command -v rustup >/dev/null 2>&1 &&
    ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  # wasm-pack and the wasm-bindgen CLI are built from crates.io: their own installers
  # download binaries, which this network refuses. The CLI must be exactly the
  # wasm-bindgen version in Cargo.lock, or wasm-pack tries to download one.
  if ! command -v wasm-pack >/dev/null 2>&1; then
    say "installing wasm-pack (once, ~3 min)"
    cargo install wasm-pack --locked
  fi
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
  if [ -n "$want" ] && [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (was: ${have:-none}; once, ~3 min)"
    # No --locked: one locked dependency is missing from the registry mirror.
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
  # Debian's Chromium for the headless browser tests (never Playwright's own download).
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    say "installing chromium and chromium-driver from Debian (~1 min)"
    sudo_=""
    [ "$(id -u)" = 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  # npm devDependencies (binaryen's wasm-opt, esbuild for the extension's worker,
  # playwright-core, typescript), reinstalled
  # only when package-lock.json changes.
  stamp=npm/node_modules/.esafety-lock
  if ! [ -f "$stamp" ] || ! cmp -s npm/package-lock.json "$stamp"; then
    say "installing npm devDependencies (npm ci)"
    (cd npm && npm ci --no-audit --no-fund --loglevel=error)
    cp npm/package-lock.json "$stamp"
  fi
fi

say "ok"
