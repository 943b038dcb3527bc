//! Turns what a pupil typed into the text the rules read, remembering where every byte
//! came from.
//!
//! Evasion is undone here, once, so that the lexicon can be written plainly:
//! - case, Unicode compatibility forms (fullwidth, mathematical, circled letters), accents
//!   and ligatures, and look-alike letters from other scripts fold to lower-case ASCII
//!   (the fold table is generated from Unicode data plus `confusables.tsv`);
//! - zero-width and other invisible characters, soft hyphens, variation selectors, skin
//!   tones and combining marks vanish; apostrophes vanish too (`don't` → `dont`);
//! - emoji with a meaning become a word from `emoji.tsv` (`🔪` → ` knife `);
//! - letters spaced out with one repeated separator (`f u c k`, `f.u.c.k`, `f_u_c_k`)
//!   are joined when there are at least three of them; when the run starts or ends with
//!   one-letter words of chat (`u r a w a s t e`), a second words stream reads those apart
//!   (`u r a waste`), since both readings are plausible;
//! - leetspeak and symbols (`4 3 1 0 5 7 @ $ ! | +`) are decoded inside words that also
//!   hold a letter, so `sh!t` and `a$$` read as words while `0800 1111` stays a number;
//! - in the words stream, runs of separators (`kill - yourself`) become one space;
//! - in the plain stream, a phone number spelled out in words (`oh seven seven double
//!   oh …`) becomes its digits;
//! - stretched letters (`fuuuuck`, `asssss`): runs of three or more of one letter are
//!   squeezed to one and to two in two extra readings of the words stream, made only
//!   around such runs ([`stretch_windows`], [`squeeze_range`]; the classifier reads them
//!   again only from the word starts whose first walk reached a run).
//!
//! Two streams come out: `plain` (digits kept, punctuation kept, for phone numbers,
//! postcodes and emails) and `words` (leetspeak decoded, separators folded, for everything
//! else). Each byte of each stream records the byte offset in the original text of the
//! character that produced it, so every match maps back to a span of the caller's text.
//!
//! Work is linear in the input: every pass looks at each byte a bounded number of times.
//! One pass (`Seen`) tells which later passes could change anything; the others are
//! skipped, which is most of them for most chat.

use crate::data::{EMOJI, FOLD, RESPELL, RESPELL_FIRSTS, RESPELL_LENS};

/// Normalised bytes and, for each, the original byte offset of the character behind it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stream {
    /// Lower-case ASCII.
    pub bytes: Vec<u8>,
    /// `starts[i]`: offset in the original text of the character that produced `bytes[i]`.
    pub starts: Vec<u32>,
}

impl Stream {
    /// The original byte span `[start, end)` covered by stream bytes `[s, e)`. A digit
    /// read from a number word (a spelled-out phone number) covers the whole word.
    pub fn original_span(&self, original: &str, s: usize, e: usize) -> (usize, usize) {
        if s >= e || e > self.starts.len() {
            return (0, 0);
        }
        let start = self.starts[s] as usize;
        let last = self.starts[e - 1] as usize;
        let rest = original.get(last..).unwrap_or_default();
        let len = rest.chars().next().map_or(0, char::len_utf8);
        if self.bytes.get(e - 1).is_some_and(u8::is_ascii_digit)
            && rest.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        {
            let word = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            return (start, last + word);
        }
        (start, last + len)
    }

    /// The first stream position whose character starts at or after `offset` (original).
    pub fn position(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| (s as usize) < offset)
    }

    /// Keeps the bytes for which `keep` says so. `keep(r, bytes)` may read `bytes[r]` and
    /// what comes before it as they were: every byte is written (at or before `r`, so
    /// nothing not yet read is overwritten) and the write position moves on only when
    /// the byte is kept, so the loop has no branch a text's letters could mispredict.
    fn retain(&mut self, keep: impl Fn(usize, &[u8]) -> bool) {
        let mut w = 0;
        for r in 0..self.bytes.len().min(self.starts.len()) {
            let kept = keep(r, &self.bytes);
            self.bytes[w] = self.bytes[r];
            self.starts[w] = self.starts[r];
            w += usize::from(kept);
        }
        self.bytes.truncate(w);
        self.starts.truncate(w);
    }
}

/// The two streams the rules read.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    /// Digits stay digits, punctuation stays: for phone numbers, postcodes, emails.
    pub plain: Stream,
    /// Leetspeak decoded inside words, separator runs folded to one space.
    pub words: Stream,
    /// `plain` holds a digit, `@` or `_` (handles such as `owen_the_legend`): only then
    /// can a personal-information rule match.
    pub plain_may_match: bool,
    /// `words` may hold a run of three or more of one letter, so [`squeeze`] may find
    /// something; `false` means it certainly would not.
    pub may_stretch: bool,
    /// `words` holds a censoring star beside a letter (`f*ck`, `k*ll`): the classifier
    /// also reads it with each vowel in the stars' places ([`unstarred`]).
    pub starred: bool,
    /// `words` read with the one-letter words at the edges of a spaced-out run kept apart
    /// (`u r a w a s t e` → `u r a waste`, where `words` has `urawaste`); `None` when no
    /// run has such letters (almost all text).
    pub words_apart: Option<Stream>,
    /// The text has letters spaced out (`f u c k`): `words` may hold words joined from them.
    pub spaced: bool,
}

/// What one pass over the folded bytes saw, so that the passes that could change nothing
/// are skipped (most chat has no digits, no leetspeak and no doubled separators).
#[derive(Clone, Copy, Debug, Default)]
struct Seen {
    digit: bool,
    /// `@` or `_`: an email address or a handle may be there.
    email_or_handle: bool,
    /// A byte that [`decode_leet`] may rewrite.
    leet: bool,
    /// A word separator other than a space.
    separator: bool,
    /// Two word separators in a row.
    separator_run: bool,
    /// Three of one letter in a row.
    letter_run: bool,
    /// A `*` anywhere (whether one stands for a letter is checked only then).
    star: bool,
}

impl Seen {
    /// One branch-free pass. `leet` is exact: a leet byte in a word that also holds a
    /// letter (as [`decode_leet`] reads words), so `call me 0800` is not leetspeak.
    fn of(bytes: &[u8]) -> Seen {
        let mut mask = 0u8;
        let (mut p1, mut p2) = (0u8, 0u8);
        let (mut separator_run, mut letter_run, mut leet) = (false, false, false);
        // Kinds seen in the current word (reset by any byte that is not a word byte).
        let mut word = 0u8;
        for &b in bytes {
            let k = KIND[usize::from(b)];
            mask |= k;
            separator_run |= (k & KIND[usize::from(p1)] & SEPARATOR) != 0;
            letter_run |= (b == p1) & (b == p2) & (k & LETTER != 0);
            word = (word | k) & (0u8.wrapping_sub(u8::from(k & WORD != 0)));
            leet |= word & (LEET | LETTER) == LEET | LETTER;
            (p2, p1) = (p1, b);
        }
        Seen {
            digit: mask & DIGIT != 0,
            email_or_handle: mask & EMAIL_OR_HANDLE != 0,
            leet,
            separator: mask & OTHER_SEPARATOR != 0,
            separator_run,
            letter_run,
            star: mask & STAR != 0,
        }
    }
}

