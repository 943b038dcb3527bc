//! Heuristics for addresses no list knows (`data/url/heuristics.tsv`): tokens in the
//! host name and path such as `porn`, `casino` or `unblocked`, each with its own reason.
//!
//! Host labels are the registrable name and its subdomains, without the public suffix
//! (so `.sex` or `.bet` TLDs are a list matter, not a token). Part tokens may sit inside
//! a longer label (`freeporntube`) unless a shield word covers them (`sussex`); word
//! tokens must be a whole word (labels split at `-`, `_` and letter/digit changes; paths
//! split at anything that is not a letter). Work is linear in the host and path length.

use esafety_taxonomy::UrlCategory;

use super::address::{Address, HostKind};
use super::bits::Bits;
use super::data::{packed, Heuristic, Place, TokenKind, HEURISTICS};

/// Longest path examined for word tokens.
const MAX_PATH_BYTES: usize = 512;

/// The heuristics table arranged for one pass over a name: part and shield tokens by
/// their first two bytes, word tokens sorted for binary search, each behind a bit table
/// that turns away almost every position or word in one test. Built once per process.
struct Index {
    /// One bit per pair of bytes that starts a part or shield token.
    pair_bits: Bits<1024>,
    /// (first two bytes, index into `HEURISTICS`) of part and shield tokens that may sit
    /// in a host name, sorted (tokens have at least three bytes: the data is checked).
    by_pair: Vec<(u16, u16)>,
    /// The packed word, brand and lure tokens' bits.
    word_bits: Bits<64>,
    /// (packed token, index) of word, brand and lure tokens, sorted: a token of at most
    /// 16 bytes packed into an integer compares in one instruction.
    words: Vec<(u128, u16)>,
    /// Brand tokens folded as [`fold_look_alikes`] folds a label, with their rows.
    look_alikes: Vec<(Vec<u8>, &'static Heuristic)>,
    /// The pairs of folded letters the brand tokens start with.
    look_alike_pairs: Bits<1024>,
}

fn pair_of(b: &[u8], i: usize) -> u16 {
    u16::from_be_bytes([b[i], b[i + 1]])
}

fn index() -> &'static Index {
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut ix = Index {
            pair_bits: Bits::new(),
            by_pair: Vec::new(),
            word_bits: Bits::new(),
            words: Vec::new(),
            look_alikes: Vec::new(),
            look_alike_pairs: Bits::new(),
        };
        for (i, h) in HEURISTICS.iter().enumerate() {
            if h.kind == TokenKind::Brand {
                if let Some(f) = fold_look_alikes(h.token.as_bytes(), false, None) {
                    if f.len >= 2 {
                        ix.look_alike_pairs.insert(usize::from(pair_of(f.key(), 0)));
                    }
                    ix.look_alikes.push((f.key().to_vec(), h));
                }
            }
            match h.kind {
                TokenKind::Part | TokenKind::Shield => {
                    if matches!(h.place, Place::Host | Place::Any) {
                        let p = pair_of(h.token.as_bytes(), 0);
                        ix.pair_bits.insert(usize::from(p));
                        ix.by_pair.push((p, i as u16));
                    }
                }
                TokenKind::Word
                | TokenKind::Brand
                | TokenKind::Lure
                | TokenKind::Aim
                | TokenKind::Evade => {
                    let packed = packed(h.token)
                        .expect("word tokens are at most 16 bytes (checked in the data)");
                    ix.word_bits.insert(Bits::<64>::packed_index(packed));
                    ix.words.push((packed, i as u16));
                }
            }
        }
        ix.by_pair.sort();
        ix.words.sort();
        ix
    })
}

/// Heuristics whose word token is `word`.
fn word_rules(word: &str) -> impl Iterator<Item = &'static Heuristic> + use<'_> {
    let ix = index();
    let w = &ix.words;
    let key = packed(word).unwrap_or(u128::MAX);
    let start = if ix.word_bits.contains(Bits::<64>::packed_index(key)) {
        w.partition_point(|(t, _)| *t < key)
    } else {
        w.len()
    };
    w[start..]
        .iter()
        .take_while(move |(t, _)| *t == key)
        .map(|(_, i)| &HEURISTICS[usize::from(*i)])
}

