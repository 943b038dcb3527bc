//! Rules to DFAs: one automaton for the lexicon (`words`) stream, one for the plain stream.
//!
//! Each DFA is **anchored** and flattened into a compact table ([`crate::table`]). The
//! core starts it at every word start
//! and walks until it dies, collecting every rule that matches from there
//! (`MatchKind::All`). Why not one unanchored DFA scanning once? Because an unanchored DFA
//! has to track every overlapping partial match from every earlier start at once, and for
//! a phrase lexicon (alternations of words) that product explodes: hundreds of MB and
//! minutes of build. Anchored, the states are just the phrase trie; in the table, most
//! states store only the few bytes that continue them. Matches know their start (the word
//! start), so no reverse DFA is needed.
//!
//! The words stream's rules go further: most of each part is read a token at a time
//! ([`crate::tokens`]), a third of the byte table's size with the same matches, and only
//! the parts that cannot be (a repetition without end, `nob` rules) stay in a small byte
//! table inside it. The plain stream's rules (numbers, addresses) stay bytes.
//!
//! Serialized little-endian (wasm32 and x86_64 alike), loaded zero-copy by the core.

use crate::error::{DataError, ErrorKind};
use crate::model::{Lexicon, Rule};
use crate::pattern;
use regex_automata::dfa::{dense, StartKind};
use regex_automata::nfa::thompson;
use regex_automata::MatchKind;
use regex_syntax::hir::Hir;

/// Knobs for building.
#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// Refuse to build a (dense, intermediate) DFA bigger than this many bytes.
    pub size_limit: usize,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            size_limit: 512 << 20,
        }
    }
}

/// An anchored DFA table over one stream, and the rule behind each pattern id.
#[derive(Clone, Debug, Default)]
pub struct Automata {
    /// The plain stream's flattened table ([`crate::table`]), or the words stream's token
    /// table ([`crate::tokens::TokenLexicon::serialise`]); empty when there are no rules.
    pub dfa: Vec<u8>,
    /// `rules[pattern_id]` is an index into [`Lexicon::rules`] and the part of that rule
    /// (rules written `A ... B` have one pattern per part).
    pub rules: Vec<(u32, u8)>,
}

/// The lexicon ready to embed.
#[derive(Clone, Debug)]
pub struct CompiledLexicon {
    pub lexicon: Lexicon,
    /// Rules matched on the leetspeak-decoded stream.
    pub words: Automata,
    /// Rules flagged `plain`: matched on the stream where digits stay digits.
    pub plain: Automata,
    /// Per rule (in `lexicon.rules` order), the bytes of automaton its parts need on
    /// their own: what to look at first when the whole automaton grows.
    pub rule_sizes: Vec<usize>,
}

/// The most parts a rule may have (`A ... B ... C ... D`).
pub const MAX_PARTS: usize = 4;

/// Largest table one rule may need on its own.
pub const RULE_SIZE_LIMIT: usize = 96 * 1024;

/// Splits a pattern on ` ... ` (a gap of up to a few words) into its parts.
pub fn parts(pattern: &str) -> Vec<&str> {
    pattern.split(" ... ").map(str::trim).collect()
}

/// Whether a rule written `A ... B` has a part holding a `|` outside parentheses. Such a
/// `|` chooses within its part only (`x ... y|z` is `x` then `y` or `z`, never `z` alone),
/// which reads like an alternative to the whole rule and has been written as one by
/// mistake; `esafety lexicon check` lists these rules for a second look.
pub fn has_part_level_alternation(pattern: &str) -> bool {
    let parts = parts(pattern);
    parts.len() > 1
        && parts.iter().any(|part| {
            let mut depth = 0i32;
            let mut escaped = false;
            part.chars().any(|c| {
                let top = !escaped && depth == 0 && c == '|';
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                top
            })
        })
}

type Side = (Vec<Hir>, Vec<(u32, u8)>);

