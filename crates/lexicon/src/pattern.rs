//! From a rule's pattern text to the regex HIR that goes into the DFA.
//!
//! Patterns are written plainly ("kill yourself") and made evasion-proof here, once, so
//! that authors never hand-write `k+[i1!]+l+…`:
//! - `{name}` expands a macro (recursively, depth-limited);
//! - `l` also matches `i`, since the normaliser reads both `1` and `!` as `i`; a digit
//!   matches the letter the normaliser decodes it to (`no1` reads `noi`). A censoring star
//!   for a vowel ("f*ck", "k*ll urs*lf") is not written into the patterns: the classifier
//!   also reads a text that has one with each vowel in its place (`esafety::normalize`),
//!   which keeps the automaton about a fifth smaller than a star beside every vowel.
//!   Stretched letters and separator runs are undone by the normaliser, so a space is one
//!   space and a letter one letter;
//! - half word boundaries go at both ends (not preceded / not followed by a letter or
//!   digit), which is what keeps "Scunthorpe" and "assassin" clean.
//!
//! Flags turn parts of this off (`exact`, `nob`).

use crate::error::ErrorKind;
use crate::model::{Flags, Macro};
use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, Hir, HirKind, Look, Repetition};
use std::collections::HashMap;

const MAX_MACRO_DEPTH: usize = 8;

/// Replaces every `{name}` with `(?:expansion)`. `{3}` and `{2,5}` are repetitions and
/// are left alone.
pub fn expand_macros(pattern: &str, macros: &HashMap<&str, &Macro>) -> Result<String, ErrorKind> {
    expand(pattern, macros, 0)
}

fn expand(
    pattern: &str,
    macros: &HashMap<&str, &Macro>,
    depth: usize,
) -> Result<String, ErrorKind> {
    if depth > MAX_MACRO_DEPTH {
        return Err(ErrorKind::BadPattern(
            "macros nest too deeply (a macro uses itself?)".into(),
        ));
    }
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        // An escaped brace is literal.
        if rest[..open].ends_with('\\') {
            out.push_str(&rest[..=open]);
            rest = &rest[open + 1..];
            continue;
        }
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        out.push_str(&rest[..open]);
        let escaped = ["\\b", "\\B", "\\p", "\\P"]
            .iter()
            .any(|e| rest[..open].ends_with(e));
        if escaped || name.bytes().all(|b| b.is_ascii_digit() || b == b',') {
            out.push_str(&rest[open..=open + close]);
        } else {
            let m = macros
                .get(name)
                .ok_or_else(|| ErrorKind::UnknownMacro(name.to_string()))?;
            out.push_str("(?:");
            out.push_str(&expand(&m.expansion, macros, depth + 1)?);
            out.push(')');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Parses an expanded pattern over normalised ASCII text.
pub fn parse(expanded: &str) -> Result<Hir, ErrorKind> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .case_insensitive(false)
        .build()
        .parse(expanded)
        .map_err(|e| ErrorKind::BadPattern(e.to_string()))?;
    if hir.properties().minimum_len() == Some(0) {
        return Err(ErrorKind::BadPattern(
            "the pattern can match empty text".into(),
        ));
    }
    Ok(hir)
}

/// Most letters a character class may hold in a words-stream rule. A broad class such as
/// `[a-z]+` is a word wildcard that multiplies automaton states; gaps are written ` ... `
/// (matched outside the DFA) instead.
pub const MAX_CLASS_LETTERS: usize = 6;

/// Rejects word wildcards (see [`MAX_CLASS_LETTERS`]) and `.`.
fn check_narrow(hir: &Hir) -> Result<(), ErrorKind> {
    match hir.kind() {
        HirKind::Class(c) => {
            let letters = match c {
                Class::Bytes(b) => (b'a'..=b'z')
                    .filter(|x| b.ranges().iter().any(|r| r.start() <= *x && *x <= r.end()))
                    .count(),
                Class::Unicode(u) => (b'a'..=b'z')
                    .filter(|x| {
                        u.ranges()
                            .iter()
                            .any(|r| r.start() <= *x as char && *x as char <= r.end())
                    })
                    .count(),
            };
            if letters > MAX_CLASS_LETTERS {
                return Err(ErrorKind::BadPattern(format!(
                    "a class of {letters} letters (like [a-z] or .) is a word wildcard: write the gap as ' ... ' between parts, or list the words"
                )));
            }
            Ok(())
        }
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().try_for_each(check_narrow),
        HirKind::Repetition(r) => check_narrow(&r.sub),
        HirKind::Capture(c) => check_narrow(&c.sub),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Look(_) => Ok(()),
    }
}

/// Whether some string of `hir`'s language ends (`end`) or begins with a space.
fn edge_space(hir: &Hir, end: bool) -> bool {
    match hir.kind() {
        HirKind::Literal(lit) => {
            let b = if end { lit.0.last() } else { lit.0.first() };
            b == Some(&b' ')
        }
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= b' ' && b' ' <= r.end()),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= ' ' && ' ' <= r.end()),
        HirKind::Concat(v) => {
            let items: Box<dyn Iterator<Item = &Hir>> = if end {
                Box::new(v.iter().rev())
            } else {
                Box::new(v.iter())
            };
            for h in items {
                if edge_space(h, end) {
                    return true;
                }
                if h.properties().minimum_len() != Some(0) {
                    return false;
                }
            }
            false
        }
        HirKind::Alternation(v) => v.iter().any(|h| edge_space(h, end)),
        HirKind::Repetition(r) => r.max != Some(0) && edge_space(&r.sub, end),
        HirKind::Capture(c) => edge_space(&c.sub, end),
        HirKind::Empty | HirKind::Look(_) => false,
    }
}

