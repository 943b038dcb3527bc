//! Required literals of a list's regular expression: words that every match must
//! contain, so an expression is only run on addresses that hold one of them.
//!
//! # Why
//! UT1 ships a few `expressions` (`(/banner/|/sponsor/|…)`, `.*/ymsgr*\.exe`, …), and
//! `regex-lite` runs each one as a backtrack-free NFA over the whole `host/path?query`:
//! with UT1 loaded that was about 1,700 instructions per decision, more than the list
//! lookups. Almost no address contains `/search?q=` or `.exe`, so a substring test on
//! the address first skips nearly every run.
//!
//! # Conservative by construction
//! [`required`] reads the pattern with a small parser that knows the regex syntax only
//! as far as it needs to: literal characters (and escaped punctuation), groups,
//! alternation and repetition. Anything else (classes, `.`, `\d`, assertions,
//! non-ASCII characters) is "something unknown", which never adds a literal. Anything
//! it cannot read with certainty (flags such as `(?x)`, `\x41`, `\p{…}`, nested
//! classes) gives `None`: the expression is always run, as before. So a pattern either
//! has no prefilter or one whose literals every match contains.
//!
//! `regex-lite` folds case for ASCII only, and the classifier builds every expression
//! case-insensitive: the literals are kept in lower-case ASCII and compared with the
//! address lower-cased in ASCII, which finds every match the engine could find.

use super::bits::Bits;

/// Longest literal kept: a prefix of a required literal is required too, and a bound
/// keeps each check linear in the address.
const MAX_LITERAL: usize = 32;

/// Literals (lower-case ASCII, two bytes or more), at least one of which occurs
/// (ASCII case aside) in every match; `None` when nothing is known for certain (the
/// expression must always run).
pub(crate) fn required(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let mut p = Parser {
        s: pattern.as_bytes(),
        at: 0,
        depth: 0,
    };
    let req = p.alternation().ok()?;
    if p.at != p.s.len() {
        return None;
    }
    let mut set = req.filter(|set| !set.is_empty() && set.iter().all(|l| l.len() >= 2))?;
    for l in &mut set {
        l.truncate(MAX_LITERAL);
    }
    Some(set)
}

/// Which of a list of expressions may match an address: one pass over the address
/// that looks up each pair of bytes in a bit table of the literals' first two bytes, and
/// compares whole literals only where a pair is known.
#[derive(Clone, Debug)]
pub(crate) struct Prefilter {
    /// Per expression: whether it has literals (else it always runs).
    filtered: Vec<bool>,
    /// (first two bytes, literal, expression), sorted.
    literals: Vec<(u16, Vec<u8>, usize)>,
    /// One bit per [`pair_bit`] of a literal's first two bytes.
    bits: Bits<64>,
    /// Whether a byte (either case) starts some literal: most bytes of an address are
    /// passed over with this one load.
    first: [bool; 256],
    /// Per expression: the bytes its matches must begin with, for one anchored at the
    /// start (see [`start_bytes`]).
    starts: Vec<Option<Bits<4>>>,
}

fn pair(a: u8, b: u8) -> u16 {
    u16::from_be_bytes([a.to_ascii_lowercase(), b.to_ascii_lowercase()])
}

fn pair_bit(p: u16) -> usize {
    usize::from((p >> 8) ^ (p.wrapping_mul(31) & 0xfff)) & 4095
}

