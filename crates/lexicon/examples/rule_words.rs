//! Prints how many words the rules spell (`esafety_lexicon::vocab`), then the words, one per
//! line, on stderr: what rejoining split words can make besides the word model's vocabulary.
//! `cargo run --release -p esafety-lexicon --example rule_words -- [DIR] 2>words.txt`
fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "crates/core/data/text".into());
    let lex =
        esafety_lexicon::load_dir(std::path::Path::new(&dir)).unwrap_or_else(|e| panic!("{e:?}"));
    let words = esafety_lexicon::vocab::rule_words(&lex);
    println!("{}", words.len());
    for w in &words {
        eprintln!("{w}");
    }
}
