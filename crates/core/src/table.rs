//! Reads the compact transition tables that `build.rs` embeds (written by
//! `esafety_lexicon::table`, whose module doc explains the layout and why), in place.
//!
//! Loading checks the header and that the sections fit the bytes: O(1), so a cold service
//! worker pays nothing. Every later read is bounds-checked, a target outside the records
//! reads as "dead" and a chain of defaults is followed at most [`MAX_CHAIN`] times, so
//! even a corrupt table cannot panic or loop; it can only match less (or differently).
//!
//! A state id is the byte offset of the state's record. A transition reads the header
//! byte; for the states near a start (most lookups) it then reads one entry of a dense
//! row, otherwise it scans at most a handful of selector bytes (or ranks one bit of a
//! bitmap) and reads one 24-bit offset — one record, usually one cache line.

/// `b"ESAF"` as a little-endian `u32`; must equal the lexicon crate's.
const MAGIC: u32 = u32::from_le_bytes(*b"ESAF");
const VERSION: u32 = 4;
const HEADER_WORDS: usize = 9;
const SELECTOR_ROW: usize = 32;
const COUNT: u8 = 0x0f;
const WIDE: u8 = 0x0f;
const MATCH: u8 = 0x10;
const EOI: u8 = 0x20;
const DEFAULT: u8 = 0x40;
const DENSE: u8 = 0x80;
const MAX_CHAIN: usize = 2;

/// A read-only view of one table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Table {
    /// The records; a state id is an offset into them.
    records: &'static [u8],
    /// `classes` rows of [`SELECTOR_ROW`] bytes: which selectors include each class.
    selectors: &'static [u8],
    /// Dense rows: `classes` little-endian `u32` entries each (`u32::MAX` when dead): the
    /// target's header byte on top of its dense row index, or of its state id.
    dense: &'static [u8],
    /// Each dense row's state id (`u32`), to find a dense state's patterns.
    dense_ids: &'static [u8],
    classes: usize,
    /// Byte to class, unpacked from the header once at load (256 bytes).
    class_of: [u8; 256],
    /// `u64` words in the bitmap of a wide record.
    bitmap_words: usize,
    states: usize,
    start_text: State,
    start_after: State,
}

/// A state as a walk holds it: its header byte and, for a dense state, its dense row
/// (so the next byte is one read of the dense rows), else its record's offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct State {
    /// The dense row index if `header & DENSE`, else the byte offset of the record header.
    key: u32,
    header: u8,
}

impl State {
    /// Whether some pattern matches just before the byte that led here.
    #[inline]
    pub fn has_matches(self) -> bool {
        self.header & MATCH != 0
    }
}

/// The state whose record starts at `id`, if inside the records.
#[inline]
fn state_at(records: &[u8], id: u32) -> Option<State> {
    let header = *records.get(id as usize)?;
    if header & DENSE == 0 {
        return Some(State { key: id, header });
    }
    let row = records.get(id as usize + 1..id as usize + 3)?;
    Some(State {
        key: u32::from(u16::from_le_bytes([row[0], row[1]])),
        header,
    })
}

