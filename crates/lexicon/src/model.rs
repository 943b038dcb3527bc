//! The lexicon as data: what each file holds once read and checked.

use esafety_taxonomy::{Action, AgeBand, Alert, Category, Severity};
use std::fmt;

/// Where an entry came from, for explanations ("grooming.tsv:12").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub file: String,
    pub line: usize,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// What a rule does when it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// A concern: reported as a match with its category and severity.
    Risk,
    /// Innocent context (a place name, "sex education", hyperbole): risk matches of the
    /// listed categories lying inside its span are dropped.
    Allow,
    /// Help-seeking or a helpline mention: never a risk; adds help routes and drops risk
    /// matches of the listed categories inside its span.
    Help,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Risk => "risk",
            RuleKind::Allow => "allow",
            RuleKind::Help => "help",
        }
    }
}

/// The set of age bands a rule applies to (a bit per [`AgeBand`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bands(pub u8);

impl Bands {
    pub const ALL: Bands = Bands((1 << 7) - 1);

    pub fn contains(self, band: AgeBand) -> bool {
        self.0 & (1 << band.index()) != 0
    }

    /// Parses `all`, `ks2`, `eyfs-ks2` (inclusive range) or `ks3+`.
    pub fn parse(s: &str) -> Result<Bands, String> {
        if s == "all" {
            return Ok(Bands::ALL);
        }
        let band = |t: &str| {
            t.parse::<AgeBand>()
                .map_err(|_| format!("{t:?} is not an age band"))
        };
        let (lo, hi) = if let Some(lo) = s.strip_suffix('+') {
            (band(lo)?, AgeBand::Staff)
        } else if let Some((lo, hi)) = s.split_once('-') {
            (band(lo)?, band(hi)?)
        } else {
            let b = band(s)?;
            (b, b)
        };
        if lo > hi {
            return Err(format!("{lo} comes after {hi}"));
        }
        let mut mask = 0u8;
        for b in AgeBand::ALL.iter().filter(|b| **b >= lo && **b <= hi) {
            mask |= 1 << b.index();
        }
        Ok(Bands(mask))
    }
}

/// Per-rule switches (the `flags` column).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// `neg`: a negation just before the match ("never", "don't", "not") cancels it.
    pub negatable: bool,
    /// `plain`: match the plain stream (digits kept as digits; no leetspeak decoding).
    pub plain: bool,
    /// `nob`: do not add word boundaries around the pattern.
    pub no_boundary: bool,
    /// `exact`: the pattern is used as written (no stars for vowels, no `i` for `l`).
    pub exact: bool,
    /// `quote` (allow rules): the rule frames a quotation — "a groomer might say '…'",
    /// "people who say '…' are not your friends" — and cancels risks inside the message's
    /// quotation marks, not only inside its own span (see `crates/core/src/quotes.rs`).
    pub quote: bool,
}

impl Flags {
    pub fn parse(s: &str) -> Result<Flags, String> {
        let mut f = Flags::default();
        if s == "-" {
            return Ok(f);
        }
        for flag in s.split(',') {
            match flag.trim() {
                "neg" => f.negatable = true,
                "plain" => f.plain = true,
                "nob" => f.no_boundary = true,
                "exact" => f.exact = true,
                "quote" => f.quote = true,
                other => {
                    return Err(format!(
                        "unknown flag {other:?} (neg, plain, nob, exact, quote)"
                    ))
                }
            }
        }
        Ok(f)
    }
}

/// One line of a rules file.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub kind: RuleKind,
    /// Risk: exactly one. Allow / help: the categories they cancel; empty means all.
    pub categories: Vec<Category>,
    /// `None` for allow rules; for help rules `None` (the default, medium) or how far the
    /// help routes offered for its topics go.
    pub severity: Severity,
    pub bands: Bands,
    pub flags: Flags,
    pub pattern: String,
    pub note: String,
    pub source: Source,
}

/// A named piece of pattern, used as `{name}`.
#[derive(Clone, Debug)]
pub struct Macro {
    pub name: String,
    pub expansion: String,
    pub source: Source,
}

/// An emoji and the word it stands for in the normalised text.
#[derive(Clone, Debug)]
pub struct Emoji {
    pub emoji: char,
    pub token: String,
    pub source: Source,
}

/// A misspelt word and the word it is read as (`respell.tsv`).
#[derive(Clone, Debug)]
pub struct Respelling {
    pub from: String,
    pub to: String,
}

/// A character folded to ASCII letters (look-alikes from other scripts, symbols).
#[derive(Clone, Debug)]
pub struct Fold {
    pub ch: char,
    pub ascii: String,
}

/// Where to get help for a concern.
#[derive(Clone, Debug)]
pub struct HelpRoute {
    pub id: String,
    pub name: String,
    pub categories: Vec<Category>,
    /// Inclusive age range the service is for (`0..=255` for everyone).
    pub min_age: u8,
    pub max_age: u8,
    /// The least severity of concern for which this route is shown (999 only when critical).
    pub min_severity: Severity,
    pub url: String,
    pub phone: String,
    pub sms: String,
    /// One short, kind sentence a child can act on.
    pub summary: String,
    /// Where the contact details were checked.
    pub source_ref: String,
    pub source: Source,
}

/// Action and alert for one (category, severity) in every age band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyCell {
    pub action: Action,
    pub alert: Alert,
}

#[derive(Clone, Debug)]
pub struct PolicyRow {
    pub category: Category,
    pub severity: Severity,
    /// Indexed by [`AgeBand::index`].
    pub actions: [Action; 7],
    pub alert: Alert,
    pub source: Source,
}

/// Everything in the data folder, read and checked.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    pub rules: Vec<Rule>,
    pub macros: Vec<Macro>,
    pub emoji: Vec<Emoji>,
    pub folds: Vec<Fold>,
    pub respellings: Vec<Respelling>,
    pub help: Vec<HelpRoute>,
    pub policy: Vec<PolicyRow>,
}

impl Lexicon {
    /// The macros by name, as `{name}` expansion looks them up.
    pub fn macro_map(&self) -> std::collections::HashMap<&str, &Macro> {
        self.macros.iter().map(|m| (m.name.as_str(), m)).collect()
    }
}