/// A heuristic that fired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HeuristicHit {
    pub id: &'static str,
    pub category: UrlCategory,
    pub strong: bool,
    pub reason: &'static str,
    pub line: usize,
    /// Where it was seen (the label or path word).
    pub seen: String,
}

/// Top-level names that, inside a subdomain, show a web address hidden in another.
const EMBEDDED_TLDS: [&str; 12] = [
    "com", "net", "org", "co", "uk", "gov", "edu", "io", "me", "info", "de", "fr",
];

/// Every heuristic that fires for `addr`, a named host no list knows: host tokens, the
/// embedded-domain check and path tokens (one pass over the host's labels and words), a
/// web address before an `@`, and — when the name is punycode whose look-alike
/// `skeleton` differs from it — a brand homograph.
pub(crate) fn check(addr: &Address, skeleton: Option<&str>) -> Vec<HeuristicHit> {
    let mut out = Vec::new();
    if addr.host_kind == HostKind::Domain {
        let name = match addr.suffix() {
            Some(s) if addr.host.len() > s.len() => &addr.host[..addr.host.len() - s.len() - 1],
            _ => &addr.host,
        };
        let mut lure = BrandLure::default();
        // `paypal.com.account-verify.xyz`: a top-level name among the subdomains, that is
        // in a label after the first and before the last.
        let (mut embedded, mut last_was_tld) = (false, false);
        // A byte test per character: hosts' labels are short, and `split('.')` makes a
        // memchr call per label (56 instructions a decision more on the UT1 mix).
        #[allow(clippy::manual_pattern_char_comparison)]
        for (i, label) in name.split(|c: char| c == '.').enumerate() {
            embedded |= last_was_tld;
            last_was_tld = i >= 1 && EMBEDDED_TLDS.contains(&label);
            host_label(label, &mut out, &mut lure);
            look_alike_brand(label, &mut out);
        }
        // A brand in the name and a lure in the path (`docs-sharepoint.web.app/login`).
        if lure.brand.is_some() && lure.lure.is_none() {
            for word in ascii_words(bounded_path(addr)) {
                for h in word_rules(word).filter(|h| h.kind == TokenKind::Lure) {
                    lure.see(h);
                }
            }
        }
        // The brand's own domain (`support.microsoft.com`) is no phishing page.
        let registrable = name.rsplit('.').next().unwrap_or(name);
        if lure.brand.is_none_or(|b| b.token != registrable) {
            lure.report(&mut out);
        }
        if embedded {
            out.push(HeuristicHit {
                id: "embedded_domain",
                category: UrlCategory::Malware,
                strong: true,
                reason: "a web address hidden inside another one (a common phishing trick)",
                line: 0,
                seen: name[..name.rfind('.').unwrap_or(0)].to_string(),
            });
        }
    }
    check_path(addr, &mut out);
    out.dedup_by(|a, b| a.id == b.id);
    out.extend(userinfo_name(addr));
    if let Some(skeleton) = skeleton {
        homograph(addr, skeleton, &mut out);
    }
    out
}

/// The heuristics for a bare IP address no list knows (not a local one): a login page or
/// a program on it, a web address before an `@`.
pub(crate) fn check_ip(addr: &Address) -> Vec<HeuristicHit> {
    ip_path(addr)
        .into_iter()
        .chain(userinfo_name(addr))
        .collect()
}

/// A brand's name next to a lure word (`roblox-login-verify.com`, `free-vbucks-fortnite`)
/// on a site no list knows: the shape of phishing and "free currency" scams. The first
/// word (in host order) with a brand row gives the category and reason.
#[derive(Default)]
struct BrandLure {
    brand: Option<&'static Heuristic>,
    lure: Option<&'static Heuristic>,
}

impl BrandLure {
    fn see(&mut self, h: &'static Heuristic) {
        match h.kind {
            TokenKind::Brand => {
                self.brand.get_or_insert(h);
            }
            TokenKind::Lure => {
                self.lure.get_or_insert(h);
            }
            _ => {}
        }
    }

