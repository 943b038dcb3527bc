//! rustrict behind wasm-bindgen: the calls esafety's benchmark compares against.
//!
//! `analyze` is rustrict's natural "judge this text" call (`Censor::analyze`, a full pass
//! over the text returning its `Type` bit set); `is_inappropriate` is the one-line
//! `CensorStr::is_inappropriate`; `censor` returns the censored copy.

use rustrict::{Censor, CensorStr, Type};
use wasm_bindgen::prelude::*;

/// `Type` bits of the analysis (0 = nothing found). `Type::bits` is deprecated without a
/// replacement; it is still the cheapest way to hand the whole analysis to JS.
#[allow(deprecated)]
#[wasm_bindgen]
pub fn analyze(text: &str) -> u32 {
    Censor::from_str(text).analyze().bits()
}

/// `true` when the text meets rustrict's `Type::INAPPROPRIATE` threshold.
#[wasm_bindgen]
pub fn is_inappropriate(text: &str) -> bool {
    text.is_inappropriate()
}

/// The censored text (offending characters replaced with `*`).
#[wasm_bindgen]
pub fn censor(text: &str) -> String {
    text.censor()
}

/// The `Type::INAPPROPRIATE` bit mask, so callers can test `analyze(t) & mask`.
#[allow(deprecated)]
#[wasm_bindgen]
pub fn inappropriate_mask() -> u32 {
    Type::INAPPROPRIATE.bits()
}

/// Builds rustrict's lazily initialised tables (trie, replacements) so that the first
/// timed call does not pay for them.
#[wasm_bindgen]
pub fn warm_up() -> u32 {
    analyze("warm up")
}
