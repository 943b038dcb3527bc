//! Flattens a regex-automata DFA into esafety's compact transition table.
//!
//! regex-automata's sparse DFA is small but re-decodes each state on every transition,
//! and its `from_bytes` validates the whole table (tens of ms for the lexicon) — too slow
//! for a service worker that wakes cold. Its dense DFA is fast but holds a row of every
//! byte class for every state (tens of MB here, where most transitions are dead). The
//! table is embedded in a WebAssembly module, so its gzipped size matters as much as its
//! raw size; the core reads it in place ([`esafety::table`] in `crates/core`).
//!
//! # What makes it small
//! The anchored lexicon DFA is mostly a trie of phrases, with two kinds of redundancy:
//! - **Unions.** A vowel also matches `*` and `l` also matches `i`, so reading `*` after
//!   `h` leads to a state that continues like `ha`, `he`, … together. Most of its
//!   transitions are exactly those of one of the states it unites. A state may therefore
//!   name a **default** state: transitions it does not list are those of the default
//!   (whose live classes are a subset of its own, so "not listed anywhere" still means
//!   dead). Chains of defaults are at most [`MAX_CHAIN`] long, so a lookup scans at most
//!   `MAX_CHAIN + 1` short records.
//! - **Equivalent states.** The graph is minimised first (Moore's partition refinement on
//!   the sparse graph, seconds, unlike the dense minimiser), keeping every state's match
//!   and end-of-input patterns, so no verdict can change.
//!
//! Transitions of one state going to the same target share one entry whose *selector* is
//! a set of classes (after a word, some twenty punctuation classes all lead to one state).
//!
//! # What makes it fast
//! Every walk starts at a start state and most die within two or three bytes, so the
//! states within [`DENSE_DEPTH`] bytes of a start (some 2,200 of 130,000, yet about three
//! quarters of the lookups on ordinary text) get a **dense row**: one `u32` state id per
//! class, read with one index. That costs some 500 KB raw but only 20 KB gzipped (the rows
//! are mostly dead entries and ids of nearby records).
//!
//! # Layout
//! A header of `u32` words (`MAGIC, VERSION, states, classes, masks, start_text,
//! start_after_nonword, records_len, dense_rows`), the byte → class map (256 bytes), the
//! selector matrix (`classes` rows of 32 bytes: bit `sel` of row `c` is set when selector
//! `sel` includes class `c`; selectors below `classes` are single classes, the others class
//! sets), the dense rows (`classes` little-endian `u32` entries each, [`DEAD`] when dead),
//! each dense row's state id (`u32`), then the records.
//!
//! A dense entry carries the target's header byte in its top 8 bits and, below, the
//! target's dense row index if it has one, else its state id. A walk through the dense
//! states near a start therefore reads one `u32` per byte and never touches a record: the
//! record's header would be a dependent load (a cache miss, in profiles the walk's main
//! cost). The row → state id list is read only to list a dense state's patterns. A **state id is the byte offset of its record's header byte**
//! in the records, so no offset arrays are needed. A record is:
//!
//! ```text
//! [eoi pids: u16 each][eoi count: u8][match pids: u16 each][match count: u8]   (if flagged)
//! header: u8 = entries (0..=MAX_SCAN, or WIDE) | MATCH | EOI | DEFAULT | DENSE
//! dense: row index: u16                                                        (if DENSE)
//! [default: i24]                                                               (if DEFAULT)
//! scan:  selectors: u8 × n, targets: i24 × n
//! wide:  live classes - 1: u8, live-class bitmap: u64 × ceil(classes / 64),
//!        targets: i24 × live classes
//! ```
//!
//! Pattern ids sit *before* the header so that a state's transitions start at a fixed place
//! and the record that follows in memory starts right at the end of its targets. Targets
//! (and the default) are signed 24-bit offsets from the end of the record. States are laid
//! out depth-first, so the first child of a state usually starts right there (offset 0)
//! and siblings a little further on: small, repetitive numbers that gzip well, and a walk
//! through a word reads memory forwards. A lookup reads the header, scans at most
//! [`MAX_SCAN`] selector bytes (or ranks one bit of the bitmap: one popcount, the stored
//! count gives the record's end) and reads one target.
//! A dense record is only its header and row index: the row holds all its transitions
//! (so a dense state can still be another state's default).
//!
//! Everything is little-endian and read with bounds checks: loading is a header check, a
//! corrupt table can only give wrong answers (a target out of range reads as dead), never
//! UB or a panic.

use regex_automata::dfa::{dense, Automaton};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::Anchored;
use std::collections::HashMap;

