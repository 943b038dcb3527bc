//! The token table's layout and arrays (see `esafety_lexicon::tokens` for the format),
//! shared by the core, which reads the table at run time, and the core's build script,
//! which decodes the built-in table once so that native builds embed the arrays and
//! classify their first message without decoding anything (WebAssembly builds decode at
//! first use instead: the arrays are four times the table's size).
//!
//! Reading never panics: the layout is checked, and a corrupt section can only give wrong
//! answers (an id out of range reads as nothing).

use std::borrow::Cow;

/// `b"ESTK"` read as a little-endian `u32`: the token table's magic.
pub const MAGIC: u32 = u32::from_le_bytes(*b"ESTK");
/// Bumped whenever the layout changes (`esafety_lexicon::tokens` writes it).
pub const VERSION: u32 = 5;
/// `u32` words of the header.
pub const HEADER_WORDS: usize = 12;
/// Bit 31 of a node's info: the part matches there.
pub const ACCEPT: u32 = 1 << 31;
/// An edge's set: bit 31 set means a single entry (the low bits), else a set id.
pub const SINGLE: u32 = 1 << 31;

/// Where each section of a token table starts, from its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// `[entries, sets, parts, nodes, edges]`.
    pub counts: [usize; 5],
    /// Byte offset of each section, in layout order: words, sets, part nodes, (empty:
    /// pattern ids are derived), accept bits, edges per node, edges, residual pattern ids,
    /// residual table.
    pub at: [usize; 9],
}

impl Layout {
    /// Checks the header and that the sections fill `bytes` exactly; `None` if not.
    pub fn read(bytes: &[u8]) -> Option<Layout> {
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
        if bytes.get(pos..)?.len() != residual_len {
            return None;
        }
        Some(Layout {
            counts: [entries, sets, parts, nodes, edges],
            at,
        })
    }

    /// Section `k` of `bytes` (the table this layout was read from).
    pub fn section<'a>(&self, bytes: &'a [u8], k: usize) -> &'a [u8] {
        let end = self.at.get(k + 1).copied().unwrap_or(bytes.len());
        bytes.get(self.at[k]..end).unwrap_or_default()
    }
}

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
        // At most five bytes (a u32); past the end of a corrupt table, what was read.
        let mut n = 0u32;
        for shift in [0, 7, 14, 21, 28] {
            let Some((&b, rest)) = self.0.split_first() else {
                break;
            };
            self.0 = rest;
            n |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
        }
        n
    }
}

