//! The compiled lexicon: DFAs embedded as aligned bytes and the generated static tables.
//!
//! `build.rs` produces everything in `OUT_DIR` from `data/text`; this module only gives it
//! types. Loading is `sparse::DFA::from_bytes` on `'static` memory: a header check and a
//! validation of the transitions, no allocation, no parsing of patterns. The validation
//! is done once per process and shared by every classifier.

use esafety_taxonomy::{Action, Alert, Category, Severity};
use regex_automata::dfa::sparse::DFA;
use std::sync::OnceLock;

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

/// An anchored sparse DFA and the rule (and part) behind each pattern id.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Automata {
    pub dfa: Option<&'static DFA<&'static [u8]>>,
    /// Rule index and part for each pattern id.
    pub rules: &'static [(u32, u8)],
}

fn load(
    bytes: &'static [u8],
    cell: &'static OnceLock<Option<DFA<&'static [u8]>>>,
) -> Option<&'static DFA<&'static [u8]>> {
    cell.get_or_init(|| {
        if bytes.is_empty() {
            return None;
        }
        // Written by the same regex-automata version in build.rs and embedded, so it cannot
        // be invalid; if it somehow were, classifying with no rules is the safe failure.
        DFA::from_bytes(bytes).ok().map(|(dfa, _)| dfa)
    })
    .as_ref()
}

impl Automata {
    pub fn words() -> Automata {
        static CELL: OnceLock<Option<DFA<&'static [u8]>>> = OnceLock::new();
        Automata {
            dfa: load(&WORDS_DFA.bytes, &CELL),
            rules: WORDS_RULES,
        }
    }

    pub fn plain() -> Automata {
        static CELL: OnceLock<Option<DFA<&'static [u8]>>> = OnceLock::new();
        Automata {
            dfa: load(&PLAIN_DFA.bytes, &CELL),
            rules: PLAIN_RULES,
        }
    }
}

/// Total bytes of embedded automata (for the benchmark and docs).
pub fn automata_size() -> usize {
    WORDS_DFA.bytes.len() + PLAIN_DFA.bytes.len()
}

/// Every help route, in `help.tsv` order.
pub fn help_routes() -> &'static [HelpRoute] {
    HELP
}

/// Number of rules in the compiled lexicon.
pub fn rule_count() -> usize {
    RULES.len()
}