/// The full treatment: macros, parse, evasion-proofing, word boundaries.
pub fn build(
    pattern: &str,
    flags: Flags,
    macros: &HashMap<&str, &Macro>,
) -> Result<Hir, ErrorKind> {
    let expanded = expand_macros(pattern, macros)?;
    // The streams the rules read are lower-case ASCII: emoji become words (emoji.tsv) and
    // letters fold. A non-ASCII character could never match, and its bytes would widen the
    // automaton's alphabet, and with it every dense row (one emoji: about 90 KiB).
    if let Some(c) = expanded.chars().find(|c| !c.is_ascii()) {
        return Err(ErrorKind::BadPattern(format!(
            "{c:?} is not ASCII: the text rules read is folded to ASCII, and emoji become words (emoji.tsv)"
        )));
    }
    let hir = parse(&expanded)?;
    if !flags.plain {
        check_narrow(&hir)?;
    }
    // A match that begins or ends with a space can never stand between word boundaries:
    // `(my|an) acca (came in|won)?` needs a space after "acca" even when the optional
    // words are absent, so "my acca" at a message's end is never read.
    if !flags.no_boundary && (edge_space(&hir, true) || edge_space(&hir, false)) {
        return Err(ErrorKind::BadPattern(
            "a match can begin or end with a space (an optional group after a space, or a space inside one at an edge): write the space inside the group, `x( y| z)?`".into(),
        ));
    }
    let hir = if flags.exact { hir } else { harden(hir) };
    Ok(if flags.no_boundary {
        hir
    } else {
        Hir::concat(vec![
            Hir::look(Look::WordStartHalfAscii),
            hir,
            Hir::look(Look::WordEndHalfAscii),
        ])
    })
}

fn class(bytes: &[u8]) -> Hir {
    let ranges = bytes.iter().map(|&b| ClassBytesRange::new(b, b));
    Hir::class(Class::Bytes(ClassBytes::new(ranges)))
}

/// Admits `i` for `l` and letters for the digits that decode to them, recursively.
fn harden(hir: Hir) -> Hir {
    map_leaves(
        hir,
        &|lit| Hir::concat(lit.iter().map(|&b| harden_byte(b)).collect()),
        &harden_class,
    )
}

/// `hir` with its literals and byte classes rewritten by `literal` and `class`; the
/// structure (concatenations, alternations, repetitions, looks) kept, captures dropped.
/// Shared by [`harden`] and the token dictionary's marking of class digits.
pub(crate) fn map_leaves(
    hir: Hir,
    literal: &dyn Fn(&[u8]) -> Hir,
    class: &dyn Fn(ClassBytes) -> Hir,
) -> Hir {
    let again = |h: Hir| map_leaves(h, literal, class);
    match hir.into_kind() {
        HirKind::Literal(lit) => literal(&lit.0),
        HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(again).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.into_iter().map(again).collect()),
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            sub: Box::new(again(*rep.sub)),
            ..rep
        }),
        HirKind::Capture(cap) => again(*cap.sub),
        HirKind::Class(Class::Bytes(c)) => class(c),
        HirKind::Class(Class::Unicode(u)) => match u.to_byte_class() {
            Some(c) => class(c),
            None => Hir::class(Class::Unicode(u)),
        },
        HirKind::Look(l) => Hir::look(l),
        HirKind::Empty => Hir::empty(),
    }
}

