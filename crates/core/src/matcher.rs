//! Walks the rules from every word start of a stream and lists every rule hit.
//!
//! From each position that follows a non-word byte, the rules are walked until none is
//! left alive (usually within a word or two), reporting every rule that matches from there
//! (`MatchKind::All`), so a phrase and a word inside it both count and each hit knows its
//! start. The words rules are walked a token at a time ([`crate::tokens`]), with the few
//! parts left to bytes in a residual byte table alongside; the plain rules (digits,
//! addresses) in an anchored byte-level DFA table ([`crate::table`]), a byte a step. A
//! walk never goes further than [`MAX_SPAN`] bytes, so the total work is at most
//! `MAX_SPAN` times the input length however hostile the input — and in practice a few
//! bytes per word. Once a stream has given [`COUNT_FROM`] hits, each pattern keeps at most
//! [`MAX_PER_PATTERN`] more: a flood of one word (`shit shit shit …`) cannot use up the
//! budget and hide a different concern further on. At most [`MAX_HITS`] hits are kept per
//! stream in all; reaching that is reported, and the verdict says it is incomplete.

use crate::data::Automata;
use crate::normalize::Stream;
use crate::table::Table;
use crate::tokens::{TokenTable, Tokens};

/// Longest span (in normalised bytes) a single match may cover.
pub const MAX_SPAN: usize = 512;
/// Most hits kept per stream.
pub const MAX_HITS: usize = 8192;
/// Hits a stream gives before repeats of one pattern start to be counted (short texts,
/// almost all of them, never pay for counting).
pub const COUNT_FROM: usize = 256;
/// Hits one pattern may add after [`COUNT_FROM`].
pub const MAX_PER_PATTERN: u16 = 16;

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
    find_where(aut, stream, original, out, |_| true, None)
}

/// [`find`] from the word starts `walk_from` accepts only. With `stops`, records for each
/// start walked where its walk stopped reading: the position of the byte it died on, or the
/// end it was allowed to reach (`stops` must be as long as the stream; other entries are
/// left alone). A reading of the same text that differs only from some position on can
/// then skip every start whose walk stopped before it: that walk would read the same bytes
/// and find the same hits.
#[inline(never)] // one call per stream; kept out of line so profiles show it
pub fn find_where(
    aut: &Automata,
    stream: &Stream,
    original: &str,
    out: &mut Vec<Hit>,
    walk_from: impl Fn(usize) -> bool,
    mut stops: Option<&mut [u32]>,
) -> bool {
    let mut sink = Sink {
        aut,
        stream,
        original,
        kept: 0,
        counts: Vec::new(),
    };
    let hay = &stream.bytes;
    if let Some(tokens) = &aut.tokens {
        return TOKENS
            .with_borrow_mut(|t| find_tokens(tokens, t, hay, &mut sink, out, walk_from, stops));
    }
    let Some(table) = &aut.table else { return true };
    // The word starts of a block are listed first, without a branch per byte (whether a
    // byte starts a word would be mispredicted about once a word), then walked.
    let mut starts = [0u32; BLOCK];
    let mut after_word = false;
    for (b, block) in hay.chunks(BLOCK).enumerate() {
        let mut n = 0;
        for (k, &first) in block.iter().enumerate() {
            // `n <= k < BLOCK`: the slot is always there.
            starts[n] = (b * BLOCK + k) as u32;
            n += usize::from(!after_word & (first != b' '));
            after_word = WORD[usize::from(first)];
        }
        for &i in &starts[..n] {
            let i = i as usize;
            if !walk_from(i) {
                continue;
            }
            let limit = hay.len().min(i + MAX_SPAN);
            let (go_on, stop) = walk(table, hay, i, limit, &mut |pid, end| {
                sink.push(pid, i, end, out)
            });
            if let Some(slot) = stops.as_deref_mut().and_then(|s| s.get_mut(i)) {
                *slot = stop as u32;
            }
            if !go_on {
                return false;
            }
        }
    }
    true
}

thread_local! {
    /// The token buffers, reused across streams and messages.
    static TOKENS: std::cell::RefCell<Tokens> = std::cell::RefCell::default();
}