    fn report(&self, out: &mut Vec<HeuristicHit>) {
        if let (Some(brand), Some(lure)) = (self.brand, self.lure) {
            if let Some(category) = brand.category {
                out.push(HeuristicHit {
                    id: brand.id,
                    category,
                    strong: brand.strong,
                    reason: brand.reason,
                    line: brand.line,
                    seen: format!("{} + {}", brand.token, lure.token),
                });
            }
        }
    }
}

/// Path tokens only (for listed sites that are not education or help).
pub(crate) fn check_path(addr: &Address, out: &mut Vec<HeuristicHit>) {
    for word in ascii_words(bounded_path(addr)) {
        for h in word_rules(word)
            .filter(|h| matches!(h.place, Place::Path | Place::Any) && h.kind == TokenKind::Word)
        {
            push(h, word, out);
        }
    }
}

/// The path's first [`MAX_PATH_BYTES`] (at a character boundary).
fn bounded_path<'a>(addr: &'a Address) -> &'a str {
    let path = addr.path();
    let mut end = path.len().min(MAX_PATH_BYTES);
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    &path[..end]
}

/// File types that run as programs when downloaded.
const PROGRAM_TYPES: [&str; 11] = [
    "exe", "apk", "msi", "scr", "bat", "cmd", "dmg", "jar", "vbs", "ps1", "hta",
];

/// A bare IP address whose path asks for a login or hands out a
/// program (`185.234.72.19/office365/login.php`, `…:8080/update.exe`): where phishing
/// kits and malware are served from when they have no name. A brand or lure word of the
/// heuristics table, or a program's file type, in the path.
fn ip_path(addr: &Address) -> Option<HeuristicHit> {
    let path = bounded_path(addr);
    let file_type = path
        .rsplit('/')
        .next()
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, t)| t);
    let (seen, reason) = if let Some(t) = file_type.filter(|t| PROGRAM_TYPES.contains(t)) {
        (
            t,
            "a program to download from a bare IP address (a common way to spread malware)",
        )
    } else {
        let word = ascii_words(path).find(|w| {
            word_rules(w).any(|h| matches!(h.kind, TokenKind::Brand | TokenKind::Lure))
        })?;
        (
            word,
            "a login or account page on a bare IP address (a common phishing trick)",
        )
    };
    Some(HeuristicHit {
        id: "ip_address_lure",
        category: UrlCategory::Malware,
        strong: true,
        reason,
        line: 0,
        seen: seen.to_string(),
    })
}

/// A web address written before an `@` (`https://accounts.google.com@login-verify.xyz/`):
/// the browser takes it as a user name and goes to the host after it, so a name that looks
/// like a site there only serves to mislead the reader.
fn userinfo_name(addr: &Address) -> Option<HeuristicHit> {
    let after_scheme = addr.url.split_once("://")?.1;
    let authority = after_scheme.split(['/', '?', '#']).next()?;
    let (user, _) = authority.rsplit_once('@')?;
    let user = user.split(':').next()?;
    let looks_like_a_site = user.contains('.')
        && user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'%'));
    looks_like_a_site.then(|| HeuristicHit {
        id: "userinfo_name",
        category: UrlCategory::Malware,
        strong: true,
        reason: "a web address written before an @ to hide the real site (a phishing trick)",
        line: 0,
        seen: user.to_string(),
    })
}

/// A brand's name written with letters of another script (`pаypal.com` with a Cyrillic
/// `а`, `аррӏе.com` all in Cyrillic). `skeleton` is the host's ASCII look-alike (the text
/// normaliser's fold of every character); a label that was punycode and whose look-alike
/// is a brand token, or a hyphen-separated part of one, is a homograph of that brand.
fn homograph(addr: &Address, skeleton: &str, out: &mut Vec<HeuristicHit>) {
    let ix = index();
    for (label, ascii) in addr.host.split('.').zip(skeleton.split('.')) {
        if !label.starts_with("xn--") {
            continue;
        }
        for part in ascii.split(['-', '_']).chain(std::iter::once(ascii)) {
            let Some(folded) = fold_look_alikes(part.as_bytes(), false, None) else {
                continue;
            };
            let brand = ix
                .look_alikes
                .iter()
                .find(|(k, h)| k[..] == *folded.key() && h.token.len() == part.len());
            if let Some(category) = brand.and_then(|(_, h)| h.category) {
                out.push(HeuristicHit {
                    id: "homograph_brand",
                    category,
                    strong: true,
                    reason: "a well-known name written with letters from another script (a phishing trick)",
                    line: 0,
                    seen: addr.unicode_host.clone().unwrap_or_default(),
                });
                return;
            }
        }
    }
}

