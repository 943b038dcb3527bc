#!/usr/bin/env bash
# Learns the word model (crates/core/data/text/model.tsv) from the project's labelled
# messages: every corpus file, the evaluation sets below and the training sets in tests/train. Deterministic: the same files
# give the same model, and a test (crates/cli/tests/cli.rs) checks that the committed file
# is what this script writes. Run it after changing any of these files, then rebuild.
#
#   bash scripts/train-model.sh [OUT]      (default: crates/core/data/text/model.tsv)
#
# A blind set kept to measure the model must not be listed here until it has been used.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-crates/core/data/text/model.tsv}"
cli="${ESAFETY_CLI:-target/release/esafety}"
[ -x "$cli" ] || cargo build --release --locked -q -p esafety-cli
"$cli" model train -o "$out" \
  tests/corpus/text \
  tests/eval/blind.tsv tests/eval/blind3.tsv tests/eval/blind4.tsv tests/eval/blind5.tsv \
  tests/eval/blind6.tsv tests/eval/blind7.tsv tests/eval/heldout.tsv tests/eval/innocent_chat.tsv \
  tests/eval/blind_search23.tsv tests/eval/blind_search24.tsv tests/eval/blind_search25.tsv \
  tests/eval/blind_search26.tsv tests/eval/dev30_innocent_lookalikes.tsv tests/eval/dev31_searches.tsv \
  tests/train
