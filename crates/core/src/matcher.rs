//! Runs an anchored DFA from every word start of a stream and lists every rule hit.
//!
//! From each position that follows a non-word byte, the DFA walks byte by byte until it
//! dies (usually within a word or two), reporting every rule that matches from there
//! (`MatchKind::All`), so a phrase and a word inside it both count and each hit knows its
//! start. A walk never goes further than [`MAX_SPAN`] bytes, so the total work is at most
//! `MAX_SPAN` times the input length however hostile the input — and in practice a few
//! bytes per word. At most [`MAX_HITS`] hits are kept per stream; past that the verdict is
//! already decided and the rest would only repeat it.

use crate::data::Automata;
use crate::normalize::Stream;
use regex_automata::dfa::Automaton;
use regex_automata::util::start;
use regex_automata::Anchored;

/// Longest span (in normalised bytes) a single match may cover.
pub const MAX_SPAN: usize = 512;
/// Most hits kept per stream.
pub const MAX_HITS: usize = 2048;

/// One rule (or one part of a rule) matching `[start, end)` of the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// Index into the generated `RULES` table.
    pub rule: u32,
    /// Which part of the rule (0 unless the rule is written `A ... B`).
    pub part: u8,
    pub start: usize,
    pub end: usize,
}

/// Appends every hit of `aut` in `stream` to `out`, with spans in `original`.
/// Returns `false` if it stopped at [`MAX_HITS`].
pub fn find(aut: &Automata, stream: &Stream, original: &str, out: &mut Vec<Hit>) -> bool {
    let Some(dfa) = aut.dfa else { return true };
    let hay = &stream.bytes;
    let mut kept = 0;
    for i in 0..hay.len() {
        let prev = if i == 0 { None } else { Some(hay[i - 1]) };
        if hay[i] == b' ' || prev.is_some_and(|p| p.is_ascii_alphanumeric()) {
            continue;
        }
        let config = start::Config::new()
            .anchored(Anchored::Yes)
            .look_behind(prev);
        let Ok(mut state) = dfa.start_state(&config) else {
            continue;
        };
        let limit = hay.len().min(i + MAX_SPAN);
        let mut at = i;
        loop {
            state = if at == hay.len() {
                dfa.next_eoi_state(state)
            } else if at == limit {
                break;
            } else {
                dfa.next_state(state, hay[at])
            };
            if dfa.is_special_state(state) {
                if dfa.is_match_state(state) {
                    // Matches are reported one byte late: they end at `at`.
                    for k in 0..dfa.match_len(state) {
                        let pid = dfa.match_pattern(state, k).as_usize();
                        if let Some(&(rule, part)) = aut.rules.get(pid) {
                            let (start, end) = stream.original_span(original, i, at);
                            out.push(Hit {
                                rule,
                                part,
                                start,
                                end,
                            });
                            kept += 1;
                            if kept >= MAX_HITS {
                                return false;
                            }
                        }
                    }
                } else if dfa.is_dead_state(state) || dfa.is_quit_state(state) {
                    break;
                }
            }
            if at == hay.len() {
                break;
            }
            at += 1;
        }
    }
    true
}
