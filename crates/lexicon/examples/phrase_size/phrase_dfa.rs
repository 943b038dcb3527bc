//! The phrase automaton over word classes, built here rather than by regex-automata: its
//! transitions are labelled with dictionary pieces, not with the thousands of class codes
//! a piece stands for.
//!
//! Patterns become one Glushkov automaton (a position per word or byte set, no empty
//! moves), which is determinised: a state is the set of positions just read, and from it a
//! word of class `c` leads to the positions that follow it whose piece `c` holds.

use crate::phrase::{Classes, Tokens};
use std::collections::HashMap;

/// What a position reads.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Label {
    Word(u32),
    Bytes([u64; 4]),
}

/// A pattern fragment while building.
struct Frag {
    nullable: bool,
    first: Vec<u32>,
    last: Vec<u32>,
}

#[derive(Default)]
struct Positions {
    label: Vec<Label>,
    follow: Vec<Vec<u32>>,
    accept: Vec<Option<u32>>,
}

impl Positions {
    fn leaf(&mut self, l: Label) -> Frag {
        let p = self.label.len() as u32;
        self.label.push(l);
        self.follow.push(Vec::new());
        self.accept.push(None);
        Frag {
            nullable: false,
            first: vec![p],
            last: vec![p],
        }
    }

    fn empty() -> Frag {
        Frag {
            nullable: true,
            first: vec![],
            last: vec![],
        }
    }

    fn concat(&mut self, a: Frag, b: Frag) -> Frag {
        for &q in &a.last {
            self.follow[q as usize].extend_from_slice(&b.first);
        }
        let mut first = a.first;
        if a.nullable {
            first.extend_from_slice(&b.first);
        }
        let mut last = b.last;
        if b.nullable {
            last.extend_from_slice(&a.last);
        }
        Frag {
            nullable: a.nullable && b.nullable,
            first,
            last,
        }
    }

    fn alt(a: Frag, b: Frag) -> Frag {
        let mut first = a.first;
        first.extend_from_slice(&b.first);
        let mut last = a.last;
        last.extend_from_slice(&b.last);
        Frag {
            nullable: a.nullable || b.nullable,
            first,
            last,
        }
    }

    fn star(&mut self, a: Frag) -> Frag {
        for &q in &a.last {
            self.follow[q as usize].extend_from_slice(&a.first);
        }
        Frag {
            nullable: true,
            ..a
        }
    }

    fn build(&mut self, t: &Tokens) -> Frag {
        match t {
            Tokens::Empty => Self::empty(),
            Tokens::Word(p) => self.leaf(Label::Word(*p as u32)),
            Tokens::Bytes(c) => {
                let mut set = [0u64; 4];
                for r in c.ranges() {
                    for b in r.start()..=r.end() {
                        set[b as usize / 64] |= 1 << (b % 64);
                    }
                }
                self.leaf(Label::Bytes(set))
            }
            Tokens::Concat(v) => {
                let mut f = Self::empty();
                for t in v {
                    let g = self.build(t);
                    f = self.concat(f, g);
                }
                f
            }
            Tokens::Alt(v) => {
                let mut f: Option<Frag> = None;
                for t in v {
                    let g = self.build(t);
                    f = Some(match f {
                        None => g,
                        Some(f) => Self::alt(f, g),
                    });
                }
                f.unwrap_or_else(Self::empty)
            }
            Tokens::Rep { min, max, sub } => {
                let mut f = Self::empty();
                for _ in 0..*min {
                    let g = self.build(sub);
                    f = self.concat(f, g);
                }
                match max {
                    None => {
                        let g = self.build(sub);
                        let g = self.star(g);
                        f = self.concat(f, g);
                    }
                    Some(max) => {
                        for _ in *min..*max {
                            let g = self.build(sub);
                            let g = Frag {
                                nullable: true,
                                ..g
                            };
                            f = self.concat(f, g);
                        }
                    }
                }
                f
            }
        }
    }
}