const DIGIT: u8 = 1;
/// `@` or `_`: an email address or a handle, for the plain rules.
const EMAIL_OR_HANDLE: u8 = 2;
const LEET: u8 = 4;
const SEPARATOR: u8 = 8;
const OTHER_SEPARATOR: u8 = 16;
const LETTER: u8 = 32;
const STAR: u8 = 128;
/// A byte that belongs to a word for [`decode_leet`] ([`is_word_byte`]).
const WORD: u8 = 64;

/// Per byte, which of the [`Seen`] kinds it is.
const KIND: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut k = 0;
        if c.is_ascii_digit() {
            k |= DIGIT | LEET;
        }
        if matches!(c, b'@' | b'$' | b'!' | b'|' | b'+' | b'#') {
            k |= LEET;
        }
        if c == b'@' || c == b'_' {
            k |= EMAIL_OR_HANDLE;
        }
        if c.is_ascii_lowercase() {
            k |= LETTER;
        }
        if c == b'*' {
            k |= STAR;
        }
        if is_word_byte(c) {
            k |= WORD;
        }
        if is_word_separator(c) {
            k |= SEPARATOR;
            if c != b' ' {
                k |= OTHER_SEPARATOR;
            }
        }
        t[b] = k;
        b += 1;
    }
    t
};

/// Normalises `text` (which the caller has already cut to the maximum length).
pub fn normalize(text: &str) -> Normalized {
    let mut n = Normalized::default();
    normalize_into(text, &mut n);
    n
}

/// As [`normalize`], reusing the buffers of `n` (the classifier keeps one per thread, so
/// classifying a chat message allocates almost nothing).
pub fn normalize_into(text: &str, n: &mut Normalized) {
    let plain = &mut n.plain;
    plain.bytes.clear();
    plain.starts.clear();
    plain.bytes.reserve(text.len() + 8);
    plain.starts.reserve(text.len() + 8);
    fold(text, plain);
    // Spaced letters are rare; when there are some, keep the unjoined text in case a run
    // can also be read with its one-letter words apart (`u r a w a s t e`).
    let spaced = has_spaced_letters(&plain.bytes);
    n.spaced = spaced;
    let unjoined = spaced.then(|| plain.clone());
    let apart = spaced && join_spaced(plain, false);
    let seen = Seen::of(&plain.bytes);
    if seen.separator_run {
        // Runs of spaces are one space for the plain rules too (`+44  7700  900123`), once
        // spaced letters have used them as word breaks.
        plain.retain(|i, b| !(b[i] == b' ' && i.checked_sub(1).is_some_and(|p| b[p] == b' ')));
    }
    if seen.digit {
        letters_as_digits(&mut plain.bytes);
    }
    words_from(plain, seen, &mut n.words);
    respell(&mut n.words);
    n.words_apart = match unjoined {
        Some(mut alt) if apart => {
            join_spaced(&mut alt, true);
            let seen = Seen::of(&alt.bytes);
            if seen.digit {
                letters_as_digits(&mut alt.bytes);
            }
            let mut words = Stream::default();
            words_from(&alt, seen, &mut words);
            Some(words)
        }
        _ => None,
    };
    // Leetspeak can make a star (`f#ck`), so look at the words themselves then.
    n.starred = (seen.star || seen.leet) && stars(&n.words.bytes).next().is_some();
    let spelled = spelled_numbers(&mut n.plain);
    n.plain_may_match = seen.digit || seen.email_or_handle || spelled;
    // Leetspeak can make a run of one letter from different bytes (`4@a`).
    n.may_stretch = seen.letter_run || seen.leet;
}

/// Common misspellings read as the word meant (`respell.tsv`: `nife` → `knife`, `wead` →
/// `weed`), so that neither the rules nor the word model has to list them. A word is a run
/// of letters; most are turned away by a bit per first letter and per length before a
/// binary search. Each new word keeps the original word's span: its first byte comes from
/// the word's first character, its last from the last, the others from between.
fn respell(words: &mut Stream) {
    let b = &words.bytes;
    let find = |s: usize, e: usize| -> Option<&'static str> {
        let len = e - s;
        if len > 31 || RESPELL_LENS & (1 << len) == 0 || RESPELL_FIRSTS & (1 << (b[s] - b'a')) == 0
        {
            return None;
        }
        RESPELL
            .binary_search_by(|(from, _)| from.as_bytes().cmp(&b[s..e]))
            .ok()
            .map(|i| RESPELL[i].1)
    };
    // Words as (start, end, replacement), found before anything is copied: most texts
    // have none, and then the stream is left as it is.
    let mut found: Vec<(usize, usize, &'static str)> = Vec::new();
    // A word glued to a digit (`sum1`) is a leetspeak word, not a misspelling.
    let glued = |p: Option<&u8>| p.is_some_and(u8::is_ascii_digit);
    for w in esafety_pack::lowercase_runs(b) {
        let (s, e) = (w.start, w.end);
        if !glued(s.checked_sub(1).and_then(|p| b.get(p))) && !glued(b.get(e)) {
            if let Some(to) = find(s, e) {
                found.push((s, e, to));
            }
        }
    }
    if found.is_empty() {
        return;
    }
    let mut out = Stream::default();
    out.bytes.reserve(words.bytes.len() + 8 * found.len());
    out.starts.reserve(words.bytes.len() + 8 * found.len());
    let mut at = 0;
    for (s, e, to) in found {
        out.bytes.extend_from_slice(&words.bytes[at..s]);
        out.starts.extend_from_slice(&words.starts[at..s]);
        let (k, m) = (e - s, to.len());
        for (j, &c) in to.as_bytes().iter().enumerate() {
            out.bytes.push(c);
            let from = if m > 1 { j * (k - 1) / (m - 1) } else { 0 };
            out.starts.push(words.starts[s + from]);
        }
        at = e;
    }
    out.bytes.extend_from_slice(&words.bytes[at..]);
    out.starts.extend_from_slice(&words.starts[at..]);
    *words = out;
}

/// The words stream of `plain`: leetspeak decoded, separator runs folded to one space.
fn words_from(plain: &Stream, seen: Seen, words: &mut Stream) {
    words.bytes.clear();
    words.bytes.extend_from_slice(&plain.bytes);
    if seen.leet {
        decode_leet(&plain.bytes, &mut words.bytes);
    }
    words.starts.clear();
    words.starts.extend_from_slice(&plain.starts);
    // Decoding leetspeak never makes or removes a separator, so the flags of `plain`
    // hold for `words`.
    if seen.separator_run {
        // `&`, not `&&`: separators sit between most words, and a branch on each would be
        // mispredicted about once a word.
        let sep = |b: u8| KIND[usize::from(b)] & SEPARATOR != 0;
        words.retain(|i, b| !(sep(b[i]) & i.checked_sub(1).is_some_and(|p| sep(b[p]))));
    }
    if seen.separator {
        for b in &mut words.bytes {
            *b = if is_word_separator(*b) { b' ' } else { *b };
        }
    }
}

/// Positions of the censoring stars in `words`: a `*` beside a letter.
pub(crate) fn stars(words: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let letter = |i: Option<usize>| {
        i.and_then(|i| words.get(i))
            .is_some_and(u8::is_ascii_lowercase)
    };
    (0..words.len())
        .filter(move |&i| words[i] == b'*' && (letter(i.checked_sub(1)) || letter(Some(i + 1))))
}

