//! The word model (`crates/core/src/learned.rs`): when it speaks and when it keeps quiet.
//! Its figures on unseen messages are in the README; these tests hold its contract.

use esafety::{AgeBand, Classifier};

fn model_rules(band: AgeBand, text: &str) -> Vec<&'static str> {
    let v = Classifier::builder().age_band(band).build().classify(text);
    v.matches
        .iter()
        .map(|m| m.rule)
        .filter(|r| r.starts_with("model."))
        .collect()
}

#[test]
fn it_finds_a_concern_no_rule_names_and_speaks_over_the_whole_message() {
    // Exclusion in plain words: no rule names it.
    let text = "  we all agreed ur not coming to my party so dont bother asking ";
    let v = Classifier::builder()
        .age_band(AgeBand::Ks2)
        .build()
        .classify(text);
    assert!(v.flagged, "{v:?}");
    let m = &v.matches[0];
    assert_eq!(m.rule, "model.bullying");
    assert_eq!(m.source, "model.tsv");
    assert_eq!(&text[m.start..m.end], text.trim());
}

#[test]
fn it_keeps_quiet_where_a_rule_spoke_or_the_words_are_not_its_own() {
    // A rule found it: the rule's match, not the model's.
    assert!(model_rules(AgeBand::Ks2, "i want to kill myself").is_empty());
    // A rule spoke and a negation cancelled it: that judgement stands.
    let never = Classifier::builder()
        .age_band(AgeBand::Ks2)
        .build()
        .classify("i would never hurt you");
    assert!(!never.flagged, "{never:?}");
    // Help-seeking is the help rules' call.
    let help = Classifier::builder()
        .age_band(AgeBand::Ks2)
        .build()
        .classify("how do i talk to someone about feeling sad all the time");
    assert!(!help.flagged || help.matches.iter().all(|m| !m.rule.starts_with("model.")));
    // Words it never learned: it says nothing.
    assert!(model_rules(AgeBand::Ks2, "zorblax quintessa flurbington marmalade").is_empty());
    assert!(model_rules(AgeBand::Ks2, "").is_empty());
    // It learned KS2 labels and applies up to KS3.
    let text = "we all agreed ur not coming to my party so dont bother asking";
    assert!(!model_rules(AgeBand::Ks3, text).is_empty());
    assert!(model_rules(AgeBand::Ks4, text).is_empty());
    assert!(model_rules(AgeBand::Staff, text).is_empty());
}

#[test]
fn long_and_hostile_text_is_bounded() {
    let long = "ur not coming ".repeat(100_000);
    let v = Classifier::builder()
        .age_band(AgeBand::Ks2)
        .build()
        .classify(&long);
    assert!(v.matches.len() <= esafety::MAX_HITS);
}
