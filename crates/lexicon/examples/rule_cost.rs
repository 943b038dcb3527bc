//! What each rule costs the shared automata: the whole lexicon is built once with every
//! rule and once without each chosen rule, and the difference in table bytes is printed,
//! largest first. A rule alone (`rule_sizes`) can be small and still multiply the states of
//! others that share its words; this measures the rule where it lives.
//! `cargo run --release -p esafety-lexicon --example rule_cost -- DIR ID_PREFIX...`
//! (rules whose id starts with one of the prefixes; about four seconds a rule).
use esafety_lexicon::{compile, load_dir, CompileOptions, Lexicon};

fn size(lex: Lexicon) -> usize {
    let c = compile(lex, &CompileOptions::default()).unwrap_or_else(|e| panic!("{e:?}"));
    c.words.dfa.len() + c.plain.dfa.len()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "crates/core/data/text".into());
    let prefixes: Vec<String> = args.collect();
    let lex = load_dir(std::path::Path::new(&dir)).unwrap_or_else(|e| panic!("{e:?}"));
    let all = size(lex.clone());
    println!("all {} rules: {all} bytes", lex.rules.len());
    let mut costs = Vec::new();
    for (i, r) in lex.rules.iter().enumerate() {
        if !prefixes.iter().any(|p| r.id.starts_with(p.as_str())) {
            continue;
        }
        let mut rules = lex.rules.clone();
        rules.remove(i);
        let without = size(Lexicon {
            rules,
            ..lex.clone()
        });
        costs.push((
            all as i64 - without as i64,
            r.id.clone(),
            r.source.to_string(),
        ));
    }
    costs.sort();
    for (n, id, src) in costs.iter().rev() {
        println!("{n:>9} {id} ({src})");
    }
}
