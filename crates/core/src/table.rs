//! Reads the compact transition tables that `build.rs` embeds (written by
//! `esafety_lexicon::table`), in place.
//!
//! Loading checks the header and that the sections fit the bytes: O(1), so a cold service
//! worker pays nothing. Every later read is bounds-checked and a missing entry reads as
//! "dead", so even a corrupt table cannot panic; it can only match less.

/// `b"ESAF"` as a little-endian `u32`; must equal the lexicon crate's.
const MAGIC: u32 = u32::from_le_bytes(*b"ESAF");
const VERSION: u32 = 1;
const DENSE: u32 = 1 << 31;
const NONE: u32 = u32::MAX;
const HEADER: usize = 11;

/// A read-only view of one table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Table {
    words: &'static [u8],
    /// Byte to class, unpacked from the header once at load (256 bytes).
    class_of: [u8; 256],
    states: usize,
    start_text: u32,
    start_after: u32,
    /// Word offsets of the sections.
    row_off: usize,
    trans: usize,
    match_off: usize,
    match_pids: usize,
    eoi_off: usize,
    eoi_pids: usize,
}

impl Table {
    /// Checks the header and section sizes; `None` if they do not add up.
    pub fn load(bytes: &'static [u8]) -> Option<Table> {
        let word = |i: usize| -> Option<u32> {
            Some(u32::from_le_bytes(
                bytes.get(i * 4..i * 4 + 4)?.try_into().ok()?,
            ))
        };
        if word(0)? != MAGIC || word(1)? != VERSION {
            return None;
        }
        let states = word(2)? as usize;
        let classes = word(3)? as usize;
        let (ntrans, nmatch, neoi) = (word(6)? as usize, word(7)? as usize, word(8)? as usize);
        let row_off = HEADER + 64;
        let trans = row_off + states + 1;
        let match_off = trans + ntrans;
        let match_pids = match_off + states + 1;
        let eoi_off = match_pids + nmatch;
        let eoi_pids = eoi_off + states + 1;
        let total = eoi_pids.checked_add(neoi)?;
        if total.checked_mul(4)? != bytes.len() || classes == 0 || classes > 256 {
            return None;
        }
        let mut class_of = [0u8; 256];
        for (b, c) in class_of.iter_mut().enumerate() {
            *c = (word(HEADER + b / 4)? >> (8 * (b % 4))) as u8;
        }
        Some(Table {
            words: bytes,
            class_of,
            states,
            start_text: word(4)?,
            start_after: word(5)?,
            row_off,
            trans,
            match_off,
            match_pids,
            eoi_off,
            eoi_pids,
        })
    }

    #[inline]
    fn word(&self, i: usize) -> u32 {
        match self.words.get(i * 4..i * 4 + 4) {
            Some(w) => u32::from_le_bytes([w[0], w[1], w[2], w[3]]),
            None => NONE,
        }
    }

    /// The start state at a word start: at the start of the text, or after a non-word byte.
    #[inline]
    pub fn start(&self, at_text_start: bool) -> u32 {
        if at_text_start {
            self.start_text
        } else {
            self.start_after
        }
    }

    #[inline]
    fn class(&self, byte: u8) -> u32 {
        u32::from(self.class_of[byte as usize])
    }

    /// The next state, or `None` when the walk is dead.
    #[inline]
    pub fn next(&self, state: u32, byte: u8) -> Option<u32> {
        let s = state as usize;
        if s >= self.states {
            return None;
        }
        let off = self.word(self.row_off + s);
        let class = self.class(byte);
        if off & DENSE != 0 {
            let next = self.word(self.trans + (off & !DENSE) as usize + class as usize);
            return (next != NONE).then_some(next);
        }
        let end = self.word(self.row_off + s + 1) & !DENSE;
        (off..end)
            .map(|i| self.word(self.trans + i as usize))
            .find(|e| e >> 24 == class)
            .map(|e| e & 0x00ff_ffff)
    }

    fn list(&self, off: usize, pids: usize, state: u32) -> impl Iterator<Item = u32> + '_ {
        let s = state as usize;
        let (a, b) = if s < self.states {
            (self.word(off + s), self.word(off + s + 1))
        } else {
            (0, 0)
        };
        (a..b.max(a)).map(move |i| self.word(pids + i as usize))
    }

    /// Patterns matching just before the byte that led into `state`.
    #[inline]
    pub fn matches(&self, state: u32) -> impl Iterator<Item = u32> + '_ {
        self.list(self.match_off, self.match_pids, state)
    }

    /// Patterns matching at the end of the text when the walk is in `state`.
    pub fn eoi_matches(&self, state: u32) -> impl Iterator<Item = u32> + '_ {
        self.list(self.eoi_off, self.eoi_pids, state)
    }

    /// Number of states (for tests and the benchmark).
    pub fn states(&self) -> usize {
        self.states
    }
}
