//! Measures a lexicon read a word (or a piece) at a time against today's byte-level DFA.
//!
//! `cargo run --release -p esafety-lexicon --example phrase_size -- [DIR] [--pieces]`
//!
//! The words side is rebuilt as (1) a dictionary: one anchored DFA over the word-shaped
//! pieces of every rule, each stored once, whose end states give a word's *class* (the set
//! of pieces it matches), and (2) a phrase automaton over those classes, determinised here
//! with transitions labelled by pieces ([`phrase_dfa`]), plus a byte-level residual DFA for
//! the rule parts that do not split. It prints the sizes (raw and `gzip -9`) next to the
//! byte-level table's. Not used by the product: a record of what the design would weigh
//! (see the npm README's size section for the figures and the conclusion).

mod phrase;
mod phrase_dfa;

use esafety_lexicon::{build_pattern, compile, load_dir, parts, CompileOptions};
use phrase::{Classes, Dictionary, NotWords, Tokens};
use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::nfa::thompson;
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};
use regex_syntax::hir::{Hir, Look};
use std::collections::BTreeSet;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let by_pieces = args.iter().any(|a| a == "--pieces");
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "crates/core/data/text".into());
    let lex = load_dir(std::path::Path::new(&dir)).unwrap_or_else(|e| panic!("{e:?}"));
    let macros = lex.macro_map();
    let mut dict = Dictionary::default();
    let mut converted: Vec<Tokens> = Vec::new();
    let mut residual: Vec<Hir> = Vec::new();
    let mut why: std::collections::BTreeMap<String, usize> = Default::default();
    for rule in lex.rules.iter().filter(|r| !r.flags.plain) {
        for part in parts(&rule.pattern) {
            let hir = build_pattern(part, rule.flags, &macros).unwrap_or_else(|e| panic!("{e:?}"));
            let got = if by_pieces {
                phrase::convert_pieces(&hir, rule.flags.no_boundary, &mut dict)
            } else {
                phrase::convert(&hir, rule.flags.no_boundary, &mut dict)
            };
            match got {
                Ok(t) => converted.push(t),
                Err(NotWords(w)) => {
                    *why.entry(w.chars().take(50).collect()).or_default() += 1;
                    residual.push(hir);
                }
            }
        }
    }
    // The dictionary: pieces matched whole (a piece of several words ends at a word end).
    let pieces: Vec<Hir> = dict
        .pieces
        .iter()
        .map(|h| {
            if by_pieces {
                Hir::concat(vec![h.clone(), Hir::look(Look::WordEndHalfAscii)])
            } else {
                h.clone()
            }
        })
        .collect();
    let dictionary = dense_dfa(&pieces);
    let sets = end_sets(&dictionary, by_pieces);
    let mut classes = Classes {
        of_piece: vec![Vec::new(); dict.pieces.len()],
        ..Default::default()
    };
    for (c, set) in sets.iter().enumerate() {
        for &p in set {
            classes.of_piece[p as usize].push(c as u32);
        }
        classes
            .sets
            .push(set.iter().copied().collect::<BTreeSet<u32>>());
    }
    let d = phrase_dfa::build(&converted, &classes);
    let (blocks, _) = d.minimised_states();
    let dictionary_table = esafety_lexicon::table::flatten(&dictionary).unwrap();
    let residual_table = if residual.is_empty() {
        Vec::new()
    } else {
        esafety_lexicon::table::flatten(&dense_dfa(&residual)).unwrap()
    };
    let phrase_table = phrase_dfa::encode_estimate(&d);
    let class_members: usize = classes.sets.iter().map(BTreeSet::len).sum();
    println!(
        "{}: {} pieces, {} classes ({} memberships); phrase automaton {} positions, {} states ({} minimised)",
        if by_pieces { "pieces" } else { "words" },
        dict.pieces.len(),
        sets.len(),
        class_members,
        d.positions,
        d.states.len(),
        blocks
    );
    let show =
        |name: &str, b: &[u8]| println!("  {name:<12} {:>9} bytes, {:>8} gzipped", b.len(), gz(b));
    show("dictionary", &dictionary_table);
    show("phrase", &phrase_table);
    show("residual", &residual_table);
    for (w, n) in &why {
        println!("  residual: {n:4}  {w}");
    }
    let words = compile(lex, &CompileOptions::default()).unwrap_or_else(|e| panic!("{e:?}"));
    show("byte-level", &words.words.dfa);
}

fn dense_dfa(hirs: &[Hir]) -> dense::DFA<Vec<u32>> {
    let nfa = thompson::Compiler::new()
        .configure(thompson::Config::new().which_captures(thompson::WhichCaptures::None))
        .build_many_from_hir(hirs)
        .unwrap();
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .match_kind(MatchKind::All)
                .start_kind(StartKind::Anchored)
                .byte_classes(true),
        )
        .build_from_nfa(&nfa)
        .unwrap()
}

/// Every distinct set of patterns that ends at some state: at the end of input, and (for
/// pieces, which end at any word end) just before the next byte.
fn end_sets(dfa: &dense::DFA<Vec<u32>>, with_matches: bool) -> Vec<Vec<u32>> {
    let pids = |s| -> Vec<u32> {
        if !dfa.is_match_state(s) {
            return Vec::new();
        }
        (0..dfa.match_len(s))
            .map(|k| dfa.match_pattern(s, k).as_u32())
            .collect()
    };
    let start = dfa
        .start_state(&start::Config::new().anchored(Anchored::Yes))
        .unwrap();
    let mut seen = std::collections::HashSet::from([start]);
    let mut todo = vec![start];
    let mut sets = Vec::new();
    while let Some(s) = todo.pop() {
        sets.push(pids(dfa.next_eoi_state(s)));
        if with_matches {
            sets.push(pids(s));
        }
        for b in 0..=255u8 {
            let t = dfa.next_state(s, b);
            if !dfa.is_dead_state(t) && seen.insert(t) {
                todo.push(t);
            }
        }
    }
    sets.retain(|s| !s.is_empty());
    sets.sort();
    sets.dedup();
    sets
}

fn gz(b: &[u8]) -> usize {
    let mut c = std::process::Command::new("gzip")
        .arg("-9c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip");
    // Written from another thread: gzip fills its output pipe before it reads all input.
    let mut stdin = c.stdin.take().expect("stdin");
    let data = b.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data).expect("write"));
    let n = c.wait_with_output().expect("gzip output").stdout.len();
    writer.join().expect("writer");
    n
}
