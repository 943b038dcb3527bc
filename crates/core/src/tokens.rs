//! The words rules read a token at a time, from the table `esafety_lexicon::tokens` builds.
//!
//! A token is a run of word bytes or one other byte. Each rule part is a small automaton
//! whose edges are sets of dictionary words (see the lexicon crate for why: the byte table
//! spelt every alternative of every rule letter by letter, a third of the size this way).
//! Loading checks the header and that the sections fit; the walk reads arrays decoded from
//! the table's compact sections (`esafety_pack::tokens`) — once per thread, or, for the
//! built-in table in native builds, by the build script, so that a process classifies its
//! first message without decoding 370,000 items (2.6 ms) first. A corrupt table can only
//! give wrong answers (an id out of range reads as nothing), never a panic.
//!
//! A walk from a token starts with the parts whose first edge reads it (an index by
//! dictionary entry), and steps every live node over the following tokens until none is
//! left or the walk's limit is reached, as the byte table's walk would read the same bytes.
//! Parts that could not be converted (a repetition without end, `nob` rules) are walked in
//! a small byte table alongside.

use crate::table::Table;
use esafety_pack::tokens::{Decoded, Layout};

use esafety_pack::token_word_byte as is_word;

/// The token table as embedded: where each section starts. Loading checks that the
/// sections add up; [`TokenTable::decode`] gives the arrays a walk reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TokenTable {
    bytes: &'static [u8],
    layout: Layout,
    pub residual: Option<Table>,
    /// The bytes a residual walk can read first (after a non-word byte or at the start):
    /// a walk from any other byte dies at once and is not started.
    residual_first: [u64; 4],
}

impl TokenTable {
    /// Checks the header and that the sections fill the table; `None` if not.
    pub fn load(bytes: &'static [u8]) -> Option<TokenTable> {
        let layout = Layout::read(bytes)?;
        let rest = bytes.get(layout.at[8]..).unwrap_or_default();
        let residual = if rest.is_empty() {
            None
        } else {
            Some(Table::load(rest)?)
        };
        let mut residual_first = [0u64; 4];
        if let Some(r) = &residual {
            for b in 0..=255u8 {
                if [true, false]
                    .iter()
                    .any(|&s| r.step(r.start(s), b).is_some())
                {
                    residual_first[usize::from(b / 64)] |= 1 << (b % 64);
                }
            }
        }
        Some(TokenTable {
            bytes,
            layout,
            residual,
            residual_first,
        })
    }

    /// Whether a residual walk from a byte `b` can read it.
    #[inline]
    pub fn residual_reads(&self, b: u8) -> bool {
        self.residual_first[usize::from(b / 64)] >> (b % 64) & 1 != 0
    }

    /// Which table this is (the address of its bytes).
    pub fn id(&self) -> usize {
        self.bytes.as_ptr() as usize
    }

    /// Number of nodes (for the benchmark and docs).
    pub fn nodes(&self) -> usize {
        self.layout.counts[3]
    }

