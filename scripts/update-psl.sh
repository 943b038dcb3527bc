#!/usr/bin/env bash
# Refreshes crates/core/data/url/public_suffix_list.dat from the list the `psl` crate
# (crates.io, a dev-dependency of the core, kept current by its maintainers) ships in its
# `data/rules.txt`, and records where it came from in crates/core/data/url/README.md.
#
#   bash scripts/update-psl.sh        # after `cargo update -p psl` for a newer list
#
# The build never runs this: it compiles the committed file (crates/core/build.rs). After
# an update, review the diff of the list and run
#   cargo test -p esafety-lexicon -p esafety-core
# (a malformed rule fails the build with file and line; crates/core/src/url/psl/tests.rs
# compares the lookups with the `psl` crate's own answers).
set -euo pipefail
cd "$(dirname "$0")/.."

data=crates/core/data/url
list="$data/public_suffix_list.dat"
readme="$data/README.md"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

manifest=$(cargo metadata --format-version 1 --manifest-path crates/core/Cargo.toml |
  python3 -c 'import json,sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "psl"))')
version=$(python3 -c 'import sys,tomllib; print(tomllib.load(open(sys.argv[1],"rb"))["package"]["version"])' "$manifest")
source_file="$(dirname "$manifest")/data/rules.txt"
[ -s "$source_file" ] || { echo "update-psl: $source_file is missing or empty" >&2; exit 1; }

{
  echo "// The Public Suffix List (https://publicsuffix.org/list/), as shipped in the psl crate"
  echo "// $version (data/rules.txt, comments removed by that crate). This Source Code Form is"
  echo "// subject to the terms of the Mozilla Public License, v. 2.0. If a copy of the MPL was"
  echo "// not distributed with this file, You can obtain one at https://mozilla.org/MPL/2.0/."
  echo "// Refresh with scripts/update-psl.sh; do not edit by hand."
  cat "$source_file"
} > "$list"

block="$tmp/block"
{
  echo '<!-- update-psl:begin (written by scripts/update-psl.sh) -->'
  echo "| source | \`psl\` crate $version, \`data/rules.txt\` (crates.io) |"
  echo '|---|---|'
  echo "| rules | $(grep -cv '^\s*\(//\|$\)' "$list") (ICANN and private sections together) |"
  echo "| SHA-256 | \`$(sha256sum "$list" | cut -d' ' -f1)\` |"
  echo '<!-- update-psl:end -->'
} > "$block"
awk -v block="$block" '
  /<!-- update-psl:begin/ { while ((getline line < block) > 0) print line; skip = 1; next }
  /<!-- update-psl:end/ { skip = 0; next }
  !skip { print }
' "$readme" > "$tmp/readme"
cp "$tmp/readme" "$readme"
echo "update-psl: $list from the psl crate $version"
git --no-pager diff --stat -- "$list" "$readme" || true
