//! Rules as phrases of words: a word dictionary and a phrase automaton over word classes.
//!
//! The byte-level lexicon DFA is mostly a trie of phrases, and the same words ("parents",
//! "your", "send") are spelled out again under every rule and every combination of rules
//! that reaches them: some 190,000 states for 1,600 rules. Read a word at a time instead:
//! 1. the **dictionary** is one DFA over the letters of a single word (a run of ASCII letters
//!    and digits), holding every word-shaped piece of every rule (`kill`, `{you}rself`,
//!    `chats?`), so each spelling is stored once however many rules use it. The set of
//!    pieces a whole word matches is its **class**; the classes are found at build time
//!    (every set some word can match), so at run time a word is looked up once and becomes
//!    one class code;
//! 2. the **phrase** DFA reads the text as a string of tokens — a class code (two bytes,
//!    the first with the top bit set) for each word, the other bytes as themselves — so a
//!    rule `{g_dt} {g_ur} {g_par}` is three steps whatever the spellings.
//!
//! A rule converts when its pattern splits into whole words and non-word bytes (a choice
//! glued to letters is multiplied out first); rules without word boundaries (`nob`) match
//! inside words and stay in a small byte-level automaton (the residual).
//!
//! [`convert_pieces`] cuts coarser: only at a pattern's top-level spaces, so a macro used
//! by many rules is one multi-word piece.

use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, Hir, HirKind, Look};
use std::collections::{BTreeSet, HashMap};

/// Why a pattern cannot be read word by word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotWords(pub String);

/// A pattern over tokens. Words are indices into the dictionary's pieces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tokens {
    Empty,
    Word(usize),
    /// Non-word bytes (never an ASCII letter or digit).
    Bytes(ClassBytes),
    Concat(Vec<Tokens>),
    Alt(Vec<Tokens>),
    Rep {
        min: u32,
        max: Option<u32>,
        sub: Box<Tokens>,
    },
}

/// Where a token pattern can start or end with a word, and whether it can be empty.
#[derive(Clone, Copy, Debug)]
struct Shape {
    first_word: bool,
    last_word: bool,
    nullable: bool,
}

impl Tokens {
    fn shape(&self) -> Shape {
        match self {
            Tokens::Empty => Shape {
                first_word: false,
                last_word: false,
                nullable: true,
            },
            Tokens::Word(_) => Shape {
                first_word: true,
                last_word: true,
                nullable: false,
            },
            Tokens::Bytes(_) => Shape {
                first_word: false,
                last_word: false,
                nullable: false,
            },
            Tokens::Concat(items) => {
                let (mut first, mut nullable_so_far) = (false, true);
                for s in items.iter().map(Tokens::shape) {
                    first |= nullable_so_far && s.first_word;
                    nullable_so_far &= s.nullable;
                }
                let (mut last, mut nullable_after) = (false, true);
                for s in items.iter().rev().map(Tokens::shape) {
                    last |= nullable_after && s.last_word;
                    nullable_after &= s.nullable;
                }
                Shape {
                    first_word: first,
                    last_word: last,
                    nullable: nullable_so_far,
                }
            }
            Tokens::Alt(subs) => subs.iter().map(Tokens::shape).fold(
                Shape {
                    first_word: false,
                    last_word: false,
                    nullable: false,
                },
                |a, s| Shape {
                    first_word: a.first_word | s.first_word,
                    last_word: a.last_word | s.last_word,
                    nullable: a.nullable | s.nullable,
                },
            ),
            Tokens::Rep { min, sub, .. } => {
                let s = sub.shape();
                Shape {
                    nullable: s.nullable || *min == 0,
                    ..s
                }
            }
        }
    }
}

/// The word-shaped pieces of all converted patterns, each stored once.
#[derive(Clone, Debug, Default)]
pub struct Dictionary {
    /// Each piece as a regex over the letters of one word.
    pub pieces: Vec<Hir>,
    index: HashMap<String, usize>,
}

impl Dictionary {
    fn intern(&mut self, hir: Hir) -> usize {
        let key = hir.to_string();
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        self.pieces.push(hir);
        self.index.insert(key, self.pieces.len() - 1);
        self.pieces.len() - 1
    }
}

const fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn class_bytes(c: &Class) -> Option<ClassBytes> {
    match c {
        Class::Bytes(b) => Some(b.clone()),
        Class::Unicode(u) => u.to_byte_class(),
    }
}

/// Whether every byte `hir` can match is a letter or digit (true for the empty match).
fn word_only(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty => true,
        HirKind::Literal(l) => l.0.iter().all(|&b| is_word_byte(b)),
        HirKind::Class(c) => class_bytes(c).is_some_and(|c| {
            c.ranges()
                .iter()
                .all(|r| (r.start()..=r.end()).all(is_word_byte))
        }),
        HirKind::Look(_) => false,
        HirKind::Repetition(r) => word_only(&r.sub),
        HirKind::Capture(c) => word_only(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().all(word_only),
    }
}

/// Whether no byte `hir` can match is a letter or digit.
fn class_without_words(c: &Class) -> Option<ClassBytes> {
    let c = class_bytes(c)?;
    c.ranges()
        .iter()
        .all(|r| !(r.start()..=r.end()).any(is_word_byte))
        .then_some(c)
}

fn byte_class(b: u8) -> ClassBytes {
    ClassBytes::new([ClassBytesRange::new(b, b)])
}

/// Converts one pattern (as `pattern::build` made it) to tokens, adding its words to `dict`.
pub fn convert(hir: &Hir, no_boundary: bool, dict: &mut Dictionary) -> Result<Tokens, NotWords> {
    if no_boundary {
        return Err(NotWords("matches inside words (nob)".into()));
    }
    let inner = without_bounds(hir);
    let dict_len = dict.pieces.len();
    let out = tokens_of(&inner, dict);
    if out.is_err() {
        // Keep the dictionary to the pieces of converted patterns.
        dict.pieces.truncate(dict_len);
        dict.index.retain(|_, i| *i < dict_len);
    }
    out
}

/// The pattern inside the half word boundaries at both ends, which token boundaries give.
fn without_bounds(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Concat(v)
            if v.len() >= 2
                && v.first().map(Hir::kind) == Some(&HirKind::Look(Look::WordStartHalfAscii))
                && v.last().map(Hir::kind) == Some(&HirKind::Look(Look::WordEndHalfAscii)) =>
        {
            Hir::concat(v[1..v.len() - 1].to_vec())
        }
        _ => hir.clone(),
    }
}

/// Converts one pattern to tokens over **pieces**: the pattern is cut only at the spaces
/// of its top level (and of top-level alternatives), and everything between two such
/// spaces is one piece however many words it spans (`{ill}`, `(mention|tell them about)`).
/// A macro used by many rules is then one piece, stored once.
pub fn convert_pieces(
    hir: &Hir,
    no_boundary: bool,
    dict: &mut Dictionary,
) -> Result<Tokens, NotWords> {
    if no_boundary {
        return Err(NotWords("matches inside words (nob)".into()));
    }
    let inner = without_bounds(hir);
    split_spaces(&inner, dict)
}

fn is_space(h: &Hir) -> bool {
    matches!(h.kind(), HirKind::Literal(l) if l.0.as_ref() == b" ")
}

fn has_top_space(h: &Hir) -> bool {
    let mut items = Vec::new();
    flat(h, &mut items);
    items.iter().any(is_space)
        || matches!(h.kind(), HirKind::Alternation(v) if v.iter().any(has_top_space))
}

fn split_spaces(hir: &Hir, dict: &mut Dictionary) -> Result<Tokens, NotWords> {
    match hir.kind() {
        HirKind::Capture(c) => split_spaces(&c.sub, dict),
        HirKind::Alternation(v) if v.iter().any(has_top_space) => Ok(Tokens::Alt(
            v.iter()
                .map(|h| split_spaces(h, dict))
                .collect::<Result<_, _>>()?,
        )),
        HirKind::Literal(_) | HirKind::Concat(_) if has_top_space(hir) => {
            let mut items = Vec::new();
            flat(hir, &mut items);
            let mut out = Vec::new();
            for (k, run) in items.split(is_space).enumerate() {
                if k > 0 {
                    out.push(Tokens::Bytes(byte_class(b' ')));
                }
                if !run.is_empty() {
                    out.push(piece(&Hir::concat(run.to_vec()), dict)?);
                }
            }
            Ok(Tokens::Concat(out))
        }
        _ => piece(hir, dict),
    }
}

