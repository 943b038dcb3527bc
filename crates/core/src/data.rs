//! The compiled lexicon: DFAs embedded as aligned bytes and the generated static tables.
//!
//! `build.rs` produces everything in `OUT_DIR` from `data/text`; this module only gives it
//! types. Loading a table is a header check on `'static` memory ([`crate::table`]): no
//! allocation, no parsing of patterns, no validation pass.

use crate::table::Table;
use crate::tokens::TokenTable;
use esafety_taxonomy::{Action, Alert, Category, Severity};

/// What a rule does (see the data README).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RuleKind {
    Risk,
    Allow,
    Help,
}

/// A rule's id or source: a piece of `RULE_STRINGS`, by offset and length (pointers
/// would be 8 bytes each that gzip cannot shrink in the WebAssembly module).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Piece(pub u32, pub u16);

impl Piece {
    pub(crate) fn get(self) -> &'static str {
        let at = self.0 as usize;
        RULE_STRINGS.get(at..at + usize::from(self.1)).unwrap_or("")
    }
}

/// A rule's categories: an index into `CATEGORY_SETS` (each distinct list once).
#[derive(Clone, Copy, Debug)]
pub(crate) struct CatSet(pub u16);

impl CatSet {
    pub(crate) fn get(self) -> &'static [Category] {
        CATEGORY_SETS
            .get(usize::from(self.0))
            .copied()
            .unwrap_or_default()
    }
}

/// One rule of the lexicon as the matcher needs it.
#[derive(Debug)]
pub(crate) struct RuleMeta {
    pub id: Piece,
    pub kind: RuleKind,
    /// Risk: its one category. Allow / help: what it cancels (empty = all).
    pub categories: CatSet,
    pub severity: Severity,
    /// Bit per `AgeBand::index()`.
    pub bands: u8,
    pub negatable: bool,
    /// Allow rules flagged `quote`: they cancel risks inside the text's quotation marks.
    pub quote: bool,
    /// Number of parts (`A ... B` has two): all must match in order, a few words apart.
    pub parts: u8,
    /// `rules/file.tsv:line`.
    pub source: Piece,
}

impl RuleMeta {
    /// A risk rule's one category (the lexicon compiler gives every risk rule exactly one).
    pub fn category(&self) -> Category {
        self.categories.get()[0]
    }
}

/// A place to get help, from `help.tsv`.
#[derive(Debug, PartialEq, Eq, serde::Serialize)]
pub struct HelpRoute {
    /// Stable id (`childline`, `ceop`, …).
    pub id: &'static str,
    pub name: &'static str,
    /// The concerns it serves.
    #[serde(skip)]
    pub categories: &'static [Category],
    /// Inclusive age range the service is for.
    #[serde(skip)]
    pub min_age: u8,
    #[serde(skip)]
    pub max_age: u8,
    /// Least severity for which it is offered (999 only for critical concerns).
    #[serde(skip)]
    pub min_severity: Severity,
    /// Empty when none.
    pub url: &'static str,
    pub phone: &'static str,
    pub sms: &'static str,
    /// One short, kind sentence a child can act on.
    pub summary: &'static str,
    /// Where the contact details were taken from.
    #[serde(skip)]
    pub source: &'static str,
}

/// Action and alert for one (category, severity, band).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cell {
    pub action: Action,
    pub alert: Alert,
}

include!(concat!(env!("OUT_DIR"), "/tables.rs"));
include!(concat!(env!("OUT_DIR"), "/model.rs"));

/// Bytes aligned for `DFA::from_bytes`, which reads the tables in place.
#[repr(C)]
struct Aligned<B: ?Sized> {
    _align: [u32; 0],
    bytes: B,
}

#[cfg(not(feature = "external-lexicon"))]
static WORDS_DFA: &Aligned<[u8]> = &Aligned {
    _align: [],
    bytes: *include_bytes!(concat!(env!("OUT_DIR"), "/words.dfa")),
};
/// The words table given to [`install_lexicon`] (builds with `external-lexicon`).
#[cfg(feature = "external-lexicon")]
static INSTALLED: std::sync::OnceLock<&'static [u8]> = std::sync::OnceLock::new();

/// Whether `bytes` is the embedded words table (whose decoded arrays the build embeds).
#[cfg(all(not(feature = "external-lexicon"), not(target_arch = "wasm32")))]
pub(crate) fn is_builtin_words(bytes: &[u8]) -> bool {
    std::ptr::eq(bytes, &WORDS_DFA.bytes)
}

/// The words table: embedded, or installed at run time (`None` until then).
fn words_bytes() -> Option<&'static [u8]> {
    #[cfg(not(feature = "external-lexicon"))]
    return Some(&WORDS_DFA.bytes);
    #[cfg(feature = "external-lexicon")]
    return INSTALLED.get().copied();
}

/// Whether the lexicon's main table is there. Always, unless the crate is built with the
/// `external-lexicon` feature (the WebAssembly build for the extension, which fetches the
/// 1.5 MB table after the module so that URL decisions need not wait for it); then from
/// [`install_lexicon`] on. Until then text verdicts see only the number and address
/// rules, and a URL decision that judged search terms says so (`text_pending`).
pub fn lexicon_ready() -> bool {
    words_bytes().is_some()
}

