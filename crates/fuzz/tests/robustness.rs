//! Robustness on stable Rust, without libFuzzer: the classifier and the normaliser on
//! deterministic pseudo-random text (a tiny xorshift generator, no dependencies) and on
//! adversarial inputs of a megabyte and more.
//!
//! Nothing panics and the big inputs finish (no timings are asserted: a quadratic path
//! would show up as this test taking minutes instead of seconds); every input also goes
//! through the same property checks the libFuzzer targets use (`src/lib.rs`).

use esafety::{AgeBand, Classifier, TextVerdict, MAX_INPUT_BYTES};
use esafety_fuzz::{check_normalize_str as check_normalize, check_verdict};

/// xorshift64*: deterministic, good enough to mix pieces of text.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "fuck",
    "shit",
    "kill",
    "yourself",
    "kys",
    "send",
    "nudes",
    "pic",
    "secret",
    "dont",
    "tell",
    "mum",
    "meet",
    "me",
    "scunthorpe",
    "sex",
    "education",
    "never",
    "not",
    "you",
    "ur",
    "childline",
    "help",
    "hate",
    "die",
    "the",
    "a",
    "i",
    "am",
    "going",
    "to",
    "hello",
    "essex",
    "07700",
    "900123",
    "sw1a",
    "1aa",
    "@",
    "me@example.com",
];
const LEET: &[&str] = &[
    "$", "@", "!", "1", "3", "4", "0", "5", "7", "+", "|", "#", "*",
];
const SEPARATORS: &[&str] = &[
    " ", ".", "-", "_", "*", "~", "/", ",", ":", ";", "=", "  ", " - ", "\t", "\n", "\r\n",
];
const EMOJI: &[&str] = &[
    "🔪",
    "🔫",
    "💀",
    "☠",
    "💊",
    "🍑",
    "🍆",
    "👍🏽",
    "👩‍👩‍👧",
    "🏳️‍🌈",
    "❤️",
    "😂",
    "🇬🇧",
    "🧨",
];
const INVISIBLE: &[&str] = &[
    "\u{200B}",
    "\u{200C}",
    "\u{200D}",
    "\u{00AD}",
    "\u{FEFF}",
    "\u{2060}",
    "\u{202E}",
    "\u{FE0F}",
    "\u{E0041}",
];
const COMBINING: &[&str] = &[
    "\u{0301}", "\u{0302}", "\u{0334}", "\u{0336}", "\u{20DD}", "\u{1AB0}", "\u{FE20}",
];
const LOOKALIKE: &[&str] = &[
    "ｆ", "ｕ", "ｃ", "ｋ", "Ｓ", "𝐟", "𝐮", "ⓚ", "а", "е", "о", "р", "с", "у", "х", "і", "Ρ", "Ο",
    "é", "ü", "ß", "ﬁ", "…", "’", "“", "£",
];
const OTHER: &[&str] = &[
    "中",
    "文",
    "ا",
    "ב",
    "ก",
    "\u{0}",
    "\u{7f}",
    "\u{1b}",
    "\u{FFFD}",
    "\u{10FFFF}",
    "'",
    "`",
    "\\",
    "\"",
];

/// One piece of pseudo-random text.
fn piece(rng: &mut Rng, out: &mut String) {
    match rng.below(12) {
        0..=3 => {
            // A word, sometimes upper-cased, with leet symbols or stretched letters.
            let w = rng.pick(WORDS);
            for c in w.chars() {
                match rng.below(10) {
                    0 => out.push_str(rng.pick(LEET)),
                    1 => out.extend(c.to_uppercase()),
                    2 => {
                        for _ in 0..1 + rng.below(8) {
                            out.push(c);
                        }
                    }
                    3 => {
                        out.push(c);
                        out.push_str(rng.pick(INVISIBLE));
                    }
                    _ => out.push(c),
                }
            }
        }
        4 | 5 => out.push_str(rng.pick(SEPARATORS)),
        6 => {
            // A word spelled out with one repeated separator.
            let w = rng.pick(WORDS);
            let sep = rng.pick(SEPARATORS);
            for (i, c) in w.chars().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                out.push(c);
            }
        }
        7 => out.push_str(rng.pick(EMOJI)),
        8 => out.push_str(rng.pick(INVISIBLE)),
        9 => {
            for _ in 0..1 + rng.below(4) {
                out.push_str(rng.pick(COMBINING));
            }
        }
        10 => out.push_str(rng.pick(LOOKALIKE)),
        _ => {
            if rng.below(8) == 0 {
                // A long run of one character.
                let c = rng.pick(&["a", "!", " ", "🔪", "\u{200B}", "f", "."]);
                out.push_str(&c.repeat(50 + rng.below(400)));
            } else {
                out.push_str(rng.pick(OTHER));
            }
        }
    }
}