/// One state's transitions and matches.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct State {
    pub matches: Vec<u32>,
    /// `(byte, next)` for non-word bytes.
    pub bytes: Vec<(u8, u32)>,
    /// `(class, next)` for words.
    pub words: Vec<(u32, u32)>,
    /// The pieces this state's words read, each with the state one word of that piece
    /// alone leads to, and the multi-piece sets some class makes, with theirs.
    pub pieces: Vec<(u32, u32)>,
    pub combos: Vec<(Vec<u32>, u32)>,
}

/// The determinised phrase automaton: state 0 is the start.
#[derive(Clone, Debug, Default)]
pub struct PhraseDfa {
    pub states: Vec<State>,
    pub positions: usize,
}

/// Determinises `patterns` (pattern id = index).
pub fn build(patterns: &[Tokens], classes: &Classes) -> PhraseDfa {
    let mut pos = Positions::default();
    let mut first = Vec::new();
    for (pid, t) in patterns.iter().enumerate() {
        let f = pos.build(t);
        for &q in &f.last {
            pos.accept[q as usize] = Some(pid as u32);
        }
        first.extend_from_slice(&f.first);
    }
    for f in &mut pos.follow {
        f.sort_unstable();
        f.dedup();
    }
    first.sort_unstable();
    first.dedup();
    let mut ids: HashMap<Vec<u32>, u32> = HashMap::new();
    let mut sets: Vec<Vec<u32>> = vec![Vec::new()];
    ids.insert(Vec::new(), 0);
    let mut states = Vec::new();
    let mut i = 0;
    while i < sets.len() {
        let set = sets[i].clone();
        let cand: Vec<u32> = if i == 0 {
            first.clone()
        } else {
            let mut c: Vec<u32> = set
                .iter()
                .flat_map(|&q| pos.follow[q as usize].iter().copied())
                .collect();
            c.sort_unstable();
            c.dedup();
            c
        };
        let mut st = State {
            matches: set.iter().filter_map(|&q| pos.accept[q as usize]).collect(),
            ..State::default()
        };
        st.matches.sort_unstable();
        st.matches.dedup();
        let mut id_of = |next: Vec<u32>, sets: &mut Vec<Vec<u32>>| -> u32 {
            let n = ids.len() as u32;
            *ids.entry(next.clone()).or_insert_with(|| {
                sets.push(next);
                n
            })
        };
        for b in 0..=255u8 {
            let next: Vec<u32> = cand
                .iter()
                .copied()
                .filter(|&r| matches!(&pos.label[r as usize], Label::Bytes(s) if s[b as usize / 64] >> (b % 64) & 1 != 0))
                .collect();
            if !next.is_empty() {
                let t = id_of(next, &mut sets);
                st.bytes.push((b, t));
            }
        }
        let mut by_class: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut by_piece: HashMap<u32, Vec<u32>> = HashMap::new();
        for &r in &cand {
            if let Label::Word(p) = pos.label[r as usize] {
                by_piece.entry(p).or_default().push(r);
                for &c in &classes.of_piece[p as usize] {
                    by_class.entry(c).or_default().push(r);
                }
            }
        }
        let mut pieces: Vec<(u32, Vec<u32>)> = by_piece.into_iter().collect();
        pieces.sort_unstable();
        for (p, next) in pieces {
            let t = id_of(next, &mut sets);
            st.pieces.push((p, t));
        }
        let mut words: Vec<(u32, Vec<u32>)> = by_class.into_iter().collect();
        words.sort_unstable();
        let mut combos: HashMap<Vec<u32>, u32> = HashMap::new();
        for (c, next) in words {
            let mut ps: Vec<u32> = next
                .iter()
                .filter_map(|&r| match pos.label[r as usize] {
                    Label::Word(p) => Some(p),
                    Label::Bytes(_) => None,
                })
                .collect();
            ps.sort_unstable();
            ps.dedup();
            let t = id_of(next, &mut sets);
            st.words.push((c, t));
            if ps.len() > 1 {
                combos.insert(ps, t);
            }
        }
        st.combos = combos.into_iter().collect();
        st.combos.sort_unstable();
        states.push(st);
        i += 1;
    }
    PhraseDfa {
        states,
        positions: pos.label.len(),
    }
}

