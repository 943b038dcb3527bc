//! Rules read a token at a time: a design for a much smaller words automaton.
//!
//! # Why
//! The byte-level table ([`crate::table`]) spells out every alternative of every rule
//! letter by letter, and because each rule's alternatives lead somewhere different, the
//! minimised automaton cannot share them: 2,400 rules become about 300,000 states, and a
//! state's pointers to its other children are what the gzipped table is made of (about
//! 70 % of its gzipped bytes are transition targets). Yet most of a rule is lists of whole
//! words — `(do|doing|did|done|try|tried) ... (blackout|choking) (challenge|game)`.
//!
//! Read a token at a time (a run of word bytes, or one other byte), a rule part becomes a
//! small automaton whose edges are *sets of dictionary words*: a list of word ids, with no
//! pointer per word. The dictionary holds each distinct word once. This module converts
//! each part of the words-stream rules into that form, and keeps a reference matcher that
//! must find exactly what the byte-level automaton finds (`examples/token_size` checks
//! both on every evaluation text and measures the sizes).
//!
//! # Tokens and the rules' boundaries
//! The byte automaton starts at the start of the text and after every non-word byte, and
//! every rule is wrapped in half word boundaries (not preceded, not followed by a word
//! byte), so a match is always a run of whole tokens. A word token is maximal, so after a
//! word token comes another byte token or the end. Looks are decided from the token kinds
//! on each side. Parts that do not fit — `nob` rules, which may end inside a word; a word
//! repeated without bound; a class of many bytes — stay in a byte-level residual.
//!
//! # Spelling variants
//! Outside `exact` rules a pattern's `l` also reads `i`, and its digits the letters they
//! decode to ([`crate::pattern`]). The dictionary keeps the word as written and a
//! *hardened* bit; [`key`] maps both sides to one spelling (`l` → `i`, `0` → `o` …) for
//! the lookup, and [`spells`] confirms a candidate letter by letter.

use crate::pattern;
use crate::{Flags, Macro};
use regex_automata::nfa::thompson::{self, State, NFA};
use regex_automata::util::look::Look;
use regex_automata::util::primitives::StateID;
use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, Hir};
use std::collections::{BTreeMap, HashMap};

/// Longest word a part may spell.
pub const MAX_WORD: usize = 48;
/// Most word strings one node may lead on to (a class like `[0-9]{4}` is ten thousand).
pub const MAX_WORDS_PER_NODE: usize = 8192;
/// Most nodes one part may have.
pub const MAX_NODES: usize = 4096;

pub use esafety_pack::token_word_byte as is_word;

/// The lookup spelling ([`esafety_pack::token_entry_key`]): what a hardened pattern
/// letter and the text letters it reads have in common.
pub fn key(word: &[u8]) -> Vec<u8> {
    esafety_pack::token_entry_key(word)
}

/// Marks a digit in a dictionary word that a character class spelt: the byte table keeps
/// class digits exact (`[1-9]` never reads `i`), literal ones hardened.
pub const EXACT: u8 = esafety_pack::TOKEN_EXACT;

/// A run of one or more digits in a dictionary word (`[0-9]+` in a pattern).
pub const RUN: u8 = esafety_pack::TOKEN_RUN;

/// Whether a text token reads as a dictionary word (hardened: `l` reads `i`, a digit the
/// letter it decodes to, as [`crate::pattern`] hardens a pattern).
pub fn spells(word: &[u8], hardened: bool, token: &[u8]) -> bool {
    esafety_pack::token_spells(word, hardened, token)
}

/// One dictionary entry: a token as a pattern spells it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Entry {
    pub word: Vec<u8>,
    /// Read with the hardened spellings ([`spells`]).
    pub hardened: bool,
}

/// A node of a part's token automaton.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    /// The part matches when the tokens so far end here (and no word byte follows).
    pub accept: bool,
    /// `(entries, next)`: a token that spells one of the entries (sorted ids) goes to
    /// node `next`.
    pub edges: Vec<(Vec<u32>, u32)>,
}