/// The runs of ASCII letters and digits in `s` of three bytes or more (anything else,
/// other characters included, separates them). A byte loop: splitting on a `char`
/// predicate decodes every character first.
fn ascii_words(s: &str) -> impl Iterator<Item = &str> + '_ {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            while i < b.len() && !b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i >= b.len() {
                return None;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i - start >= 3 {
                // Both ends sit next to ASCII bytes or the ends of `s`: char boundaries.
                return s.get(start..i);
            }
        }
    })
}

/// Word tokens of the `query` rows in search terms, and an aim word with an evade word
/// (`how to get round the school filter`): the first aim row gives category and reason.
pub(crate) fn check_query(q: &str, out: &mut Vec<HeuristicHit>) {
    let q = q.to_ascii_lowercase();
    let (mut aim, mut evade) = (None, None);
    for word in ascii_words(&q).take(64) {
        for h in word_rules(word).filter(|h| h.place == Place::Query) {
            match h.kind {
                TokenKind::Word => push(h, word, out),
                TokenKind::Aim => {
                    aim.get_or_insert((h, word));
                }
                TokenKind::Evade => {
                    evade.get_or_insert(word);
                }
                _ => {}
            }
        }
    }
    if let (Some((h, aimed)), Some(evaded)) = (aim, evade) {
        push(h, &format!("{evaded} … {aimed}"), out);
    }
}

fn push(h: &'static Heuristic, seen: &str, out: &mut Vec<HeuristicHit>) {
    if let Some(category) = h.category {
        if out.iter().all(|o| o.id != h.id) {
            out.push(HeuristicHit {
                id: h.id,
                category,
                strong: h.strong,
                reason: h.reason,
                line: h.line,
                seen: seen.to_string(),
            });
        }
    }
}

/// A brand's name spelt with look-alike characters (`g00gle`, `paypai`, `steamcommunlty`,
/// `arnazon`): a label, or a part of it between hyphens, that reads as a brand token once
/// look-alikes are folded, but is not the brand itself. Brand tokens typed correctly are
/// [`BrandLure`]'s business; this is the typo-squatting that a lure word need not go with.
fn look_alike_brand(label: &str, out: &mut Vec<HeuristicHit>) {
    if label.len() < 4 {
        return;
    }
    if !label.bytes().any(|b| b == b'-' || b == b'_') {
        look_alike_part(label, label, false, out);
        return;
    }
    // A byte test per character, as in `check` (a `char` pattern costs more).
    #[allow(clippy::manual_pattern_char_comparison)]
    for part in label.split(|c: char| c == '-' || c == '_') {
        if look_alike_part(label, part, false, out) {
            return;
        }
    }
    look_alike_part(label, label, true, out);
}