/// Builds the arrays a walk reads: the words and a hash table of their lookup spellings,
/// the sets, node ids across parts, and the index of the nodes each entry leads to as a
/// walk's first token. An id out of range (a corrupt table) is dropped: wrong answers at
/// worst, never a panic.
pub fn decode(bytes: &[u8], layout: &Layout) -> Decoded {
    let [entries, sets, parts, nodes, edges] = layout.counts;
    let section = |k: usize| layout.section(bytes, k);
    let mut words: Vec<u8> = Vec::new();
    let mut word_at: Vec<u32> = Vec::new();
    let mut hardened: Vec<bool> = Vec::new();
    let mut set_at: Vec<u32> = Vec::new();
    let mut members: Vec<u16> = Vec::new();
    let mut node_info: Vec<u32> = Vec::new();
    let mut node_edge: Vec<u32> = Vec::new();
    let mut edge_set: Vec<u32> = Vec::new();
    let mut edge_to: Vec<u32> = Vec::new();
    // The dictionary: front-coded words.
    let mut src = section(0);
    words.reserve(src.len() * 2);
    word_at.reserve(entries + 1);
    hardened.reserve(entries);
    let mut prev = 0;
    for _ in 0..entries {
        let (Some(&shared), Some(&rest)) = (src.first(), src.get(1)) else {
            break;
        };
        let len = usize::from(rest & 0x7f);
        let tail = src.get(2..2 + len).unwrap_or_default();
        src = src.get(2 + len..).unwrap_or_default();
        let start = words.len();
        let shared = usize::from(shared).min(start - prev);
        words.extend_from_within(prev..prev + shared);
        words.extend_from_slice(tail);
        word_at.push(start as u32);
        hardened.push(rest & 0x80 != 0);
        prev = start;
    }
    word_at.push(words.len() as u32);
    let n_entries = hardened.len();
    let entry_hash: Vec<u32> = word_at
        .windows(2)
        .map(|w| {
            crate::token_entry_hash(words.get(w[0] as usize..w[1] as usize).unwrap_or_default())
        })
        .collect();
    let mut slots = vec![0u16; (2 * n_entries).next_power_of_two().max(2)];
    let mask = slots.len() - 1;
    for (e, &h) in entry_hash.iter().enumerate() {
        let mut i = h as usize & mask;
        while slots[i] != 0 {
            i = (i + 1) & mask;
        }
        // (A corrupt table with more entries than ids hold reads wrongly, never panics.)
        slots[i] = (e + 1).min(usize::from(u16::MAX)) as u16;
    }
    // Sets of two or more entries.
    let mut leb = Leb(section(1));
    set_at.reserve(sets + 1);
    members.reserve(section(1).len());
    set_at.push(0);
    for _ in 0..sets {
        let n = leb.next() as usize;
        let mut e = leb.next();
        for k in 0..n.min(1 << 16) {
            if k > 0 {
                e = e.saturating_add(leb.next());
            }
            members.push(e.min(u32::from(u16::MAX)) as u16);
        }
        set_at.push(members.len() as u32);
    }
    let u16s = |s: &[u8]| -> Vec<u16> {
        s.chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect()
    };
    let part_nodes = u16s(section(2));
    // The parts are the pattern ids in order, less the residual ones.
    let residual: Vec<u32> = section(7)
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let mut skip = residual;
    skip.sort_unstable();
    let mut skip = skip.into_iter().peekable();
    let pids: Vec<u32> = (0u32..)
        .filter(|&p| {
            while skip.next_if(|&r| r < p).is_some() {}
            skip.next_if_eq(&p).is_none()
        })
        .take(parts)
        .collect();
    let accept = section(4);
    let counts = section(5);
    let mut leb = Leb(section(6));
    let mut first: Vec<(u16, u32)> = Vec::new();
    node_info.reserve(nodes);
    node_edge.reserve(nodes + 1);
    edge_set.reserve(edges);
    edge_to.reserve(edges);
    let mut new_sets = 0u32;
    let mut edge = 0u32;
    let mut counts = counts.iter().copied().enumerate();
    for (&n, &pid) in part_nodes.iter().zip(&pids) {
        let base = node_info.len() as u32;
        let n = u32::from(n);
        for k in 0..n {
            let Some((node, c)) = counts.next() else {
                break;
            };
            let acc = accept
                .get(node / 8)
                .map_or(0, |b| u32::from(b >> (node % 8) & 1));
            node_info.push(pid | acc << 31);
            node_edge.push(edge);
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
                edge_set.push(set);
                edge_to.push(to);
                if k == 0 && to != u32::MAX {
                    if set & SINGLE != 0 {
                        first.push(((set & !SINGLE).min(u32::from(u16::MAX)) as u16, to));
                    } else {
                        let of = set_at.get(set as usize).zip(set_at.get(set as usize + 1));
                        let of = of.and_then(|(&a, &b)| members.get(a as usize..b as usize));
                        first.extend(of.unwrap_or_default().iter().map(|&e| (e, to)));
                    }
                }
            }
            edge += c;
        }
    }
    node_edge.push(edge);
    // The first edges by entry: a counting sort (a walk's start sorts its nodes).
    let mut start_at = vec![0u32; n_entries + 1];
    first.retain(|&(e, _)| usize::from(e) < n_entries);
    for &(e, _) in &first {
        start_at[usize::from(e) + 1] += 1;
    }
    for i in 1..start_at.len() {
        start_at[i] += start_at[i - 1];
    }
    let mut fill = start_at.clone();
    let mut start_to = vec![0u32; first.len()];
    for &(e, to) in &first {
        let slot = &mut fill[usize::from(e)];
        start_to[*slot as usize] = to;
        *slot += 1;
    }
    Decoded {
        words: words.into(),
        word_at: word_at.into(),
        hardened: hardened.into(),
        entry_hash: entry_hash.into(),
        slots: slots.into(),
        set_at: set_at.into(),
        members: members.into(),
        node_info: node_info.into(),
        node_edge: node_edge.into(),
        edge_set: edge_set.into(),
        edge_to: edge_to.into(),
        start_at: start_at.into(),
        start_to: start_to.into(),
    }
}

