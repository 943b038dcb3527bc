//! The compiled lexicon: DFAs embedded as aligned bytes and the generated static tables.
//!
//! `build.rs` produces everything in `OUT_DIR` from `data/text`; this module only gives it
//! types. Loading a table is a header check on `'static` memory ([`crate::table`]): no
//! allocation, no parsing of patterns, no validation pass.

use crate::table::Table;
use esafety_taxonomy::{Action, Alert, Category, Severity};

/// What a rule does (see the data README).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RuleKind {
    Risk,
    Allow,
    Help,
}

/// One rule of the lexicon as the matcher needs it.
#[derive(Debug)]
pub(crate) struct RuleMeta {
    pub id: &'static str,
    pub kind: RuleKind,
    /// Risk: its one category. Allow / help: what it cancels (empty = all).
    pub categories: &'static [Category],
    pub severity: Severity,
    /// Bit per `AgeBand::index()`.
    pub bands: u8,
    pub negatable: bool,
    /// Number of parts (`A ... B` has two): all must match in order, a few words apart.
    pub parts: usize,
    /// `rules/file.tsv:line`.
    pub source: &'static str,
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

/// Bytes aligned for `DFA::from_bytes`, which reads the tables in place.
#[repr(C)]
struct Aligned<B: ?Sized> {
    _align: [u32; 0],
    bytes: B,
}

static WORDS_DFA: &Aligned<[u8]> = &Aligned {
    _align: [],
    bytes: *include_bytes!(concat!(env!("OUT_DIR"), "/words.dfa")),
};
static PLAIN_DFA: &Aligned<[u8]> = &Aligned {
    _align: [],
    bytes: *include_bytes!(concat!(env!("OUT_DIR"), "/plain.dfa")),
};

/// An anchored DFA table and the rule (and part) behind each pattern id.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Automata {
    /// `None` only if there are no rules for this stream (or the table were corrupt).
    pub table: Option<Table>,
    /// Rule index and part for each pattern id.
    pub rules: &'static [(u32, u8)],
}

impl Automata {
    pub fn words() -> Automata {
        Automata {
            table: Table::load(&WORDS_DFA.bytes),
            rules: WORDS_RULES,
        }
    }

    pub fn plain() -> Automata {
        Automata {
            table: Table::load(&PLAIN_DFA.bytes),
            rules: PLAIN_RULES,
        }
    }
}

/// Total bytes of embedded automata (for the benchmark and docs).
pub fn automata_size() -> usize {
    WORDS_DFA.bytes.len() + PLAIN_DFA.bytes.len()
}

/// Total states of the embedded automata (for the benchmark and docs).
pub fn automata_states() -> usize {
    [Automata::words(), Automata::plain()]
        .iter()
        .filter_map(|a| a.table)
        .map(|t| t.states())
        .sum()
}

/// Help routes for a person of `age` with these concerns (severity per text category) and
/// topics asked about, in `help.tsv` order.
pub(crate) fn help_for(
    age: u8,
    per_cat: &[Severity; 11],
    topics: &[Category],
) -> Vec<&'static HelpRoute> {
    HELP.iter()
        .filter(|h| h.min_age <= age && age <= h.max_age)
        .filter(|h| {
            h.categories.iter().any(|c| {
                let sev = per_cat[c.index()];
                (sev != Severity::None && sev >= h.min_severity)
                    || (topics.contains(c) && h.min_severity <= Severity::Medium)
            })
        })
        .collect()
}

/// Every help route, in `help.tsv` order.
pub fn help_routes() -> &'static [HelpRoute] {
    HELP
}

/// Number of rules in the compiled lexicon.
pub fn rule_count() -> usize {
    RULES.len()
}