/// [`look_alike_brand`] for one part of `label` (or all of it with the hyphens dropped,
/// `joined`); `true` if it reported one.
fn look_alike_part(label: &str, part: &str, joined: bool, out: &mut Vec<HeuristicHit>) -> bool {
    let ix = index();
    if part.len() < 4 || part.len() > MAX_LOOK_ALIKE {
        return false;
    }
    // A number after a name is a name and a number (`minecraft10`, `youtube89`).
    let part = strip_number(part);
    // Most labels stop at their first two letters: no brand starts that way.
    let Some(folded) = fold_look_alikes(part.as_bytes(), joined, Some(&ix.look_alike_pairs)) else {
        return false;
    };
    let Some(&(_, h)) = ix.look_alikes.iter().find(|(k, _)| k[..] == *folded.key()) else {
        return false;
    };
    // An innocent word that folds onto a brand (`goggle`) has a shield row.
    if HEURISTICS
        .iter()
        .any(|h| h.kind == TokenKind::Shield && h.token == part)
    {
        return false;
    }
    let spelt_right = if joined {
        part.bytes()
            .filter(|&b| b != b'-' && b != b'_')
            .eq(h.token.bytes())
    } else {
        part == h.token
    };
    // A short name is only matched letter for letter (`api3` is not `apple`); a
    // longer one may also miss a letter (`gogle`, `facebok`).
    let len = part.bytes().filter(|&b| b != b'-' && b != b'_').count();
    // And the fewer letters a name has, the fewer may be look-alikes: a random label
    // (`grn4i`) can fold onto a short name.
    let close = if h.token.len() <= 5 {
        len == h.token.len() && folded.folds <= 1
    } else {
        len + 1 >= h.token.len() && folded.folds <= h.token.len() / 3
    };
    if spelt_right || !close {
        return false;
    }
    if let Some(category) = h.category {
        out.push(HeuristicHit {
            id: "look_alike_brand",
            category,
            strong: true,
            reason: "a well-known name spelt with look-alike letters (g00gle, paypai): a phishing trick",
            line: h.line,
            seen: label.to_string(),
        });
    }
    true
}

/// Longest label or hyphen-separated part compared with the brands (brand names are
/// shorter; a longer label is no look-alike of one).
const MAX_LOOK_ALIKE: usize = 40;

/// `s` without two or more digits at its end: a number, not letters (`api33`,
/// `minecraft10`); one digit may be a look-alike letter (`paypa1`).
fn strip_number(s: &str) -> &str {
    let digits = s.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits >= 2 {
        &s[..s.len() - digits]
    } else {
        s
    }
}

/// A name with its look-alike characters folded (see [`fold_look_alikes`]).
struct Folded {
    bytes: [u8; MAX_LOOK_ALIKE],
    len: usize,
    /// How many digits, `rn` and `vv` were folded (`i` and `l` are one letter here:
    /// brands' names fold them too).
    folds: usize,
}