fn classifiers() -> Vec<Classifier> {
    AgeBand::ALL
        .iter()
        .map(|b| Classifier::builder().age_band(*b).build())
        .collect()
}

#[test]
fn pseudo_random_text() {
    let cs = classifiers();
    let short = Classifier::builder()
        .age_band(AgeBand::Ks3)
        .max_input_bytes(17)
        .unwrap()
        .build();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut text = String::new();
    for i in 0..3000 {
        text.clear();
        for _ in 0..1 + rng.below(24) {
            piece(&mut rng, &mut text);
        }
        check_normalize(&text);
        let c = &cs[i % cs.len()];
        check_verdict(&c.classify(&text), c.age_band(), MAX_INPUT_BYTES, &text);
        if i % 10 == 0 {
            check_verdict(&short.classify(&text), AgeBand::Ks3, 17, &text);
        }
    }
}

#[test]
fn pseudo_random_bytes_as_lossy_utf8() {
    let c = Classifier::new();
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for _ in 0..1000 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        check_normalize(&text);
        check_verdict(&c.classify(&text), AgeBand::Ks2, MAX_INPUT_BYTES, &text);
    }
}

/// Runs one big input through the normaliser and one classifier.
fn big(c: &Classifier, text: &str) -> TextVerdict {
    let v = c.classify(text);
    check_verdict(&v, c.age_band(), MAX_INPUT_BYTES, text);
    v
}

#[test]
fn over_a_mebibyte_of_one_letter_is_truncated() {
    let c = Classifier::new();
    let text = "a".repeat(MAX_INPUT_BYTES + 1);
    let v = big(&c, &text);
    assert!(v.truncated);
    let v = big(&c, &text[..MAX_INPUT_BYTES]);
    assert!(!v.truncated, "exactly the maximum is read whole");
}

#[test]
fn truncation_lands_on_a_char_boundary() {
    let c = Classifier::new();
    // 4-byte characters, so the cut at 1 MiB + 2 must back off to a boundary.
    let text = format!("ab{}", "🔪".repeat(MAX_INPUT_BYTES / 4 + 1));
    let v = big(&c, &text);
    assert!(v.truncated);
}

#[test]
fn a_mebibyte_of_spaced_out_swearing() {
    let c = Classifier::new();
    let text = "f u c k ".repeat(MAX_INPUT_BYTES / 8);
    // Only completion and spans are checked: the joined letters form one long word.
    assert!(!big(&c, &text).truncated);
    assert!(big(&c, &format!("{text}!")).truncated);
}

#[test]
fn alternating_separators() {
    let c = Classifier::new();
    // Single letters whose separators keep changing: no run to join, every letter looks
    // like the start of one.
    let mut text = String::with_capacity(MAX_INPUT_BYTES);
    let seps = [" ", ".", "-", "_", "..", " - ", "*", "~"];
    let mut i = 0;
    while text.len() < MAX_INPUT_BYTES - 8 {
        text.push(if i % 2 == 0 { 'k' } else { 'y' });
        text.push_str(seps[i % seps.len()]);
        i += 1;
    }
    big(&c, &text);
    big(&c, &"a.b-c_d".repeat(MAX_INPUT_BYTES / 7));
}

#[test]
fn a_hundred_thousand_emoji() {
    let c = Classifier::new();
    big(&c, &"🔪".repeat(100_000));
    big(&c, &"👍🏽".repeat(100_000));
    big(&c, &"🔪\u{200B}💀\u{FE0F}".repeat(50_000));
}

#[test]
fn deeply_repeated_phrases() {
    let c = Classifier::new();
    for phrase in [
        "kill yourself ",
        "dont tell your mum, send me a pic ",
        "i would never ever kill myself. ",
        "scunthorpe ",
        "sh!t $h1t 5h17 ",
        "fuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuck ",
        "call 0800 1111 ",
    ] {
        let text = phrase.repeat(MAX_INPUT_BYTES / phrase.len());
        big(&c, &text);
    }
    // Zero-width characters between every letter, and zalgo.
    big(
        &c,
        &"f\u{200B}u\u{200B}c\u{200B}k\u{200B} ".repeat(MAX_INPUT_BYTES / 20),
    );
    big(
        &c,
        &"k\u{0301}\u{0302}\u{0303}i\u{0334}".repeat(MAX_INPUT_BYTES / 12),
    );
}
