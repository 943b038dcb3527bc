//! Search-box questions: how to kill, stab or poison a person, self-harm without anyone
//! knowing, getting into another's account, finding where someone lives, sexual images of
//! children. "how to kill someone and get away with it", "how to poison someone" and "pics
//! of naked 12 year old girls" were not flagged before session 20 (blind URL sets' searches
//! and the team's own probes found the gaps); the same words about a game, a play, a story,
//! a lesson or one's own account stay open. These cases live here rather than in the text
//! corpus because corpus cases also train the word model (the corpus has one per rule).

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

/// Each search, with the category it must be read as at KS2.
const SEARCHES: [(&str, Category); 17] = [
    ("how to make someone pass out", Category::Violence),
    ("how to break his arm", Category::Violence),
    ("how to get cyanide", Category::Violence),
    ("how to set fire to the school", Category::Violence),
    ("get a machete to attack him", Category::Violence),
    ("how to batter tyler tomorrow", Category::Violence),
    ("will cutting my wrists kill me", Category::SelfHarm),
    ("fastest way to lose 5 kilos in a week", Category::SelfHarm),
    ("self harm methods", Category::SelfHarm),
    ("how do i hack into my exs instagram", Category::Bullying),
    ("how to catfish my ex", Category::Bullying),
    ("how to track someones phone", Category::PersonalInfo),
    ("buying laughing gas", Category::Drugs),
    ("sexy photos of 11 year old girls", Category::Sexual),
    ("nude pictures of underage boys", Category::Sexual),
    (
        "how to convince a 13 year old to send nudes",
        Category::Grooming,
    ),
    ("memes about muslims", Category::Discrimination),
];

#[test]
fn search_box_questions_are_read() {
    for (text, category) in SEARCHES {
        let v = classify(AgeBand::Ks2, text);
        assert!(
            v.flagged && v.categories.contains(&category),
            "{text}: want {category}, got {:?}",
            v.matches
        );
    }
}

#[test]
fn searches_for_sexual_images_of_children_are_blocked_for_everyone() {
    for text in [
        "pics of naked 12 year old girls",
        "naked pictures of little girls",
        "how to get a 12 year old to send pics",
    ] {
        for band in [AgeBand::Ks2, AgeBand::Ks5, AgeBand::Staff] {
            let v = classify(band, text);
            assert_eq!(v.action, Action::Block, "{text} ({band:?})");
            assert_eq!(v.alert, esafety::Alert::Urgent, "{text} ({band:?})");
        }
    }
}

#[test]
fn look_alike_searches_stay_open() {
    for text in [
        "my mum posted pics of me on facebook",
        "pics of 12 year old girls birthday party ideas",
        "haircuts for 10 year old boys",
        "how to get a 12 year old to eat vegetables",
        "how to get my 7 year old to take photos for the school project",
        "how to find my friends house on google maps for the party",
        "how to get into my snapchat account if i forgot my password",
        "how to make a poison potion in minecraft",
        "how to burn down a house in the sims",
        "how to start a fire camping",
        "how to stab a potato with a straw at school",
        "get a knife to cut the cake",
        "buying a smart whip for cream",
        "jokes about teachers",
        "why are racist jokes harmful",
        "we learned why holocaust jokes are hurtful",
        "tips to stop self harm",
        "hair cutting tutorial",
        "how to lose weight healthily for kids",
        "does a paper cut on your wrist hurt",
    ] {
        let v = classify(AgeBand::Ks2, text);
        assert!(!v.flagged, "{text}: {:?}", v.matches);
    }
}

#[test]
fn asking_how_to_get_an_image_taken_down_is_help_with_report_remove() {
    for text in [
        "how to remove a nude image of me online",
        "how do i get my nudes taken down",
    ] {
        let v = classify(AgeBand::Ks2, text);
        assert!(!v.flagged, "{text}: {:?}", v.matches);
        assert!(v.help_seeking, "{text}");
        assert!(
            v.help.iter().any(|h| h.id == "report_remove"),
            "{text}: {:?}",
            v.help.iter().map(|h| h.id).collect::<Vec<_>>()
        );
    }
    // Telling that an image was shared is a concern the DSL hears of, with the same help.
    let v = classify(
        AgeBand::Ks2,
        "someone posted a nude of me how do i get it removed",
    );
    assert!(v.flagged && v.categories.contains(&Category::Sexual));
    assert!(v.help.iter().any(|h| h.id == "report_remove"));
}
