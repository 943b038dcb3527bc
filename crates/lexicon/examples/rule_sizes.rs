//! Prints the forward-DFA size of each rule compiled alone, largest first: the rules
//! that make the shared automaton big. `cargo run --release -p esafety-lexicon --example rule_sizes -- DIR`
use esafety_lexicon::{compile, load_dir, CompileOptions, Lexicon};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "crates/core/data/text".into());
    let lex = load_dir(std::path::Path::new(&dir)).unwrap_or_else(|e| panic!("{e:?}"));
    let mut sizes = Vec::new();
    for r in &lex.rules {
        let one = Lexicon {
            rules: vec![r.clone()],
            ..lex.clone()
        };
        match compile(one, &CompileOptions::default()) {
            Ok(c) => sizes.push((
                c.words.dfa.len() + c.plain.dfa.len(),
                r.id.clone(),
                r.source.to_string(),
            )),
            Err(e) => println!("{}: {e:?}", r.id),
        }
    }
    sizes.sort();
    for (n, id, src) in sizes.iter().rev().take(30) {
        println!("{:>9} {id} ({src})", n);
    }
}