/// The token table's arrays: built by [`decode`] (once per thread in the core), or
/// embedded as statics by the core's build script ([`Decoded::to_rust`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decoded {
    pub words: Cow<'static, [u8]>,
    pub word_at: Cow<'static, [u32]>,
    pub hardened: Cow<'static, [bool]>,
    /// Per entry, the hash of its lookup spelling (`crate::token_entry_hash`).
    pub entry_hash: Cow<'static, [u32]>,
    /// An open-addressing table of the entries by that hash (entry + 1; 0 is empty),
    /// twice as many slots as entries or more: filled at load, no sorting.
    pub slots: Cow<'static, [u16]>,
    pub set_at: Cow<'static, [u32]>,
    pub members: Cow<'static, [u16]>,
    /// Pattern id | [`ACCEPT`] per node.
    pub node_info: Cow<'static, [u32]>,
    pub node_edge: Cow<'static, [u32]>,
    /// Per edge: a set id, or [`SINGLE`] | an entry.
    pub edge_set: Cow<'static, [u32]>,
    pub edge_to: Cow<'static, [u32]>,
    pub start_at: Cow<'static, [u32]>,
    pub start_to: Cow<'static, [u32]>,
}

impl Decoded {
    /// Number of dictionary entries.
    pub fn entries(&self) -> usize {
        self.hardened.len()
    }

    /// The entries of an edge's set.
    pub fn entries_of(&self, set: u32) -> impl Iterator<Item = u16> + '_ {
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
    pub fn members_of(&self, set: u32) -> &[u16] {
        let set = set as usize;
        match (self.set_at.get(set), self.set_at.get(set + 1)) {
            (Some(&a), Some(&b)) => self.members.get(a as usize..b as usize),
            _ => None,
        }
        .unwrap_or_default()
    }

    /// Entry `e`'s word.
    pub fn word(&self, e: usize) -> &[u8] {
        match (self.word_at.get(e), self.word_at.get(e + 1)) {
            (Some(&a), Some(&b)) => self.words.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Appends the dictionary entries `token` spells to `out`, in the order of their ids.
    pub fn lookup(&self, token: &[u8], out: &mut Vec<u16>) {
        let h = crate::token_key_hash(token);
        self.lookup_by(h, token, out);
        // Words with a run of digits share one key; a second bucket only if it is another.
        if let Some(run) = crate::token_run_hash(token).filter(|&r| r != h) {
            self.lookup_by(run, token, out);
        }
    }

    /// The entries with key hash `h` that `token` spells: along `h`'s probe sequence,
    /// where they lie in the order they were put in (ascending ids), up to an empty slot.
    pub fn lookup_by(&self, h: u32, token: &[u8], out: &mut Vec<u16>) {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = h as usize & mask;
        for _ in 0..self.slots.len() {
            let Some(e) = self.slots[i].checked_sub(1) else {
                return;
            };
            let e = usize::from(e);
            if self.entry_hash.get(e) == Some(&h)
                && crate::token_spells(self.word(e), self.hardened[e], token)
            {
                out.push(e as u16);
            }
            i = (i + 1) & mask;
        }
    }

    /// The nodes a walk is at after its first token spelled `entries`.
    pub fn starts(&self, entries: &[u16], out: &mut Vec<u32>) {
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
    pub fn accepts(&self, n: u32) -> Option<u32> {
        let info = *self.node_info.get(n as usize)?;
        (info & ACCEPT != 0).then_some(info & !ACCEPT)
    }

    /// Appends `(entry, next node)` for every entry of every edge of node `n`.
    pub fn edges(&self, n: u32, out: &mut Vec<(u16, u32)>) {
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

    /// Rust source for a `static DECODED` holding these arrays (the core's build script
    /// writes it for native builds).
    pub fn to_rust(&self) -> String {
        fn list<T: std::fmt::Display>(out: &mut String, name: &str, items: &[T]) {
            use std::fmt::Write as _;
            let _ = write!(out, "    {name}: std::borrow::Cow::Borrowed(&[");
            for x in items {
                let _ = write!(out, "{x},");
            }
            out.push_str("]),\n");
        }
        let mut out = String::from(
            "pub static DECODED: esafety_pack::tokens::Decoded = esafety_pack::tokens::Decoded {\n",
        );
        list(&mut out, "words", &self.words);
        list(&mut out, "word_at", &self.word_at);
        list(&mut out, "hardened", &self.hardened);
        list(&mut out, "entry_hash", &self.entry_hash);
        list(&mut out, "slots", &self.slots);
        list(&mut out, "set_at", &self.set_at);
        list(&mut out, "members", &self.members);
        list(&mut out, "node_info", &self.node_info);
        list(&mut out, "node_edge", &self.node_edge);
        list(&mut out, "edge_set", &self.edge_set);
        list(&mut out, "edge_to", &self.edge_to);
        list(&mut out, "start_at", &self.start_at);
        list(&mut out, "start_to", &self.start_to);
        out.push_str("};\n");
        out
    }
}