    fn section(&self, k: usize) -> &'static [u8] {
        self.layout.section(self.bytes, k)
    }

    /// The pattern id of the residual table's pattern `pid`.
    pub fn residual_pid(&self, pid: u32) -> u32 {
        let at = pid as usize * 4;
        self.section(7)
            .get(at..at + 4)
            .map_or(u32::MAX, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The arrays a walk reads: the built-in table's as the build embedded them (native
    /// builds), any other table's decoded now (see `esafety_pack::tokens`).
    pub fn decode(&self) -> Decoded {
        #[cfg(all(not(feature = "external-lexicon"), not(target_arch = "wasm32")))]
        if crate::data::is_builtin_words(self.bytes) {
            return builtin::DECODED.clone();
        }
        esafety_pack::tokens::decode(self.bytes, &self.layout)
    }
}

/// The built-in table's arrays, decoded by the build script.
#[cfg(all(not(feature = "external-lexicon"), not(target_arch = "wasm32")))]
mod builtin {
    include!(concat!(env!("OUT_DIR"), "/token_decoded.rs"));
}

/// A stream cut into tokens, each with the dictionary entries it spells, and the walks'
/// lazily built deterministic automaton.
#[derive(Default)]
pub(crate) struct Tokens {
    /// `(start, end, class)` per token: its one entry, a class from [`MULTI`] on, or
    /// [`NONE`].
    pub spans: Vec<(u32, u32, u32)>,
    /// The matcher's list of one start's hits, kept here to be reused.
    pub found: Vec<(usize, u32)>,
    scratch: Vec<u16>,
    /// The decoded table, and which table it is (its address).
    dec: Decoded,
    decoded_for: usize,
    lazy: Lazy,
}

/// The parts' token automata determinised as walks meet them: a state is a set of part
/// nodes. The first time a walk steps out of a state, the state's edges are merged into
/// one list sorted by dictionary entry (with the nodes each entry leads to); a step is
/// then one binary search, and the next state is interned the first time that entry is
/// taken. Most walks take the same few steps (a word, a space, a word that ends them), so
/// after the first messages a step reads no set at all. The cache is dropped when it
/// grows past [`Lazy::MAX_STATES`] states, so memory stays bounded whatever the input,
/// and a step's work stays bounded by the table.
struct Lazy {
    states: Vec<LazyState>,
    ids: std::collections::HashMap<Box<[u32]>, u32, Fx>,
    /// The state after the first token, per dictionary entry ([`UNSET`] until taken).
    first: Vec<u32>,
    /// Tokens that spell several entries (`i` is a word and a hardened `l`): an id per
    /// distinct list, from [`MULTI`] on, and the transitions they take.
    classes: std::collections::HashMap<Box<[u16]>, u32, Fx>,
    /// Each multi-entry class's entries, by `class - MULTI`.
    class_entries: Vec<Box<[u16]>>,
    multi: std::collections::HashMap<(u32, u32), u32, Fx>,
    /// The class of each one-byte token that is not a word byte (spaces, punctuation).
    bytes: Vec<u32>,
    /// The class of each word token of up to 16 bytes seen, by its bytes.
    words: std::collections::HashMap<(u64, u64), u32, Fx>,
    scratch: Vec<u32>,
}

/// The first class id of a token that spells several entries.
const MULTI: u32 = 1 << 16;
/// The class of a token that spells no entry.
const NONE: u32 = u32::MAX - 1;

#[derive(Default)]
struct LazyState {
    nodes: Box<[u32]>,
    /// Pattern ids that match in this state.
    accepts: Box<[u32]>,
    /// Once stepped from: its transitions, sorted by entry.
    merged: Option<Box<[Merged]>>,
    targets: Box<[u32]>,
}

/// One transition of a [`LazyState`]: `(entry, first target, next state or [`UNSET`])`;
/// its targets run in [`LazyState::targets`] up to the next transition's first.
type Merged = (u16, u32, u32);

/// The state no walk goes on from.
const DEAD: u32 = 0;
/// The state before a walk's first token.
const START: u32 = 1;
/// A transition not taken yet.
const UNSET: u32 = u32::MAX;

impl Default for Lazy {
    fn default() -> Self {
        let mut lazy = Lazy {
            states: Vec::new(),
            ids: Default::default(),
            first: Vec::new(),
            classes: Default::default(),
            class_entries: Vec::new(),
            multi: Default::default(),
            bytes: Vec::new(),
            words: Default::default(),
            scratch: Vec::new(),
        };
        lazy.reset();
        lazy
    }
}

impl Lazy {
    const MAX_STATES: usize = 1 << 15;

    fn reset(&mut self) {
        self.states.clear();
        self.ids.clear();
        self.first.clear();
        // Class ids stay: tokens already read hold them (and there are few).
        self.multi.clear();
        self.states.push(LazyState::default());
        self.states.push(LazyState::default());
    }

    /// The state for the nodes in `scratch` (sorted and deduplicated here).
    fn intern(&mut self, table: &Decoded) -> u32 {
        let mut nodes = std::mem::take(&mut self.scratch);
        nodes.sort_unstable();
        nodes.dedup();
        let id = if nodes.is_empty() {
            DEAD
        } else if let Some(&id) = self.ids.get(nodes.as_slice()) {
            id
        } else {
            let mut accepts: Vec<u32> = nodes.iter().filter_map(|&n| table.accepts(n)).collect();
            accepts.sort_unstable();
            accepts.dedup();
            let id = self.states.len() as u32;
            let key: Box<[u32]> = nodes.as_slice().into();
            self.states.push(LazyState {
                nodes: key.clone(),
                accepts: accepts.into(),
                ..LazyState::default()
            });
            self.ids.insert(key, id);
            id
        };
        nodes.clear();
        self.scratch = nodes;
        id
    }

    /// Merges the edges of `state`'s nodes into one list sorted by entry.
    fn merge(&mut self, table: &Decoded, state: u32) {
        let mut pairs: Vec<(u16, u32)> = Vec::new();
        for &n in self.states[state as usize].nodes.iter() {
            table.edges(n, &mut pairs);
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut merged = Vec::new();
        let mut targets = Vec::with_capacity(pairs.len());
        for (k, &(e, to)) in pairs.iter().enumerate() {
            if k == 0 || pairs[k - 1].0 != e {
                merged.push((e, targets.len() as u32, UNSET));
            }
            targets.push(to);
        }
        let st = &mut self.states[state as usize];
        st.merged = Some(merged.into());
        st.targets = targets.into();
        // The nodes are not read again (the interning map keeps them as its key).
        st.nodes = Box::new([]);
    }

    /// The class of a token spelling `entries` (at least two).
    fn class_of(&mut self, entries: &[u16]) -> u32 {
        if let Some(&c) = self.classes.get(entries) {
            return c;
        }
        let c = MULTI + self.classes.len() as u32;
        self.classes.insert(entries.into(), c);
        self.class_entries.push(entries.into());
        c
    }

    /// The class of a token: its one entry, a class from [`MULTI`] on, or [`NONE`].
    fn class_from(&mut self, table: &Decoded, token: &[u8], scratch: &mut Vec<u16>) -> u32 {
        scratch.clear();
        table.lookup(token, scratch);
        match scratch.as_slice() {
            [] => NONE,
            [e] => u32::from(*e),
            many => self.class_of(many),
        }
    }

    /// The class of `token`, cached for one-byte and short tokens.
    fn class(&mut self, table: &Decoded, token: &[u8], scratch: &mut Vec<u16>) -> u32 {
        if let [b] = token {
            if self.bytes.is_empty() {
                self.bytes = vec![UNSET; 256];
            }
            let c = self.bytes[usize::from(*b)];
            if c != UNSET {
                return c;
            }
            let c = self.class_from(table, token, scratch);
            self.bytes[usize::from(*b)] = c;
            return c;
        }
        if token.len() > 16 {
            return self.class_from(table, token, scratch);
        }
        let mut key = [0u8; 16];
        key[..token.len()].copy_from_slice(token);
        let lo = u64::from_le_bytes(key[..8].try_into().unwrap_or_default());
        let hi = u64::from_le_bytes(key[8..].try_into().unwrap_or_default());
        // Word bytes are never 0, so the padding tells lengths apart.
        if let Some(&c) = self.words.get(&(lo, hi)) {
            return c;
        }
        if self.words.len() >= 1 << 17 {
            self.words.clear();
        }
        let c = self.class_from(table, token, scratch);
        self.words.insert((lo, hi), c);
        c
    }

    /// The state after `state` reads a token of class `class` (not [`NONE`]).
    #[inline]
    fn step(&mut self, table: &Decoded, state: u32, class: u32) -> u32 {
        // A transition taken before is a lookup: the first token's by entry, a later
        // one's by a binary search of the state's merged transitions.
        if class < MULTI {
            let known = if state == START {
                self.first.get(class as usize).copied()
            } else {
                self.states.get(state as usize).and_then(|st| {
                    let merged = st.merged.as_deref()?;
                    match merged.binary_search_by_key(&(class as u16), |m| m.0) {
                        Ok(k) => Some(merged[k].2),
                        Err(_) => Some(DEAD),
                    }
                })
            };
            if let Some(s) = known.filter(|&s| s != UNSET) {
                return s;
            }
        }
        self.step_new(table, state, class)
    }

    /// [`Lazy::step`] the first time: a transition not taken before, or a token that
    /// spells several entries.
    #[inline(never)]
    fn step_new(&mut self, table: &Decoded, state: u32, class: u32) -> u32 {
        if class >= MULTI {
            if let Some(&s) = self.multi.get(&(state, class)) {
                return s;
            }
            let entries = self.class_entries[(class - MULTI) as usize].clone();
            let s = self.step_uncached(table, state, &entries);
            self.multi.insert((state, class), s);
            return s;
        }
        self.step_uncached(table, state, &[class as u16])
    }

    /// [`Lazy::step`] for a transition not taken before: one entry (then cached in the
    /// states) or several (not cached).
    fn step_uncached(&mut self, table: &Decoded, state: u32, entries: &[u16]) -> u32 {
        let mut state = state;
        if self.states.len() >= Self::MAX_STATES {
            // Start afresh, keeping only the state this walk is in (its nodes are the
            // interning map's key once the state has been stepped from).
            let mut nodes = std::mem::take(&mut self.states[state as usize].nodes);
            if nodes.is_empty() {
                if let Some((key, _)) = self.ids.iter().find(|(_, &id)| id == state) {
                    nodes = key.clone();
                }
            }
            self.reset();
            if state != START {
                self.scratch.clear();
                self.scratch.extend_from_slice(&nodes);
                state = self.intern(table);
            }
        }
        // A transition taken before never comes here (`step` looks it up first; a reset
        // above forgets them all), so what follows computes it.
        if state == START {
            if self.first.is_empty() {
                self.first = vec![UNSET; table.entries()];
            }
            self.scratch.clear();
            table.starts(entries, &mut self.scratch);
            let s = self.intern(table);
            if let [e] = entries {
                if let Some(slot) = self.first.get_mut(usize::from(*e)) {
                    *slot = s;
                }
            }
            return s;
        }
        if self.states[state as usize].merged.is_none() {
            self.merge(table, state);
        }
        let st = &self.states[state as usize];
        let merged = st.merged.as_deref().unwrap_or_default();
        if let [e] = entries {
            let Ok(k) = merged.binary_search_by_key(e, |m| m.0) else {
                return DEAD;
            };
            self.scratch.clear();
            self.scratch.extend_from_slice(targets_of(st, merged, k));
            let s = self.intern(table);
            if let Some(m) = self.states[state as usize].merged.as_mut() {
                m[k].2 = s;
            }
            return s;
        }
        self.scratch.clear();
        for e in entries {
            if let Ok(k) = merged.binary_search_by_key(e, |m| m.0) {
                self.scratch.extend_from_slice(targets_of(st, merged, k));
            }
        }
        self.intern(table)
    }
}

/// The targets of transition `k` of a merged state.
fn targets_of<'a>(st: &'a LazyState, merged: &[Merged], k: usize) -> &'a [u32] {
    let from = merged[k].1 as usize;
    let to = merged.get(k + 1).map_or(st.targets.len(), |m| m.1 as usize);
    st.targets.get(from..to).unwrap_or_default()
}

