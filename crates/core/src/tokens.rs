//! The words rules read a token at a time, from the table `esafety_lexicon::tokens` builds.
//!
//! A token is a run of word bytes or one other byte. Each rule part is a small automaton
//! whose edges are sets of dictionary words (see the lexicon crate for why: the byte table
//! spelt every alternative of every rule letter by letter, a third of the size this way).
//! The table is read in place with bounds checks: loading checks the header and that the
//! sections fit; a corrupt table can only give wrong answers (an id out of range reads as
//! nothing), never a panic.
//!
//! A walk from a token starts with the parts whose first edge reads it (an index by
//! dictionary entry), and steps every live node over the following tokens until none is
//! left or the walk's limit is reached, as the byte table's walk would read the same bytes.
//! Parts that could not be converted (a repetition without end, `nob` rules) are walked in
//! a small byte table alongside.

use crate::table::Table;

const MAGIC: u32 = u32::from_le_bytes(*b"ESTK");
const VERSION: u32 = 5;
const HEADER_WORDS: usize = 12;
/// Bit 31 of a node's info: the part matches there.
const ACCEPT: u32 = 1 << 31;

use esafety_pack::token_word_byte as is_word;

/// The token table as embedded: counts and where each section starts. Loading checks
/// that the sections add up; [`TokenTable::decode`] builds the arrays a walk reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TokenTable {
    bytes: &'static [u8],
    /// `[entries, sets, parts, nodes, edges]`.
    counts: [usize; 5],
    /// Byte offset of each section, in layout order (see `esafety_lexicon::tokens`):
    /// words, sets, part nodes, (empty: pattern ids are derived), accept bits, edges per node, edges,
    /// residual pattern ids, residual table.
    at: [usize; 9],
    pub residual: Option<Table>,
    /// The bytes a residual walk can read first (after a non-word byte or at the start):
    /// a walk from any other byte dies at once and is not started.
    residual_first: [u64; 4],
}

/// An edge's set: bit 31 set means a single entry (the low bits), else a set id.
const SINGLE: u32 = 1 << 31;

/// Reads LEB128 numbers from a byte slice; past the end (a corrupt table) it reads 0.
struct Leb<'a>(&'a [u8]);

impl Leb<'_> {
    #[inline]
    fn next(&mut self) -> u32 {
        // Most numbers are one byte.
        if let Some((&b, rest)) = self.0.split_first() {
            if b & 0x80 == 0 {
                self.0 = rest;
                return u32::from(b);
            }
        }
        let mut n = 0u32;
        for shift in (0..35).step_by(7) {
            let Some((&b, rest)) = self.0.split_first() else {
                return n;
            };
            self.0 = rest;
            n |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                break;
            }
        }
        n
    }
}

impl TokenTable {
    /// Checks the header and that the sections fill the table; `None` if not.
    pub fn load(bytes: &'static [u8]) -> Option<TokenTable> {
        let word = |i: usize| -> Option<usize> {
            let w = u32::from_le_bytes(bytes.get(i * 4..i * 4 + 4)?.try_into().ok()?);
            usize::try_from(w).ok()
        };
        if word(0)? != MAGIC as usize || word(1)? != VERSION as usize {
            return None;
        }
        let mut h = [0usize; 10];
        for (k, c) in h.iter_mut().enumerate() {
            *c = word(2 + k)?;
        }
        let [entries, sets, parts, nodes, edges, words_bytes, sets_bytes, rpids, residual_len, edges_bytes] =
            h;
        let sizes = [
            words_bytes,
            sets_bytes,
            parts.checked_mul(2)?,
            0,
            nodes.div_ceil(8),
            nodes,
            edges_bytes,
            rpids.checked_mul(4)?,
        ];
        let mut at = [0; 9];
        let mut pos = HEADER_WORDS * 4;
        for (slot, size) in at.iter_mut().zip(sizes) {
            *slot = pos;
            pos = pos.checked_add(size)?;
        }
        pos = pos.next_multiple_of(4);
        at[8] = pos;
        let rest = bytes.get(pos..)?;
        if rest.len() != residual_len {
            return None;
        }
        let residual = if residual_len == 0 {
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
            counts: [entries, sets, parts, nodes, edges],
            at,
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
        self.counts[3]
    }

    fn section(&self, k: usize) -> &'static [u8] {
        let end = self.at.get(k + 1).copied().unwrap_or(self.bytes.len());
        self.bytes.get(self.at[k]..end).unwrap_or_default()
    }

