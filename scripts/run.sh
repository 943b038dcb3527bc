#!/usr/bin/env bash
# The main job on the built-in defaults: build the release binary, then classify the
# sample messages (tests/samples/messages.txt) and decide the sample URLs
# (tests/samples/urls.txt) for a KS2 pupil and for staff, in the admin's view.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
ESAFETY_SKIP_FUZZ=1 bash scripts/setup.sh
cargo build --release --locked -p esafety-cli
echo
echo "== text: sample messages, age band ks2 (target/release/esafety text --format human)"
target/release/esafety text --age-band ks2 --format human < tests/samples/messages.txt
echo
echo "== url: sample addresses, age band ks2 (target/release/esafety url --format human)"
target/release/esafety url --age-band ks2 --format human < tests/samples/urls.txt
echo
echo "== url: the same addresses for staff"
target/release/esafety url --age-band staff --format human < tests/samples/urls.txt
