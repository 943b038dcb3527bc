//! A flood of one concern must not hide a different one further on: repeats of a rule are
//! capped once a text has given many hits, so later concerns are still found.

use esafety::{AgeBand, Category, Classifier};

fn ks2() -> Classifier {
    Classifier::builder().age_band(AgeBand::Ks2).build()
}

#[test]
fn grooming_after_a_flood_of_swearing_is_found() {
    let text = format!(
        "{}meet me tonight and dont tell your mum",
        "shit ".repeat(2100)
    );
    let v = ks2().classify(&text);
    assert!(
        v.categories.contains(&Category::Grooming),
        "{:?}",
        v.categories
    );
    assert!(v.categories.contains(&Category::Profanity));
    assert!(!v.truncated);
    let last = v.matches.last().expect("matches");
    assert_eq!(&text[last.start..last.end], &text[last.start..]);
}

#[test]
fn floods_of_several_words_still_leave_room_for_a_late_concern() {
    let flood = "shit damn crap bloody hell idiot loser ".repeat(3000);
    let text = format!("{flood} i want to kill myself");
    let v = ks2().classify(&text);
    assert!(
        v.categories.contains(&Category::SelfHarm),
        "{:?}",
        v.categories
    );
}