    /// The pattern id of the residual table's pattern `pid`.
    pub fn residual_pid(&self, pid: u32) -> u32 {
        let at = pid as usize * 4;
        self.section(7)
            .get(at..at + 4)
            .map_or(u32::MAX, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Builds the arrays a walk reads: the words and a hash table of their lookup
    /// spellings, the sets, node ids across parts, and the index of the nodes each entry
    /// leads to as a walk's first token. An id out of range (a corrupt table) is dropped: wrong answers at
    /// worst, never a panic.
    #[inline(never)]
    pub fn decode(&self) -> Decoded {
        let [entries, sets, parts, nodes, edges] = self.counts;
        let mut d = Decoded::default();
        // The dictionary: front-coded words.
        let mut src = self.section(0);
        let mut prev: Vec<u8> = Vec::new();
        d.words.reserve(src.len() * 2);
        d.word_at.reserve(entries + 1);
        d.hardened.reserve(entries);
        for _ in 0..entries {
            let (Some(&shared), Some(&rest)) = (src.first(), src.get(1)) else {
                break;
            };
            let len = usize::from(rest & 0x7f);
            let tail = src.get(2..2 + len).unwrap_or_default();
            src = src.get(2 + len..).unwrap_or_default();
            prev.truncate(usize::from(shared));
            prev.extend_from_slice(tail);
            d.word_at.push(d.words.len() as u32);
            d.hardened.push(rest & 0x80 != 0);
            d.words.extend_from_slice(&prev);
        }
        d.word_at.push(d.words.len() as u32);
        let n_entries = d.hardened.len();
        d.entry_hash = (0..n_entries)
            .map(|e| esafety_pack::token_entry_hash(d.word(e)))
            .collect();
        d.slots = vec![0u16; (2 * n_entries).next_power_of_two().max(2)];
        let mask = d.slots.len() - 1;
        for (e, &h) in d.entry_hash.iter().enumerate() {
            let mut i = h as usize & mask;
            while d.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            // (A corrupt table with more entries than ids hold reads wrongly, never panics.)
            d.slots[i] = (e + 1).min(usize::from(u16::MAX)) as u16;
        }
        // Sets of two or more entries.
        let mut leb = Leb(self.section(1));
        d.set_at.reserve(sets + 1);
        d.members.reserve(self.section(1).len());
        d.set_at.push(0);
        for _ in 0..sets {
            let n = leb.next() as usize;
            let mut e = leb.next();
            for k in 0..n.min(1 << 16) {
                if k > 0 {
                    e = e.saturating_add(leb.next());
                }
                d.members.push(e.min(u32::from(u16::MAX)) as u16);
            }
            d.set_at.push(d.members.len() as u32);
        }
        let u16s = |s: &[u8]| -> Vec<u16> {
            s.chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect()
        };
        let part_nodes = u16s(self.section(2));
        // The parts are the pattern ids in order, less the residual ones.
        let residual: Vec<u32> = self
            .section(7)
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let mut skip = residual.clone();
        skip.sort_unstable();
        let mut skip = skip.into_iter().peekable();
        let pids: Vec<u32> = (0u32..)
            .filter(|&p| {
                while skip.next_if(|&r| r < p).is_some() {}
                skip.next_if_eq(&p).is_none()
            })
            .take(parts)
            .collect();
        let accept = self.section(4);
        let counts = self.section(5);
        let mut leb = Leb(self.section(6));
        let mut first: Vec<(u16, u32)> = Vec::new();
        d.node_info.reserve(nodes);
        d.node_edge.reserve(nodes + 1);
        d.edge_set.reserve(edges);
        d.edge_to.reserve(edges);
        let mut new_sets = 0u32;
        let mut edge = 0u32;
        let mut counts = counts.iter().copied().enumerate();
        for (&n, &pid) in part_nodes.iter().zip(&pids) {
            let base = d.node_info.len() as u32;
            let n = u32::from(n);
            for k in 0..n {
                let Some((node, c)) = counts.next() else {
                    break;
                };
                let acc = accept
                    .get(node / 8)
                    .map_or(0, |b| u32::from(b >> (node % 8) & 1));
                d.node_info.push(pid | acc << 31);
                d.node_edge.push(edge);
                // A corrupt count cannot read past the edges the header promised.
                let c = u32::from(c).min((edges as u32).saturating_sub(edge));
                for _ in 0..c {
                    let code = leb.next();
                    let set = if code & 1 == 1 {
                        SINGLE | (code >> 1)
                    } else if code == 0 {
                        new_sets += 1;
                        new_sets - 1
                    } else {
                        (code >> 1) - 1
                    };
                    let z = leb.next();
                    // The zigzag distance from the node after this one, within the part.
                    let local = (k + 1).wrapping_add((z >> 1) ^ (z & 1).wrapping_neg());
                    let to = if local < n { base + local } else { u32::MAX };
                    d.edge_set.push(set);
                    d.edge_to.push(to);
                    if k == 0 && to != u32::MAX {
                        if set & SINGLE != 0 {
                            first.push(((set & !SINGLE).min(u32::from(u16::MAX)) as u16, to));
                        } else {
                            first.extend(d.members_of(set).iter().map(|&e| (e, to)));
                        }
                    }
                }
                edge += c;
            }
        }
        d.node_edge.push(edge);
        // The first edges by entry: a counting sort (a walk's start sorts its nodes).
        d.start_at = vec![0u32; n_entries + 1];
        first.retain(|&(e, _)| usize::from(e) < n_entries);
        for &(e, _) in &first {
            d.start_at[usize::from(e) + 1] += 1;
        }
        for i in 1..d.start_at.len() {
            d.start_at[i] += d.start_at[i - 1];
        }
        let mut fill = d.start_at.clone();
        d.start_to = vec![0u32; first.len()];
        for &(e, to) in &first {
            let slot = &mut fill[usize::from(e)];
            d.start_to[*slot as usize] = to;
            *slot += 1;
        }
        d
    }
}

/// The token table's arrays, built once per thread by [`TokenTable::decode`].
#[derive(Default)]
pub(crate) struct Decoded {
    words: Vec<u8>,
    word_at: Vec<u32>,
    hardened: Vec<bool>,
    /// Per entry, the hash of its lookup spelling (`esafety_pack::token_entry_hash`).
    entry_hash: Vec<u32>,
    /// An open-addressing table of the entries by that hash (entry + 1; 0 is empty),
    /// twice as many slots as entries or more: filled at load, no sorting.
    slots: Vec<u16>,
    set_at: Vec<u32>,
    members: Vec<u16>,
    /// Pattern id | [`ACCEPT`] per node.
    node_info: Vec<u32>,
    node_edge: Vec<u32>,
    /// Per edge: a set id, or [`SINGLE`] | an entry.
    edge_set: Vec<u32>,
    edge_to: Vec<u32>,
    start_at: Vec<u32>,
    start_to: Vec<u32>,
}

impl Decoded {
    /// Number of dictionary entries.
    fn entries(&self) -> usize {
        self.hardened.len()
    }

    /// The entries of an edge's set.
    fn entries_of(&self, set: u32) -> impl Iterator<Item = u16> + '_ {
        let (one, many) = if set & SINGLE != 0 {
            (
                Some((set & !SINGLE).min(u32::from(u16::MAX)) as u16),
                &[][..],
            )
        } else {
            (None, self.members_of(set))
        };
        one.into_iter().chain(many.iter().copied())
    }

    /// The members of set `set` (two or more entries; none if out of range).
    fn members_of(&self, set: u32) -> &[u16] {
        let set = set as usize;
        match (self.set_at.get(set), self.set_at.get(set + 1)) {
            (Some(&a), Some(&b)) => self.members.get(a as usize..b as usize),
            _ => None,
        }
        .unwrap_or_default()
    }

    /// Entry `e`'s word.
    fn word(&self, e: usize) -> &[u8] {
        match (self.word_at.get(e), self.word_at.get(e + 1)) {
            (Some(&a), Some(&b)) => self.words.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Appends the dictionary entries `token` spells to `out`, in the order of their ids.
    fn lookup(&self, token: &[u8], out: &mut Vec<u16>) {
        let h = esafety_pack::token_key_hash(token);
        self.lookup_by(h, token, out);
        // Words with a run of digits share one key; a second bucket only if it is another.
        if let Some(run) = esafety_pack::token_run_hash(token).filter(|&r| r != h) {
            self.lookup_by(run, token, out);
        }
    }

    /// The entries with key hash `h` that `token` spells: along `h`'s probe sequence,
    /// where they lie in the order they were put in (ascending ids), up to an empty slot.
    fn lookup_by(&self, h: u32, token: &[u8], out: &mut Vec<u16>) {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = h as usize & mask;
        for _ in 0..self.slots.len() {
            let Some(e) = self.slots[i].checked_sub(1) else {
                return;
            };
            let e = usize::from(e);
            if self.entry_hash.get(e) == Some(&h)
                && esafety_pack::token_spells(self.word(e), self.hardened[e], token)
            {
                out.push(e as u16);
            }
            i = (i + 1) & mask;
        }
    }

    /// The nodes a walk is at after its first token spelled `entries`.
    fn starts(&self, entries: &[u16], out: &mut Vec<u32>) {
        for &e in entries {
            let e = usize::from(e);
            if let (Some(&a), Some(&b)) = (self.start_at.get(e), self.start_at.get(e + 1)) {
                out.extend_from_slice(
                    self.start_to
                        .get(a as usize..b as usize)
                        .unwrap_or_default(),
                );
            }
        }
    }

    /// Node `n`'s pattern id, if the part matches there.
    fn accepts(&self, n: u32) -> Option<u32> {
        let info = *self.node_info.get(n as usize)?;
        (info & ACCEPT != 0).then_some(info & !ACCEPT)
    }

    /// Appends `(entry, next node)` for every entry of every edge of node `n`.
    fn edges(&self, n: u32, out: &mut Vec<(u16, u32)>) {
        let n = n as usize;
        let (Some(&from), Some(&to)) = (self.node_edge.get(n), self.node_edge.get(n + 1)) else {
            return;
        };
        for k in from as usize..to as usize {
            let (Some(&set), Some(&next)) = (self.edge_set.get(k), self.edge_to.get(k)) else {
                continue;
            };
            out.extend(self.entries_of(set).map(|m| (m, next)));
        }
    }
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

    /// [`Lazy::step`] for one entry (cached in the states) or several (not cached).
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
        if state == START {
            if let [e] = entries {
                if self.first.is_empty() {
                    self.first = vec![UNSET; table.entries()];
                }
                if let Some(&s) = self.first.get(usize::from(*e)) {
                    if s != UNSET {
                        return s;
                    }
                }
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
            let next = merged[k].2;
            if next != UNSET {
                return next;
            }
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