fn piece(hir: &Hir, dict: &mut Dictionary) -> Result<Tokens, NotWords> {
    if hir.properties().minimum_len() != Some(0) {
        return Ok(Tokens::Word(dict.intern(hir.clone())));
    }
    match hir.kind() {
        HirKind::Repetition(r)
            if r.min == 0 && r.max == Some(1) && r.sub.properties().minimum_len() != Some(0) =>
        {
            Ok(Tokens::Rep {
                min: 0,
                max: Some(1),
                sub: Box::new(Tokens::Word(dict.intern((*r.sub).clone()))),
            })
        }
        _ => Err(NotWords(format!("a piece that may be empty: {hir}"))),
    }
}

/// Most alternatives one pattern may grow to when glued choices are multiplied out.
const MAX_EXPANSIONS: usize = 512;

fn tokens_of(hir: &Hir, dict: &mut Dictionary) -> Result<Tokens, NotWords> {
    tokens_within(hir, dict, &mut 0)
}

fn tokens_within(hir: &Hir, dict: &mut Dictionary, budget: &mut usize) -> Result<Tokens, NotWords> {
    if word_only(hir) {
        if matches!(hir.kind(), HirKind::Empty) {
            return Ok(Tokens::Empty);
        }
        if hir.properties().minimum_len() == Some(0) {
            // An optional word (`(ur|your)?`) is a choice of a word or nothing.
            return match hir.kind() {
                HirKind::Repetition(r)
                    if r.min == 0
                        && r.max == Some(1)
                        && r.sub.properties().minimum_len() != Some(0) =>
                {
                    Ok(Tokens::Rep {
                        min: 0,
                        max: Some(1),
                        sub: Box::new(Tokens::Word(dict.intern((*r.sub).clone()))),
                    })
                }
                _ => Err(NotWords(format!("a word that may be empty: {hir}"))),
            };
        }
        return Ok(Tokens::Word(dict.intern(hir.clone())));
    }
    match hir.kind() {
        HirKind::Empty => Ok(Tokens::Empty),
        // A word boundary next to a whole word always holds: words are whole tokens.
        HirKind::Look(Look::WordAscii) => Ok(Tokens::Empty),
        HirKind::Look(l) => Err(NotWords(format!("a look-around inside: {l:?}"))),
        HirKind::Class(c) => class_without_words(c)
            .map(Tokens::Bytes)
            .ok_or_else(|| NotWords(format!("a class of letters and other bytes: {hir}"))),
        HirKind::Capture(c) => tokens_within(&c.sub, dict, budget),
        HirKind::Literal(l) if l.0.len() == 1 => Ok(Tokens::Bytes(byte_class(l.0[0]))),
        HirKind::Literal(_) | HirKind::Concat(_) => {
            let mut items = Vec::new();
            flat(hir, &mut items);
            sequence(&items, dict, budget)
        }
        HirKind::Alternation(v) => {
            // Word-only branches become one piece (`youre|your|ur`), the rest their own.
            let (words, others): (Vec<&Hir>, Vec<&Hir>) = v.iter().partition(|h| word_only(h));
            let mut subs = Vec::new();
            if !words.is_empty() {
                subs.push(tokens_within(
                    &Hir::alternation(words.into_iter().cloned().collect()),
                    dict,
                    budget,
                )?);
            }
            for h in others {
                subs.push(tokens_within(h, dict, budget)?);
            }
            Ok(Tokens::Alt(subs))
        }
        HirKind::Repetition(r) => {
            let sub = tokens_within(&r.sub, dict, budget)?;
            let s = sub.shape();
            if s.first_word && s.last_word && r.max != Some(1) {
                return Err(NotWords(format!("a repeated group glues words: {hir}")));
            }
            Ok(Tokens::Rep {
                min: r.min,
                max: r.max,
                sub: Box::new(sub),
            })
        }
    }
}

/// The items of a concatenation, with literals cut into single bytes (so a word can be cut
/// out of "kill your").
fn flat(hir: &Hir, out: &mut Vec<Hir>) {
    match hir.kind() {
        HirKind::Concat(v) => v.iter().for_each(|h| flat(h, out)),
        HirKind::Literal(l) => out.extend(l.0.iter().map(|&b| Hir::literal([b]))),
        HirKind::Capture(c) => flat(&c.sub, out),
        HirKind::Empty => {}
        _ => out.push(hir.clone()),
    }
}