/// [`find_where`] with a token table: the same starts (after a byte that is not a letter
/// or digit, never a space), each walked over tokens and, for the parts left to bytes,
/// in the residual byte table; the hits of one start in order of end and pattern.
fn find_tokens(
    table: &TokenTable,
    tokens: &mut Tokens,
    hay: &[u8],
    sink: &mut Sink,
    out: &mut Vec<Hit>,
    walk_from: impl Fn(usize) -> bool,
    mut stops: Option<&mut [u32]>,
) -> bool {
    tokens.read(table, hay);
    // The hits of one start, in a buffer kept from one stream to the next.
    let mut found = std::mem::take(&mut tokens.found);
    let go_on = 'starts: {
        for k in 0..tokens.spans.len() {
            let i = tokens.spans[k].0 as usize;
            let first = hay[i];
            if first == b' ' || (i > 0 && WORD[usize::from(hay[i - 1])]) || !walk_from(i) {
                continue;
            }
            let limit = hay.len().min(i + MAX_SPAN);
            found.clear();
            let mut collect = |pid: u32, end: usize| {
                found.push((end, pid));
                found.len() < MAX_HITS
            };
            let (mut go_on, mut stop) = tokens.walk(hay, k, limit, &mut collect);
            if let Some(residual) = table
                .residual
                .as_ref()
                .filter(|_| table.residual_reads(first))
            {
                let (more, s) = walk(residual, hay, i, limit, &mut |pid, end| {
                    collect(table.residual_pid(pid), end)
                });
                go_on &= more;
                stop = stop.max(s);
            }
            if found.len() > 1 {
                found.sort_unstable();
                found.dedup();
            }
            for &(end, pid) in &found {
                go_on &= sink.push(pid, i, end, out);
                if !go_on {
                    break;
                }
            }
            if let Some(slot) = stops.as_deref_mut().and_then(|s| s.get_mut(i)) {
                *slot = stop as u32;
            }
            if !go_on {
                break 'starts false;
            }
        }
        true
    };
    tokens.found = found;
    go_on
}

/// Where the hits of one stream go: spans mapped to the original text, each pattern's
/// repeats counted once the stream has given [`COUNT_FROM`] hits, at most [`MAX_HITS`].
struct Sink<'a> {
    aut: &'a Automata,
    stream: &'a Stream,
    original: &'a str,
    kept: usize,
    /// Per-pattern counts, allocated only once a text has given [`COUNT_FROM`] hits.
    counts: Vec<u16>,
}

impl Sink<'_> {
    /// Keeps one hit; `false` once [`MAX_HITS`] are kept.
    fn push(&mut self, pid: u32, start: usize, end: usize, out: &mut Vec<Hit>) -> bool {
        if let Some(&(rule, part)) = self.aut.rules.get(pid as usize) {
            if self.kept >= COUNT_FROM {
                if self.counts.is_empty() {
                    self.counts.resize(self.aut.rules.len(), 0);
                }
                let n = &mut self.counts[pid as usize];
                if *n >= MAX_PER_PATTERN {
                    return true;
                }
                *n += 1;
            }
            let (start, end) = self.stream.original_span(self.original, start, end);
            out.push(Hit {
                rule,
                part,
                start,
                end,
            });
            self.kept += 1;
        }
        self.kept < MAX_HITS
    }
}

/// Bytes of a stream whose word starts are listed at a time (on the stack).
const BLOCK: usize = 256;

/// Bytes that continue a word: after one of them no walk starts.
const WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// Walks `table` over `hay[i..limit]` from a start state, calling `hit(pattern, end)` for
/// every match; `false` as soon as `hit` returns `false`, and where the walk stopped
/// reading (the byte it died on, or `limit`). Kept out of line so that the scan for word
/// starts and the walk each keep their values in registers.
#[inline(never)]
fn walk(
    table: &Table,
    hay: &[u8],
    i: usize,
    limit: usize,
    hit: &mut dyn FnMut(u32, usize) -> bool,
) -> (bool, usize) {
    let mut state = table.start(i == 0);
    let mut rest = hay.get(i..limit).unwrap_or_default();
    while let Some((&b, tail)) = rest.split_first() {
        let Some(next) = table.step(state, b) else {
            return (true, limit - rest.len());
        };
        state = next;
        if state.has_matches() {
            // Matches are reported one byte late: they end before `b`.
            let at = limit - rest.len();
            if !table.matches(state).all(|pid| hit(pid, at)) {
                return (false, at);
            }
        }
        rest = tail;
    }
    let go_on = limit != hay.len() || table.eoi_matches(state).all(|pid| hit(pid, limit));
    (go_on, limit)
}
