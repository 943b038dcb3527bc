//! A fixed table of bits: the quick "certainly not" in front of a search.
//!
//! The hot path turns most bytes, words and labels away before any search: the
//! heuristics (token starts, word tokens), the search-engine and carrier tables (their
//! anchors) and the expression prefilter (literal starts) each keep one of these, set when
//! built and read with one load per test.

/// `WORDS × 64` bits (a power of two).
#[derive(Clone, Debug)]
pub(crate) struct Bits<const WORDS: usize>([u64; WORDS]);

impl<const WORDS: usize> Bits<WORDS> {
    const LEN: usize = WORDS * 64;

    pub(crate) const fn new() -> Self {
        assert!(Self::LEN.is_power_of_two());
        Bits([0; WORDS])
    }

    /// Sets bit `i` (taken modulo the table's length).
    pub(crate) fn insert(&mut self, i: usize) {
        let i = i & (Self::LEN - 1);
        self.0[i / 64] |= 1 << (i % 64);
    }

    /// Whether bit `i` (modulo the table's length) is set.
    pub(crate) fn contains(&self, i: usize) -> bool {
        let i = i & (Self::LEN - 1);
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    /// The bit of a [`super::data::packed`] label: a multiplicative hash of its two
    /// halves, its top bits as many as the table needs.
    pub(crate) fn packed_index(k: u128) -> usize {
        let folded = (k as u64) ^ ((k >> 64) as u64);
        (folded.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - Self::LEN.trailing_zeros())) as usize
    }
}