/// One part of a rule as a token automaton; node 0 is the start.
#[derive(Clone, Debug, Default)]
pub struct PartTokens {
    /// The pattern id of the part in the words automaton.
    pub pid: u32,
    pub nodes: Vec<Node>,
}

/// The words-stream rules as token automata, and the parts left to the byte level.
#[derive(Clone, Debug, Default)]
pub struct TokenLexicon {
    pub dictionary: Vec<Entry>,
    pub parts: Vec<PartTokens>,
    /// Pattern ids left to a byte-level residual automaton, with the reason.
    pub residual: Vec<(u32, String)>,
}

impl TokenLexicon {
    /// Converts every words-stream part. `parts` are `(pid, part text, flags)`.
    pub fn build<'a>(
        parts: impl IntoIterator<Item = (u32, &'a str, Flags)>,
        macros: &HashMap<&str, &Macro>,
    ) -> Result<TokenLexicon, String> {
        let mut out = TokenLexicon::default();
        let mut ids: HashMap<Entry, u32> = HashMap::new();
        for (pid, part, flags) in parts {
            if flags.no_boundary {
                out.residual.push((pid, "nob".into()));
                continue;
            }
            // The pattern as written (not hardened): the dictionary reads the variants.
            let written = Flags {
                exact: true,
                ..flags
            };
            let hir = pattern::build(part, written, macros).map_err(|e| format!("{pid}: {e:?}"))?;
            let hir = mark_class_digits(hir);
            let nfa = thompson::Compiler::new()
                .configure(thompson::Config::new().which_captures(thompson::WhichCaptures::None))
                .build_from_hir(&hir)
                .map_err(|e| e.to_string())?;
            match convert(&nfa, !flags.exact) {
                Ok(nodes) => {
                    let nodes = minimise(nodes);
                    let nodes = nodes
                        .into_iter()
                        .map(|n| Node {
                            accept: n.accept,
                            edges: n
                                .edges
                                .into_iter()
                                .map(|(entries, next)| {
                                    let mut v: Vec<u32> = entries
                                        .into_iter()
                                        .map(|e| {
                                            let k = ids.len() as u32;
                                            *ids.entry(e).or_insert(k)
                                        })
                                        .collect();
                                    v.sort_unstable();
                                    v.dedup();
                                    (v, next)
                                })
                                .collect(),
                        })
                        .collect();
                    out.parts.push(PartTokens { pid, nodes });
                }
                Err(why) => out.residual.push((pid, why)),
            }
        }
        out.dictionary = vec![
            Entry {
                word: Vec::new(),
                hardened: false
            };
            ids.len()
        ];
        for (e, id) in ids {
            out.dictionary[id as usize] = e;
        }
        Ok(out)
    }

    /// A lookup from [`key`] to the entries with that key.
    pub fn index(&self) -> HashMap<Vec<u8>, Vec<u32>> {
        let mut by: HashMap<Vec<u8>, Vec<u32>> = HashMap::new();
        for (i, e) in self.dictionary.iter().enumerate() {
            by.entry(key(&e.word)).or_default().push(i as u32);
        }
        by
    }

