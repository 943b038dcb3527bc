//! "suicide" as pupils misspell it. These cases live here rather than in the text corpus
//! (`tests/corpus/text`), because every corpus case also trains the word model: a handful
//! of misspelt lines there moved the model's verdicts on unrelated blind-set lines at the
//! retrain (session 19), while the rules' `{suicide}` macro is what reads them.

use esafety::{AgeBand, Category, Classifier};

fn ks2() -> Classifier {
    Classifier::builder().age_band(AgeBand::Ks2).build()
}

#[test]
fn misspelt_suicide_is_read_as_suicide() {
    for text in [
        "i want to commit sucide",
        "how to comit suicde",
        "im going to commit suiside tonight",
        "i keep thinking about sucide",
    ] {
        let v = ks2().classify(text);
        assert!(
            v.flagged && v.categories.contains(&Category::SelfHarm),
            "{text}: {:?}",
            v.categories
        );
        // The rules read it, not only the word model: a rule's match covers the word.
        assert!(
            v.matches.iter().any(|m| !m.rule.starts_with("model.")),
            "{text}: {:?}",
            v.matches
        );
    }
}

#[test]
fn misspelt_help_and_lessons_stay_open() {
    for text in [
        "what is the number for a sucide helpline",
        "we learned about sucide prevention in pshe today",
    ] {
        let v = ks2().classify(text);
        assert!(!v.flagged, "{text}: {:?}", v.matches);
    }
}