impl Folded {
    fn key(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// `s` (at most [`MAX_LOOK_ALIKE`] bytes) with look-alike characters folded (`0` → `o`,
/// `1` and `i` → `l`, `3` → `e`, `4` → `a`, `5` → `s`, `7` → `t`, `rn` → `m`, `vv` → `w`),
/// hyphens dropped when `joined`, and runs of one letter cut to one (`gooogle`,
/// `paypall`). `None` when `s` is too long, or when its first two folded letters are not
/// in `first_two` (the brands' own).
fn fold_look_alikes(s: &[u8], joined: bool, first_two: Option<&Bits<1024>>) -> Option<Folded> {
    let mut f = Folded {
        bytes: [0; MAX_LOOK_ALIKE],
        len: 0,
        folds: 0,
    };
    let mut i = 0;
    while i < s.len() {
        let (c, step) = match (s[i], s.get(i + 1)) {
            (b'r', Some(b'n')) => (b'm', 2),
            (b'v', Some(b'v')) => (b'w', 2),
            (b'0', _) => (b'o', 1),
            (b'1' | b'i', _) => (b'l', 1),
            (b'3', _) => (b'e', 1),
            (b'4', _) => (b'a', 1),
            (b'5', _) => (b's', 1),
            (b'7', _) => (b't', 1),
            (b'-' | b'_', _) if joined => {
                i += 1;
                continue;
            }
            (c, _) => (c, 1),
        };
        f.folds += usize::from(step == 2 || s[i].is_ascii_digit());
        if f.len == 0 || f.bytes[f.len - 1] != c {
            *f.bytes.get_mut(f.len)? = c;
            f.len += 1;
            if f.len == 2 {
                let pair = usize::from(pair_of(&f.bytes, 0));
                if first_two.is_some_and(|p| !p.contains(pair)) {
                    return None;
                }
            }
        }
        i += step;
    }
    Some(f)
}

fn host_label(label: &str, out: &mut Vec<HeuristicHit>, lure: &mut BrandLure) {
    // Whole words: split at '-', '_' and letter/digit changes.
    for word in words(label) {
        for h in word_rules(word) {
            if h.kind == TokenKind::Word {
                if matches!(h.place, Place::Host | Place::Any) {
                    push(h, label, out);
                }
            } else {
                lure.see(h);
            }
        }
    }
    // Parts, unless every occurrence is covered by a shield word: one pass over the label,
    // trying only the tokens that start with the two bytes at each position.
    let b = label.as_bytes();
    let idx = index();
    let mut shields: Vec<(usize, usize)> = Vec::new();
    let mut parts: Vec<(usize, usize, u16)> = Vec::new();
    for i in 0..b.len().saturating_sub(1) {
        let p = pair_of(b, i);
        if !idx.pair_bits.contains(usize::from(p)) {
            continue;
        }
        let from = idx.by_pair.partition_point(|&(q, _)| q < p);
        for &(_, k) in idx.by_pair[from..].iter().take_while(|&&(q, _)| q == p) {
            let h = &HEURISTICS[usize::from(k)];
            if b[i..].starts_with(h.token.as_bytes()) {
                let span = (i, i + h.token.len());
                if h.kind == TokenKind::Shield {
                    shields.push(span);
                } else {
                    parts.push((span.0, span.1, k));
                }
            }
        }
    }
    for (i, j, k) in parts {
        if !shields.iter().any(|&(s, e)| s <= i && j <= e) {
            push(&HEURISTICS[usize::from(k)], label, out);
        }
    }
}

/// The words of a host label: split at `-` and `_` and where letters meet digits
/// (`bet365-uk` → `bet`, `365`, `uk`). An iterator, so the hot path allocates nothing.
fn words(label: &str) -> Words<'_> {
    Words { s: label, at: 0 }
}

struct Words<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let b = self.s.as_bytes();
        while self.at < b.len() && matches!(b[self.at], b'-' | b'_') {
            self.at += 1;
        }
        if self.at >= b.len() {
            return None;
        }
        let start = self.at;
        let digit = b[start].is_ascii_digit();
        let mut i = start + 1;
        while i < b.len() && !matches!(b[i], b'-' | b'_') && b[i].is_ascii_digit() == digit {
            i += 1;
        }
        self.at = i;
        Some(&self.s[start..i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::address::parse;

    fn ids(u: &str) -> Vec<&'static str> {
        check(&parse(u).unwrap(), None)
            .into_iter()
            .map(|h| h.id)
            .collect()
    }

    fn folded(s: &str) -> (String, usize) {
        let f = fold_look_alikes(s.as_bytes(), false, None).unwrap();
        (String::from_utf8(f.key().to_vec()).unwrap(), f.folds)
    }

    #[test]
    fn look_alikes_fold_onto_one_spelling() {
        assert_eq!(folded("g00gle"), ("gogle".into(), 2));
        assert_eq!(folded("google"), ("gogle".into(), 0));
        assert_eq!(folded("paypai"), folded("paypal"));
        assert_eq!(folded("arnazon").0, folded("amazon").0);
        assert_eq!(folded("vvhatsapp").0, folded("whatsapp").0);
        assert_eq!(folded("mlcr0soft").0, folded("microsoft").0);
        // Why heuristics.tsv shields it: a real word that folds onto a brand.
        assert_eq!(folded("goggle").0, folded("google").0);
        assert_eq!(strip_number("minecraft10"), "minecraft");
        assert_eq!(strip_number("paypa1"), "paypa1");
    }

    #[test]
    fn a_brands_own_domain_is_not_phishing() {
        assert!(ids("https://remoteassistance.support.services.microsoft.com/").is_empty());
        assert!(ids("https://microsoft-support-login.example/")
            .iter()
            .any(|id| id.starts_with("brand_")));
        assert!(ids("https://microsoft.com.support-login.example/")
            .iter()
            .any(|id| id.starts_with("brand_")));
    }

    #[test]
    fn brands_spelt_with_look_alikes_are_phishing() {
        for u in [
            "https://steamcommunlty.com/tradeoffer/new/",
            "https://g00gle-account-security.com/signin",
            "https://paypa1.example/",
            "https://app1e.com/",
            "https://login.rob1ox.example/",
            "https://f4cebook.info/",
        ] {
            assert!(ids(u).contains(&"look_alike_brand"), "{u}: {:?}", ids(u));
        }
        for u in [
            "https://google.example/",
            "https://minecraft10.example/",
            "https://youtube89.example/",
            "https://goggles.example/",
            "https://api-3.example/",
            "https://grn4i-jaaaa.example/",
            "https://office-design.example/",
            "https://teams.office.net/",
            "https://apples.example/",
        ] {
            assert!(!ids(u).contains(&"look_alike_brand"), "{u}: {:?}", ids(u));
        }
    }

    #[test]
    fn ascii_words_are_the_runs_of_ascii_letters_and_digits() {
        let mut rng = crate::test_rng::Rng::new(20);
        let alphabet: Vec<char> = "ab9Z-_/.?=é😀 %x".chars().collect();
        for _ in 0..2000 {
            let n = rng.below(24);
            let s: String = (0..n)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let by_char: Vec<&str> = s
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.len() >= 3)
                .collect();
            assert_eq!(ascii_words(&s).collect::<Vec<_>>(), by_char, "{s:?}");
        }
    }

