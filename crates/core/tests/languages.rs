//! Suicide and self-harm written in the languages many UK pupils speak at home, and the
//! Romanian word "cum" (how), which the English rules read as sexual: every "cum ești?"
//! a Romanian-speaking pupil typed was flagged before session 20.

use esafety::{AgeBand, Category, Classifier, Severity};

fn ks2() -> Classifier {
    Classifier::builder().age_band(AgeBand::Ks2).build()
}

#[test]
fn suicide_in_other_languages_is_read() {
    for (text, critical) in [
        ("comment se suicider", true),
        ("cómo suicidarse", true),
        ("como se matar", true),
        ("jak się zabić", true),
        ("cum să mă sinucid", true),
        ("come suicidarsi", true),
        ("wie bringe ich mich um", true),
        ("kaip nusižudyti", true),
        ("nasıl intihar edilir", true),
        ("khudkushi kaise kare", true),
        ("je veux mourir", false),
        ("me quiero morir", false),
        ("quero morrer", false),
        ("chcę umrzeć", false),
        ("vreau să mor", false),
        ("voglio morire", false),
        ("ich will sterben", false),
        ("noriu mirti", false),
        ("ölmek istiyorum", false),
        ("main marna chahta hoon", false),
    ] {
        let v = ks2().classify(text);
        assert!(
            v.flagged && v.categories.contains(&Category::SelfHarm),
            "{text}: {:?}",
            v.matches
        );
        let want = if critical {
            Severity::Critical
        } else {
            Severity::High
        };
        assert_eq!(v.severity, want, "{text}");
    }
}

#[test]
fn everyday_sentences_in_those_languages_stay_open() {
    for text in [
        "cum ești?",
        "cum a fost la școală azi?",
        "nu știu cum să fac tema la mate",
        "cum te cheamă?",
        "je veux mourir de rire",
        "mă omor de râs",
        "je ne veux pas mourir",
        "ich will nicht sterben",
        "mon grand-père est mort l'année dernière",
        "el perro de mi abuela murió",
        "jak się masz?",
        "chcę iść do parku",
        "quiero ir a la playa",
        "voglio una pizza",
    ] {
        let v = ks2().classify(text);
        assert!(!v.flagged, "{text}: {:?}", v.matches);
    }
}

#[test]
fn english_cum_is_still_read() {
    for text in ["i want to cum", "cum on me"] {
        let v = ks2().classify(text);
        assert!(v.categories.contains(&Category::Sexual), "{text}");
    }
}
