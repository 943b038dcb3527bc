//! Searches and messages that ask how to kill, stab or poison a person, or how to self-harm
//! without anyone knowing. "how to kill someone and get away with it" and "how to poison
//! someone" were not flagged at all before session 20 (a blind URL set's searches found the
//! gap); the same words about a game, a play or a story stay open. These cases live here
//! rather than in the text corpus because corpus cases also train the word model.

use esafety::{Action, AgeBand, Category, Classifier};

fn classify(band: AgeBand, text: &str) -> esafety::TextVerdict {
    Classifier::builder().age_band(band).build().classify(text)
}

#[test]
fn asking_how_to_harm_a_person_is_violence() {
    for text in [
        "how to kill someone and get away with it",
        "how to poison someone",
        "how to stab someone",
        "how do i stab my brother",
        "best way to strangle somebody",
        "how to hurt someone without getting caught",
        "how to murder my teacher and not get caught",
    ] {
        let v = classify(AgeBand::Ks2, text);
        assert!(
            v.flagged && v.categories.contains(&Category::Violence),
            "{text}: {:?}",
            v.matches
        );
        assert_eq!(v.action, Action::Block, "{text}");
        assert!(
            v.matches
                .iter()
                .any(|m| m.rule.starts_with("violence.search.")),
            "{text}: {:?}",
            v.matches
        );
        // Staff are warned too (a high violence concern).
        assert_eq!(
            classify(AgeBand::Staff, text).action,
            Action::Warn,
            "{text}"
        );
    }
}

#[test]
fn games_plays_and_other_objects_stay_open() {
    for text in [
        "how to kill someone in minecraft",
        "how to kill someone in bedwars",
        "how to stab someone in the play",
        "how to poison someone in a story",
        "how to kill weeds",
        "how to kill a mockingbird essay",
        "how to get away with murder season 2",
        "how to save someone from drowning",
        "how to help someone who is choking",
        "how to hurt someones feelings",
    ] {
        let v = classify(AgeBand::Ks2, text);
        assert!(
            !v.matches
                .iter()
                .any(|m| m.rule.starts_with("violence.search.")),
            "{text}: {:?}",
            v.matches
        );
        assert!(!v.flagged, "{text}: {:?}", v.matches);
    }
}

#[test]
fn self_harm_hidden_from_others_is_read() {
    let v = classify(
        AgeBand::Ks2,
        "best way to cut myself without anyone knowing",
    );
    assert!(
        v.matches
            .iter()
            .any(|m| m.rule == "self_harm.method.cut_hidden"),
        "{:?}",
        v.matches
    );
    assert!(v.categories.contains(&Category::SelfHarm));
}