/// The parts of `words` a match through a censoring star can lie in: from `reach` bytes
/// before each star to `reach` after it (the longest match), widened to the nearest word
/// breaks (at most 64 bytes further) so that no walk starts or ends inside a word, and
/// merged where they overlap. A long page with one `f*ck` is then read again around it
/// only, not whole.
pub fn star_windows(words: &[u8], reach: usize) -> Vec<std::ops::Range<usize>> {
    windows(words, stars(words).map(|p| p..p + 1), reach)
}

/// Where each run of three or more of one letter starts and ends in `words` (what
/// [`squeeze`] cuts), in order.
pub(crate) fn runs(words: &[u8]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < words.len() {
            let start = i;
            i += 1;
            while words.get(i) == Some(&words[start]) {
                i += 1;
            }
            if words[start].is_ascii_lowercase() && i - start >= 3 {
                return Some(start..i);
            }
        }
        None
    })
}

/// As [`star_windows`], around each run of stretched letters: from `reach` bytes before a
/// run to `reach` after its end, so that every walk that can read a run, read again with
/// the run cut, fits inside (a walk reads at most `reach` bytes of the cut text, and the
/// cut text is shorter).
pub fn stretch_windows(words: &[u8], reach: usize) -> Vec<std::ops::Range<usize>> {
    windows(words, runs(words), reach)
}

fn windows(
    words: &[u8],
    around: impl Iterator<Item = std::ops::Range<usize>>,
    reach: usize,
) -> Vec<std::ops::Range<usize>> {
    let word_break = |i: usize| !words.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for r in around {
        let (p, q) = (r.start, r.end - 1);
        let mut a = p.saturating_sub(reach);
        for _ in 0..64 {
            if a == 0 || word_break(a) {
                break;
            }
            a -= 1;
        }
        let mut b = (q + reach).min(words.len());
        for _ in 0..64 {
            if b >= words.len() || word_break(b) {
                break;
            }
            b += 1;
        }
        match out.last_mut() {
            Some(last) if a <= last.end => last.end = last.end.max(b),
            _ => out.push(a..b),
        }
    }
    out
}

/// `words[range]` with every censoring star read as `vowel` (`f*ck` → `fack`, `feck`, …
/// `fuck`): a star stands for a vowel, and each word is matched on its own, so the five
/// readings between them give every word its own vowel back. Spans are unchanged (one
/// byte for one byte, starts copied). `into` is reused across the five.
pub fn unstarred(words: &Stream, range: std::ops::Range<usize>, vowel: u8, into: &mut Stream) {
    let range = range.start.min(words.bytes.len())..range.end.min(words.bytes.len());
    into.bytes.clear();
    into.bytes.extend_from_slice(&words.bytes[range.clone()]);
    into.starts.clear();
    into.starts.extend_from_slice(&words.starts[range]);
    let stars: Vec<usize> = stars(&into.bytes).collect();
    for i in stars {
        into.bytes[i] = vowel;
    }
}

/// In a number written with look-alike letters (`07700 9OO 111`, `o7700`), reads `o` as
/// 0 and `i`/`l` as 1: a token of digits and only those letters, with at least one digit,
/// when it looks like a number: more digits than letters, or next to a token that does
/// (a separator or three apart). So `9OO` beside `07700` is read `900`, while `4ll` in
/// "i got 4ll of them" stays for leetspeak to read as `all`.
fn letters_as_digits(plain: &mut [u8]) {
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        /// Not a number at all.
        Word,
        /// Digits, or digits with fewer look-alike letters: a number.
        Number,
        /// Digits with as many look-alike letters or more: a number only beside one.
        Maybe,
    }
    // Most words stop at their first letter that is not `o`, `i` or `l`.
    let kind_of = |token: &[u8]| {
        let mut digits = 0;
        for &b in token {
            if b.is_ascii_digit() {
                digits += 1;
            } else if !matches!(b, b'o' | b'i' | b'l') {
                return Kind::Word;
            }
        }
        match digits {
            0 => Kind::Word,
            d if 2 * d > token.len() => Kind::Number,
            _ => Kind::Maybe,
        }
    };
    let as_digits = |token: &mut [u8]| {
        for b in token {
            *b = match *b {
                b'o' => b'0',
                b'i' | b'l' => b'1',
                d => d,
            };
        }
    };
    // One pass, no allocation: the token before is kept, and a `Maybe` waits for the next.
    let mut prev: Option<(usize, usize, Kind)> = None;
    let mut i = 0;
    while let Some((start, end)) = next_token(plain, i) {
        i = end;
        let kind = kind_of(&plain[start..end]);
        let adjacent = prev.is_some_and(|(_, e, _)| {
            start - e <= 3 && plain[e..start].iter().all(|&c| is_separator(c))
        });
        match (kind, prev) {
            (Kind::Number, Some((s, e, Kind::Maybe))) if adjacent => {
                as_digits(&mut plain[s..e]);
            }
            (Kind::Maybe, Some((_, _, Kind::Number))) if adjacent => {
                as_digits(&mut plain[start..end]);
                // Read now; as a number it may also pull in the token after it.
                prev = Some((start, end, Kind::Number));
                continue;
            }
            _ => {}
        }
        if kind == Kind::Number {
            as_digits(&mut plain[start..end]);
        }
        prev = Some((start, end, kind));
    }
}

