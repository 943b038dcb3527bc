//! Reads the compact transition tables that `build.rs` embeds (written by
//! `esafety_lexicon::table`, whose module doc explains the layout and why), in place.
//!
//! Loading checks the header and that the sections fit the bytes: O(1), so a cold service
//! worker pays nothing. Every later read is bounds-checked, a target outside the records
//! reads as "dead" and a chain of defaults is followed at most [`MAX_CHAIN`] times, so
//! even a corrupt table cannot panic or loop; it can only match less (or differently).
//!
//! A state id is the byte offset of the state's record. A transition reads the header
//! byte, scans at most a handful of selector bytes (or ranks one bit of a bitmap) and
//! reads one 24-bit offset — one record, usually one cache line.

/// `b"ESAF"` as a little-endian `u32`; must equal the lexicon crate's.
const MAGIC: u32 = u32::from_le_bytes(*b"ESAF");
const VERSION: u32 = 2;
const HEADER_WORDS: usize = 8;
const SELECTOR_ROW: usize = 32;
const COUNT: u8 = 0x0f;
const WIDE: u8 = 0x0f;
const MATCH: u8 = 0x10;
const EOI: u8 = 0x20;
const DEFAULT: u8 = 0x40;
const MAX_CHAIN: usize = 2;

/// A read-only view of one table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Table {
    /// The records; a state id is an offset into them.
    records: &'static [u8],
    /// `classes` rows of [`SELECTOR_ROW`] bytes: which selectors include each class.
    selectors: &'static [u8],
    /// Byte to class, unpacked from the header once at load (256 bytes).
    class_of: [u8; 256],
    /// `u64` words in the bitmap of a wide record.
    bitmap_words: usize,
    states: usize,
    start_text: u32,
    start_after: u32,
}

/// Sign-extends a little-endian 24-bit offset.
#[inline]
fn i24(b: &[u8]) -> i64 {
    i64::from(i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8)
}

impl Table {
    /// Checks the header and section sizes; `None` if they do not add up.
    pub fn load(bytes: &'static [u8]) -> Option<Table> {
        let word = |i: usize| -> Option<usize> {
            let w = u32::from_le_bytes(bytes.get(i * 4..i * 4 + 4)?.try_into().ok()?);
            usize::try_from(w).ok()
        };
        if word(0)? != MAGIC as usize || word(1)? != VERSION as usize {
            return None;
        }
        let classes = word(3)?;
        if classes == 0 || classes > 256 {
            return None;
        }
        let class_map = HEADER_WORDS * 4;
        let selectors = class_map + 256;
        let records = selectors.checked_add(classes * SELECTOR_ROW)?;
        if records.checked_add(word(7)?)? != bytes.len() {
            return None;
        }
        let mut class_of = [0u8; 256];
        class_of.copy_from_slice(bytes.get(class_map..selectors)?);
        Some(Table {
            records: bytes.get(records..)?,
            selectors: bytes.get(selectors..records)?,
            class_of,
            bitmap_words: classes.div_ceil(64),
            states: word(2)?,
            start_text: u32::try_from(word(5)?).ok()?,
            start_after: u32::try_from(word(6)?).ok()?,
        })
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

    /// The state `delta` bytes after `end`, if inside the records.
    #[inline]
    fn target(&self, at: usize, end: usize) -> Option<u32> {
        let delta = i24(self.records.get(at..at + 3)?);
        let t = usize::try_from(end as i64 + delta).ok()?;
        if t < self.records.len() {
            u32::try_from(t).ok()
        } else {
            None
        }
    }

    /// The next state, or `None` when the walk is dead.
    #[inline]
    pub fn next(&self, state: u32, byte: u8) -> Option<u32> {
        let class = usize::from(self.class_of[usize::from(byte)]);
        let row: &[u8; SELECTOR_ROW] = self
            .selectors
            .get(class * SELECTOR_ROW..(class + 1) * SELECTOR_ROW)?
            .try_into()
            .ok()?;
        let mut s = state as usize;
        for _ in 0..=MAX_CHAIN {
            let header = *self.records.get(s)?;
            let at = s + 1 + 3 * usize::from(header & DEFAULT != 0);
            let count = usize::from(header & COUNT);
            let (slot, end) = if header & COUNT != WIDE {
                let selectors = self.records.get(at..at + count)?;
                let k = selectors
                    .iter()
                    .position(|&sel| row[usize::from(sel / 8)] >> (sel % 8) & 1 != 0);
                (k.map(|k| at + count + 3 * k), at + 4 * count)
            } else {
                let bitmap = self.records.get(at..at + 8 * self.bitmap_words)?;
                let (mut before, mut live, mut found) = (0, 0, false);
                for (w, chunk) in bitmap.chunks_exact(8).enumerate() {
                    let bits = u64::from_le_bytes(chunk.try_into().ok()?);
                    if w == class / 64 {
                        found = bits >> (class % 64) & 1 != 0;
                        before = live + (bits & ((1u64 << (class % 64)) - 1)).count_ones();
                    }
                    live += bits.count_ones();
                }
                let targets = at + bitmap.len();
                let slot = found.then_some(targets + 3 * before as usize);
                (slot, targets + 3 * live as usize)
            };
            if let Some(slot) = slot {
                return self.target(slot, end);
            }
            if header & DEFAULT == 0 {
                return None;
            }
            s = self.target(s + 1, end)? as usize;
        }
        None
    }

    /// The pattern ids stored before `state`'s header: its match list, or (`eoi`) the one
    /// before it.
    fn pids(&self, state: u32, eoi: bool) -> impl Iterator<Item = u32> + '_ {
        let s = state as usize;
        let header = self.records.get(s).copied().unwrap_or(0);
        let list = |end: usize| -> Option<&[u8]> {
            let count = usize::from(*self.records.get(end.checked_sub(1)?)?);
            self.records.get(end.checked_sub(1 + 2 * count)?..end - 1)
        };
        let found = if !eoi {
            (header & MATCH != 0).then(|| list(s)).flatten()
        } else if header & EOI == 0 {
            None
        } else if header & MATCH != 0 {
            list(s).and_then(|m| list(s - 1 - m.len()))
        } else {
            list(s)
        };
        found
            .unwrap_or(&[])
            .chunks_exact(2)
            .map(|p| u32::from(u16::from_le_bytes([p[0], p[1]])))
    }

    /// Patterns matching just before the byte that led into `state`.
    #[inline]
    pub fn matches(&self, state: u32) -> impl Iterator<Item = u32> + '_ {
        self.pids(state, false)
    }

    /// Patterns matching at the end of the text when the walk is in `state`.
    pub fn eoi_matches(&self, state: u32) -> impl Iterator<Item = u32> + '_ {
        self.pids(state, true)
    }

    /// Number of states (for tests and the benchmark).
    pub fn states(&self) -> usize {
        self.states
    }
}
