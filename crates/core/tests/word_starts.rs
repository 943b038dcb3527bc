//! A concern is found, with its span, wherever in a text it starts: the matcher lists the
//! word starts of a stream a block of bytes at a time, so starts on and around the block
//! edges (and streams that a stretched word shortens) are tried one offset after another.

use esafety::{AgeBand, Classifier};

const PHRASE: &str = "kill yourself";

fn check(text: &str, at: usize, c: &Classifier) {
    let v = c.classify(text);
    assert!(v.flagged, "not flagged with the phrase at {at}");
    assert!(
        v.matches
            .iter()
            .any(|m| m.start == at && text[m.start..m.end].starts_with("kill")),
        "no match starting at {at}: {:?}",
        v.matches
            .iter()
            .map(|m| (m.start, m.end, &m.text))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_phrase_is_found_at_every_offset_up_to_three_blocks() {
    let c = Classifier::builder().age_band(AgeBand::Ks2).build();
    for at in 1..=800 {
        // Short words before it: no stretched letters, so the words stream keeps every byte.
        let words: String = "ab cd ".repeat(at).chars().take(at - 1).collect();
        let text = format!("{words} {PHRASE}");
        check(&text, at, &c);
        // One long stretched word before it: the squeezed streams are shorter, so their word
        // starts sit at other offsets from the text's.
        let text = format!("{} {PHRASE} ok", "z".repeat(at - 1));
        check(&text, at, &c);
    }
}
