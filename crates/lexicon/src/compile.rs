//! Rules to DFAs: one automaton pair for the lexicon stream, one for the plain stream.
//!
//! Forward DFAs are unanchored with `MatchKind::All`, so a single pass reports every rule
//! that ends at every position (overlapping matches: a phrase and a word inside it both
//! count). Reverse DFAs are anchored per pattern: from a match's end the core walks back
//! for that one pattern to find where it starts. Both are serialized little-endian
//! (wasm32 and x86_64 alike) and loaded zero-copy by the core.

use crate::error::{DataError, ErrorKind};
use crate::model::{Lexicon, Macro, Rule};
use crate::pattern;
use regex_automata::dfa::{dense, StartKind};
use regex_automata::nfa::thompson;
use regex_automata::MatchKind;
use regex_syntax::hir::Hir;
use std::collections::HashMap;

/// Knobs for building.
#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// Minimise the DFAs (smaller, slower to build).
    pub minimize: bool,
    /// Refuse to build a DFA bigger than this many bytes.
    pub size_limit: usize,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions { minimize: false, size_limit: 64 << 20 }
    }
}

/// A forward and reverse DFA over one stream, and the rule behind each pattern id.
#[derive(Clone, Debug, Default)]
pub struct Automata {
    pub forward: Vec<u8>,
    pub reverse: Vec<u8>,
    /// `rules[pattern_id]` is an index into [`Lexicon::rules`] and the part of that rule
    /// (rules written `A ... B` have one pattern per part).
    pub rules: Vec<(u32, u8)>,
}

/// The most parts a rule may have (`A ... B ... C ... D`).
pub const MAX_PARTS: usize = 4;

/// Splits a pattern on ` ... ` (a gap of up to a few words) into its parts.
pub fn parts(pattern: &str) -> Vec<&str> {
    pattern.split(" ... ").map(str::trim).collect()
}

/// Largest forward DFA one rule may need on its own before the build refuses it.
pub const RULE_SIZE_LIMIT: usize = 512 * 1024;

/// The lexicon ready to embed.
#[derive(Clone, Debug)]
pub struct CompiledLexicon {
    pub lexicon: Lexicon,
    /// Rules matched on the leetspeak-decoded stream.
    pub words: Automata,
    /// Rules flagged `plain`: matched on the stream where digits stay digits.
    pub plain: Automata,
}

/// Builds every pattern and both DFA pairs. Pattern errors are collected for all rules.
pub fn compile(lexicon: Lexicon, opts: &CompileOptions) -> Result<CompiledLexicon, Vec<DataError>> {
    let macros: HashMap<&str, &Macro> = lexicon.macros.iter().map(|m| (m.name.as_str(), m)).collect();
    let mut errors = Vec::new();
    type Side = (Vec<Hir>, Vec<(u32, u8)>);
    let mut words: Side = Default::default();
    let mut plain: Side = Default::default();
    for (i, rule) in lexicon.rules.iter().enumerate() {
        let ps = parts(&rule.pattern);
        if ps.len() > MAX_PARTS || ps.iter().any(|p| p.is_empty()) {
            errors.push(located(rule, ErrorKind::BadPattern(format!("use ' ... ' between 2 to {MAX_PARTS} non-empty parts"))));
            continue;
        }
        for (k, part) in ps.iter().enumerate() {
            match pattern::build(part, rule.flags, &macros) {
                Ok(hir) => {
                    let side = if rule.flags.plain { &mut plain } else { &mut words };
                    side.0.push(hir);
                    side.1.push((i as u32, k as u8));
                }
                Err(kind) => errors.push(located(rule, kind)),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let rules_ref = &lexicon.rules;
    let build = |(hirs, rules): Side| -> Result<Automata, Vec<DataError>> {
        if hirs.is_empty() {
            return Ok(Automata::default());
        }
        let too_big = too_big_rules(&hirs, &rules, rules_ref, opts);
        if !too_big.is_empty() {
            return Err(too_big);
        }
        let forward = dfa(&hirs, false, opts).map_err(|e| vec![e])?;
        let reverse = dfa(&hirs, true, opts).map_err(|e| vec![e])?;
        Ok(Automata { forward, reverse, rules })
    };
    let words = build(words)?;
    let plain = build(plain)?;
    Ok(CompiledLexicon { lexicon, words, plain })
}

/// Every rule shares one DFA, so one rule with a broad gap (`({w} ){0,4}`) can multiply
/// the size of all of them. Each pattern is tried alone with a small budget; those over it
/// are named with the fix.
fn too_big_rules(hirs: &[Hir], ids: &[(u32, u8)], rules: &[Rule], opts: &CompileOptions) -> Vec<DataError> {
    let small = CompileOptions { size_limit: RULE_SIZE_LIMIT, ..opts.clone() };
    let mut errors = Vec::new();
    for (hir, (rule, _)) in hirs.iter().zip(ids) {
        if dfa(std::slice::from_ref(hir), false, &small).is_err() {
            let r = &rules[*rule as usize];
            errors.push(located(
                r,
                ErrorKind::Build(format!(
                    "rule {} needs more than {} KiB of DFA on its own: replace word gaps such as ({{w}} ){{0,4}} with ' ... ' (up to {} words between parts) and trim long alternations",
                    r.id,
                    RULE_SIZE_LIMIT / 1024,
                    crate::MAX_GAP_WORDS
                )),
            ));
        }
    }
    errors
}

fn located(rule: &Rule, kind: ErrorKind) -> DataError {
    DataError::new(&rule.source.file, rule.source.line, kind)
}

fn dfa(hirs: &[Hir], reverse: bool, opts: &CompileOptions) -> Result<Vec<u8>, DataError> {
    let err = |e: String| DataError::new("rules", 0, ErrorKind::Build(e));
    let nfa = thompson::Compiler::new()
        .configure(thompson::Config::new().reverse(reverse).shrink(reverse).which_captures(thompson::WhichCaptures::None))
        .build_many_from_hir(hirs)
        .map_err(|e| err(e.to_string()))?;
    let config = dense::Config::new()
        .match_kind(MatchKind::All)
        .byte_classes(true)
        .minimize(opts.minimize)
        .dfa_size_limit(Some(opts.size_limit))
        .determinize_size_limit(Some(opts.size_limit * 4));
    let config = if reverse {
        config.start_kind(StartKind::Anchored).starts_for_each_pattern(true)
    } else {
        config.start_kind(StartKind::Unanchored)
    };
    let dfa = dense::Builder::new().configure(config).build_from_nfa(&nfa).map_err(|e| err(e.to_string()))?;
    let (bytes, pad) = dfa.to_bytes_little_endian();
    Ok(bytes[pad..].to_vec())
}
