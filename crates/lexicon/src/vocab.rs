//! The words the rules spell, for rejoining words split by a space.
//!
//! The core reads "kni fe" as "knife" when together the pieces make a word it knows
//! (`segment::rejoined` in `crates/core`). It knows the word model's vocabulary, which is
//! the words of the project's training messages; words that only the rules name ("vermin",
//! "socialism", "machete") were never rejoined, although a rule stood ready for them. This
//! module lists every whole word a rule's pattern can spell, so the core can know them too.
//!
//! A pattern's language is enumerated piece by piece, never whole: words never cross a
//! space, so a pattern's top-level sequence is cut at its literal spaces and each piece's
//! strings are listed alone (a product of alternatives across a phrase would explode). A
//! repetition is read once or not at all (stretched letters are squeezed before matching),
//! a class wider than [`MAX_CLASS`] bytes breaks the word it is in, and a piece with more
//! than [`MAX_STRINGS`] strings is skipped. Only words of `a`–`z` alone, [`MIN_WORD`] to
//! [`MAX_WORD`] letters, that stand whole (a space or a pattern edge on both sides) are
//! kept: `f\*\*koff` spells no word.

use crate::model::Lexicon;
use crate::pattern;
use regex_syntax::hir::{Class, Hir, HirKind};
use std::collections::BTreeSet;

/// Shortest word kept: rejoining never makes a word of fewer letters.
pub const MIN_WORD: usize = 4;
/// Longest word kept: rejoining never makes a longer one.
pub const MAX_WORD: usize = 16;
/// Most strings one piece of a pattern may enumerate to.
const MAX_STRINGS: usize = 4096;
/// Classes with more bytes than this act as a word break.
const MAX_CLASS: usize = 8;
/// Stands for "not part of a word" in enumerated strings.
const BREAK: u8 = 0;

/// Every whole word of [`MIN_WORD`]..=[`MAX_WORD`] letters some rule's pattern spells, sorted.
pub fn rule_words(lexicon: &Lexicon) -> BTreeSet<String> {
    let macros = lexicon.macro_map();
    let mut words = BTreeSet::new();
    for rule in &lexicon.rules {
        for part in crate::compile::parts(&rule.pattern) {
            let Ok(expanded) = pattern::expand_macros(part, &macros) else {
                continue;
            };
            if let Ok(hir) = pattern::parse(&expanded) {
                words_of(&hir, &mut words);
            }
        }
    }
    words
}

/// Adds the words of one parsed pattern.
fn words_of(hir: &Hir, words: &mut BTreeSet<String>) {
    let mut items = Vec::new();
    flatten(hir, &mut items);
    for piece in items.split(is_space) {
        let Some(strings) = piece
            .iter()
            .try_fold(vec![Vec::new()], |acc, h| product(acc, &language(h)?))
        else {
            continue;
        };
        for s in strings {
            for w in s.split(|&b| b == b' ' || b == BREAK) {
                if (MIN_WORD..=MAX_WORD).contains(&w.len()) && w.iter().all(u8::is_ascii_lowercase)
                {
                    words.insert(String::from_utf8_lossy(w).into_owned());
                }
            }
        }
    }
}

/// A top-level sequence as items, literals cut into single bytes (so that their spaces
/// can cut the sequence).
fn flatten(hir: &Hir, out: &mut Vec<Hir>) {
    match hir.kind() {
        HirKind::Concat(v) => v.iter().for_each(|h| flatten(h, out)),
        HirKind::Capture(c) => flatten(&c.sub, out),
        HirKind::Literal(lit) => out.extend(lit.0.iter().map(|&b| Hir::literal([b]))),
        _ => out.push(hir.clone()),
    }
}

fn is_space(h: &Hir) -> bool {
    matches!(h.kind(), HirKind::Literal(lit) if &*lit.0 == b" ")
}

/// Every pairing of a string of `acc` with one of `next`, or `None` past [`MAX_STRINGS`].
fn product(acc: Vec<Vec<u8>>, next: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if acc.len().saturating_mul(next.len()) > MAX_STRINGS {
        return None;
    }
    Some(
        acc.iter()
            .flat_map(|a| next.iter().map(move |b| [a.as_slice(), b].concat()))
            .collect(),
    )
}

/// The strings one item can match (see the module docs), or `None` past [`MAX_STRINGS`].
fn language(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    Some(match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => vec![Vec::new()],
        HirKind::Literal(lit) => vec![lit.0.to_vec()],
        HirKind::Class(Class::Bytes(c)) => {
            let bytes: Vec<u8> = c.iter().flat_map(|r| r.start()..=r.end()).collect();
            if bytes.len() > MAX_CLASS {
                vec![vec![BREAK]]
            } else {
                bytes.into_iter().map(|b| vec![b]).collect()
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            let chars: Vec<char> = c
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .take(MAX_CLASS + 1)
                .collect();
            if chars.len() > MAX_CLASS || chars.iter().any(|c| !c.is_ascii()) {
                vec![vec![BREAK]]
            } else {
                chars.into_iter().map(|c| vec![c as u8]).collect()
            }
        }
        HirKind::Capture(c) => language(&c.sub)?,
        HirKind::Concat(v) => v
            .iter()
            .try_fold(vec![Vec::new()], |acc, h| product(acc, &language(h)?))?,
        HirKind::Alternation(v) => {
            let mut all = Vec::new();
            for h in v {
                all.extend(language(h)?);
                if all.len() > MAX_STRINGS {
                    return None;
                }
            }
            all
        }
        HirKind::Repetition(r) => {
            let once = language(&r.sub)?;
            if r.min == 0 {
                // ` ?` (an optional space) lets a rule read two words typed as one; those
                // joined spellings are not words to rejoin into.
                let space = once.iter().any(|s| !s.iter().any(u8::is_ascii_lowercase));
                let mut v = vec![if space { vec![BREAK] } else { Vec::new() }];
                v.extend(once);
                v
            } else {
                once
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(pattern: &str) -> Vec<String> {
        let mut set = BTreeSet::new();
        words_of(&pattern::parse(pattern).unwrap(), &mut set);
        set.into_iter().collect()
    }

    #[test]
    fn lists_whole_words_of_alternations_and_phrases() {
        assert_eq!(
            words("(bring|brought) (a |the )?(knife|machete) to school"),
            ["bring", "brought", "knife", "machete", "school"]
        );
        assert_eq!(
            words("(ive been|i have been) cutt?ing"),
            ["been", "cuting", "cutting", "have"]
        );
        assert_eq!(words("kill(ing|s)? (you|u)"), ["kill", "killing", "kills"]);
        assert_eq!(
            words("(some )?knife"),
            ["knife", "some"],
            "an optional word is a word"
        );
        assert_eq!(
            words("them ?to ?the (shed)"),
            ["shed", "them"],
            "an optional space joins nothing"
        );
    }

    #[test]
    fn wide_classes_break_words_and_huge_pieces_are_skipped() {
        assert_eq!(words("abc[a-z]def ever"), ["ever"]);
        assert_eq!(
            words("f\\*\\*k(off)? mate"),
            ["mate"],
            "no word of a censored spelling"
        );
        // Twelve binary choices in one piece: 4,096 strings is the limit, so 2^13 is skipped.
        let huge = "(a|b)".repeat(13);
        assert_eq!(words(&format!("{huge} vermin")), ["vermin"]);
    }
}