/// The digest [`install_lexicon`] compares (xxh3, 64 bits) with the build's own.
pub fn lexicon_digest(table: &[u8]) -> u64 {
    esafety_pack::key_hash(table)
}

/// A lexicon table that is not this build's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexiconMismatch {
    pub expected: u64,
    pub found: u64,
}

impl std::fmt::Display for LexiconMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the lexicon table is not the one this build was compiled with (digest {:#018x}, expected {:#018x})",
            self.found, self.expected
        )
    }
}

impl std::error::Error for LexiconMismatch {}

/// Installs the lexicon's main table (the `words.dfa` the build compiled, as
/// `esafety lexicon compile` writes it) once per process; later calls with the same bytes
/// do nothing. Bytes from another build are refused: the table's pattern ids index this
/// build's rules. In builds that embed the table this only checks the bytes.
pub fn install_lexicon(bytes: Vec<u8>) -> Result<(), LexiconMismatch> {
    let found = lexicon_digest(&bytes);
    if found != WORDS_DIGEST {
        return Err(LexiconMismatch {
            expected: WORDS_DIGEST,
            found,
        });
    }
    #[cfg(feature = "external-lexicon")]
    if INSTALLED.get().is_none() {
        // Kept for the life of the process, like an embedded table.
        let _ = INSTALLED.set(Box::leak(bytes.into_boxed_slice()));
    }
    Ok(())
}

static PLAIN_DFA: &Aligned<[u8]> = &Aligned {
    _align: [],
    bytes: *include_bytes!(concat!(env!("OUT_DIR"), "/plain.dfa")),
};

/// An anchored DFA table and the rule (and part) behind each pattern id.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Automata {
    /// `None` only if there are no rules for this stream (or the table were corrupt).
    pub table: Option<Table>,
    /// The words rules read a token at a time (instead of `table`).
    pub tokens: Option<TokenTable>,
    /// Rule index and part for each pattern id.
    pub rules: &'static [(u32, u8)],
}

impl Automata {
    pub fn words() -> Automata {
        Automata {
            table: None,
            tokens: words_bytes().and_then(TokenTable::load),
            rules: WORDS_RULES,
        }
    }

    pub fn plain() -> Automata {
        Automata {
            table: Table::load(&PLAIN_DFA.bytes),
            tokens: None,
            rules: PLAIN_RULES,
        }
    }

    /// Whether there is a table to match with.
    pub fn loaded(&self) -> bool {
        self.table.is_some() || self.tokens.is_some()
    }
}

/// Total bytes of embedded automata (for the benchmark and docs).
pub fn automata_size() -> usize {
    words_bytes().map_or(0, <[u8]>::len) + PLAIN_DFA.bytes.len()
}

/// Total states of the embedded automata, token nodes included (for the benchmark and
/// docs).
pub fn automata_states() -> usize {
    [Automata::words(), Automata::plain()]
        .iter()
        .map(|a| {
            a.table.map_or(0, |t| t.states())
                + a.tokens
                    .map_or(0, |t| t.nodes() + t.residual.map_or(0, |r| r.states()))
        })
        .sum()
}

/// Help routes for a person of `age` with these concerns (severity per text category) and
/// topics asked about (per text category, how far the routes offered go: medium unless a
/// help rule says more), in `help.tsv` order.
pub(crate) fn help_for(
    age: u8,
    per_cat: &[Severity; 11],
    topics: &[Severity; 11],
) -> Vec<&'static HelpRoute> {
    HELP.iter()
        .filter(|h| h.min_age <= age && age <= h.max_age)
        .filter(|h| {
            h.categories.iter().any(|c| {
                let (sev, topic) = (per_cat[c.index()], topics[c.index()]);
                (sev != Severity::None && sev >= h.min_severity)
                    || (topic != Severity::None && h.min_severity <= topic)
            })
        })
        .collect()
}

/// Every help route, in `help.tsv` order.
pub fn help_routes() -> &'static [HelpRoute] {
    HELP
}

/// Number of rules in the compiled lexicon (the word model's per-category entries aside).
pub fn rule_count() -> usize {
    MODEL_RULES_AT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_builds_table_is_accepted() {
        let own = include_bytes!(concat!(env!("OUT_DIR"), "/words.dfa")).to_vec();
        assert_eq!(lexicon_digest(&own), WORDS_DIGEST);
        let mut other = own.clone();
        let last = other.len() - 1;
        other[last] ^= 1;
        let err = install_lexicon(other).unwrap_err();
        assert_eq!(err.expected, WORDS_DIGEST);
        assert_ne!(err.found, WORDS_DIGEST);
        assert!(err.to_string().contains("not the one this build"));
        assert_eq!(
            install_lexicon(Vec::new()).map_err(|e| e.found),
            Err(lexicon_digest(&[]))
        );
        install_lexicon(own).unwrap();
        assert!(lexicon_ready());
    }
}
