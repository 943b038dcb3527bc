//! Reads, checks and compiles esafety's text lexicon.
//!
//! The lexicon is a folder of reviewable text files (see `crates/core/data/text/README.md`):
//! rules (term or pattern, category, severity, age bands, flags, note), macros, emoji
//! meanings, look-alike letters, help routes and the per-band action policy. Schools and
//! reviewers edit those files; nobody edits generated code.
//!
//! This crate turns the folder into:
//! - anchored DFAs (for the lexicon stream and for the personal-information stream),
//!   flattened into compact little-endian tables ([`table`]) that the core reads in place;
//! - Rust source for the static tables the core needs (rule metadata with file and line,
//!   fold table, emoji table, help routes, policy matrix);
//! - the Public Suffix List as a label trie ([`psl`]).
//!
//! It runs at build time (from the core's `build.rs`) and from the CLI's `lexicon check`, so
//! every error is a typed [`DataError`] naming the file and line, never a panic.
#![forbid(unsafe_code)]

mod codegen;
mod compile;
mod error;
mod fold;
pub mod learned;
mod model;
mod parse;
mod pattern;
pub mod psl;
pub mod table;
pub mod tokens;
pub mod url_data;
pub mod vocab;

pub use codegen::generate_rust;
pub use compile::{
    build_dfa, compile, has_part_level_alternation, parts, Automata, CompileOptions,
    CompiledLexicon, MAX_PARTS, RULE_SIZE_LIMIT,
};

/// Most words allowed between the parts of a rule written `A ... B`.
pub const MAX_GAP_WORDS: usize = 8;
pub use error::{DataError, ErrorKind};
pub use fold::fold_table;
pub use model::{
    Bands, Emoji, Flags, Fold, HelpRoute, Lexicon, Macro, PolicyCell, PolicyRow, Rule, RuleKind,
    Source,
};
pub use parse::{load_dir, parse_files, parse_rules};

/// The regex (HIR) one part of a rule compiles to: macros expanded, parsed, made
/// evasion-proof and given word boundaries, as it goes into the automata. For tools that
/// measure other automaton designs (`examples/token_size`).
pub fn build_pattern(
    part: &str,
    flags: Flags,
    macros: &std::collections::HashMap<&str, &Macro>,
) -> Result<regex_syntax::hir::Hir, ErrorKind> {
    pattern::build(part, flags, macros)
}
pub use url_data::{load_url_dir, parse_url_files, UrlData};
