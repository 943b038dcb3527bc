//! Prints the id of every rule each argument matches, before allow rules, negation, age
//! bands and overlaps are applied (the raw matches the corpus test
//! `every_risk_rule_is_exercised` reads). For writing a corpus case that exercises a rule:
//!
//! ```text
//! cargo run --release -p esafety-core --example rules_matched -- "some text" "another"
//! ```
fn main() {
    let c = esafety::Classifier::builder()
        .age_band(esafety::AgeBand::Staff)
        .build();
    for text in std::env::args().skip(1) {
        println!("{text}: {:?}", c.rules_matched(&text));
    }
}