    /// Reference matcher: every `(pid, start, end)` of the converted parts in `text` (a
    /// words stream), as the byte-level automaton walked from every word start finds them.
    /// Plain and slow; for checking the conversion, not for production.
    pub fn find(
        &self,
        index: &HashMap<Vec<u8>, Vec<u32>>,
        text: &[u8],
    ) -> Vec<(u32, usize, usize)> {
        let tokens = tokenize(text);
        let spelled: Vec<Vec<u32>> = tokens
            .iter()
            .map(|r| {
                let t = &text[r.clone()];
                let mut found: Vec<u32> = [Some(key(t)), esafety_pack::token_run_key(t)]
                    .into_iter()
                    .flatten()
                    .filter_map(|k| index.get(&key(&k)))
                    .flatten()
                    .copied()
                    .filter(|&e| {
                        let e = &self.dictionary[e as usize];
                        spells(&e.word, e.hardened, t)
                    })
                    .collect();
                found.sort_unstable();
                found.dedup();
                found
            })
            .collect();
        let mut hits = Vec::new();
        for k in 0..tokens.len() {
            if k > 0 && is_word(text[tokens[k].start - 1]) {
                continue;
            }
            for part in &self.parts {
                let mut live = vec![0u32];
                for j in k..tokens.len() {
                    let mut next: Vec<u32> = Vec::new();
                    for &n in &live {
                        for (set, to) in &part.nodes[n as usize].edges {
                            if spelled[j].iter().any(|e| set.binary_search(e).is_ok()) {
                                next.push(*to);
                            }
                        }
                    }
                    next.sort_unstable();
                    next.dedup();
                    let end = tokens[j].end;
                    let boundary = !text.get(end).copied().is_some_and(is_word);
                    if boundary && next.iter().any(|&n| part.nodes[n as usize].accept) {
                        hits.push((part.pid, tokens[k].start, end));
                    }
                    if next.is_empty() {
                        break;
                    }
                    live = next;
                }
            }
        }
        hits.sort_unstable();
        hits
    }
}

/// The token table's magic, layout version (bumped whenever the layout changes) and
/// header size in `u32` words: one definition, which the core's reader shares.
pub use esafety_pack::tokens::{HEADER_WORDS, MAGIC, VERSION};

/// Appends `n` as LEB128 (seven bits a byte, low first).
fn varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