/// `b"ESAF"` read as a little-endian `u32`.
pub const MAGIC: u32 = u32::from_le_bytes(*b"ESAF");
/// Bumped whenever the layout changes.
pub const VERSION: u32 = 4;
/// `u32` words before the class map.
pub const HEADER_WORDS: usize = 9;
/// Bytes per row of the selector matrix (256 selectors).
pub const SELECTOR_ROW: usize = 32;
/// Header byte: number of scanned entries, or [`WIDE`].
pub const COUNT: u8 = 0x0f;
/// Header byte count meaning "bitmap record".
pub const WIDE: u8 = 0x0f;
/// Header byte flag: match pattern ids precede the header.
pub const MATCH: u8 = 0x10;
/// Header byte flag: end-of-input pattern ids precede the header.
pub const EOI: u8 = 0x20;
/// Header byte flag: a default state follows the header.
pub const DEFAULT: u8 = 0x40;
/// Header byte flag: a dense row index (`u16`) follows the header, nothing else.
pub const DENSE: u8 = 0x80;
/// States at most this many bytes from a start get a dense row.
pub const DENSE_DEPTH: u32 = 3;
/// Most dense rows (row indices are `u16`).
pub const MAX_DENSE: usize = 4096;
/// A dead transition in a dense row.
pub const DEAD: u32 = u32::MAX;
/// Records with more entries than this are stored as a bitmap.
pub const MAX_SCAN: usize = 6;
/// Longest chain of defaults a lookup follows.
pub const MAX_CHAIN: usize = 2;

/// A set of byte classes (up to 256).
type ClassSet = [u64; 4];

/// One state's transitions, `(class, next)` in class order.
type Transitions = Vec<(u8, u32)>;

fn set_of(class: u8) -> ClassSet {
    let mut s = [0; 4];
    s[class as usize / 64] |= 1 << (class % 64);
    s
}

fn has(set: &ClassSet, class: usize) -> bool {
    set[class / 64] >> (class % 64) & 1 != 0
}

/// The live part of a DFA: transitions `(class, next)` in class order, match and
/// end-of-input pattern ids, per state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Graph {
    trans: Vec<Transitions>,
    matches: Vec<Vec<u32>>,
    eoi: Vec<Vec<u32>>,
    starts: [u32; 2],
}

/// Converts an anchored dense DFA (built with `MatchKind::All`) into the table.
pub fn flatten(dfa: &dense::DFA<Vec<u32>>) -> Result<Vec<u8>, String> {
    flatten_with(dfa, DENSE_DEPTH)
}

/// [`flatten`] with dense rows for the states within `dense_depth` bytes of a start
/// (tests use 0 to exercise the other record kinds near the start).
pub fn flatten_with(dfa: &dense::DFA<Vec<u32>>, dense_depth: u32) -> Result<Vec<u8>, String> {
    let classes = dfa.byte_classes();
    let nclasses = classes.alphabet_len() - 1; // without the end-of-input class
    let mut class_map = [0u8; 256];
    for b in 0..=255u8 {
        class_map[b as usize] = classes.get(b);
    }
    let graph = Graph::from_dfa(dfa)?.minimise();
    encode(&graph, &class_map, nclasses, dense_depth)
}

impl Graph {
    fn from_dfa(dfa: &dense::DFA<Vec<u32>>) -> Result<Graph, String> {
        let classes = dfa.byte_classes();
        let mut reps: Vec<u8> = Vec::new();
        for b in 0..=255u8 {
            if !reps.iter().any(|&r| classes.get(r) == classes.get(b)) {
                reps.push(b);
            }
        }
        reps.sort_by_key(|&b| classes.get(b));
        let start_for = |lb: Option<u8>| {
            dfa.start_state(&start::Config::new().anchored(Anchored::Yes).look_behind(lb))
                .map_err(|e| e.to_string())
        };
        let starts = [start_for(None)?, start_for(Some(b' '))?];
        // Number the live states in breadth-first order from the starts.
        let mut ids: HashMap<StateID, u32> = HashMap::new();
        let mut order: Vec<StateID> = Vec::new();
        let mut add = |s: StateID, order: &mut Vec<StateID>| -> u32 {
            *ids.entry(s).or_insert_with(|| {
                order.push(s);
                (order.len() - 1) as u32
            })
        };
        let mut g = Graph {
            starts: [add(starts[0], &mut order), add(starts[1], &mut order)],
            ..Graph::default()
        };
        let pids = |s: StateID| -> Vec<u32> {
            if !dfa.is_match_state(s) {
                return Vec::new();
            }
            (0..dfa.match_len(s))
                .map(|k| dfa.match_pattern(s, k).as_u32())
                .collect()
        };
        let mut i = 0;
        while i < order.len() {
            let s = order[i];
            i += 1;
            let mut live = Vec::new();
            for &b in &reps {
                let next = dfa.next_state(s, b);
                if !dfa.is_dead_state(next) && !dfa.is_quit_state(next) {
                    live.push((classes.get(b), add(next, &mut order)));
                }
            }
            g.trans.push(live);
            g.matches.push(pids(s));
            g.eoi.push(pids(dfa.next_eoi_state(s)));
        }
        Ok(g)
    }