/// Builds every pattern and both DFAs. Pattern errors are collected for all rules.
pub fn compile(lexicon: Lexicon, opts: &CompileOptions) -> Result<CompiledLexicon, Vec<DataError>> {
    let macros = lexicon.macro_map();
    let mut errors = Vec::new();
    let mut words: Side = Default::default();
    let mut plain: Side = Default::default();
    // The words side's parts as written, for the token table.
    let mut words_src: Vec<(&str, crate::Flags)> = Vec::new();
    let mut rule_sizes = vec![0; lexicon.rules.len()];
    for (i, rule) in lexicon.rules.iter().enumerate() {
        let ps = parts(&rule.pattern);
        if ps.len() > MAX_PARTS || ps.iter().any(|p| p.is_empty()) {
            errors.push(located(
                rule,
                ErrorKind::BadPattern(format!(
                    "use ' ... ' between 2 to {MAX_PARTS} non-empty parts"
                )),
            ));
            continue;
        }
        for (k, part) in ps.iter().enumerate() {
            match pattern::build(part, rule.flags, &macros) {
                Ok(hir) => {
                    match check_size(&hir, rule, opts) {
                        Ok(n) => rule_sizes[i] += n,
                        Err(e) => {
                            errors.push(e);
                            continue;
                        }
                    }
                    let side = if rule.flags.plain {
                        &mut plain
                    } else {
                        words_src.push((part, rule.flags));
                        &mut words
                    };
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
    let words = build_tokens(words, &words_src, &macros).map_err(|e| vec![e])?;
    let plain = build_side(plain, opts).map_err(|e| vec![e])?;
    Ok(CompiledLexicon {
        lexicon,
        words,
        plain,
        rule_sizes,
    })
}

fn build_side((hirs, rules): Side, opts: &CompileOptions) -> Result<Automata, DataError> {
    if hirs.is_empty() {
        return Ok(Automata::default());
    }
    let dfa =
        table_dfa(&hirs, opts).map_err(|e| DataError::new("rules", 0, ErrorKind::Build(e)))?;
    Ok(Automata { dfa, rules })
}

/// Dense rows for the residual table's states this near a start only: its hundred parts
/// are walked rarely past their first bytes, and the rows of depth 3 cost 127 KB raw for
/// no measurable speed.
const RESIDUAL_DENSE_DEPTH: u32 = 3;

/// The words side as a token table ([`crate::tokens`]): the parts that read a token at a
/// time, and a byte table for the rest.
fn build_tokens(
    (hirs, rules): Side,
    src: &[(&str, crate::Flags)],
    macros: &std::collections::HashMap<&str, &crate::Macro>,
) -> Result<Automata, DataError> {
    if hirs.is_empty() {
        return Ok(Automata::default());
    }
    let fail = |e: String| DataError::new("rules", 0, ErrorKind::Build(e));
    let tl = crate::tokens::TokenLexicon::build(
        src.iter()
            .enumerate()
            .map(|(pid, &(part, flags))| (pid as u32, part, flags)),
        macros,
    )
    .map_err(fail)?;
    let residual: Vec<Hir> = tl
        .residual
        .iter()
        .map(|&(pid, _)| hirs[pid as usize].clone())
        .collect();
    let table = if residual.is_empty() {
        Vec::new()
    } else {
        crate::table::flatten_with(
            &build_dfa(&residual, &CompileOptions::default()).map_err(fail)?,
            RESIDUAL_DENSE_DEPTH,
        )
        .map_err(fail)?
    };
    Ok(Automata {
        dfa: tl.serialise(&table).map_err(fail)?,
        rules,
    })
}

/// One rule alone must stay small, so that no single line can bloat the whole automaton.
/// Returns the size it needs.
fn check_size(hir: &Hir, rule: &Rule, opts: &CompileOptions) -> Result<usize, DataError> {
    let size = table_dfa(std::slice::from_ref(hir), opts).map(|d| d.len());
    match size {
        Ok(n) if n <= RULE_SIZE_LIMIT => Ok(n),
        other => Err(located(
            rule,
            ErrorKind::Build(format!(
                "rule {} needs {} of automaton on its own (limit {} KiB): split it at gaps with ' ... ', or split long alternations into several rules",
                rule.id,
                match other {
                    Ok(n) => format!("{} KiB", n / 1024),
                    Err(e) => e,
                },
                RULE_SIZE_LIMIT / 1024
            )),
        )),
    }
}

fn located(rule: &Rule, kind: ErrorKind) -> DataError {
    DataError::new(&rule.source.file, rule.source.line, kind)
}

fn table_dfa(hirs: &[Hir], opts: &CompileOptions) -> Result<Vec<u8>, String> {
    crate::table::flatten(&build_dfa(hirs, opts)?)
}

/// The dense DFA a table is flattened from: anchored, every pattern that matches
/// (`MatchKind::All`), byte classes. Public for tools that compare other designs with it.
pub fn build_dfa(hirs: &[Hir], opts: &CompileOptions) -> Result<dense::DFA<Vec<u32>>, String> {
    let nfa = thompson::Compiler::new()
        .configure(thompson::Config::new().which_captures(thompson::WhichCaptures::None))
        .build_many_from_hir(hirs)
        .map_err(|e| e.to_string())?;
    let config = dense::Config::new()
        .match_kind(MatchKind::All)
        .start_kind(StartKind::Anchored)
        .byte_classes(true)
        .dfa_size_limit(Some(opts.size_limit))
        .determinize_size_limit(Some(opts.size_limit));
    dense::Builder::new()
        .configure(config)
        .build_from_nfa(&nfa)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_alternations_that_choose_within_a_part() {
        assert!(has_part_level_alternation("a ... b|c"));
        assert!(has_part_level_alternation("a|b ... c"));
        assert!(!has_part_level_alternation("a ... (b|c)"));
        assert!(!has_part_level_alternation("(a|b) (c|d) ... e"));
        assert!(
            !has_part_level_alternation("a|b|c"),
            "one part: an ordinary alternation"
        );
        assert!(!has_part_level_alternation("a ... b\\|c"), "an escaped bar");
    }
}
