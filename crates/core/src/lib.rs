//! esafety's core: an on-device online-safety classifier for schools.
//!
//! [`Classifier`] reads a chat message, search term or piece of page text the way a
//! Designated Safeguarding Lead would and returns a [`TextVerdict`]: whether to warn or
//! block for the pupil's age band, whether to alert the DSL, every concern with its
//! category, severity and byte span in the caller's own text, the rule and data line
//! behind it, and where the pupil can get help.
//!
//! ```
//! use esafety::{AgeBand, Classifier};
//! let c = Classifier::builder().age_band(AgeBand::Ks2).build();
//! let v = c.classify("we won at Scunthorpe today");
//! assert!(!v.flagged);
//! ```
//!
//! # Untrusted input
//! Text comes from pupils and strangers, so every path is linear in the input: the
//! normaliser makes a fixed number of passes, and each walk of the automaton from a word
//! start is bounded by [`MAX_SPAN`] bytes, with at most [`MAX_HITS`] hits kept.
//! Input beyond [`MAX_INPUT_BYTES`] is cut and the verdict says `truncated`. Classifying
//! never fails and never panics; configuration errors are typed ([`ConfigError`]).
//!
//! # No I/O, no clock
//! The lexicon is compiled into DFAs and tables at build time from the reviewable files
//! in `data/text` and embedded; nothing is read or parsed at start-up. The crate has no
//! browser, file, network or time dependency, so the same code runs natively and in
//! WebAssembly.
#![forbid(unsafe_code)]

mod audience;
mod data;
pub mod learned;
mod matcher;
pub mod normalize;
mod quotes;
mod segment;
mod table;
#[cfg(test)]
mod test_rng;
mod text;
mod tokens;
pub mod url;

pub use data::{
    automata_size, automata_states, help_routes, install_lexicon, lexicon_digest, lexicon_ready,
    rule_count, HelpRoute, LexiconMismatch,
};
pub use esafety_pack::{Pack, PackError};
pub use esafety_taxonomy::{
    Action, AgeBand, Alert, Category, Severity, UnknownId, UrlCategory, MAX_AGE,
};
pub use matcher::{MAX_HITS, MAX_SPAN};
pub use text::{Classifier, ClassifierBuilder, ConfigError, Match, TextVerdict, MAX_INPUT_BYTES};
pub use url::{UrlClassifier, UrlClassifierBuilder, UrlDecision, UrlError};