impl Prefilter {
    /// The prefilter of `patterns`, in order.
    pub(crate) fn new<'p>(patterns: impl Iterator<Item = &'p str>) -> Prefilter {
        let mut f = Prefilter {
            filtered: Vec::new(),
            literals: Vec::new(),
            bits: Bits::new(),
            first: [false; 256],
            starts: Vec::new(),
        };
        for (i, p) in patterns.enumerate() {
            f.starts.push(start_bytes(p));
            let lits = required(p);
            f.filtered.push(lits.is_some());
            for l in lits.unwrap_or_default() {
                let k = pair(l[0], l[1]);
                f.bits.insert(pair_bit(k));
                f.first[usize::from(l[0].to_ascii_lowercase())] = true;
                f.first[usize::from(l[0].to_ascii_uppercase())] = true;
                f.literals.push((k, l, i));
            }
        }
        f.literals.sort();
        f
    }

    /// Whether expression `i` may match a text that begins with `first`: false only for
    /// an expression anchored at the start whose first byte cannot be `first`. UT1's
    /// malware list has `^[0-9]+\.[0-9]+…/search\?q=…`: its literal is in every search
    /// address, and running it cost ~950 instructions each time.
    pub(crate) fn may_start(&self, i: usize, first: u8) -> bool {
        match self.starts.get(i) {
            Some(Some(set)) => set.contains(usize::from(first)),
            _ => true,
        }
    }

    /// Marks in `run` (one bit per expression) those that may match `text`: every
    /// expression without literals, and those whose literal `text` holds.
    pub(crate) fn candidates(&self, text: &[u8], run: &mut [u64]) {
        for (i, f) in self.filtered.iter().enumerate() {
            if !f {
                if let Some(w) = run.get_mut(i / 64) {
                    *w |= 1 << (i % 64);
                }
            }
        }
        if self.literals.is_empty() {
            return;
        }
        for i in 0..text.len().saturating_sub(1) {
            if !self.first[usize::from(text[i])] {
                continue;
            }
            let k = pair(text[i], text[i + 1]);
            if !self.bits.contains(pair_bit(k)) {
                continue;
            }
            let from = self.literals.partition_point(|(p, _, _)| *p < k);
            for (_, l, e) in self.literals[from..].iter().take_while(|(p, _, _)| *p == k) {
                if text[i..].len() >= l.len() && text[i..i + l.len()].eq_ignore_ascii_case(l) {
                    if let Some(w) = run.get_mut(e / 64) {
                        *w |= 1 << (e % 64);
                    }
                }
            }
        }
    }
}

/// The bytes every match of `pattern` begins with, when it is anchored at the start
/// (`^`) and its first item is one that must be there: a literal character, an escaped
/// punctuation character or a simple class of letters, digits, ranges of them and
/// escaped punctuation (`[0-9]`, `[a-z_\.]`); ASCII case folded, as the expressions run.
/// `None` for anything else, so the expression is run as before: no anchor, an
/// alternation anywhere (`^a|b` matches `b` anywhere), a group, `.`, a negated class, or a
/// first item that may be absent (`?`, `*`, `{…}`, or those after `+`).
pub(crate) fn start_bytes(pattern: &str) -> Option<Bits<4>> {
    let s = pattern.as_bytes();
    if s.contains(&b'|') {
        return None;
    }
    let rest = s.strip_prefix(b"^")?;
    let mut set = Bits::<4>::new();
    let mut add = |b: u8| {
        set.insert(usize::from(b.to_ascii_lowercase()));
        set.insert(usize::from(b.to_ascii_uppercase()));
    };
    let after = match *rest.first()? {
        b'[' => {
            let mut i = 1;
            let mut any = false;
            loop {
                let c = *rest.get(i)?;
                match c {
                    b']' if any => break i + 1,
                    b'\\' => {
                        let e = *rest.get(i + 1)?;
                        if !e.is_ascii_punctuation() {
                            return None;
                        }
                        add(e);
                        i += 2;
                    }
                    c if c.is_ascii_alphanumeric() => {
                        if rest.get(i + 1) == Some(&b'-')
                            && rest.get(i + 2).is_some_and(|&e| e != b']')
                        {
                            let e = rest[i + 2];
                            let same_kind = (c.is_ascii_digit() && e.is_ascii_digit())
                                || (c.is_ascii_lowercase() && e.is_ascii_lowercase())
                                || (c.is_ascii_uppercase() && e.is_ascii_uppercase());
                            if !same_kind || e < c {
                                return None;
                            }
                            (c..=e).for_each(&mut add);
                            i += 3;
                        } else {
                            add(c);
                            i += 1;
                        }
                    }
                    b'_' | b'-' | b'.' => {
                        add(c);
                        i += 1;
                    }
                    _ => return None,
                }
                any = true;
            }
        }
        b'\\' => {
            let e = *rest.get(1)?;
            if !e.is_ascii_punctuation() {
                return None;
            }
            add(e);
            2
        }
        c if c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'/' | b'-' | b'_' | b'%' | b'=' | b',' | b':' | b'@' | b'~'
            ) =>
        {
            add(c);
            1
        }
        _ => return None,
    };
    // Required: not followed by a quantifier that allows none (`+` alone keeps it, but
    // not `+` quantified again, as in `a+{0,1}`).
    let quantifier = |b: Option<&u8>| matches!(b, Some(b'?' | b'*' | b'{' | b'+'));
    match rest.get(after) {
        Some(b'+') if !quantifier(rest.get(after + 1)) => Some(set),
        next if quantifier(next) => None,
        _ => Some(set),
    }
}