/// The alternatives of a choice that holds more than letters: an alternation's branches,
/// or nothing and the group of an optional one.
fn choices(hir: &Hir) -> Option<Vec<Hir>> {
    match hir.kind() {
        HirKind::Alternation(v) if !word_only(hir) => Some(v.clone()),
        HirKind::Repetition(r) if r.min == 0 && r.max == Some(1) && !word_only(hir) => {
            Some(vec![Hir::empty(), (*r.sub).clone()])
        }
        _ => None,
    }
}

/// A concatenation: maximal runs of word-only items become one word; no word may touch
/// another across a group that can begin or end with a word. A choice glued to letters
/// (`king ?smith`, `pl(ease |s )`) is multiplied out first (`kingsmith|king smith`).
fn sequence(items: &[Hir], dict: &mut Dictionary, budget: &mut usize) -> Result<Tokens, NotWords> {
    let letters = |h: Option<&Hir>| h.is_some_and(word_only);
    let glued = (0..items.len()).find(|&i| {
        choices(&items[i]).is_some()
            && ((i > 0 && letters(items.get(i - 1))) || letters(items.get(i + 1)))
    });
    if let Some(i) = glued {
        let mut subs = Vec::new();
        for branch in choices(&items[i]).unwrap_or_default() {
            *budget += 1;
            if *budget > MAX_EXPANSIONS {
                return Err(NotWords("too many glued choices to multiply out".into()));
            }
            let mut expanded = items[..i].to_vec();
            flat(&branch, &mut expanded);
            expanded.extend_from_slice(&items[i + 1..]);
            subs.push(sequence(&expanded, dict, budget)?);
        }
        return Ok(Tokens::Alt(subs));
    }
    let mut out: Vec<Tokens> = Vec::new();
    let mut run: Vec<Hir> = Vec::new();
    for item in items {
        if word_only(item) {
            run.push(item.clone());
        } else {
            if !run.is_empty() {
                out.push(tokens_within(
                    &Hir::concat(std::mem::take(&mut run)),
                    dict,
                    budget,
                )?);
            }
            out.push(tokens_within(item, dict, budget)?);
        }
    }
    if !run.is_empty() {
        out.push(tokens_within(&Hir::concat(run), dict, budget)?);
    }
    let mut may_end_in_word = false;
    for t in &out {
        let s = t.shape();
        if may_end_in_word && s.first_word {
            return Err(NotWords(format!(
                "a word touches a group that can begin or end with a word: {}",
                Hir::concat(items.to_vec())
            )));
        }
        may_end_in_word = s.last_word || (s.nullable && may_end_in_word);
    }
    Ok(match out.len() {
        0 => Tokens::Empty,
        1 => out.pop().unwrap_or(Tokens::Empty),
        _ => Tokens::Concat(out),
    })
}

/// The classes of a dictionary: every set of pieces that one whole word can match.
#[derive(Clone, Debug, Default)]
pub struct Classes {
    pub sets: Vec<BTreeSet<u32>>,
    /// `of_piece[p]`: the classes whose set holds piece `p`.
    pub of_piece: Vec<Vec<u32>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(p: &str) -> Result<(Tokens, Vec<String>), NotWords> {
        let hir = esafety_lexicon::build_pattern(p, Default::default(), &HashMap::new()).unwrap();
        let mut d = Dictionary::default();
        let t = convert(&hir, false, &mut d)?;
        Ok((t, d.pieces.iter().map(|h| h.to_string()).collect()))
    }

    #[test]
    fn phrases_split_into_words() {
        let (t, words) = conv("kill (your|ur)self").unwrap();
        assert_eq!(words.len(), 2, "{words:?}");
        assert!(matches!(t, Tokens::Concat(ref v) if v.len() == 3), "{t:?}");
        let (_, words) =
            conv("(best|better) not (to )?(mention|tell (anyone|them) about)").unwrap();
        assert_eq!(words.len(), 7, "{words:?}");
        assert!(conv("chat(s| room)").is_err());
        assert!(conv("9/11").is_ok());
    }
}