/// The first run of ASCII letters and digits at or after `i`, as `(start, end)`.
fn next_token(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let start = i + b.get(i..)?.iter().position(u8::is_ascii_alphanumeric)?;
    let len = b[start..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    Some((start, start + len))
}

/// The digits a number word stands for in a spelled-out number (`double` and `triple`
/// repeat the next one), or `None`.
fn number_word(w: &[u8]) -> Option<NumberWord> {
    Some(NumberWord::Digit(match w {
        b"zero" | b"oh" | b"o" | b"nought" | b"nil" => b'0',
        b"one" => b'1',
        b"two" => b'2',
        b"three" => b'3',
        b"four" => b'4',
        b"five" => b'5',
        b"six" => b'6',
        b"seven" => b'7',
        b"eight" => b'8',
        b"nine" => b'9',
        b"double" => return Some(NumberWord::Repeat(2)),
        b"triple" | b"treble" => return Some(NumberWord::Repeat(3)),
        _ => return None,
    }))
}

/// A word of up to eight bytes packed into an integer, for quick comparison.
const fn packed(w: &[u8]) -> u64 {
    let mut v = 0u64;
    let mut i = 0;
    while i < w.len() {
        v = v << 8 | w[i] as u64;
        i += 1;
    }
    v
}

/// Every word [`number_word`] knows, packed.
const NUMBER_WORDS: [u64; 17] = [
    packed(b"zero"),
    packed(b"oh"),
    packed(b"o"),
    packed(b"nought"),
    packed(b"nil"),
    packed(b"one"),
    packed(b"two"),
    packed(b"three"),
    packed(b"four"),
    packed(b"five"),
    packed(b"six"),
    packed(b"seven"),
    packed(b"eight"),
    packed(b"nine"),
    packed(b"double"),
    packed(b"triple"),
    packed(b"treble"),
];

/// Whether the text has two number words at all: the cheap test before
/// [`spelled_numbers`] looks for runs (most text has none).
fn has_two_number_words(b: &[u8]) -> bool {
    let mut found = 0;
    let mut word = 0u64;
    // Letters in the current word, saturating: longer words are not number words.
    let mut len = 0u8;
    let mut end_of_word = |word: u64, len: u8| {
        found += usize::from(len <= 6 && NUMBER_WORDS.contains(&word));
        found >= 2
    };
    for &c in b {
        if c.is_ascii_lowercase() {
            word = word << 8 | u64::from(c);
            len = len.saturating_add(1);
        } else if len > 0 {
            if end_of_word(word, len) {
                return true;
            }
            (word, len) = (0, 0);
        }
    }
    len > 0 && end_of_word(word, len)
}

#[derive(Clone, Copy)]
enum NumberWord {
    Digit(u8),
    Repeat(usize),
}

/// Fewest digits a spelled-out run must give to be read as a number (a phone number has
/// 11; "one two three" is counting, not a number).
const SPELLED_MIN_DIGITS: usize = 7;

/// Reads phone numbers spelled out in words (`oh seven seven double oh nine …`, also mixed
/// with digits) in the plain stream: a run of number words and digit groups, apart only by
/// up to three separators, that gives at least [`SPELLED_MIN_DIGITS`] digits with at least
/// two words among them becomes its digits, written together (`07700900…`). Each digit
/// keeps its word's place in the original, and a match ending on one covers the word.
/// Returns whether anything was rewritten. Linear: one pass to find runs, one to rewrite.
fn spelled_numbers(plain: &mut Stream) -> bool {
    if !has_two_number_words(&plain.bytes) {
        return false;
    }
    let b = &plain.bytes;
    /// A digit and the stream position of the word or digit it came from.
    type Digits = Vec<(u8, usize)>;
    // Runs to rewrite: first byte, end byte, digits.
    let mut runs: Vec<(usize, usize, Digits)> = Vec::new();
    let mut digits: Digits = Vec::new();
    let (mut run_start, mut run_end, mut words) = (0, 0, 0);
    let mut repeat = 1;
    let mut i = 0;
    let mut close = |digits: &mut Digits, start: usize, end: usize, words: usize| {
        if words >= 2 && digits.len() >= SPELLED_MIN_DIGITS {
            runs.push((start, end, std::mem::take(digits)));
        }
        digits.clear();
    };
    while let Some((start, end)) = next_token(b, i) {
        i = end;
        let token = &b[start..end];
        let gap = &b[run_end.min(start)..start];
        let joined = !digits.is_empty() || repeat > 1;
        let near =
            joined && gap.len() <= 3 && gap.iter().all(|&c| matches!(c, b' ' | b',' | b'-' | b'.'));
        let kind = if token.iter().all(u8::is_ascii_digit) {
            None
        } else {
            match number_word(token) {
                Some(k) => Some(k),
                None => {
                    close(&mut digits, run_start, run_end, words);
                    repeat = 1;
                    continue;
                }
            }
        };
        if !near {
            close(&mut digits, run_start, run_end, words);
            (run_start, words, repeat) = (start, 0, 1);
        }
        run_end = i;
        match kind {
            None => {
                // `double 7` is 77; in a longer group only its first digit repeats.
                for (k, &d) in token.iter().enumerate() {
                    let times = if k == 0 { repeat } else { 1 };
                    digits.extend(std::iter::repeat_n((d, start + k), times));
                }
                repeat = 1;
            }
            Some(NumberWord::Digit(d)) => {
                words += 1;
                digits.extend(std::iter::repeat_n((d, start), repeat));
                repeat = 1;
            }
            Some(NumberWord::Repeat(n)) => {
                words += 1;
                repeat = n;
            }
        }
    }
    close(&mut digits, run_start, run_end, words);
    if runs.is_empty() {
        return false;
    }
    let mut out = Stream::default();
    out.bytes.reserve(b.len());
    out.starts.reserve(b.len());
    let mut at = 0;
    for (start, end, digits) in runs {
        out.bytes.extend_from_slice(&plain.bytes[at..start]);
        out.starts.extend_from_slice(&plain.starts[at..start]);
        for (d, pos) in digits {
            out.bytes.push(d);
            out.starts.push(plain.starts[pos]);
        }
        at = end;
    }
    out.bytes.extend_from_slice(&plain.bytes[at..]);
    out.starts.extend_from_slice(&plain.starts[at..]);
    *plain = out;
    true
}

/// Separators that a space in a pattern stands for.
const fn is_word_separator(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'_' | b',' | b'~')
}

/// The ASCII fold of one character (fullwidth, mathematical, accented and look-alike
/// letters from other scripts), if the fold table has one.
pub fn fold_char(c: char) -> Option<&'static str> {
    FOLD.binary_search_by_key(&c, |f| f.0)
        .ok()
        .map(|i| FOLD[i].1)
}

/// `words[range]` with every run of three or more of one letter cut to `keep` letters (as
/// [`squeeze`] cuts them), into `into`, and for each byte kept its position in `words`
/// in `from`. Runs are found in `range` only, so one cut at the window's edge may be
/// shorter: windows end at word breaks ([`stretch_windows`]), where no run is cut.
pub fn squeeze_range(
    words: &Stream,
    range: std::ops::Range<usize>,
    keep: usize,
    into: &mut Stream,
    from: &mut Vec<u32>,
) {
    let end = range.end.min(words.bytes.len());
    let range = range.start.min(end)..end;
    into.bytes.clear();
    into.starts.clear();
    from.clear();
    let b = &words.bytes[range.clone()];
    let mut copy = |kept: std::ops::Range<usize>| {
        into.bytes.extend_from_slice(&b[kept.clone()]);
        let at = range.start + kept.start..range.start + kept.end;
        into.starts.extend_from_slice(&words.starts[at.clone()]);
        from.extend(at.map(|i| i as u32));
    };
    let mut last = 0;
    for run in runs(b) {
        copy(last..run.start + keep);
        last = run.end;
    }
    copy(last..b.len());
}

/// The words stream with every run of three or more of one letter cut to `keep` (1 or 2)
/// letters, or `None` when there is no such run (most text): [`squeeze_range`] over the
/// whole stream, made only when [`runs`] finds one.
pub fn squeeze(words: &Stream, keep: usize) -> Option<Stream> {
    runs(&words.bytes).next()?;
    let (mut out, mut from) = (Stream::default(), Vec::new());
    squeeze_range(words, 0..words.bytes.len(), keep, &mut out, &mut from);
    Some(out)
}

fn push(n: &mut Stream, b: u8, at: usize) {
    n.bytes.push(b);
    n.starts.push(at as u32);
}

fn fold(text: &str, n: &mut Stream) {
    // Plain ASCII (most chat) is folded byte by byte, without decoding characters.
    if text.is_ascii() {
        fold_ascii_text(text.as_bytes(), n);
        return;
    }
    fold_chars(text, n);
}

/// [`fold`] for plain ASCII, one byte at a time without branches: each byte is written
/// and the write position moves on only when the byte is kept (apostrophes are not).
fn fold_ascii_text(text: &[u8], n: &mut Stream) {
    let base = n.bytes.len();
    n.bytes.resize(base + text.len(), 0);
    n.starts.resize(base + text.len(), 0);
    let (bytes, starts) = (&mut n.bytes[base..], &mut n.starts[base..]);
    let mut w = 0;
    for (at, &b) in text.iter().enumerate() {
        let f = ASCII_FOLD[usize::from(b)];
        if let (Some(slot), Some(start)) = (bytes.get_mut(w), starts.get_mut(w)) {
            *slot = f;
            *start = at as u32;
        }
        w += usize::from(f != 0);
    }
    n.bytes.truncate(base + w);
    n.starts.truncate(base + w);
}