impl TokenLexicon {
    /// The table the core reads (`crates/core/src/tokens.rs`), little-endian. Counts and
    /// small numbers only: what can be derived (offsets, key hashes, the index of first
    /// tokens) is derived once when the core first uses the table, so the table gzips small.
    ///
    /// ```text
    /// header: MAGIC VERSION entries sets parts nodes edges words_bytes sets_bytes
    ///         residual_pids residual_len edges_bytes                         (u32 each)
    /// dictionary (words_bytes): per entry, in byte order of the words: the length it
    ///             shares with the word before (u8), the length of the rest | hardened
    ///             << 7 (u8), the rest
    /// sets (sets_bytes): per set of two or more entries its size, its first entry, then
    ///             the gaps between its (ascending) entries, all LEB128
    /// parts: per part its node count (u16); the parts are the words side's pattern ids
    ///        in order, less the residual ones
    /// nodes: accepting nodes (a bitset, u8 each), edges per node (u8)
    /// edges (edges_bytes): per edge, LEB128: its set — 0 for the next set not used
    ///             before, (set + 1) << 1 for one used before, entry << 1 | 1 for a
    ///             single entry — then the next node, as the zigzag of its distance
    ///             from the node after this one (within the part)
    /// residual: pattern id per residual pattern (u32), padding to a multiple of 4, then
    ///           the residual byte table
    /// ```
    ///
    /// `residual` is the byte table ([`crate::table`]) of the parts in [`Self::residual`],
    /// in that order.
    pub fn serialise(&self, residual: &[u8]) -> Result<Vec<u8>, String> {
        let mut order: Vec<u32> = (0..self.dictionary.len() as u32).collect();
        order.sort_by(|&a, &b| self.dictionary[a as usize].cmp(&self.dictionary[b as usize]));
        let mut renum = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            renum[old as usize] = new as u32;
        }
        let small = |n: usize, most: usize, what: &str| {
            if n > most {
                Err(format!("{n} {what} (the token table holds at most {most})"))
            } else {
                Ok(())
            }
        };
        small(order.len(), usize::from(u16::MAX), "dictionary entries")?;
        let mut words = Vec::new();
        let mut prev: &[u8] = &[];
        for &old in &order {
            let e = &self.dictionary[old as usize];
            small(e.word.len(), 127, "bytes in one word")?;
            let shared = prev
                .iter()
                .zip(&e.word)
                .take_while(|(a, b)| a == b)
                .count()
                .min(255);
            words.push(shared as u8);
            words.push((e.word.len() - shared) as u8 | u8::from(e.hardened) << 7);
            words.extend_from_slice(&e.word[shared..]);
            prev = &e.word;
        }
        let mut sets_bytes = Vec::new();
        let mut set_id: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut accept = Vec::new();
        let mut node_edges = Vec::new();
        let mut edges = Vec::new();
        let mut n_edges = 0usize;
        let mut parts = Vec::new();
        let residual_pids: std::collections::HashSet<u32> =
            self.residual.iter().map(|r| r.0).collect();
        let mut pid = 0;
        for part in &self.parts {
            while residual_pids.contains(&pid) {
                pid += 1;
            }
            if part.pid != pid {
                return Err("token parts must come in pattern order".into());
            }
            pid += 1;
            small(part.nodes.len(), usize::from(u16::MAX), "nodes in one part")?;
            parts.push((part.nodes.len() as u16, part.pid));
            for (k, node) in part.nodes.iter().enumerate() {
                accept.push(node.accept);
                small(node.edges.len(), usize::from(u8::MAX), "edges on one node")?;
                node_edges.push(node.edges.len() as u8);
                for (set, to) in &node.edges {
                    let mut members: Vec<u32> = set.iter().map(|&e| renum[e as usize]).collect();
                    members.sort_unstable();
                    members.dedup();
                    if let [one] = members[..] {
                        varint(&mut edges, one << 1 | 1);
                    } else if let Some(&id) = set_id.get(&members) {
                        varint(&mut edges, (id + 1) << 1);
                    } else {
                        set_id.insert(members.clone(), set_id.len() as u32);
                        varint(&mut edges, 0);
                        varint(&mut sets_bytes, members.len() as u32);
                        varint(&mut sets_bytes, members[0]);
                        for w in members.windows(2) {
                            varint(&mut sets_bytes, w[1] - w[0]);
                        }
                    }
                    let d = i64::from(*to) - (k as i64 + 1);
                    varint(&mut edges, ((d << 1) ^ (d >> 63)) as u32);
                    n_edges += 1;
                }
            }
        }
        let header = [
            MAGIC,
            VERSION,
            order.len() as u32,
            set_id.len() as u32,
            parts.len() as u32,
            accept.len() as u32,
            n_edges as u32,
            words.len() as u32,
            sets_bytes.len() as u32,
            self.residual.len() as u32,
            residual.len() as u32,
            edges.len() as u32,
        ];
        let mut out: Vec<u8> = header.iter().flat_map(|w| w.to_le_bytes()).collect();
        out.extend_from_slice(&words);
        out.extend_from_slice(&sets_bytes);
        out.extend(parts.iter().flat_map(|p| p.0.to_le_bytes()));
        let mut bits = vec![0u8; accept.len().div_ceil(8)];
        for (i, &a) in accept.iter().enumerate() {
            bits[i / 8] |= u8::from(a) << (i % 8);
        }
        out.extend_from_slice(&bits);
        out.extend_from_slice(&node_edges);
        out.extend_from_slice(&edges);
        out.extend(self.residual.iter().flat_map(|r| r.0.to_le_bytes()));
        out.resize(out.len().next_multiple_of(4), 0);
        out.extend_from_slice(residual);
        Ok(out)
    }
}

/// Byte ranges of the tokens of `text`: maximal runs of word bytes, and each other byte.
pub fn tokenize(text: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let end = esafety_pack::token_end(text, i);
        out.push(i..end);
        i = end;
    }
    out
}

