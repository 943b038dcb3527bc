#!/usr/bin/env bash
# Refreshes crates/core/data/url/public_suffix_list.dat from Debian's `publicsuffix`
# package and records where it came from in crates/core/data/url/README.md.
#
#   bash scripts/update-psl.sh            # the newest version apt can download
#   PSL_INSTALLED=1 bash scripts/update-psl.sh   # the version installed on this machine
#
# The build never runs this: it compiles the committed file (crates/core/build.rs). After
# an update, review the diff of the list and run
#   cargo test -p esafety-lexicon -p esafety-core
# (a malformed rule fails the build with file and line; crates/core/src/url/psl/tests.rs
# compares the lookups with the `psl` crate).
set -euo pipefail
cd "$(dirname "$0")/.."

data=crates/core/data/url
list="$data/public_suffix_list.dat"
readme="$data/README.md"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [ "${PSL_INSTALLED:-0}" != 1 ] && (cd "$tmp" && apt-get download publicsuffix >/dev/null 2>&1); then
  deb=("$tmp"/publicsuffix_*.deb)
  version="$(dpkg-deb -f "${deb[0]}" Version)"
  dpkg-deb -x "${deb[0]}" "$tmp/root"
  source_file="$tmp/root/usr/share/publicsuffix/public_suffix_list.dat"
else
  if ! version="$(dpkg-query -W -f '${Version}' publicsuffix 2>/dev/null)"; then
    echo "update-psl: cannot download publicsuffix and it is not installed" >&2
    echo "update-psl: run 'apt-get update', or 'apt-get install publicsuffix'" >&2
    exit 1
  fi
  source_file=/usr/share/publicsuffix/public_suffix_list.dat
fi
[ -s "$source_file" ] || { echo "update-psl: $source_file is missing or empty" >&2; exit 1; }
grep -q '===BEGIN PRIVATE DOMAINS===' "$source_file" ||
  { echo "update-psl: $source_file does not look like the Public Suffix List" >&2; exit 1; }

cp "$source_file" "$list"
header() { sed -n "s|^// $1: *||p" "$list" | head -n 1; }
list_version="$(header VERSION)"
list_commit="$(header COMMIT)"
rules() { sed -n "/===BEGIN $1 DOMAINS===/,/===END $1 DOMAINS===/p" "$list" | grep -cv '^\s*\(//\|$\)'; }

# The block between the markers in the README is rewritten; the rest is left alone.
block="$tmp/block"
{
  echo '<!-- update-psl:begin (written by scripts/update-psl.sh) -->'
  echo "| Debian package | \`publicsuffix\` $version |"
  echo '|---|---|'
  echo "| list VERSION | ${list_version:-none: this file has no VERSION or COMMIT line (older lists have neither)} |"
  echo "| list COMMIT | ${list_commit:-none} |"
  echo "| rules | $(rules ICANN) ICANN, $(rules PRIVATE) private |"
  echo "| SHA-256 | \`$(sha256sum "$list" | cut -d' ' -f1)\` |"
  echo '<!-- update-psl:end -->'
} > "$block"
awk -v block="$block" '
  /<!-- update-psl:begin/ { while ((getline line < block) > 0) print line; skip = 1; next }
  /<!-- update-psl:end/ { skip = 0; next }
  !skip { print }
' "$readme" > "$tmp/readme"
cp "$tmp/readme" "$readme"
echo "update-psl: $list from publicsuffix $version (${list_version:-no VERSION line})"
git --no-pager diff --stat -- "$list" "$readme" || true