    /// Merges states that no input can tell apart (same patterns matching now, at the end
    /// of input and after every continuation): Moore's refinement, one pass per depth.
    fn minimise(&self) -> Graph {
        let n = self.trans.len();
        let mut outputs: HashMap<(&[u32], &[u32]), u32> = HashMap::new();
        let mut block: Vec<u32> = (0..n)
            .map(|s| {
                let k = outputs.len() as u32;
                *outputs.entry((&self.matches[s], &self.eoi[s])).or_insert(k)
            })
            .collect();
        let mut blocks = outputs.len();
        loop {
            let mut sigs: HashMap<(u32, Vec<(u8, u32)>), u32> = HashMap::new();
            let next: Vec<u32> = (0..n)
                .map(|s| {
                    let sig = self.trans[s]
                        .iter()
                        .map(|&(c, t)| (c, block[t as usize]))
                        .collect();
                    let k = sigs.len() as u32;
                    *sigs.entry((block[s], sig)).or_insert(k)
                })
                .collect();
            block = next;
            if sigs.len() == blocks {
                break;
            }
            blocks = sigs.len();
        }
        let mut rep = vec![usize::MAX; blocks];
        for s in (0..n).rev() {
            rep[block[s] as usize] = s;
        }
        let each = |f: &dyn Fn(usize) -> Vec<u32>| rep.iter().map(|&s| f(s)).collect();
        Graph {
            trans: rep
                .iter()
                .map(|&s| {
                    self.trans[s]
                        .iter()
                        .map(|&(c, t)| (c, block[t as usize]))
                        .collect()
                })
                .collect(),
            matches: each(&|s| self.matches[s].clone()),
            eoi: each(&|s| self.eoi[s].clone()),
            starts: self.starts.map(|s| block[s as usize]),
        }
    }

    /// The states within [`DENSE_DEPTH`] bytes of a start, breadth-first (at most
    /// [`MAX_DENSE`]): each one's dense row index, or `None`.
    fn dense_rows(&self, depth_limit: u32) -> Vec<Option<u16>> {
        let mut row = vec![None; self.trans.len()];
        let mut next = 0u16;
        let mut level: Vec<u32> = Vec::new();
        for &s in &self.starts {
            if row[s as usize].is_none() {
                row[s as usize] = Some(next);
                next += 1;
                level.push(s);
            }
        }
        for _ in 0..depth_limit {
            let mut below = Vec::new();
            for &s in &level {
                for &(_, t) in &self.trans[s as usize] {
                    if row[t as usize].is_none() && usize::from(next) < MAX_DENSE {
                        row[t as usize] = Some(next);
                        next += 1;
                        below.push(t);
                    }
                }
            }
            level = below;
        }
        row
    }

    fn live(&self, s: usize) -> ClassSet {
        let mut set = [0; 4];
        for &(c, _) in &self.trans[s] {
            set[c as usize / 64] |= 1 << (c % 64);
        }
        set
    }

