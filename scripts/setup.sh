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

say "ok"
