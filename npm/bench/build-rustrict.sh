#!/usr/bin/env bash
# Builds the rustrict comparison baseline for `npm run bench` (bench/rustrict → bench/rustrict/pkg).
# Same pipeline as esafety's own module: cargo (release: opt-level 3, LTO, one codegen unit,
# panic=abort) → wasm-bindgen 0.2.130 (--target nodejs) → binaryen wasm-opt -O3 from
# node_modules when it is installed (skipped otherwise; the bench notes which).
# Idempotent: does nothing when pkg/ is newer than the crate's sources.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
crate="$here/rustrict"
pkg="$crate/pkg"
out="$pkg/rustrict_bench_bg.wasm"

if [[ -f "$out" && -f "$pkg/rustrict_bench.js" ]]; then
  if [[ -z "$(find "$crate/Cargo.toml" "$crate/Cargo.lock" "$crate/src" "$here/build-rustrict.sh" \
        -newer "$out" -print -quit 2>/dev/null)" ]]; then
    echo "rustrict baseline up to date ($out)"
    exit 0
  fi
fi

want=0.2.130
bindgen="$(command -v wasm-bindgen || echo "$HOME/.cargo/bin/wasm-bindgen")"
have="$("$bindgen" --version 2>/dev/null | awk '{print $2}')" || true
if [[ "$have" != "$want" ]]; then
  echo "build-rustrict: need wasm-bindgen CLI $want (found '${have:-none}'): cargo install wasm-bindgen-cli --version $want --locked" >&2
  exit 1
fi

# --locked when a lock file exists, so the committed Cargo.lock is what gets built.
locked=()
[[ -f "$crate/Cargo.lock" ]] && locked=(--locked)
cargo build --release --target wasm32-unknown-unknown "${locked[@]}" \
  --manifest-path "$crate/Cargo.toml" --target-dir "$crate/target"

mkdir -p "$pkg"
"$bindgen" --target nodejs --out-dir "$pkg" \
  "$crate/target/wasm32-unknown-unknown/release/rustrict_bench.wasm"

wasm_opt="$here/../node_modules/.bin/wasm-opt"
if [[ -x "$wasm_opt" ]]; then
  "$wasm_opt" -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue "$out" -o "$out.opt"
  mv "$out.opt" "$out"
  echo "wasm-opt -O3" > "$pkg/OPTIMISED"
else
  echo "none (node_modules/.bin/wasm-opt missing)" > "$pkg/OPTIMISED"
fi
# The package is "type": "module"; wasm-bindgen's nodejs glue is CommonJS.
echo '{ "type": "commonjs" }' > "$pkg/package.json"
echo "built $(du -k "$out" | cut -f1) KiB $out"
