//! Runs a forward/reverse DFA pair over a normalised stream and lists every rule hit.
//!
//! The forward DFA (unanchored, `MatchKind::All`) reports each pattern at each end
//! position in one pass. For each hit, the reverse DFA, anchored to that one pattern,
//! walks back from the end to the longest start — but never more than [`MAX_SPAN`]
//! bytes, so a hostile input cannot make the reverse walks add up to quadratic time.
//! At most [`MAX_HITS`] hits are kept per stream; past that the verdict is already
//! decided and the rest would only repeat it.

use crate::data::Automata;
use regex_automata::dfa::{Automaton, OverlappingState};
use regex_automata::{Anchored, Input};

/// Longest span (in normalised bytes) a single match may report.
pub const MAX_SPAN: usize = 512;
/// Most hits kept per stream.
pub const MAX_HITS: usize = 2048;

/// One rule matching `[start, end)` of a normalised stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Index into the generated `RULES` table.
    pub rule: u32,
    /// Which part of the rule (0 unless the rule is written `A ... B`).
    pub part: u8,
    pub start: usize,
    pub end: usize,
}

/// Appends every hit of `aut` in `hay` to `out`. Returns `false` if it stopped early.
pub fn find(aut: &Automata, hay: &[u8], out: &mut Vec<Hit>) -> bool {
    let (Some(fwd), Some(rev)) = (&aut.forward, &aut.reverse) else { return true };
    let input = Input::new(hay);
    let mut state = OverlappingState::start();
    let mut kept = 0;
    loop {
        // Dense DFAs without quit bytes cannot fail; if one ever did, stop safely.
        if fwd.try_search_overlapping_fwd(&input, &mut state).is_err() {
            return false;
        }
        let Some(m) = state.get_match() else { return true };
        let end = m.offset();
        let lo = end.saturating_sub(MAX_SPAN);
        let back = Input::new(hay).range(lo..end).anchored(Anchored::Pattern(m.pattern()));
        let start = match rev.try_search_rev(&back) {
            Ok(Some(s)) => s.offset(),
            _ => lo,
        };
        if let Some(&(rule, part)) = aut.rules.get(m.pattern().as_usize()) {
            out.push(Hit { rule, part, start, end });
        }
        kept += 1;
        if kept >= MAX_HITS {
            return false;
        }
    }
}
