//! Builds with `external-lexicon` (the extension's WebAssembly): before the main table is
//! installed, text sees only the number and address rules and URL decisions that judged
//! search terms say so; after, everything is as in a build that embeds it.
//!
//! `cargo test -p esafety-core --features external-lexicon --test external_lexicon`
#![cfg(feature = "external-lexicon")]

use esafety::url::UrlClassifier;
use esafety::{install_lexicon, lexicon_ready, Action, Category, Classifier};

const TABLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/words.dfa"));

// One test: installing is once per process, so the order of the steps matters.
#[test]
fn url_decisions_start_before_the_lexicon_and_text_waits_for_it() {
    let text = Classifier::builder().build();
    let urls = UrlClassifier::builder().build();
    assert!(!lexicon_ready());

    // Number rules are in the binary; word rules are not yet.
    let phone = text.classify("my number is 07700 900123");
    assert!(phone.categories.contains(&Category::PersonalInfo));
    // (The word model is in the binary: it may speak, but no word rule can match yet.)
    let early = text.classify("i want to kill myself");
    assert!(
        early.matches.iter().all(|m| m.rule.starts_with("model.")),
        "{early:?}"
    );

    // Lists, heuristics and SafeSearch need no lexicon; search terms do.
    let adult = urls.classify("https://www.pornhub.com/").unwrap();
    assert_eq!(adult.action, Action::Block);
    assert!(!adult.text_pending);
    let search = urls
        .classify("https://www.google.com/search?q=how+to+kill+myself")
        .unwrap();
    assert!(search.text_pending);
    let carried = urls
        .classify("https://translate.google.com/translate?u=https://www.bing.com/search%3Fq%3Dsend%2Bnudes")
        .unwrap();
    assert!(carried.text_pending, "{carried:?}");

    // A table from another build is refused and changes nothing.
    let mut other = TABLE.to_vec();
    other[0] ^= 0xff;
    assert!(install_lexicon(other).is_err());
    assert!(!lexicon_ready());

    install_lexicon(TABLE.to_vec()).unwrap();
    assert!(lexicon_ready());
    // Classifiers built before read the table from now on.
    let v = text.classify("i want to kill myself");
    assert!(v.flagged && v.categories.contains(&Category::SelfHarm));
    assert!(
        v.matches.iter().any(|m| !m.rule.starts_with("model.")),
        "{v:?}"
    );
    let search = urls
        .classify("https://www.google.com/search?q=how+to+kill+myself")
        .unwrap();
    assert!(!search.text_pending);
    assert!(search.search_query.unwrap().verdict.flagged);
    // Installing again is harmless.
    install_lexicon(TABLE.to_vec()).unwrap();
}