/// The pattern could not be read with certainty.
struct Unsure;

/// A set of alternatives, one of which every match contains; `None` = nothing known.
type Req = Option<Vec<Vec<u8>>>;

/// Groups nested deeper than this are not read (no recursion without bound).
const MAX_DEPTH: usize = 32;

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
    depth: usize,
}

/// How good a set of alternatives is as a filter: its shortest literal (longer is
/// rarer), then fewer alternatives.
fn score(set: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = set.iter().map(Vec::len).min().unwrap_or(0);
    (shortest, std::cmp::Reverse(set.len()))
}

fn better(a: Req, b: Req) -> Req {
    match (a, b) {
        (Some(a), Some(b)) => Some(if score(&b) > score(&a) { b } else { a }),
        (a, None) => a,
        (None, b) => b,
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    /// `concat ('|' concat)*`: every branch must be known.
    fn alternation(&mut self) -> Result<Req, Unsure> {
        let mut all = Some(Vec::new());
        loop {
            let branch = self.concat()?;
            all = match (all, branch) {
                (Some(mut a), Some(b)) => {
                    a.extend(b);
                    Some(a)
                }
                _ => None,
            };
            if self.peek() == Some(b'|') {
                self.at += 1;
            } else {
                return Ok(all);
            }
        }
    }

    /// A sequence of atoms: the best of its literal runs and required groups.
    fn concat(&mut self) -> Result<Req, Unsure> {
        let mut best: Req = None;
        let mut run: Vec<u8> = Vec::new();
        let flush = |run: &mut Vec<u8>, best: &mut Req| {
            if !run.is_empty() {
                *best = better(best.take(), Some(vec![std::mem::take(run)]));
            }
        };
        while let Some(b) = self.peek() {
            let atom = match b {
                b'|' | b')' => break,
                b'(' => Atom::Group(self.group()?),
                b'[' => {
                    self.class()?;
                    Atom::Unknown
                }
                b'\\' => self.escape()?,
                b'.' | b'^' | b'$' => {
                    self.at += 1;
                    Atom::Unknown
                }
                b'*' | b'+' | b'?' | b'{' => return Err(Unsure),
                _ if b.is_ascii() => {
                    self.at += 1;
                    Atom::Byte(b.to_ascii_lowercase())
                }
                _ => {
                    // A non-ASCII character: skip its UTF-8 continuation bytes.
                    self.at += 1;
                    while self.peek().is_some_and(|c| c & 0xc0 == 0x80) {
                        self.at += 1;
                    }
                    Atom::Unknown
                }
            };
            let min = self.repetition()?;
            match (atom, min) {
                (Atom::Byte(c), Some(1)) => run.push(c),
                (Atom::Byte(c), Some(m)) if m >= 2 => {
                    run.push(c);
                    flush(&mut run, &mut best);
                }
                (Atom::Group(req), Some(m)) if m >= 1 => {
                    flush(&mut run, &mut best);
                    best = better(best, req);
                }
                _ => flush(&mut run, &mut best),
            }
        }
        flush(&mut run, &mut best);
        Ok(best)
    }

    /// `(…)` or `(?:…)`; any other `(?` form (flags, names) is not read.
    fn group(&mut self) -> Result<Req, Unsure> {
        self.at += 1;
        if self.peek() == Some(b'?') {
            if self.s.get(self.at + 1) != Some(&b':') {
                return Err(Unsure);
            }
            self.at += 2;
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unsure);
        }
        let req = self.alternation()?;
        self.depth -= 1;
        if self.peek() != Some(b')') {
            return Err(Unsure);
        }
        self.at += 1;
        Ok(req)
    }

    /// `[…]`, skipped; nested classes and set operations are not read.
    fn class(&mut self) -> Result<(), Unsure> {
        self.at += 1;
        if self.peek() == Some(b'^') {
            self.at += 1;
        }
        if self.peek() == Some(b']') {
            self.at += 1;
        }
        loop {
            match self.peek().ok_or(Unsure)? {
                b']' => {
                    self.at += 1;
                    return Ok(());
                }
                b'[' => return Err(Unsure),
                b'\\' => self.at += 2,
                _ => self.at += 1,
            }
        }
    }

    /// `\` and what follows: escaped punctuation is a literal; one-letter classes and
    /// assertions are unknown; longer escapes (`\x41`, `\p{…}`, `\b{start}`) are not read.
    fn escape(&mut self) -> Result<Atom, Unsure> {
        let c = *self.s.get(self.at + 1).ok_or(Unsure)?;
        self.at += 2;
        match c {
            b'<' | b'>' => Ok(Atom::Unknown),
            b'x' | b'u' | b'U' | b'p' | b'P' | b'k' => Err(Unsure),
            b'b' if self.peek() == Some(b'{') => Err(Unsure),
            b'd' | b'D' | b'w' | b'W' | b's' | b'S' | b'b' | b'B' | b'A' | b'z' => {
                Ok(Atom::Unknown)
            }
            // `\n`, `\t`…: a control character, not a letter: unknown is safe.
            b'n' | b't' | b'r' | b'f' | b'v' | b'a' => Ok(Atom::Unknown),
            _ if c.is_ascii_punctuation() || c == b' ' => Ok(Atom::Byte(c)),
            _ => Err(Unsure),
        }
    }

    /// A repetition after an atom, as its least count (`Some(1)` when there is none);
    /// `None` when the count is not read.
    fn repetition(&mut self) -> Result<Option<u32>, Unsure> {
        let min = match self.peek() {
            Some(b'*') | Some(b'?') => {
                self.at += 1;
                Some(0)
            }
            Some(b'+') => {
                self.at += 1;
                Some(2) // at least one; the run cannot continue past it
            }
            Some(b'{') => {
                let close = self.s[self.at..]
                    .iter()
                    .position(|&c| c == b'}')
                    .ok_or(Unsure)?;
                let inner = &self.s[self.at + 1..self.at + close];
                self.at += close + 1;
                let first = inner.split(|&c| c == b',').next().unwrap_or_default();
                let first = std::str::from_utf8(first)
                    .ok()
                    .map(str::trim)
                    .and_then(|t| t.parse::<u32>().ok())
                    .ok_or(Unsure)?;
                let exact = !inner.contains(&b',');
                Some(match first {
                    0 => 0,
                    1 if exact => 1,
                    _ => 2,
                })
            }
            _ => return Ok(Some(1)),
        };
        // Lazy and possessive marks change nothing here.
        if self.peek() == Some(b'?') {
            self.at += 1;
        }
        if matches!(self.peek(), Some(b'*' | b'+' | b'{')) {
            return Err(Unsure);
        }
        Ok(min)
    }
}