    /// Picks each state's default: the state sharing most `(class, next)` pairs with it
    /// among those whose live classes are a subset of its own and that come earlier in
    /// (live classes, id) order (so chains cannot loop), with chains at most
    /// [`MAX_CHAIN`] long. Returns the defaults and each state's remaining transitions.
    fn defaults(&self) -> (Vec<Option<u32>>, Vec<Transitions>) {
        let n = self.trans.len();
        let mut with: HashMap<(u8, u32), Vec<u32>> = HashMap::new();
        for (s, t) in self.trans.iter().enumerate() {
            for &pair in t {
                with.entry(pair).or_default().push(s as u32);
            }
        }
        let live: Vec<ClassSet> = (0..n).map(|s| self.live(s)).collect();
        let rank = |s: usize| (live[s].iter().map(|w| w.count_ones()).sum::<u32>(), s);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&s| rank(s));
        let mut default = vec![None; n];
        let mut depth = vec![0; n];
        let mut rest: Vec<Transitions> = vec![Vec::new(); n];
        for s in order {
            let mut shared: HashMap<u32, usize> = HashMap::new();
            for pair in &self.trans[s] {
                for &d in &with[pair] {
                    *shared.entry(d).or_default() += 1;
                }
            }
            let subset = |d: usize| (0..4).all(|w| live[d][w] & !live[s][w] == 0);
            let best = shared
                .into_iter()
                .filter(|&(d, _)| {
                    let d = d as usize;
                    rank(d) < rank(s) && depth[d] < MAX_CHAIN && subset(d)
                })
                .max_by_key(|&(d, k)| (k, std::cmp::Reverse(d)));
            rest[s] = match best {
                Some((d, _)) => {
                    default[s] = Some(d);
                    depth[s] = depth[d as usize] + 1;
                    let inherited = |c: u8| {
                        let mut x = Some(d);
                        while let Some(y) = x {
                            if let Some(&(_, t)) = rest[y as usize].iter().find(|e| e.0 == c) {
                                return Some(t);
                            }
                            x = default[y as usize];
                        }
                        None
                    };
                    self.trans[s]
                        .iter()
                        .filter(|&&(c, t)| inherited(c) != Some(t))
                        .copied()
                        .collect()
                }
                None => self.trans[s].clone(),
            };
        }
        (default, rest)
    }
}

/// One state's record before layout.
struct Record {
    default: Option<u32>,
    /// Scan form: `(selector, next)`; empty for a wide record.
    entries: Vec<(u8, u32)>,
    /// Wide form: live classes and each one's next.
    wide: Option<(ClassSet, Vec<u32>)>,
}

