#!/usr/bin/env bash
# The main job on the built-in defaults: build the release binary, then classify the
# sample messages (tests/samples/messages.txt) for a KS2 pupil, in the admin's view.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
ESAFETY_SKIP_FUZZ=1 bash scripts/setup.sh
cargo build --release --locked -p esafety-cli
echo
echo "== text: sample messages, age band ks2 (target/release/esafety text --format human)"
target/release/esafety text --age-band ks2 --format human < tests/samples/messages.txt
