#!/usr/bin/env bash
# Instructions per URL decision, counted by valgrind (callgrind), which a busy machine
# cannot blur as it blurs wall-clock time. Prepares the data sets once (url_profile).
#
#   bash scripts/url-instructions.sh [check|classify]   UT1 (if present) and 5 M generated
#   ESAFETY_PROFILE_DIR=/tmp/x  where the packs and URL lists are kept (default /tmp/esafety-profile)
#   ESAFETY_PROFILE_SETS="ut1"  which sets (default "ut1 5000000")
set -euo pipefail
cd "$(dirname "$0")/.."
how=${1:-check}
dir=${ESAFETY_PROFILE_DIR:-/tmp/esafety-profile}
sets=${ESAFETY_PROFILE_SETS:-ut1 5000000}
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }
cargo build --quiet --release -p esafety-bench --bin url_profile
bin=target/release/url_profile
mkdir -p "$dir"
count() { # instructions of one run
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for set in $sets; do
  out="$dir/$set"
  [ -s "$out.pack" ] && [ -s "$out.urls" ] || "$bin" prepare "$set" "$out"
  urls=$(wc -l <"$out.urls")
  base=$(count "$bin" run "$out" 0 "$how")
  one=$(count "$bin" run "$out" 1 "$how")
  echo "$set: $(( (one - base) / urls )) instructions per $how ($urls URLs)"
done