fn encode(
    g: &Graph,
    class_map: &[u8; 256],
    nclasses: usize,
    dense_depth: u32,
) -> Result<Vec<u8>, String> {
    let n = g.trans.len();
    let (default, rest) = g.defaults();
    let dense = g.dense_rows(dense_depth);
    // Group each state's transitions by target.
    let groups: Vec<Vec<(ClassSet, u32)>> = rest
        .iter()
        .map(|t| {
            let mut by: Vec<(ClassSet, u32)> = Vec::new();
            for &(c, next) in t {
                match by.iter_mut().find(|e| e.1 == next) {
                    Some(e) => e.0[c as usize / 64] |= 1 << (c % 64),
                    None => by.push((set_of(c), next)),
                }
            }
            by
        })
        .collect();
    // Class sets used most get the selectors left after the single classes.
    let mut uses: HashMap<ClassSet, usize> = HashMap::new();
    let scanned = (0..n).filter(|&s| dense[s].is_none());
    for &(set, _) in scanned.flat_map(|s| &groups[s]) {
        if set.iter().map(|w| w.count_ones()).sum::<u32>() > 1 {
            *uses.entry(set).or_default() += 1;
        }
    }
    let mut masks: Vec<(ClassSet, usize)> = uses.into_iter().collect();
    masks.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    masks.truncate(256 - nclasses);
    let selector: HashMap<ClassSet, u8> = masks
        .iter()
        .enumerate()
        .map(|(i, &(set, _))| (set, (nclasses + i) as u8))
        .collect();
    let records: Vec<Record> = (0..n)
        .map(|s| {
            let mut entries = Vec::new();
            for &(set, next) in &groups[s] {
                match selector.get(&set) {
                    Some(&sel) => entries.push((sel, next)),
                    None => entries.extend(
                        (0..nclasses)
                            .filter(|&c| has(&set, c))
                            .map(|c| (c as u8, next)),
                    ),
                }
            }
            if entries.len() <= MAX_SCAN {
                return Record {
                    default: default[s],
                    entries,
                    wide: None,
                };
            }
            let mut live = [0; 4];
            for &(c, _) in &rest[s] {
                live[c as usize / 64] |= 1 << (c % 64);
            }
            Record {
                default: default[s],
                entries: Vec::new(),
                wide: Some((live, rest[s].iter().map(|e| e.1).collect())),
            }
        })
        .collect();

    // Depth-first layout from the starts: a state's first unplaced child right after it,
    // small subtrees first so that later siblings stay close.
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut stack: Vec<u32> = g.starts.iter().rev().copied().collect();
    while let Some(s) = stack.pop() {
        if std::mem::replace(&mut placed[s as usize], true) {
            continue;
        }
        order.push(s);
        let mut children: Vec<u32> = match dense[s as usize] {
            Some(_) => g.trans[s as usize].iter().map(|e| e.1).collect(),
            None => groups[s as usize].iter().map(|e| e.1).collect(),
        };
        children.dedup();
        children.extend(default[s as usize].filter(|_| dense[s as usize].is_none()));
        children.sort_by_key(|&c| std::cmp::Reverse(groups[c as usize].len()));
        stack.extend(children.into_iter().filter(|&c| !placed[c as usize]));
    }
    let words = nclasses.div_ceil(64);
    let pid_bytes = |l: &[u32]| if l.is_empty() { 0 } else { 1 + 2 * l.len() };
    let body = |s: usize| {
        if dense[s].is_some() {
            return 3;
        }
        let r = &records[s];
        let targets = match &r.wide {
            Some((_, next)) => 1 + 8 * words + 3 * next.len(),
            None => 4 * r.entries.len(),
        };
        1 + 3 * usize::from(r.default.is_some()) + targets
    };
    let mut id = vec![0usize; n];
    let mut len = 0;
    for &s in &order {
        let s = s as usize;
        len += pid_bytes(&g.eoi[s]) + pid_bytes(&g.matches[s]);
        id[s] = len;
        len += body(s);
    }
    if len >= 1 << 23 {
        return Err("transition table over 8 MiB".into());
    }

    let mut out: Vec<u8> = [
        MAGIC,
        VERSION,
        n as u32,
        nclasses as u32,
        masks.len() as u32,
        id[g.starts[0] as usize] as u32,
        id[g.starts[1] as usize] as u32,
        len as u32,
        dense.iter().flatten().count() as u32,
    ]
    .iter()
    .flat_map(|w| w.to_le_bytes())
    .collect();
    out.extend_from_slice(class_map);
    for c in 0..nclasses {
        let mut row = [0u8; SELECTOR_ROW];
        row[c / 8] |= 1 << (c % 8);
        for (i, (set, _)) in masks.iter().enumerate() {
            if has(set, c) {
                row[(nclasses + i) / 8] |= 1 << ((nclasses + i) % 8);
            }
        }
        out.extend_from_slice(&row);
    }
    let flag = |on: bool, f: u8| if on { f } else { 0 };
    let header = |s: usize| -> u8 {
        let r = &records[s];
        let kind = match (dense[s], &r.wide) {
            (Some(_), _) => DENSE,
            (None, Some(_)) => WIDE | flag(r.default.is_some(), DEFAULT),
            (None, None) => r.entries.len() as u8 | flag(r.default.is_some(), DEFAULT),
        };
        kind | flag(!g.matches[s].is_empty(), MATCH) | flag(!g.eoi[s].is_empty(), EOI)
    };
    let mut rows: Vec<(u16, usize)> = (0..n).filter_map(|s| Some((dense[s]?, s))).collect();
    rows.sort_unstable();
    for &(_, s) in &rows {
        let mut row = [DEAD; 256];
        for &(c, t) in &g.trans[s] {
            let t = t as usize;
            let key = dense[t].map_or(id[t] as u32, u32::from);
            row[c as usize] = key | u32::from(header(t)) << 24;
        }
        out.extend(row[..nclasses].iter().flat_map(|t| t.to_le_bytes()));
    }
    for &(_, s) in &rows {
        out.extend_from_slice(&(id[s] as u32).to_le_bytes());
    }
    let base = out.len();
    for &s in &order {
        let s = s as usize;
        let r = &records[s];
        for list in [&g.eoi[s], &g.matches[s]] {
            if list.is_empty() {
                continue;
            }
            for &pid in list {
                let pid = u16::try_from(pid).map_err(|_| "more than 65536 patterns")?;
                out.extend_from_slice(&pid.to_le_bytes());
            }
            out.push(u8::try_from(list.len()).map_err(|_| "over 255 patterns end at one state")?);
        }
        debug_assert_eq!(out.len() - base, id[s]);
        let end = (id[s] + body(s)) as i64;
        out.push(header(s));
        if let Some(row) = dense[s] {
            out.extend_from_slice(&row.to_le_bytes());
            continue;
        }
        let rel = |t: u32| ((id[t as usize] as i64 - end) as i32).to_le_bytes();
        if let Some(d) = r.default {
            out.extend_from_slice(&rel(d)[..3]);
        }
        match &r.wide {
            Some((live, next)) => {
                out.push((next.len() - 1) as u8);
                for w in &live[..words] {
                    out.extend_from_slice(&w.to_le_bytes());
                }
                for &t in next {
                    out.extend_from_slice(&rel(t)[..3]);
                }
            }
            None => {
                out.extend(r.entries.iter().map(|e| e.0));
                for &(_, t) in &r.entries {
                    out.extend_from_slice(&rel(t)[..3]);
                }
            }
        }
        debug_assert_eq!(out.len() - base, end as usize);
    }
    Ok(out)
}