enum Atom {
    Byte(u8),
    Group(Req),
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(p: &str) -> Option<Vec<String>> {
        required(p).map(|v| {
            v.into_iter()
                .map(|l| String::from_utf8(l).unwrap())
                .collect()
        })
    }

    fn set(xs: &[&str]) -> Option<Vec<String>> {
        Some(xs.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn finds_what_every_match_holds() {
        assert_eq!(
            req(r"^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/search\?q=[0-9]+$"),
            set(&["/search?q="])
        );
        assert_eq!(
            req("(/banner/|/sponsor/|/event.ng/|/Advertisement/|adverts/)"),
            set(&[
                "/banner/",
                "/sponsor/",
                "/event",
                "/advertisement/",
                "adverts/"
            ])
        );
        assert_eq!(req(r".*/ymsgr*\.exe"), set(&["/ymsg"]));
        assert_eq!(req("ab+cd"), set(&["ab"]));
        assert_eq!(req("abc{2}de"), set(&["abc"]));
        assert_eq!(req("xy(?:hello)?yz"), set(&["xy"]));
        assert_eq!(req("x(?:hello)y"), set(&["hello"]));
        assert_eq!(req("a.c"), None);
        assert_eq!(req("(casino|poker)s?-online"), set(&["-online"]));
    }

    #[test]
    fn unsure_patterns_always_run() {
        for p in [
            "",
            "a|",
            "a|[0-9]",
            r"(?x) a b",
            r"(?i)abc",
            r"\x41bc",
            r"\p{L}",
            r"\bfoo\b{start}",
            "[[:alpha:]]abc",
            "a**",
            "(abc",
            "abc)",
            "x*",
            "(ab)*",
            "é",
        ] {
            assert_eq!(req(p), None, "{p:?}");
        }
    }

    /// Random patterns from pieces of regex syntax: whenever the engine matches, the
    /// text holds one of the literals (and the reader never panics).
    /// For property tests: `n` random patterns (`prefix` and up to `max_pieces` pieces),
    /// each that builds as the classifier builds expressions, with the texts it matches.
    fn random_matches(
        seed: u64,
        n: usize,
        prefix: &str,
        pieces: &[&str],
        max_pieces: u64,
        texts: &'static [&'static str],
    ) -> impl Iterator<Item = (String, Vec<&'static str>)> {
        let mut rng = crate::test_rng::Rng::new(seed);
        let prefix = prefix.to_string();
        let pieces: Vec<String> = pieces.iter().map(|s| s.to_string()).collect();
        (0..n).filter_map(move |_| {
            let mut p = prefix.clone();
            for _ in 0..(rng.next() % max_pieces) {
                p.push_str(&pieces[(rng.next() % pieces.len() as u64) as usize]);
            }
            let re = regex_lite::RegexBuilder::new(&p)
                .case_insensitive(true)
                .build()
                .ok()?;
            let matched = texts.iter().copied().filter(|t| re.is_match(t)).collect();
            Some((p, matched))
        })
    }

    #[test]
    fn literals_are_in_every_match() {
        const PIECES: [&str; 24] = [
            "a", "b", "ab", "B", ".", "*", "+", "?", "|", "(", ")", "(?:", "[a-c]", "\\.", "\\d",
            "{2}", "{0,1}", "^", "$", "/", "-", "\\b", "x", "é",
        ];
        const TEXTS: [&str; 8] = [
            "ab", "xab/b", "a.b-x", "AB/xB", "é-ab.x", "bbbb", "x/1/ab", "a-b-c",
        ];
        let mut checked = 0;
        for (p, matched) in random_matches(0x9e37_79b9_7f4a_7c15, 20_000, "", &PIECES, 8, &TEXTS) {
            let Some(lits) = required(&p) else { continue };
            for t in matched {
                checked += 1;
                let f = Prefilter::new([p.as_str()].into_iter());
                let mut run = [0u64];
                f.candidates(t.as_bytes(), &mut run);
                assert!(run[0] & 1 == 1, "{p:?} matches {t:?} without {lits:?}");
            }
        }
        assert!(checked > 500, "only {checked} matches checked");
    }

    #[test]
    fn start_bytes_of_anchored_expressions() {
        let set = |p: &str| {
            start_bytes(p).map(|b| {
                (0u8..=255)
                    .filter(|&c| b.contains(usize::from(c)))
                    .collect::<Vec<u8>>()
            })
        };
        assert_eq!(
            set(r"^[0-9]+\.[0-9]+/search\?q=[0-9]+$"),
            Some((b'0'..=b'9').collect())
        );
        assert_eq!(set("^ab"), Some(vec![b'A', b'a']));
        assert_eq!(set(r"^\.x"), Some(vec![b'.']));
        assert_eq!(
            set("^[a-c_]"),
            Some(vec![b'A', b'B', b'C', b'_', b'a', b'b', b'c'])
        );
        for unsure in [
            "ab", "^a?b", "^a*", "^a{0,2}", "^a|b", "^(ab)", "^.", "^[^a]", "^[]a]", "^[a-",
            "^\\d", "^[c-a]", "(?m)^a", "",
        ] {
            assert_eq!(set(unsure), None, "{unsure:?}");
        }
    }

    #[test]
    fn start_bytes_hold_every_match() {
        const PIECES: [&str; 22] = [
            "^", "a", "B", "0", "[0-9]", "[a-c_]", "\\.", ".", "*", "+", "?", "|", "(", ")", "{2}",
            "{0,1}", "$", "/", "-", "x", "[^a]", "\\d",
        ];
        const TEXTS: [&str; 9] = [
            "ab", "0.1/x", "Ba", "_x", ".a", "xa0", "a", "9/search", "-/",
        ];
        let mut checked = 0;
        for (p, matched) in random_matches(0x2545_f491_4f6c_dd1d, 20_000, "^", &PIECES, 6, &TEXTS) {
            let Some(starts) = start_bytes(&p) else {
                continue;
            };
            for t in matched {
                checked += 1;
                assert!(
                    starts.contains(usize::from(t.as_bytes()[0])),
                    "{p:?} matches {t:?}"
                );
                let f = Prefilter::new([p.as_str()].into_iter());
                assert!(f.may_start(0, t.as_bytes()[0]));
            }
        }
        assert!(checked > 300, "only {checked} matches checked");
    }
}