    fn query_ids(q: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        check_query(q, &mut out);
        out.into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn a_filter_with_a_way_past_it_is_a_bypass_search() {
        assert_eq!(
            query_ids("how to get round the school wifi filter"),
            vec!["aim_filter"]
        );
        assert_eq!(
            query_ids("how to get past securly on my chromebook"),
            vec!["aim_securly"]
        );
        assert!(query_ids("how to get water through a filter").is_empty());
        assert!(query_ids("walk around the block").is_empty());
        assert!(query_ids("how do web filters work").is_empty());
    }

    #[test]
    fn tokens_in_names_and_paths() {
        assert_eq!(
            ids("https://free-porn-videos-hd.example-tube.net/"),
            vec!["porn"]
        );
        assert!(ids("https://freeporntube.example/").contains(&"porn"));
        assert_eq!(ids("https://best-online-casino-bonus.win/"), vec!["casino"]);
        assert_eq!(
            ids("https://unblocked-games-66.github.io/"),
            vec!["unblocked", "unblock"]
        );
        assert_eq!(
            ids("https://blog.example/2020/free-porn-now"),
            vec!["porn_path"]
        );
        assert_eq!(ids("https://bet-365.example/"), vec!["bet"]);
        assert_eq!(
            ids("http://paypal.com.account-verify-login.xyz/signin"),
            vec!["brand_paypal", "embedded_domain"]
        );
        assert_eq!(ids("https://free-robux-generator.xyz/"), vec!["robux"]);
        assert!(ids("https://a.b.c.bbc.co.uk/").is_empty());
        assert_eq!(
            ids("https://roblox-login-verify.com/login"),
            vec!["brand_roblox"]
        );
        assert!(ids("https://roblox-fan-art.example/").is_empty());
        assert!(ids("https://s3.eu-west-1.amazonaws.com/").is_empty());
    }

    #[test]
    fn innocent_names_stay_clean() {
        for u in [
            "https://www.essex.gov.uk/",
            "https://www.sussexcricket.co.uk/",
            "https://middlesex.example/",
            "https://www.scunthorpe-united.co.uk/",
            "https://www.alphabet.com/",
            "https://www.betterhelp.com/",
            "https://analytics.google.com/",
            "https://www.therapistaid.com/",
            "https://www.sexwise.org.uk/",
            "https://www.sextant-navigation.example/",
            "https://www.nhs.uk/conditions/breast-cancer/",
            "https://www.bbc.co.uk/news?u=https://pornhub.com",
        ] {
            assert!(ids(u).is_empty(), "{u}: {:?}", ids(u));
        }
    }

    #[test]
    fn splits_words() {
        let w = |s| words(s).collect::<Vec<_>>();
        assert_eq!(w("bet365-uk_win"), vec!["bet", "365", "uk", "win"]);
        assert_eq!(w("--a--"), vec!["a"]);
        assert!(w("").is_empty() && w("-_-").is_empty());
    }
}