/// ASCII byte → folded byte, 0 for a byte that vanishes.
const ASCII_FOLD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = match c {
            b'A'..=b'Z' => c.to_ascii_lowercase(),
            b'\'' | b'`' => 0,
            0..=0x1f | 0x7f => b' ',
            _ => c,
        };
        b += 1;
    }
    t
};

/// [`fold`] character by character (any text; ASCII characters as [`fold_ascii`]).
fn fold_chars(text: &str, n: &mut Stream) {
    for (at, c) in text.char_indices() {
        if c.is_ascii() {
            fold_ascii(n, c as u8, at);
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if let Ok(i) = EMOJI.binary_search_by_key(&c, |e| e.0) {
            // `k🔥y🔥s`: emoji used as spaces between the letters of one word are only that.
            let spacer = between_spaced_letters(&n.bytes, &text[at + c.len_utf8()..]);
            push(n, b' ', at);
            if spacer {
                continue;
            }
            for &b in EMOJI[i].1.as_bytes() {
                push(n, b, at);
            }
            push(n, b' ', at);
            continue;
        }
        if let Ok(i) = FOLD.binary_search_by_key(&c, |f| f.0) {
            for &b in FOLD[i].1.as_bytes() {
                push(n, b, at);
            }
            continue;
        }
        let b = match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '\u{FF07}' => continue,
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => b'"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => b'-',
            '\u{2026}' | '\u{00B7}' | '\u{2022}' | '\u{2027}' => b'.',
            '\u{00A3}' => b'$',
            c if c.is_whitespace() => b' ',
            c if c.is_alphanumeric() => b'_',
            _ => b' ',
        };
        push(n, b, at);
    }
}

#[inline]
fn fold_ascii(n: &mut Stream, b: u8, at: usize) {
    match b {
        b'A'..=b'Z' => push(n, b.to_ascii_lowercase(), at),
        b'\'' | b'`' => {}
        0..=0x1f | 0x7f => push(n, b' ', at),
        _ => push(n, b, at),
    }
}

/// Whether an emoji stands, with no space, between two one-letter words (`k🔥y🔥s`,
/// `f😂u😂c😂k`): emoji used to space out a word's letters, read as separators so that the
/// letters join. `out` is the folded text so far, `rest` the text after the emoji. Not
/// when both letters can be words of chat, where the emoji is the message (`i🔪u`), nor
/// beside a longer word (`send🍆pic`).
fn between_spaced_letters(out: &[u8], rest: &str) -> bool {
    let before = match out {
        [.., p, l] if !is_word_byte(*p) => *l,
        [l] => *l,
        _ => return false,
    };
    let mut next = rest.chars().filter(|&c| !is_invisible(c));
    let (Some(after), following) = (next.next(), next.next()) else {
        return false;
    };
    before.is_ascii_lowercase()
        && after.is_ascii_alphabetic()
        && !following.is_some_and(|c| c.is_ascii_alphanumeric())
        && !(stands_alone(before) && stands_alone(after.to_ascii_lowercase() as u8))
}

/// Characters that change nothing on screen and are used to split words invisibly.
fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0x1F3FB..=0x1F3FF | 0xE0000..=0xE0FFF
        // combining marks (accents, "zalgo" text)
        | 0x0300..=0x036F | 0x0483..=0x0489 | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Characters that can form a word, leetspeak included.
const fn is_word_byte(b: u8) -> bool {
    b.is_ascii_lowercase()
        || b.is_ascii_digit()
        || matches!(b, b'@' | b'$' | b'!' | b'|' | b'+' | b'*' | b'#')
}

/// Bytes that may stand between spaced-out letters (`f u c k`, `f.u.c.k`, `f-u-c-k`).
pub(crate) fn is_separator(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'.' | b'-' | b'_' | b'*' | b'~' | b'/' | b',' | b':' | b';' | b'='
    )
}

/// Whether two one-character words stand one to three separators apart: without that,
/// [`join_spaced`] has nothing to do (one pass; most text).
fn has_spaced_letters(p: &[u8]) -> bool {
    let len = p.len();
    let near_single =
        |e: usize, i: usize| i - 1 - e <= 3 && p[e..i - 1].iter().all(|&c| is_separator(c));
    let mut word_len = 0usize;
    let mut last_single_end: Option<usize> = None;
    for (i, &b) in p.iter().enumerate() {
        // Without a branch on the byte's kind (mispredicted about once a word): only the
        // end of a one-letter word is looked at.
        let in_word = KIND[usize::from(b)] & WORD != 0;
        if !in_word & (word_len == 1) {
            if last_single_end.is_some_and(|e| near_single(e, i)) {
                return true;
            }
            last_single_end = Some(i);
        }
        word_len = (word_len + 1) * usize::from(in_word);
    }
    word_len == 1 && last_single_end.is_some_and(|e| near_single(e, len))
}

/// One-letter words of chat (`u r a …`, `i h8 u`, `y`, `n`): at the edge of a spaced-out
/// run they may be words of their own rather than letters of the spelled word.
fn stands_alone(b: u8) -> bool {
    matches!(b, b'a' | b'i' | b'u' | b'r' | b'y' | b'n')
}

/// Letters spaced out (`f u c k`, `k.y.s`, `f - u - c - k`) are joined.
///
/// A *chain* is a row of one-character words apart by one to four separator bytes. Its
/// gaps are read as in a typed sentence: a gap that holds a shorter gap of the same chain
/// is a word break (`u r  a  w e i r d o` has single spaces inside words and double ones
/// between them; `0 7 8 4 2 . 6 1` a dot between groups), and every other gap joins.
/// Letters joined by the same gap make a *segment*; a segment of three or more is joined
/// into one word, and a segment of two when another segment of the chain was joined (the
/// `m y` and `m e` of `m y  u n c l e  t o u c h e s  m e`, the `m 1` of `m 1  4 b t`)
/// unless both are one-letter words of chat ([`stands_alone`]: `r u  a l o n e` keeps
/// `r u`). Two letters alone stay apart (`r u`, `a b`). With `apart`, one-letter words that
/// can stand alone at either edge of a segment stay apart as long as three letters are left
/// to join (`u r a w a s t e` → `u r a waste`). Returns whether some segment had such edge
/// letters, that is whether the `apart` reading differs.
/// Callers skip it when [`has_spaced_letters`] says there is nothing to join.
fn join_spaced(n: &mut Stream, apart: bool) -> bool {
    let p = &n.bytes;
    let len = p.len();
    let single = |i: usize| {
        i < len
            && is_word_byte(p[i])
            && (i == 0 || !is_word_byte(p[i - 1]))
            && (i + 1 >= len || !is_word_byte(p[i + 1]))
    };
    // The separator bytes from `k`, counted up to one past the longest gap.
    let gap_len = |k: usize| {
        p.get(k..)
            .unwrap_or_default()
            .iter()
            .take(MAX_GAP + 1)
            .take_while(|&&c| is_separator(c) && !is_word_byte(c))
            .count()
    };
    let mut drop = vec![false; len];
    let mut any = false;
    let mut edges = false;
    let mut letters: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < len {
        if !single(i) {
            i += 1;
            continue;
        }
        letters.clear();
        letters.push(i);
        let mut j = i;
        loop {
            let g = gap_len(j + 1);
            if g == 0 || g > MAX_GAP || !single(j + 1 + g) {
                break;
            }
            j += 1 + g;
            letters.push(j);
        }
        if letters.len() >= 3 {
            let chain = Chain::new(p, &letters);
            let (joined, edged) = chain.join(apart, &mut drop);
            any |= joined;
            edges |= edged;
        }
        i = j + 1;
    }
    if any {
        n.retain(|i, _| !drop[i]);
    }
    edges
}

