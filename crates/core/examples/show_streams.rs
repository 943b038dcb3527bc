//! Prints the normalised streams the rules match for each argument: `words` (leetspeak
//! decoded, spaced letters joined) and `plain` (digits kept). For writing a pattern:
//!
//! ```text
//! cargo run --release -p esafety-core --example show_streams -- "some text" "another"
//! ```
fn main() {
    for text in std::env::args().skip(1) {
        let n = esafety::normalize::normalize(&text);
        println!("{text}");
        println!("  words: {:?}", String::from_utf8_lossy(&n.words.bytes));
        println!("  plain: {:?}", String::from_utf8_lossy(&n.plain.bytes));
    }
}
