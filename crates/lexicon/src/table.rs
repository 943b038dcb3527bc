//! Flattens a regex-automata DFA into esafety's compact transition table.
//!
//! regex-automata's sparse DFA is small but re-decodes each state on every transition,
//! and its `from_bytes` validates the whole table (tens of ms for the lexicon) — too slow
//! for a service worker that wakes cold. Its dense DFA is fast but holds a row of every
//! byte class for every state (tens of MB here, where most transitions are dead).
//!
//! This table keeps the best of both: states with many live transitions get a dense row,
//! the rest a short list of `(class, next)` pairs; match and end-of-input pattern lists
//! sit in flat arrays. Every number is a little-endian `u32`, so the core reads it in
//! place with bounds-checked indexing: loading is a header check, no validation pass is
//! needed for memory safety, and a corrupt table can only give wrong answers, never UB or
//! a panic.
//!
//! Layout (all `u32`, little-endian):
//! `MAGIC, VERSION, states, classes, start_text, start_after_nonword, 5 section lengths,
//! classes[256 bytes = 64 words], row_off[states+1], trans[..], match_off[states+1],
//! match_pids[..], eoi_off[states+1], eoi_pids[..]`.
//! A row whose offset has [`DENSE`] set is dense (`classes` entries, [`NONE`] = dead);
//! otherwise entries are `class << 24 | next`.

use regex_automata::dfa::{dense, Automaton};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::Anchored;
use std::collections::HashMap;

/// `b"ESAF"` read as a little-endian `u32`.
pub const MAGIC: u32 = u32::from_le_bytes(*b"ESAF");
/// Bumped whenever the layout changes.
pub const VERSION: u32 = 1;
/// Flag on a row offset: the row is dense.
pub const DENSE: u32 = 1 << 31;
/// No transition (dead) in a dense row.
pub const NONE: u32 = u32::MAX;
/// Rows with at least this many live transitions are stored dense.
const DENSE_FROM: usize = 6;

/// Converts an anchored dense DFA (built with `MatchKind::All`) into the table.
pub fn flatten(dfa: &dense::DFA<Vec<u32>>) -> Result<Vec<u8>, String> {
    let classes = dfa.byte_classes();
    let nclasses = classes.alphabet_len() - 1; // without the end-of-input class
    let reps: Vec<u8> = (0..=255u8)
        .fold(Vec::<(usize, u8)>::new(), |mut acc, b| {
            let c = classes.get(b) as usize;
            if !acc.iter().any(|(k, _)| *k == c) {
                acc.push((c, b));
            }
            acc
        })
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    let start_for = |lb: Option<u8>| {
        dfa.start_state(&start::Config::new().anchored(Anchored::Yes).look_behind(lb))
            .map_err(|e| e.to_string())
    };
    let starts = [start_for(None)?, start_for(Some(b' '))?];

    // Number the live states in breadth-first order from the starts.
    let mut ids: HashMap<StateID, u32> = HashMap::new();
    let mut order: Vec<StateID> = Vec::new();
    let add = |s: StateID, ids: &mut HashMap<StateID, u32>, order: &mut Vec<StateID>| -> u32 {
        *ids.entry(s).or_insert_with(|| {
            order.push(s);
            (order.len() - 1) as u32
        })
    };
    for s in starts {
        add(s, &mut ids, &mut order);
    }
    let mut row_off = vec![];
    let mut trans: Vec<u32> = vec![];
    let mut match_off = vec![];
    let mut match_pids = vec![];
    let mut eoi_off = vec![];
    let mut eoi_pids = vec![];
    let mut i = 0;
    while i < order.len() {
        let s = order[i];
        i += 1;
        let mut live = Vec::new();
        for &b in &reps {
            let next = dfa.next_state(s, b);
            if dfa.is_dead_state(next) || dfa.is_quit_state(next) {
                continue;
            }
            let id = add(next, &mut ids, &mut order);
            live.push((classes.get(b) as u32, id));
        }
        if live.len() >= DENSE_FROM {
            row_off.push(trans.len() as u32 | DENSE);
            let at = trans.len();
            trans.extend(std::iter::repeat_n(NONE, nclasses));
            for (c, id) in live {
                trans[at + c as usize] = id;
            }
        } else {
            row_off.push(trans.len() as u32);
            for (c, id) in live {
                if id >= 1 << 24 {
                    return Err("more than 16 million states".into());
                }
                trans.push(c << 24 | id);
            }
        }
        match_off.push(match_pids.len() as u32);
        if dfa.is_match_state(s) {
            for k in 0..dfa.match_len(s) {
                match_pids.push(dfa.match_pattern(s, k).as_u32());
            }
        }
        eoi_off.push(eoi_pids.len() as u32);
        let eoi = dfa.next_eoi_state(s);
        if dfa.is_match_state(eoi) {
            for k in 0..dfa.match_len(eoi) {
                eoi_pids.push(dfa.match_pattern(eoi, k).as_u32());
            }
        }
    }
    row_off.push(trans.len() as u32);
    match_off.push(match_pids.len() as u32);
    eoi_off.push(eoi_pids.len() as u32);

    let mut class_words = [0u32; 64];
    for b in 0..=255u8 {
        class_words[b as usize / 4] |= (classes.get(b) as u32) << (8 * (b % 4));
    }
    let mut out: Vec<u32> = vec![
        MAGIC,
        VERSION,
        order.len() as u32,
        nclasses as u32,
        ids[&starts[0]],
        ids[&starts[1]],
        trans.len() as u32,
        match_pids.len() as u32,
        eoi_pids.len() as u32,
        0,
        0,
    ];
    out.extend_from_slice(&class_words);
    for section in [
        &row_off,
        &trans,
        &match_off,
        &match_pids,
        &eoi_off,
        &eoi_pids,
    ] {
        out.extend_from_slice(section);
    }
    Ok(out.iter().flat_map(|w| w.to_le_bytes()).collect())
}