/// The longest gap between two letters of a spaced-out chain.
const MAX_GAP: usize = 4;

/// One chain of [`join_spaced`]: the positions of its one-character words.
struct Chain<'a> {
    p: &'a [u8],
    letters: &'a [usize],
    /// Every gap of the chain, packed ([`Chain::packed`]), sorted and deduplicated, so
    /// that telling a break costs a few lookups however long the chain.
    gaps: Vec<u32>,
}

impl<'a> Chain<'a> {
    fn new(p: &'a [u8], letters: &'a [usize]) -> Self {
        let mut chain = Chain {
            p,
            letters,
            gaps: Vec::new(),
        };
        let mut gaps: Vec<u32> = (0..letters.len() - 1)
            .map(|k| Self::packed(chain.gap(k)))
            .collect();
        gaps.sort_unstable();
        gaps.dedup();
        chain.gaps = gaps;
        chain
    }

    /// A gap of up to [`MAX_GAP`] separator bytes (never zero) as one integer.
    fn packed(g: &[u8]) -> u32 {
        g.iter().fold(0, |acc, &b| (acc << 8) | u32::from(b))
    }

    /// The separator bytes after letter `k`.
    fn gap(&self, k: usize) -> &[u8] {
        &self.p[self.letters[k] + 1..self.letters[k + 1]]
    }

    /// Whether the gap after letter `k` is a word break: it holds a shorter gap of the
    /// chain (`"  "` holds `" "`, `" . "` holds `" "`, `". "` holds `"."`).
    fn is_break(&self, k: usize) -> bool {
        let g = self.gap(k);
        (1..g.len()).any(|w| {
            g.windows(w)
                .any(|s| self.gaps.binary_search(&Self::packed(s)).is_ok())
        })
    }

    /// Marks in `drop` the gaps inside the segments to join; returns whether it joined
    /// any, and whether a segment had edge letters that the `apart` reading keeps apart.
    fn join(&self, apart: bool, drop: &mut [bool]) -> (bool, bool) {
        let n = self.letters.len();
        // Segments as letter ranges `s..e`: letters joined by one repeated gap.
        let mut segments: Vec<(usize, usize)> = Vec::new();
        let mut s = 0;
        while s < n {
            let mut e = s + 1;
            if s + 1 < n && !self.is_break(s) {
                let g = self.gap(s);
                // A letter between a space and a tighter separator (`a w.a.s.t.e`, `k y.o.u`)
                // belongs to the dotted word after it: words are spaced, letters dotted.
                let spaced = g.iter().all(|&b| b == b' ');
                let binds_on = |e: usize| {
                    spaced
                        && e + 1 < n
                        && self.gap(e) != g
                        && !self.gap(e).contains(&b' ')
                        && !self.is_break(e)
                };
                while e < n && self.gap(e - 1) == g && !binds_on(e) {
                    e += 1;
                }
            }
            segments.push((s, e));
            s = e;
        }
        let long = |&(s, e): &(usize, usize)| e - s >= 3;
        let digit =
            |&(s, e): &(usize, usize)| (s..e).any(|k| self.p[self.letters[k]].is_ascii_digit());
        if !segments.iter().any(long) {
            return (false, false);
        }
        let letter = |m: usize| self.p[self.letters[m]];
        // A two-letter word of the same spaced writing (`m y  u n c l e`), unless both are
        // one-letter words of chat (`r u  a l o n e` keeps `r u`).
        let pair = |&(s, e): &(usize, usize)| {
            e - s == 2
                && (digit(&(s, e)) || !(stands_alone(letter(s)) && stands_alone(letter(s + 1))))
        };
        // A kiss ends many British messages (`k y s x`, `0 7 7 0 0 … 3 x`, `how old r u x`,
        // `k y s x x lol`): a last `x` after three or more spaced letters, or after two
        // one-letter chat words, is not a letter of the spelled word (`s e x` keeps its `x`;
        // `s e x x` is `sex` and a kiss).
        if let Some(last) = segments.last_mut() {
            while letter(last.1 - 1) == b'x'
                && (last.1 - last.0 >= 4
                    || (last.1 - last.0 == 3
                        && stands_alone(letter(last.0))
                        && stands_alone(letter(last.0 + 1))))
            {
                last.1 -= 1;
            }
        }
        let mut edges = false;
        for seg in &segments {
            if !(long(seg) || pair(seg)) {
                continue;
            }
            let (mut lo, mut hi) = *seg;
            // Three or fewer letters that are all one-letter chat words (`u r a` before
            // `w.a.s.t.e`) are words of their own in the `apart` reading.
            if hi - lo <= 3 && (lo..hi).all(|m| stands_alone(letter(m))) {
                lo = hi;
            }
            while lo < hi && stands_alone(letter(lo)) && hi - lo > 3 {
                lo += 1;
            }
            while hi > lo && stands_alone(letter(hi - 1)) && hi - lo > 3 {
                hi -= 1;
            }
            edges |= lo > seg.0 || hi < seg.1;
            let (lo, hi) = if apart { (lo, hi) } else { *seg };
            for m in lo..hi.saturating_sub(1) {
                for d in &mut drop[self.letters[m] + 1..self.letters[m + 1]] {
                    *d = true;
                }
            }
        }
        (true, edges)
    }
}