/// A small, fast hasher for the lazy automaton's integer keys (FxHash's multiply).
#[derive(Clone, Copy, Default)]
struct Fx;

impl std::hash::BuildHasher for Fx {
    type Hasher = FxHasher;
    fn build_hasher(&self) -> FxHasher {
        FxHasher(0)
    }
}

struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.add(u64::from(b));
        }
    }
    fn write_u16(&mut self, n: u16) {
        self.add(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Tokens {
    /// Cuts `hay` into tokens and looks each up.
    pub fn read(&mut self, table: &TokenTable, hay: &[u8]) {
        self.spans.clear();
        if self.decoded_for != table.id() {
            self.dec = table.decode();
            self.lazy = Lazy::default();
            self.decoded_for = table.id();
        }
        let mut start = 0;
        while start < hay.len() {
            let i = esafety_pack::token_end(hay, start);
            let class = self
                .lazy
                .class(&self.dec, &hay[start..i], &mut self.scratch);
            self.spans.push((start as u32, i as u32, class));
            start = i;
        }
    }

    /// Walks from token `k` (a walk start) over tokens ending at most at `limit`, calling
    /// `hit(pattern, end)` for each part that matches (an end followed by no word byte,
    /// before `limit` or at the end of `hay`). Returns `false` as soon as `hit` does, and
    /// the last byte position the walk read.
    pub fn walk(
        &mut self,
        hay: &[u8],
        k: usize,
        limit: usize,
        hit: &mut dyn FnMut(u32, usize) -> bool,
    ) -> (bool, usize) {
        let mut state = START;
        for j in k..self.spans.len() {
            let (_, end, class) = self.spans[j];
            let end = end as usize;
            if end > limit {
                return (true, limit);
            }
            if class == NONE {
                return (true, end);
            }
            state = self.lazy.step(&self.dec, state, class);
            if state == DEAD {
                return (true, end);
            }
            let accepts = &self.lazy.states[state as usize].accepts;
            if !accepts.is_empty()
                && (end < limit || end == hay.len())
                && !hay.get(end).copied().is_some_and(is_word)
            {
                for &pid in accepts.iter() {
                    if !hit(pid, end) {
                        return (false, end);
                    }
                }
            }
        }
        (true, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;
    use esafety_pack::tokens::HEADER_WORDS;

    const OWN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/words.dfa"));

    fn leaked(bytes: Vec<u8>) -> &'static [u8] {
        Box::leak(bytes.into_boxed_slice())
    }

    /// Every hit of a walk from every start (a plain version of the matcher's loop).
    fn hits(table: &TokenTable, text: &str) -> Vec<(u32, usize, usize)> {
        let mut t = Tokens::default();
        t.read(table, text.as_bytes());
        let mut out = Vec::new();
        for k in 0..t.spans.len() {
            let i = t.spans[k].0 as usize;
            let mut hit = |pid, end| {
                out.push((pid, i, end));
                true
            };
            t.walk(text.as_bytes(), k, text.len(), &mut hit);
        }
        out
    }

    #[test]
    fn the_built_table_loads_and_finds_phrases() {
        let table = TokenTable::load(leaked(OWN.to_vec())).expect("own table");
        assert!(table.nodes() > 1000);
        let found = hits(&table, "go kill urself now");
        assert!(
            found.iter().any(|&(_, s, e)| (s, e) == (3, 14)),
            "{found:?}"
        );
        // A word is read whole: "skill" is not "kill".
        let found = hits(&table, "go skill urself now");
        assert!(!found.iter().any(|&(_, s, _)| s == 3), "{found:?}");
    }

    /// Native builds embed the built-in table's arrays (the build script decodes it): they
    /// are what decoding the table at run time gives.
    #[cfg(all(not(feature = "external-lexicon"), not(target_arch = "wasm32")))]
    #[test]
    fn the_embedded_arrays_are_the_table_decoded() {
        // A copy of the table at another address is not the built-in one: decoded now.
        let copy = TokenTable::load(leaked(OWN.to_vec())).expect("own table");
        let decoded = copy.decode();
        assert!(decoded.node_info.len() > 1000);
        assert!(matches!(decoded.words, std::borrow::Cow::Owned(_)));
        assert!(builtin::DECODED == decoded, "the embedded arrays differ");
        let own = crate::data::Automata::words();
        let own = own.tokens.as_ref().expect("the built-in table");
        assert!(matches!(own.decode().words, std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn every_dictionary_word_is_found_by_its_own_spelling() {
        let table = TokenTable::load(leaked(OWN.to_vec())).expect("own table");
        let d = table.decode();
        let mut out = Vec::new();
        let mut plain = 0;
        for e in 0..d.entries() {
            let word = d.word(e);
            // Words with a class digit or a run of digits spell digits, not themselves.
            if word
                .iter()
                .any(|&b| b & esafety_pack::TOKEN_EXACT != 0 || b == esafety_pack::TOKEN_RUN)
            {
                continue;
            }
            plain += 1;
            out.clear();
            d.lookup(word, &mut out);
            assert!(
                out.contains(&(e as u16)),
                "{:?}",
                String::from_utf8_lossy(word)
            );
            // Each once (a token with a digit reads two buckets: no entry is in both).
            let mut once = out.clone();
            once.sort_unstable();
            once.dedup();
            assert_eq!(once.len(), out.len(), "{out:?}");
        }
        assert!(plain > 10_000, "{plain}");
        // A token no pattern spells is found nowhere.
        out.clear();
        d.lookup(b"qzxqzxqzx", &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn truncated_or_foreign_tables_are_refused() {
        for cut in [0, 4, 47, OWN.len() / 2, OWN.len() - 1] {
            assert!(
                TokenTable::load(leaked(OWN[..cut].to_vec())).is_none(),
                "{cut}"
            );
        }
        let mut v = OWN.to_vec();
        v[4] ^= 1;
        assert!(TokenTable::load(leaked(v)).is_none(), "version");
    }

    #[test]
    fn corrupt_sections_give_answers_never_panics() {
        let mut rng = Rng::new(7);
        let texts = [
            "go kill urself now",
            "my password is 1234",
            "meet me at the park x",
        ];
        for _ in 0..40 {
            let mut v = OWN.to_vec();
            for _ in 0..64 {
                let at = HEADER_WORDS * 4 + rng.below(v.len() - HEADER_WORDS * 4);
                v[at] = rng.below(256) as u8;
            }
            if let Some(table) = TokenTable::load(leaked(v)) {
                for t in texts {
                    let _ = hits(&table, t);
                }
            }
        }
    }
}