impl PhraseDfa {
    /// Merges states no input tells apart (Moore's refinement). Returns the number of
    /// states left and each state's block.
    pub fn minimised_states(&self) -> (usize, Vec<u32>) {
        let n = self.states.len();
        let mut outputs: HashMap<&[u32], u32> = HashMap::new();
        let mut block: Vec<u32> = (0..n)
            .map(|s| {
                let k = outputs.len() as u32;
                *outputs.entry(&self.states[s].matches).or_insert(k)
            })
            .collect();
        let mut blocks = outputs.len();
        loop {
            let mut sigs: HashMap<(u32, Vec<(u32, u32)>), u32> = HashMap::new();
            let next: Vec<u32> = (0..n)
                .map(|s| {
                    let st = &self.states[s];
                    let sig = st
                        .bytes
                        .iter()
                        .map(|&(b, t)| (u32::from(b) | 1 << 31, block[t as usize]))
                        .chain(st.words.iter().map(|&(c, t)| (c, block[t as usize])))
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
        (blocks, block)
    }
}

/// A rough serialisation of the minimised automaton, for measuring: states in depth-first
/// order from the start; per state its match ids, byte edges, piece edges and combos, with
/// targets as differences of order (small when a child follows its parent).
pub fn encode_estimate(d: &PhraseDfa) -> Vec<u8> {
    let (blocks, block) = d.minimised_states();
    let mut rep = vec![usize::MAX; blocks];
    for s in (0..d.states.len()).rev() {
        rep[block[s] as usize] = s;
    }
    // Depth-first order over blocks.
    let mut order = vec![u32::MAX; blocks];
    let mut seq = Vec::new();
    let mut stack = vec![block[0]];
    while let Some(b) = stack.pop() {
        if order[b as usize] != u32::MAX {
            continue;
        }
        order[b as usize] = seq.len() as u32;
        seq.push(b);
        let st = &d.states[rep[b as usize]];
        let mut kids: Vec<u32> = st
            .bytes
            .iter()
            .map(|e| e.1)
            .chain(st.pieces.iter().map(|e| e.1))
            .chain(st.combos.iter().map(|e| e.1))
            .map(|t| block[t as usize])
            .collect();
        kids.reverse();
        stack.extend(kids);
    }
    let mut out = Vec::new();
    let varint = |out: &mut Vec<u8>, mut v: u64| loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            break;
        }
        out.push(b | 0x80);
    };
    let zig = |d: i64| ((d << 1) ^ (d >> 63)) as u64;
    for (k, &b) in seq.iter().enumerate() {
        let st = &d.states[rep[b as usize]];
        let rel = |t: u32| zig(i64::from(order[block[t as usize] as usize]) - k as i64 - 1);
        varint(&mut out, st.matches.len() as u64);
        for &m in &st.matches {
            varint(&mut out, u64::from(m));
        }
        varint(&mut out, st.bytes.len() as u64);
        for &(x, t) in &st.bytes {
            out.push(x);
            varint(&mut out, rel(t));
        }
        varint(&mut out, st.pieces.len() as u64);
        let mut prev = 0u32;
        for &(p, t) in &st.pieces {
            varint(&mut out, u64::from(p - prev));
            prev = p;
            varint(&mut out, rel(t));
        }
        varint(&mut out, st.combos.len() as u64);
        for (ps, t) in &st.combos {
            varint(&mut out, ps.len() as u64);
            for &p in ps {
                varint(&mut out, u64::from(p));
            }
            varint(&mut out, rel(*t));
        }
    }
    out
}
