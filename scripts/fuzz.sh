#!/usr/bin/env bash
# Runs each libFuzzer target in crates/fuzz for a bounded time and fails on any crash.
#
#   bash scripts/fuzz.sh                  # every target, 20 s each
#   FUZZ_SECONDS=300 bash scripts/fuzz.sh classify
#
# Environment:
#   FUZZ_SECONDS    seconds per target (default 20)
#   FUZZ_MAX_LEN    longest input libFuzzer makes, in bytes (default 4096)
#   FUZZ_SANITIZER  address (default), leak, memory, thread or none
#
# libFuzzer needs nightly-only compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain
# accept them, so no nightly toolchain is needed. The fuzz crate is its own workspace and
# builds into crates/fuzz/target. Seeds in crates/fuzz/seeds/<target> are only read: new
# inputs go to the scratch corpus crates/fuzz/corpus/<target> and crash files to
# crates/fuzz/artifacts/<target> (all three git-ignored). A crash file replays with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir crates/fuzz <target> <file>
# or, on stable without libFuzzer, by copying it to crates/fuzz/artifacts/<target>/ and
# running `cargo test` in crates/fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export RUSTC_BOOTSTRAP=1

seconds="${FUZZ_SECONDS:-20}"
max_len="${FUZZ_MAX_LEN:-4096}"
sanitizer="${FUZZ_SANITIZER:-address}"
fuzz_dir=crates/fuzz
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=(normalize classify lexicon_parse url pack)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
cargo fuzz --version

# Build every target once, so the time limit is all fuzzing.
cargo fuzz build --fuzz-dir "$fuzz_dir" --sanitizer "$sanitizer"

logs="$fuzz_dir/target/fuzz-logs"
mkdir -p "$logs"
failed=()
summary=()
for t in "${targets[@]}"; do
  seeds="$fuzz_dir/seeds/$t"
  corpus="$fuzz_dir/corpus/$t"
  if [ ! -d "$seeds" ]; then
    echo "no seeds for target $t ($seeds)" >&2
    exit 2
  fi
  mkdir -p "$corpus" "$fuzz_dir/artifacts/$t"
  # libFuzzer writes new inputs to the first corpus directory only; the seeds (second)
  # are read, never changed. The scratch corpus is kept between runs so they build up.
  cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
  echo "== fuzz $t for ${seconds}s"
  start=$(date +%s)
  status=0
  # -timeout: one input taking over 10 s (at most $max_len bytes) is a hang, reported as a
  # crash; linear code takes microseconds.
  cargo fuzz run --fuzz-dir "$fuzz_dir" --sanitizer "$sanitizer" "$t" "$corpus" "$seeds" -- \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -print_final_stats=1 \
    >"$logs/$t.log" 2>&1 || status=$?
  took=$(( $(date +%s) - start ))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -1)
  runs="${runs:-0}"
  rate=$(( runs / (seconds > 0 ? seconds : 1) ))
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$logs/$t.log"
    echo "!! $t: crash or error (exit $status) after ${took}s; artifacts in $fuzz_dir/artifacts/$t" >&2
    failed+=("$t")
    summary+=("$t: FAILED after ${took}s")
  else
    grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs)' "$logs/$t.log" | tail -2 || true
    summary+=("$t: ok, ${runs} runs in ${took}s (~${rate} exec/s)")
  fi
done

echo
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]} (full logs in $logs)" >&2
  exit 1
fi
