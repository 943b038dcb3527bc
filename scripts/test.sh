#!/usr/bin/env bash
# Runs every test, in the order a newcomer would read them: formatting, lints, unit and
# data-driven tests, the command-line tests, then a short bounded fuzz run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh

step() { printf '\n== %s\n' "$*"; }

step "format (cargo fmt --check)"
cargo fmt --all -- --check
(cd crates/fuzz && cargo fmt -- --check)

step "lints (clippy -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings
(cd crates/fuzz && cargo clippy --all-targets --locked -- -D warnings)
if [ "${ESAFETY_SKIP_WASM:-0}" != 1 ]; then
  cargo clippy -p esafety-wasm --target wasm32-unknown-unknown --locked -- -D warnings
  cargo clippy -p esafety-wasm --target wasm32-unknown-unknown --features external-lexicon --locked -- -D warnings
fi

step "tests (unit, corpus, CLI)"
cargo test --workspace --locked

step "the core with its lexicon table loaded at run time (external-lexicon, the extension's build)"
cargo test -p esafety-core --features external-lexicon --test external_lexicon --locked

step "robustness on stable: random and 1 MiB adversarial inputs, seeds and saved crashes (crates/fuzz)"
(cd crates/fuzz && cargo test --locked -q)

step "quality on the labelled evaluation sets (esafety eval; figures, not pass/fail)"
for f in tests/eval/*.tsv; do
  echo "-- $f"
  cargo run --release --locked -q -p esafety-cli -- eval "$f" --show 0
done

if [ "${ESAFETY_SKIP_WASM:-0}" = 1 ]; then
  step "WebAssembly, npm and browser tests skipped (ESAFETY_SKIP_WASM=1)"
else
  step "WebAssembly build (wasm-pack for web, bundler and nodejs; wasm-opt from npm)"
  (cd npm && node scripts/build.mjs)

  step "npm package (node:test: API, UTF-16 spans, bad input, same verdicts as the CLI on the corpus, npm pack)"
  cargo build --release --locked -q -p esafety-cli
  (cd npm && ESAFETY_CLI="$PWD/../target/release/esafety" node --test test/)

  step "headless Chromium: the demo VLE page, the nudge, the teacher view, the report button"
  bash tests/browser/run.sh

  step "headless Chromium: the MV3 extension (block page, hot rules, frames, SafeSearch, messages, policy, incident log, summary, upload)"
  bash tests/extension/run.sh

  step "package size and speed (npm run bench -- --quick; figures, not pass/fail)"
  (cd npm && node bench/bench.mjs --quick)

  step "extension speed (node extension/bench/bench.mjs --quick; figures, not pass/fail)"
  node extension/bench/bench.mjs --quick
fi

step "fuzz (${FUZZ_SECONDS:-20} s per target)"
if [ "${ESAFETY_SKIP_FUZZ:-0}" = 1 ]; then
  echo "skipped (ESAFETY_SKIP_FUZZ=1)"
else
  bash scripts/fuzz.sh
fi

step "all tests passed"
