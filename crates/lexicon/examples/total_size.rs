//! Builds the whole lexicon and prints automata sizes and build time.
//! `cargo run --release -p esafety-lexicon --example total_size -- DIR`
use esafety_lexicon::{compile, load_dir, CompileOptions};
use std::time::Instant;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "crates/core/data/text".into());
    let lex = load_dir(std::path::Path::new(&dir)).unwrap_or_else(|e| panic!("{e:?}"));
    let n = lex.rules.len();
    let t = Instant::now();
    match compile(lex, &CompileOptions::default()) {
        Ok(c) => println!(
            "{n} rules: words {} KiB, plain {} KiB, {:.1} s",
            c.words.dfa.len() / 1024,
            c.plain.dfa.len() / 1024,
            t.elapsed().as_secs_f64()
        ),
        Err(e) => println!(
            "{n} rules: {} errors after {:.1} s: {}",
            e.len(),
            t.elapsed().as_secs_f64(),
            e[0]
        ),
    }
}