/// Decodes leetspeak inside words that hold at least one letter.
fn decode_leet(plain: &[u8], out: &mut [u8]) {
    let mut i = 0;
    while i < plain.len() {
        if !is_word_byte(plain[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < plain.len() && is_word_byte(plain[i]) {
            i += 1;
        }
        let word = &plain[start..i];
        // Most words are letters only; numbers without letters are left alone.
        if word.iter().all(u8::is_ascii_lowercase) || !word.iter().any(u8::is_ascii_lowercase) {
            continue;
        }
        // Trailing '!'s are exclamation marks, not i's.
        let mut end = word.len();
        while end > 0 && word[end - 1] == b'!' {
            end -= 1;
        }
        for (k, &b) in word[..end].iter().enumerate() {
            let interior = k > 0 && k + 1 < end;
            out[start + k] = match b {
                b'0' => b'o',
                b'1' | b'!' => b'i',
                b'3' => b'e',
                b'4' | b'@' => b'a',
                b'5' | b'$' => b's',
                b'7' | b'+' => b't',
                b'|' => b'l',
                b'#' if interior => b'*',
                _ => b,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> String {
        String::from_utf8(normalize(s).words.bytes).unwrap()
    }

    fn plain(s: &str) -> String {
        String::from_utf8(normalize(s).plain.bytes).unwrap()
    }

    #[test]
    fn folds_case_width_math_circled_accents_lookalikes() {
        assert_eq!(words("FUCK"), "fuck");
        assert_eq!(words("ｆｕｃｋ"), "fuck");
        assert_eq!(words("𝐟𝐮𝐜𝐤"), "fuck");
        assert_eq!(words("ⓕⓤⓒⓚ"), "fuck");
        assert_eq!(words("fück"), "fuck");
        assert_eq!(words("рorn"), "porn", "Cyrillic er");
        assert_eq!(words("ΡORN"), "porn", "Greek capital rho");
    }

    #[test]
    fn drops_invisible_and_apostrophes() {
        assert_eq!(words("f\u{200B}u\u{00AD}ck"), "fuck");
        assert_eq!(words("don't"), "dont");
        assert_eq!(words("don’t"), "dont");
        assert_eq!(words("z\u{0301}\u{0302}a"), "za");
    }

    #[test]
    fn joins_spaced_letters() {
        assert_eq!(words("f u c k off"), "fuck off");
        assert_eq!(words("f.u.c.k"), "fuck");
        assert_eq!(words("f_u_c_k"), "fuck");
        assert_eq!(words("k - y - s"), "kys");
        assert_eq!(words("a b"), "a b", "two letters are not a run");
        assert_eq!(words("I am a b"), "i am a b");
    }

    #[test]
    fn emoji_between_the_letters_of_a_word_space_them_out() {
        assert_eq!(words("k🔥y🔥s"), "kys");
        assert_eq!(words("f😂u😂c😂k off"), "fuck off");
        // The emoji is the message: between two chat words, or beside a longer word.
        assert_eq!(words("i🔪u"), "i knife u");
        assert_eq!(words("send🍆pic"), "send eggplant pic");
    }

    #[test]
    fn runs_of_spaces_are_one_space_in_the_plain_stream() {
        assert_eq!(plain("+44  7700  900123"), "+44 7700 900123");
        assert_eq!(
            plain("flat  3,  18  queens  court"),
            "flat 3, 18 queens court"
        );
        assert_eq!(words("u r  a  w e i r d o"), "u r a weirdo");
    }

    #[test]
    fn a_kiss_after_spaced_letters_is_not_one_of_them() {
        assert_eq!(words("k y s x"), "kys x");
        assert_eq!(words("p o r n x!"), "porn x!");
        assert_eq!(words("how old r u x"), "how old r u x");
        assert_eq!(
            plain("my num 0 7 7 0 0 9 0 0 1 2 3 x"),
            "my num 07700900123 x"
        );
        // Too few letters before it, or not the last: the `x` is a letter.
        assert_eq!(words("s e x"), "sex");
        assert_eq!(words("s e x x"), "sex x");
        assert_eq!(words("s e x y pics"), "sexy pics");
        assert_eq!(words("k y s x !! xx"), "kys x !! xx");
        assert_eq!(words("k y s x lol"), "kys x lol");
        assert_eq!(words("k y s x x"), "kys x x");
        assert_eq!(words("r u x x"), "r u x x");
    }

    #[test]
    fn wider_gaps_in_spaced_text_are_word_breaks() {
        assert_eq!(
            words("u r  a  w e i r d o  and everybody knows"),
            "u r a weirdo and everybody knows"
        );
        assert_eq!(words("g a y b o y  g a y b o y"), "gayboy gayboy");
        assert_eq!(
            words("u.s.e  y.o.u.r  t.a.b.l.e.t"),
            "use your tablet",
            "a space between dotted words"
        );
        assert_eq!(
            words("r u  a l o n e"),
            "r u alone",
            "two letters stay apart"
        );
        assert_eq!(
            words("m y  u n c l e  t o u c h e s  m e"),
            "my uncle touches me",
            "two letters of spaced writing join"
        );
        assert_eq!(
            words("i s  i t  o k"),
            "i s i t o k",
            "no segment of three: nothing joins"
        );
        assert_eq!(words("w h e r e  d o  u  l i v e"), "where do u live");
        assert_eq!(words("f-u-c-k.y.o.u"), "fuck.you");
        assert_eq!(
            words("f u c k y.o.u"),
            "fuck you",
            "the dotted word keeps its first letter"
        );
        let n = normalize("u r a w.a.s.t.e of space");
        assert_eq!(
            String::from_utf8(n.words_apart.expect("an apart reading").bytes).unwrap(),
            "u r a waste of space"
        );
        assert_eq!(plain("0 7 8 4 2 . 6 1 . 5 3 0 9"), "07842 . 61 . 5309");
        assert_eq!(words("a  b  c"), "abc", "one gap throughout joins");
        // Many distinct gaps in one long chain still cost a few lookups each.
        let long: String = (0..20_000)
            .map(|k| ["a ", "b.", "c  ", "d -", "e_ "][k % 5])
            .collect();
        assert!(normalize(&long).words.bytes.len() < long.len());
    }

    #[test]
    fn decodes_leet_only_in_words_with_letters() {
        assert_eq!(words("sh!t"), "shit");
        assert_eq!(words("a$$"), "ass");
        assert_eq!(words("$h1t"), "shit");
        assert_eq!(words("wow!!"), "wow!!");
        assert_eq!(words("0800 1111"), "0800 1111");
        assert_eq!(plain("sw1a 1aa"), "sw1a 1aa");
        assert_eq!(words("$ h 1 t"), "shit");
        assert_eq!(words("f#ck"), "f*ck");
    }

    #[test]
    fn emoji_become_words() {
        assert_eq!(words("I'll 🔪 you"), "ill knife you");
        assert_eq!(words("kill - your_self"), "kill your self");
        assert_eq!(words("👍🏽"), " ");
    }

    #[test]
    fn letters_in_numbers_read_as_digits() {
        assert_eq!(plain("07700 9OO 111"), "07700 900 111");
        assert_eq!(plain("oil 10 lol"), "oil 10 lol");
        assert_eq!(plain("o7700 9oo111"), "07700 900111");
        assert_eq!(plain("o7 7oo9oo789"), "07 700900789");
        // Not beside a number, a word of one digit and look-alikes is leetspeak.
        assert_eq!(words("i got 4ll of them"), "i got all of them");
        assert_eq!(plain("i got 4ll of them"), "i got 4ll of them");
    }

    #[test]
    fn censoring_stars_are_read_as_each_vowel() {
        let n = normalize("k*ll urs*lf, f*ck");
        assert!(n.starred);
        let mut v = Stream::default();
        let all = 0..n.words.bytes.len();
        unstarred(&n.words, all.clone(), b'i', &mut v);
        assert_eq!(v.bytes, b"kill ursilf fick");
        unstarred(&n.words, all, b'e', &mut v);
        assert_eq!(v.bytes, b"kell urself feck");
        assert_eq!(v.starts, n.words.starts);
        // Only the parts around stars are read again, cut at word breaks.
        let long = format!(
            "{} f*ck {}",
            "hello there ".repeat(100),
            "bye now ".repeat(100)
        );
        let w = normalize(&long).words.bytes;
        let windows = star_windows(&w, 40);
        assert_eq!(windows.len(), 1);
        let r = windows[0].clone();
        assert!(r.len() < 120 && r.contains(&w.iter().position(|&b| b == b'*').unwrap()));
        assert!(!w[r.start].is_ascii_alphanumeric() && !w[r.end].is_ascii_alphanumeric());
        assert_eq!(star_windows(b"a*b c*d", 40), vec![0..7]);
        assert!(normalize("f#ck").starred, "leetspeak makes a star");
        for (text, starred) in [
            ("*sigh", true),
            ("2*x", true),
            ("5 * 6 = 30", false),
            ("hello", false),
        ] {
            assert_eq!(normalize(text).starred, starred, "{text}");
        }
    }

    #[test]
    fn one_letter_words_at_the_edges_of_a_spaced_run_are_also_read_apart() {
        let apart = |s: &str| {
            normalize(s)
                .words_apart
                .map(|w| String::from_utf8(w.bytes).unwrap())
        };
        assert_eq!(words("u r a w a s t e of space"), "urawaste of space");
        assert_eq!(
            apart("u r a w a s t e of space").as_deref(),
            Some("u r a waste of space")
        );
        assert_eq!(apart("i h a t e u").as_deref(), Some("i hate u"));
        // Three letters must stay joined: `a s s` is only `ass`.
        assert_eq!(apart("a s s"), None);
        assert_eq!(words("a s s"), "ass");
        assert_eq!(apart("f u c k"), None);
        assert_eq!(apart("hello there"), None);
    }

    #[test]
    fn reads_phone_numbers_spelled_in_words() {
        assert_eq!(
            plain("ring me on oh seven seven double oh nine double oh four five six"),
            "ring me on 07700900456"
        );
        assert_eq!(
            plain("zero seven seven double eight, one two three, four five six"),
            "07788123456"
        );
        assert_eq!(
            plain("its 07700 nine double oh one two three"),
            "its 07700900123"
        );
        assert_eq!(
            plain("oh seven double 7 double 00 nine one two"),
            "0777000912"
        );
        // Counting, a score or a short code is not a number.
        assert_eq!(
            plain("one two three four five six"),
            "one two three four five six"
        );
        assert_eq!(
            plain("oh no i got one out of two"),
            "oh no i got one out of two"
        );
        assert_eq!(plain("room 101 and 202"), "room 101 and 202");
        // The digits of a word map back to the whole word.
        let text = "call oh seven seven double oh nine double oh one two three now";
        let n = normalize(text);
        let s = String::from_utf8(n.plain.bytes.clone()).unwrap();
        let at = s.find("077").unwrap();
        let (a, b) = n.plain.original_span(text, at, at + 11);
        assert_eq!(
            &text[a..b],
            "oh seven seven double oh nine double oh one two three"
        );
        assert!(n.plain_may_match);
    }

    #[test]
    fn squeezes_stretched_letters() {
        let n = normalize("fuuuuck asssss good");
        let one = squeeze(&n.words, 1).unwrap();
        let two = squeeze(&n.words, 2).unwrap();
        assert_eq!(one.bytes, b"fuck as good");
        assert_eq!(two.bytes, b"fuuck ass good");
        assert_eq!(one.bytes.len(), one.starts.len());
        assert!(squeeze(&normalize("good book").words, 1).is_none());
        // A range of the stream, squeezed, with each kept byte's place in the stream.
        let (mut part, mut from) = (Stream::default(), Vec::new());
        squeeze_range(&n.words, 0..n.words.bytes.len(), 2, &mut part, &mut from);
        assert_eq!(part, two);
        squeeze_range(&n.words, 7..15, 1, &mut part, &mut from);
        assert_eq!(part.bytes, b" as ");
        assert_eq!(from, [7, 8, 9, 14]);
        assert_eq!(part.starts, [7, 8, 9, 14].map(|i| n.words.starts[i]));
        // Only the parts around runs are read again, cut at word breaks.
        let long = format!(
            "{} soooo {}",
            "hello there ".repeat(100),
            "bye now ".repeat(100)
        );
        let w = normalize(&long).words.bytes;
        let windows = stretch_windows(&w, 40);
        assert_eq!(windows.len(), 1);
        let r = windows[0].clone();
        let run = runs(&w).next().unwrap();
        assert!(
            r.len() < 130 && r.start < run.start && run.end < r.end,
            "{r:?} {run:?}"
        );
        assert!(!w[r.start].is_ascii_alphanumeric() && !w[r.end].is_ascii_alphanumeric());
        assert_eq!(runs(b"aaa bb cccc").collect::<Vec<_>>(), [0..3, 7..11]);
        assert_eq!(runs(b"... 111").count(), 0, "letters only");
    }

    /// The byte-at-a-time fold of ASCII text equals the character fold, and the flags that
    /// let passes be skipped never skip one that would have changed something.
    #[test]
    fn ascii_fast_path_agrees_with_the_general_one() {
        let alphabet = b"aAbkKsuU iIlLo0134@$!|+#*-_,~.'`\t\n:/=xyz7";
        let mut rng = crate::test_rng::Rng::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let len = rng.below(24);
            let text: String = (0..len).map(|_| char::from(*rng.pick(alphabet))).collect();
            let (mut fast, mut slow) = (Stream::default(), Stream::default());
            fold_ascii_text(text.as_bytes(), &mut fast);
            fold_chars(&text, &mut slow);
            assert_eq!(fast, slow, "{text:?}");
            let n = normalize(&text);
            assert_eq!(
                n.plain_may_match,
                n.plain
                    .bytes
                    .iter()
                    .any(|b| b.is_ascii_digit() || *b == b'@' || *b == b'_'),
                "{text:?}"
            );
            if !n.may_stretch {
                assert!(squeeze(&n.words, 1).is_none(), "{text:?}");
            }
            let w = &n.words.bytes;
            assert!(
                !w.iter().any(|&b| is_word_separator(b) && b != b' '),
                "{text:?}"
            );
            assert!(!w.windows(2).any(|p| p == b"  "), "{text:?}");
        }
    }

    #[test]
    fn spans_point_into_the_original() {
        let text = "x 𝐟\u{200B}𝐮ck y";
        let n = normalize(text);
        let s = String::from_utf8(n.words.bytes.clone()).unwrap();
        let at = s.find("fuck").unwrap();
        let (a, b) = n.words.original_span(text, at, at + 4);
        assert_eq!(&text[a..b], "𝐟\u{200B}𝐮ck");
        assert_eq!(n.plain.bytes.len(), n.plain.starts.len());
        assert_eq!(n.words.bytes.len(), n.words.starts.len());
        assert_eq!(n.words.position(a), at);
    }

    #[test]
    fn misspellings_are_read_as_the_word_with_the_original_span() {
        // Longer (`wead` → `weed` keeps its length), shorter (`nifes` → `knives` grows) and
        // a stretched, leetspeak spelling that becomes a listed misspelling once decoded.
        for (text, word, original) in [
            ("buy wead now", "weed", "wead"),
            ("a nife!", "knife", "nife"),
            ("zombie nifes uk", "knives", "nifes"),
            ("N4KID pics", "naked", "N4KID"),
        ] {
            let n = normalize(text);
            let w = String::from_utf8(n.words.bytes.clone()).unwrap();
            let at = w.find(word).unwrap_or_else(|| panic!("{text:?} → {w:?}"));
            let (a, b) = n.words.original_span(text, at, at + word.len());
            assert_eq!(&text[a..b], original, "{text:?}");
            assert_eq!(n.words.bytes.len(), n.words.starts.len());
            assert!(n.words.starts.windows(2).all(|p| p[0] <= p[1]), "{text:?}");
        }
        // Real words, parts of words and words glued to digits stay as written.
        for text in [
            "weed the garden",
            "knifed",
            "sum1 said hi",
            "adresses",
            "wead2",
        ] {
            let n = normalize(text);
            let w = String::from_utf8(n.words.bytes.clone()).unwrap();
            assert!(
                !w.contains("weed2") && !w.contains("knife "),
                "{text:?} → {w:?}"
            );
        }
        assert_eq!(normalize("wead2").words.bytes, b"wead2");
    }
}