/// A class with `l` also takes `i`. Digit and punctuation classes are left exact.
fn harden_class(mut c: ClassBytes) -> Hir {
    let has = |c: &ClassBytes, b: u8| c.ranges().iter().any(|r| r.start() <= b && b <= r.end());
    let mut extra = vec![];
    if has(&c, b'l') {
        extra.push(ClassBytesRange::new(b'i', b'i'));
    }
    c.union(&ClassBytes::new(extra));
    Hir::class(Class::Bytes(c))
}

fn harden_byte(b: u8) -> Hir {
    match b {
        b'l' => class(b"li"),
        // Inside words the normaliser decodes these digits ("no1" reads "noi"), so a
        // pattern that spells a word with one must accept the letter too.
        b'0' => class(b"0o"),
        b'1' => class(b"1i"),
        b'3' => class(b"3e"),
        b'4' => class(b"4a"),
        b'5' => class(b"5s"),
        b'7' => class(b"7t"),
        _ => Hir::literal([b]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;
    use regex_automata::meta::Regex;

    fn macros() -> Vec<Macro> {
        let src = Source {
            file: "m".into(),
            line: 1,
        };
        vec![
            Macro {
                name: "you".into(),
                expansion: "you|u|ya".into(),
                source: src.clone(),
            },
            Macro {
                name: "yourself".into(),
                expansion: "{you}rself|urself".into(),
                source: src,
            },
        ]
    }

    fn matcher(pattern: &str, flags: Flags) -> Regex {
        let ms = macros();
        let map: HashMap<&str, &Macro> = ms.iter().map(|m| (m.name.as_str(), m)).collect();
        let hir = build(pattern, flags, &map).unwrap();
        Regex::builder().build_from_hir(&hir).unwrap()
    }

    #[test]
    fn hardened_terms_see_through_evasion() {
        // A star for a vowel is read by the classifier, not by the pattern.
        assert!(!matcher("f(u|a)ck", Flags::default()).is_match("f*ck"));
        assert!(
            matcher("no1", Flags::default()).is_match("noi"),
            "digits in words are decoded"
        );
        assert!(matcher("1488", Flags::default()).is_match("1488"));
        let re = matcher("kill {yourself}", Flags::default());
        for yes in ["kill yourself", "kill urself", "kiii urself"] {
            assert!(re.is_match(yes), "{yes}");
        }
        for no in [
            "skill yourself",
            "kill yourselfie",
            "kil yourself",
            "killyourself",
        ] {
            assert!(!re.is_match(no), "{no}");
        }
        assert!(
            build("go [a-z]+ away", Flags::default(), &HashMap::new()).is_err(),
            "word wildcard"
        );
    }

    #[test]
    fn exact_and_no_boundary() {
        let exact = matcher(
            "ass",
            Flags {
                exact: true,
                ..Flags::default()
            },
        );
        assert!(!exact.is_match("asss"));
        let nob = matcher(
            "ass",
            Flags {
                no_boundary: true,
                ..Flags::default()
            },
        );
        assert!(nob.is_match("assassin"));
        assert!(!matcher("ass", Flags::default()).is_match("assassin"));
    }

    #[test]
    fn macro_errors() {
        let ms = macros();
        let map: HashMap<&str, &Macro> = ms.iter().map(|m| (m.name.as_str(), m)).collect();
        assert_eq!(
            expand_macros("a{nope}", &map),
            Err(ErrorKind::UnknownMacro("nope".into()))
        );
        assert_eq!(expand_macros("a{2,3}", &map).unwrap(), "a{2,3}");
        assert!(build("a?", Flags::default(), &map).is_err());
        assert!(
            build("lol|😂", Flags::default(), &map).is_err(),
            "an emoji is read as its word"
        );
        assert!(
            build("café", Flags::default(), &map).is_err(),
            "accents fold"
        );
    }

    /// A match that can end (or begin) with a space never stands between word boundaries.
    #[test]
    fn a_space_at_a_match_edge_is_refused() {
        let none = HashMap::new();
        let d = Flags::default();
        for bad in [
            "my acca (came in|won)?",
            "(lets|we should)? ?burn it",
            "fatty ?(boom boom)?",
            "(magna|summa)? ?cum laude",
            "saying (to )?|words like",
        ] {
            assert!(build(bad, d, &none).is_err(), "{bad}");
        }
        for good in [
            "my acca( came in| won)?",
            "((lets|we should) )?burn it",
            "fatty( ?boom ?boom)?",
            "(a |an )?knife",
            "kill (you|u)",
        ] {
            assert!(build(good, d, &none).is_ok(), "{good}");
        }
        let nob = Flags {
            no_boundary: true,
            ..Flags::default()
        };
        assert!(
            build("my acca (came in)?", nob, &none).is_ok(),
            "nob: the author's own boundaries"
        );
    }
}