/// Sign-extends a little-endian 24-bit offset.
#[inline]
fn i24(b: &[u8]) -> i32 {
    i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8
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
        let selectors_at = class_map + 256;
        let dense_at = selectors_at.checked_add(classes * SELECTOR_ROW)?;
        let rows = word(8)?;
        let ids_at = dense_at.checked_add(rows.checked_mul(classes * 4)?)?;
        let records_at = ids_at.checked_add(rows.checked_mul(4)?)?;
        if records_at.checked_add(word(7)?)? != bytes.len() {
            return None;
        }
        let mut class_of = [0u8; 256];
        class_of.copy_from_slice(bytes.get(class_map..selectors_at)?);
        let selectors = bytes.get(selectors_at..dense_at)?;
        let dense = bytes.get(dense_at..ids_at)?;
        let dense_ids = bytes.get(ids_at..records_at)?;
        let records = bytes.get(records_at..)?;
        let state = |i: usize| state_at(records, u32::try_from(word(i)?).ok()?);
        Some(Table {
            records,
            selectors,
            dense,
            dense_ids,
            classes,
            class_of,
            bitmap_words: classes.div_ceil(64),
            states: word(2)?,
            start_text: state(5)?,
            start_after: state(6)?,
        })
    }

    /// The start state at a word start: at the start of the text, or after a non-word byte.
    #[inline]
    pub fn start(&self, at_text_start: bool) -> State {
        if at_text_start {
            self.start_text
        } else {
            self.start_after
        }
    }

    /// The state `delta` bytes after `end`, if inside the records.
    #[inline]
    fn target(&self, at: usize, end: usize) -> Option<State> {
        let t = (end as u32).wrapping_add(i24(self.records.get(at..at + 3)?) as u32);
        state_at(self.records, t)
    }
    /// The next state, or `None` when the walk is dead.
    #[inline]
    pub fn step(&self, state: State, byte: u8) -> Option<State> {
        let class = usize::from(self.class_of[usize::from(byte)]);
        if state.header & DENSE != 0 {
            return self.dense_next(state.key as usize, class);
        }
        self.sparse_next(state.key as usize, state.header, class)
    }

    /// The next state from dense row `row`: one read, no record.
    #[inline]
    fn dense_next(&self, row: usize, class: usize) -> Option<State> {
        let at = (row * self.classes + class) * 4;
        let e = u32::from_le_bytes(self.dense.get(at..at + 4)?.try_into().ok()?);
        if e == u32::MAX {
            return None;
        }
        // A key that is neither a row nor a record (a corrupt table) needs no check here:
        // the next step's bounds-checked read finds nothing there and reads it as dead.
        Some(State {
            key: e & 0x00ff_ffff,
            header: (e >> 24) as u8,
        })
    }

    /// The byte offset of `state`'s record.
    fn record_of(&self, state: State) -> Option<u32> {
        if state.header & DENSE == 0 {
            return Some(state.key);
        }
        let at = state.key as usize * 4;
        Some(u32::from_le_bytes(
            self.dense_ids.get(at..at + 4)?.try_into().ok()?,
        ))
    }

    /// The next state from a scan or wide record at `s` (and its defaults).
    fn sparse_next(&self, mut s: usize, mut header: u8, class: usize) -> Option<State> {
        for _ in 0..=MAX_CHAIN {
            if header & DENSE != 0 {
                // `s` is a dense row here (a default reached through `state_at`).
                return self.dense_next(s, class);
            }
            let at = s + 1 + 3 * usize::from(header & DEFAULT != 0);
            let count = usize::from(header & COUNT);
            let (slot, end) = if header & COUNT != WIDE {
                let selectors = self.records.get(at..at + count)?;
                let k = selectors.iter().position(|&sel| self.includes(sel, class));
                (k.map(|k| at + count + 3 * k), at + 4 * count)
            } else {
                self.wide_slot(at, class)?
            };
            if let Some(slot) = slot {
                return self.target(slot, end);
            }
            if header & DEFAULT == 0 {
                return None;
            }
            let d = self.target(s + 1, end)?;
            (s, header) = (d.key as usize, d.header);
        }
        None
    }

    /// Whether selector `sel` includes `class`. Selectors below `classes` are single
    /// classes (most entries deep in the table): a compare. Class sets look up their bit
    /// in the class's selector row.
    #[inline]
    fn includes(&self, sel: u8, class: usize) -> bool {
        let sel = usize::from(sel);
        if sel < self.classes {
            return sel == class;
        }
        self.selectors
            .get(class * SELECTOR_ROW + sel / 8)
            .is_some_and(|b| b >> (sel % 8) & 1 != 0)
    }

    /// In a wide record whose entries start at `at`: the slot of `class`'s target (if
    /// live) and the record's end. Out of line: wide records are few, and keeping the
    /// bitmap arithmetic out of the scan path keeps the walk's registers free.
    #[inline(never)]
    fn wide_slot(&self, at: usize, class: usize) -> Option<(Option<usize>, usize)> {
        // Live classes less one, then the bitmap, then one target per live class.
        let live = 1 + usize::from(*self.records.get(at)?);
        let bitmap = self.records.get(at + 1..at + 1 + 8 * self.bitmap_words)?;
        let word = |w: usize| -> u64 {
            bitmap.get(w * 8..w * 8 + 8).map_or(0, |b| {
                u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
            })
        };
        let bits = word(class / 64);
        let below = (0..class / 64).map(|w| word(w).count_ones()).sum::<u32>()
            + (bits & ((1u64 << (class % 64)) - 1)).count_ones();
        let targets = at + 1 + bitmap.len();
        let found = bits >> (class % 64) & 1 != 0;
        Some((
            found.then_some(targets + 3 * below as usize),
            targets + 3 * live,
        ))
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
    pub fn matches(&self, state: State) -> impl Iterator<Item = u32> + '_ {
        self.pids(self.record_of(state).unwrap_or(u32::MAX), false)
    }

    /// Patterns matching at the end of the text when the walk is in `state`.
    pub fn eoi_matches(&self, state: State) -> impl Iterator<Item = u32> + '_ {
        self.pids(self.record_of(state).unwrap_or(u32::MAX), true)
    }

    /// Number of states (for tests and the benchmark).
    pub fn states(&self) -> usize {
        self.states
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::dfa::{dense, Automaton, StartKind};
    use regex_automata::util::start;
    use regex_automata::{Anchored, MatchKind};

    /// The DFA the lexicon builds (anchored, `MatchKind::All`, byte classes).
    fn dfa(patterns: &[&str]) -> dense::DFA<Vec<u32>> {
        dense::Builder::new()
            .configure(
                dense::Config::new()
                    .match_kind(MatchKind::All)
                    .start_kind(StartKind::Anchored)
                    .byte_classes(true),
            )
            .build_many(patterns)
            .unwrap()
    }

    /// The table with dense rows `dense_depth` bytes deep (0: only the starts).
    fn table(dfa: &dense::DFA<Vec<u32>>, dense_depth: u32) -> Table {
        let bytes = esafety_lexicon::table::flatten_with(dfa, dense_depth).unwrap();
        Table::load(Vec::leak(bytes)).unwrap()
    }

    use crate::test_rng::Rng;

    fn pids(dfa: &dense::DFA<Vec<u32>>, s: regex_automata::util::primitives::StateID) -> Vec<u32> {
        let mut v: Vec<u32> = if dfa.is_match_state(s) {
            (0..dfa.match_len(s))
                .map(|k| dfa.match_pattern(s, k).as_u32())
                .collect()
        } else {
            Vec::new()
        };
        v.sort_unstable();
        v
    }

    fn sorted(it: impl Iterator<Item = u32>) -> Vec<u32> {
        let mut v: Vec<u32> = it.collect();
        v.sort_unstable();
        v
    }

    /// Walks both automata over random inputs and compares liveness, matches and
    /// end-of-input matches after every byte.
    fn assert_same(patterns: &[&str], alphabet: &[u8], seed: u64) {
        let dfa = dfa(patterns);
        for depth in [0, 1, esafety_lexicon::table::DENSE_DEPTH] {
            assert_same_at(&dfa, &table(&dfa, depth), patterns, alphabet, seed);
        }
    }

    fn assert_same_at(
        dfa: &dense::DFA<Vec<u32>>,
        t: &Table,
        patterns: &[&str],
        alphabet: &[u8],
        seed: u64,
    ) {
        let mut rng = Rng::new(seed);
        for _ in 0..3000 {
            let after = rng.next().is_multiple_of(2);
            let cfg = start::Config::new()
                .anchored(Anchored::Yes)
                .look_behind(after.then_some(b' '));
            let mut d = dfa.start_state(&cfg).unwrap();
            let mut s = t.start(!after);
            assert_eq!(pids(dfa, dfa.next_eoi_state(d)), sorted(t.eoi_matches(s)));
            for _ in 0..(rng.next() % 24) {
                let b = *rng.pick(alphabet);
                d = dfa.next_state(d, b);
                let dead = dfa.is_dead_state(d) || dfa.is_quit_state(d);
                let next = t.step(s, b);
                assert_eq!(dead, next.is_none(), "{patterns:?} at {b:?}");
                let Some(next) = next else { break };
                s = next;
                assert_eq!(pids(dfa, d), sorted(t.matches(s)));
                assert_eq!(pids(dfa, dfa.next_eoi_state(d)), sorted(t.eoi_matches(s)));
            }
        }
    }

    const WORDY: &[u8] = b"abeiklostu*! .-0\xff";

    /// Header flags seen over every reachable state (to check what a test covers):
    /// default, wide, dense.
    fn flags_seen(t: &Table) -> (bool, bool, bool) {
        let (mut seen, mut todo) = (std::collections::HashSet::new(), vec![t.start(true)]);
        todo.push(t.start(false));
        let (mut default, mut wide, mut dense) = (false, false, false);
        while let Some(s) = todo.pop() {
            if !seen.insert(s) {
                continue;
            }
            let header = s.header;
            default |= header & DEFAULT != 0;
            wide |= header & COUNT == WIDE && header & DENSE == 0;
            dense |= header & DENSE != 0;
            todo.extend((0..=255u8).filter_map(|b| t.step(s, b)));
        }
        (default, wide, dense)
    }

    #[test]
    fn round_trip_words_with_unions() {
        // Vowels also match `*` and `l` also `i`, as the lexicon writes them: many states
        // are unions of others, which is what default states compress.
        let v = |c: &str| format!("[{c}*]");
        let words = [
            "kill", "kiss", "kit", "loot", "lost", "bottle", "bet", "beat", "boat", "abba", "stab",
            "stub", "tusk", "kiosk", "skill", "still", "toe", "tie", "tea",
        ];
        let patterns: Vec<String> = words
            .iter()
            .map(|w| {
                let body: String = w
                    .chars()
                    .map(|c| match c {
                        'a' | 'e' | 'o' | 'u' => v(&c.to_string()),
                        'i' => "[i*]".into(),
                        'l' => "[li]".into(),
                        c => c.to_string(),
                    })
                    .collect();
                format!(r"(?-u:\b){body}(s|ed|ing)?(?-u:\b)")
            })
            .collect();
        let refs: Vec<&str> = patterns.iter().map(String::as_str).collect();
        assert_same(&refs, WORDY, 1);
        let flags = flags_seen(&table(&dfa(&refs), 0));
        assert!(flags.0 && flags.2, "no default or dense states");
        // Phrases, overlapping patterns and patterns matching the same strings.
        let phrases = [
            r"(?-u:\b)kill (you|u|ya)(?-u:\b)",
            r"(?-u:\b)kill(?-u:\b)",
            r"(?-u:\b)(kiss|kis+) (me|it)(?-u:\b)",
            r"(?-u:\b)[a-z]{2,3}(?-u:\b)",
            r"(?-u:\b)b[aeiou*]t(?-u:\b)",
        ];
        assert_same(&phrases, b"abeikmstuy* .", 2);
    }

    #[test]
    fn round_trip_wide_states_and_many_classes() {
        // Many distinct classes after one state (a wide, bitmap record), punctuation
        // sets (selectors that are class sets) and bytes over 0x7f.
        let patterns = [
            r"x[a-z0-9]",
            r"x[a-m]y",
            r"x[n-z]z",
            r"(é|ß)x",
            r"q[!-/]",
            r"qq",
            r"x",
            r"x(aa|bb|cc|dd|ee|ff|gg|hh)",
        ];
        let alphabet: Vec<u8> = (b'!'..=b'z')
            .chain([0x80, 0x9f, 0xa9, 0xc3, 0xff])
            .collect();
        assert_same(&patterns, &alphabet, 3);
        assert!(flags_seen(&table(&dfa(&patterns), 0)).1, "no wide states");
        // Over 64 classes: a bitmap of two words.
        let many: Vec<String> = (b'0'..=b'z')
            .filter(u8::is_ascii_alphanumeric)
            .map(|c| format!("x{0}{0}", c as char))
            .collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(table(&dfa(&refs), 0).bitmap_words == 2);
        let alphabet: Vec<u8> = b"x0aZz9q!".to_vec();
        assert_same(&refs, &alphabet, 4);
    }

    #[test]
    fn corrupt_or_truncated_tables_read_as_dead_without_panicking() {
        let dfa = dfa(&[
            r"kill|kiss|k[i*]t+",
            r"(?-u:\b)[a-z]{2}(?-u:\b)",
            "x[a-z0-9]",
        ]);
        let bytes = esafety_lexicon::table::flatten_with(&dfa, 1).unwrap();
        for n in 0..bytes.len() {
            assert!(Table::load(Vec::leak(bytes[..n].to_vec())).is_none());
        }
        let mut rng = Rng::new(7);
        let header = HEADER_WORDS * 4;
        for round in 0..400 {
            let mut b = bytes.clone();
            for _ in 0..(1 + round % 8) {
                let i = header + rng.next() as usize % (b.len() - header);
                b[i] = rng.next() as u8;
            }
            let Some(t) = Table::load(Vec::leak(b)) else {
                continue;
            };
            for _ in 0..50 {
                let s = if rng.next().is_multiple_of(4) {
                    // A dense record cut short by the end of the records is no state.
                    state_at(t.records, rng.next() as u32 % t.records.len() as u32)
                } else {
                    Some(t.start(rng.next().is_multiple_of(2)))
                };
                let Some(mut s) = s else { continue };
                for _ in 0..12 {
                    let _ = t.matches(s).count() + t.eoi_matches(s).count();
                    match t.step(s, rng.next() as u8) {
                        Some(n) => s = n,
                        None => break,
                    }
                }
            }
        }
    }
}