/// The pattern with every digit a character class holds marked [`EXACT`]: the byte table
/// hardens literal digits only (a literal `1` also reads `i`, `[1-9]` only digits).
fn mark_class_digits(hir: Hir) -> Hir {
    pattern::map_leaves(hir, &|lit| Hir::literal(lit), &|c| {
        let ranges = c.iter().flat_map(|r| r.start()..=r.end()).map(|b| {
            let b = if b.is_ascii_digit() { b | EXACT } else { b };
            ClassBytesRange::new(b, b)
        });
        Hir::class(Class::Bytes(ClassBytes::new(ranges)))
    })
}

/// A node while converting: edges by entry.
#[derive(Default)]
struct RawNode {
    accept: bool,
    edges: Vec<(Vec<Entry>, u32)>,
}

/// The states reached from `set` by empty moves, with the looks decided by whether the
/// byte before is a word byte and whether the next one is. Only states that read a byte
/// or match are kept.
fn closure(
    nfa: &NFA,
    set: &[StateID],
    prev_word: bool,
    next_word: bool,
) -> Result<Vec<StateID>, String> {
    let mut seen = std::collections::HashSet::new();
    let mut stack: Vec<StateID> = set.to_vec();
    let mut out = Vec::new();
    while let Some(s) = stack.pop() {
        if !seen.insert(s) {
            continue;
        }
        match nfa.state(s) {
            State::ByteRange { .. } | State::Sparse(_) | State::Dense(_) | State::Match { .. } => {
                out.push(s)
            }
            State::Look { look, next } => {
                let holds = match look {
                    Look::WordStartHalfAscii => !prev_word,
                    Look::WordEndHalfAscii => !next_word,
                    Look::WordAscii => prev_word != next_word,
                    Look::WordAsciiNegate => prev_word == next_word,
                    Look::WordStartAscii => !prev_word && next_word,
                    Look::WordEndAscii => prev_word && !next_word,
                    other => return Err(format!("look {other:?}")),
                };
                if holds {
                    stack.push(*next);
                }
            }
            State::Union { alternates } => stack.extend(alternates.iter().copied()),
            State::BinaryUnion { alt1, alt2 } => stack.extend([*alt1, *alt2]),
            State::Capture { next, .. } => stack.push(*next),
            State::Fail => {}
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// The states `set` moves to on byte `b`.
fn step(nfa: &NFA, set: &[StateID], b: u8) -> Vec<StateID> {
    let mut out = Vec::new();
    for &s in set {
        match nfa.state(s) {
            State::ByteRange { trans } if trans.matches_byte(b) => out.push(trans.next),
            State::Sparse(sp) => {
                if let Some(n) = sp.matches_byte(b) {
                    out.push(n);
                }
            }
            State::Dense(d) => {
                if let Some(n) = d.matches_byte(b) {
                    out.push(n);
                }
            }
            _ => {}
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Every byte some state of `set` reads.
fn bytes_read(nfa: &NFA, set: &[StateID]) -> Vec<u8> {
    let mut on = [false; 256];
    for &s in set {
        match nfa.state(s) {
            State::ByteRange { trans } => {
                (trans.start..=trans.end).for_each(|b| on[b as usize] = true)
            }
            State::Sparse(sp) => {
                for t in sp.transitions.iter() {
                    (t.start..=t.end).for_each(|b| on[b as usize] = true);
                }
            }
            State::Dense(d) => {
                for b in 0..=255u8 {
                    if d.matches_byte(b).is_some() {
                        on[b as usize] = true;
                    }
                }
            }
            _ => {}
        }
    }
    (0..=255u8).filter(|&b| on[b as usize]).collect()
}

/// If every class digit read from `set` leads to one set of states that reads every
/// class digit back into itself — `[0-9]+`, and nothing else that starts with a digit —
/// that set: the states after a run of digits. `None` otherwise (digits are then read one
/// by one, which fails for a repetition).
fn digit_run(nfa: &NFA, set: &[StateID]) -> Option<Vec<StateID>> {
    let digits: Vec<u8> = (b'0'..=b'9').map(|d| d | EXACT).collect();
    let after = step(nfa, set, digits[0]);
    if after.is_empty() || digits.iter().any(|&d| step(nfa, set, d) != after) {
        return None;
    }
    let inside = closure(nfa, &after, true, true).ok()?;
    digits
        .iter()
        .all(|&d| step(nfa, &inside, d) == after)
        .then_some(after)
}

fn has_match(nfa: &NFA, set: &[StateID]) -> bool {
    set.iter()
        .any(|&s| matches!(nfa.state(s), State::Match { .. }))
}

/// One part's NFA as token nodes. A node is the set of NFA states reached after a token
/// and whether that token was a word.
fn convert(nfa: &NFA, hardened: bool) -> Result<Vec<RawNode>, String> {
    // A node: the states that read the next byte if it is not a word byte, and those that
    // read it if it is (none after a word token: tokens are maximal). Keyed by what can
    // follow, so branches that rejoin share one node.
    type Key = (Vec<StateID>, Vec<StateID>);
    let key_of = |raw: &[StateID], after_word: bool| -> Result<Key, String> {
        let other = closure(nfa, raw, after_word, false)?;
        let word = closure(nfa, raw, after_word, true)?;
        if has_match(nfa, &word) && !has_match(nfa, &other) {
            return Err("matches before a word byte".into());
        }
        let word = if after_word { Vec::new() } else { word };
        Ok((other, word))
    };
    let mut ids: BTreeMap<Key, u32> = BTreeMap::new();
    let mut keys: Vec<Key> = Vec::new();
    let mut nodes: Vec<RawNode> = Vec::new();
    let mut intern = |k: Key, keys: &mut Vec<Key>, nodes: &mut Vec<RawNode>| -> u32 {
        let n = ids.len() as u32;
        *ids.entry(k.clone()).or_insert_with(|| {
            keys.push(k);
            nodes.push(RawNode::default());
            n
        })
    };
    let start = key_of(&[nfa.start_anchored()], false)?;
    intern(start, &mut keys, &mut nodes);
    let mut at = 0;
    while at < keys.len() {
        if keys.len() > MAX_NODES {
            return Err("too many token nodes".into());
        }
        let (before_other, before_word) = keys[at].clone();
        let mut edges: BTreeMap<u32, Vec<Entry>> = BTreeMap::new();
        let accept = has_match(nfa, &before_other);
        // One other byte.
        for b in bytes_read(nfa, &before_other) {
            if is_word(b & !EXACT) {
                continue;
            }
            let next = step(nfa, &before_other, b);
            if next.is_empty() {
                continue;
            }
            let to = intern(key_of(&next, false)?, &mut keys, &mut nodes);
            edges.entry(to).or_default().push(Entry {
                word: vec![b],
                hardened: false,
            });
        }
        // A whole word, unless the token before was one.
        if !before_word.is_empty() {
            let mut count = 0;
            // (word so far, states inside the word, whether it just read a run of digits)
            let mut stack: Vec<(Vec<u8>, Vec<StateID>, bool)> =
                vec![(Vec::new(), before_word, false)];
            while let Some((word, set, after_run)) = stack.pop() {
                let readable = bytes_read(nfa, &set);
                // A class digit repeated without end (`[0-9]+`) is one dictionary byte,
                // RUN, for a run of digits; after it no digit is read (a run is maximal).
                let run = (!after_run).then(|| digit_run(nfa, &set)).flatten();
                let has_run = run.is_some();
                let mut reads: Vec<(u8, Vec<StateID>)> = Vec::new();
                if let Some(t) = run {
                    reads.push((RUN, t));
                }
                for b in readable {
                    if !is_word(b & !EXACT) || (b & EXACT != 0 && (has_run || after_run)) {
                        continue;
                    }
                    let next = step(nfa, &set, b);
                    if !next.is_empty() {
                        reads.push((b, next));
                    }
                }
                for (b, next) in reads {
                    let mut w = word.clone();
                    w.push(b);
                    if w.len() > MAX_WORD {
                        return Err("a word without end (a repetition?)".into());
                    }
                    count += 1;
                    if count > MAX_WORDS_PER_NODE {
                        return Err("too many words at one place".into());
                    }
                    // The token may end here: something reads a non-word byte, or matches.
                    let ended = closure(nfa, &next, true, false)?;
                    let goes_on = bytes_read(nfa, &ended)
                        .iter()
                        .any(|&b| !is_word(b & !EXACT));
                    if goes_on || has_match(nfa, &ended) {
                        let to = intern(key_of(&next, true)?, &mut keys, &mut nodes);
                        edges.entry(to).or_default().push(Entry {
                            word: w.clone(),
                            hardened,
                        });
                    }
                    let inside = closure(nfa, &next, true, true)?;
                    if has_match(nfa, &inside) {
                        return Err("matches inside a word".into());
                    }
                    if !inside.is_empty() {
                        stack.push((w, inside, b == RUN));
                    }
                }
            }
        }
        nodes[at].accept = accept;
        nodes[at].edges = edges.into_iter().map(|(to, e)| (e, to)).collect();
        at += 1;
    }
    Ok(nodes)
}

/// Merges nodes that accept the same token sequences (Moore's refinement: same accept,
/// and the same entries leading to the same block). Alternatives written with their own
/// space (`(roblox |fortnite )?password`) reach different NFA states that continue alike.
fn minimise(nodes: Vec<RawNode>) -> Vec<RawNode> {
    let mut block: Vec<u32> = nodes.iter().map(|n| u32::from(n.accept)).collect();
    loop {
        let mut sigs: BTreeMap<(u32, Vec<(Entry, u32)>), u32> = BTreeMap::new();
        let next: Vec<u32> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut sig: Vec<(Entry, u32)> = n
                    .edges
                    .iter()
                    .flat_map(|(es, to)| es.iter().map(|e| (e.clone(), block[*to as usize])))
                    .collect();
                sig.sort();
                let k = sigs.len() as u32;
                *sigs.entry((block[i], sig)).or_insert(k)
            })
            .collect();
        let stable = sigs.len() == block.iter().collect::<std::collections::HashSet<_>>().len();
        block = next;
        if stable {
            break;
        }
    }
    // Renumber so that the start's block is 0, in order of first appearance.
    let mut order: HashMap<u32, u32> = HashMap::new();
    for &b in &block {
        let k = order.len() as u32;
        order.entry(b).or_insert(k);
    }
    let mut out: Vec<RawNode> = (0..order.len()).map(|_| RawNode::default()).collect();
    let mut done = vec![false; out.len()];
    for (i, n) in nodes.into_iter().enumerate() {
        let b = order[&block[i]] as usize;
        if std::mem::replace(&mut done[b], true) {
            continue;
        }
        let mut by: BTreeMap<u32, Vec<Entry>> = BTreeMap::new();
        for (es, to) in n.edges {
            by.entry(order[&block[to as usize]]).or_default().extend(es);
        }
        out[b] = RawNode {
            accept: n.accept,
            edges: by
                .into_iter()
                .map(|(to, mut es)| {
                    es.sort();
                    es.dedup();
                    (es, to)
                })
                .collect(),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;

    fn lexicon(patterns: &[(&str, Flags)]) -> TokenLexicon {
        let macros = [Macro {
            name: "you".into(),
            expansion: "you|u|ya".into(),
            source: Source {
                file: "m".into(),
                line: 1,
            },
        }];
        let map: HashMap<&str, &Macro> = macros.iter().map(|m| (m.name.as_str(), m)).collect();
        TokenLexicon::build(
            patterns
                .iter()
                .enumerate()
                .map(|(i, (p, f))| (i as u32, *p, *f)),
            &map,
        )
        .unwrap()
    }

    fn find(tl: &TokenLexicon, text: &str) -> Vec<(u32, usize, usize)> {
        tl.find(&tl.index(), text.as_bytes())
    }

    #[test]
    fn phrases_match_whole_tokens_with_hardened_spellings() {
        let tl = lexicon(&[
            ("kill {you}(rself| rself)", Flags::default()),
            ("my (roblox |phone )?password (is|:)", Flags::default()),
        ]);
        assert!(tl.residual.is_empty(), "{:?}", tl.residual);
        assert_eq!(find(&tl, "go kill urself"), vec![(0, 3, 14)]);
        assert_eq!(
            find(&tl, "go kiii yourself now"),
            vec![(0, 3, 16)],
            "l reads i"
        );
        assert_eq!(find(&tl, "go kill u rself"), vec![(0, 3, 15)]);
        assert!(
            find(&tl, "skill yourself").is_empty(),
            "no match inside a word"
        );
        assert!(
            find(&tl, "kill yourselfie").is_empty(),
            "ends at a word end"
        );
        assert!(find(&tl, "kil yourself").is_empty());
        assert_eq!(find(&tl, "my phone password : 1234"), vec![(1, 0, 19)]);
        assert_eq!(find(&tl, "my password is"), vec![(1, 0, 14)]);
        assert!(find(&tl, "my password isnt").is_empty());
    }

    #[test]
    fn exact_rules_are_not_hardened_and_nob_rules_stay_bytes() {
        let exact = Flags {
            exact: true,
            ..Flags::default()
        };
        let nob = Flags {
            no_boundary: true,
            ..Flags::default()
        };
        let tl = lexicon(&[("ill", exact), ("ass", nob), ("go+al", Flags::default())]);
        assert_eq!(find(&tl, "ill"), vec![(0, 0, 3)]);
        assert!(find(&tl, "iii").is_empty(), "exact: l does not read i");
        let left: Vec<u32> = tl.residual.iter().map(|r| r.0).collect();
        assert_eq!(left, vec![1, 2], "nob, and a repetition without end");
    }

    #[test]
    fn runs_of_digits_are_one_dictionary_byte() {
        let tl = lexicon(&[
            ("bet [0-9]+ ?(quid|k)", Flags::default()),
            ("took [0-9][0-9]+ pills", Flags::default()),
            ("(win|[0-9]+x)", Flags::default()),
        ]);
        assert!(tl.residual.is_empty(), "{:?}", tl.residual);
        assert_eq!(find(&tl, "bet 50 quid"), vec![(0, 0, 11)]);
        assert_eq!(find(&tl, "bet 5k"), vec![(0, 0, 6)]);
        assert_eq!(
            find(&tl, "bet 5 k"),
            vec![(0, 0, 7)],
            "the space is optional"
        );
        assert!(find(&tl, "bet 5 kk").is_empty());
        assert_eq!(find(&tl, "took 100 pills"), vec![(1, 0, 14)]);
        assert!(find(&tl, "took 5 pills").is_empty(), "two digits or more");
        assert_eq!(find(&tl, "a 10x win"), vec![(2, 2, 5), (2, 6, 9)]);
        assert!(find(&tl, "a 10xx").is_empty());
        assert!(spells(&[b'1' | EXACT, RUN], true, b"100"));
        assert!(!spells(&[b'1' | EXACT, RUN], true, b"1"));
        assert!(!spells(&[RUN, b'x'], true, b"x"));
    }

    #[test]
    fn spellings_and_keys_agree() {
        assert!(spells(b"kill", true, b"kiii"));
        assert!(!spells(b"kill", false, b"kiii"));
        assert!(!spells(b"kiii", true, b"kill"), "a pattern i never reads l");
        assert!(spells(b"1488", true, b"i488"));
        assert_eq!(key(b"kill"), key(b"kiii"));
        assert_eq!(tokenize(b"hi, you2!"), vec![0..2, 2..3, 3..4, 4..8, 8..9]);
    }
}
