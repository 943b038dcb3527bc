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
        };
        for (i, h) in HEURISTICS.iter().enumerate() {
            match h.kind {
                TokenKind::Part | TokenKind::Shield => {
                    if matches!(h.place, Place::Host | Place::Any) {
                        let p = pair_of(h.token.as_bytes(), 0);
                        ix.pair_bits.insert(usize::from(p));
                        ix.by_pair.push((p, i as u16));
                    }
                }
                TokenKind::Word | TokenKind::Brand | TokenKind::Lure => {
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

/// Every heuristic that fires for `addr`: host tokens, the embedded-domain check and
/// path tokens. One pass over the host's labels and words.
pub(crate) fn check(addr: &Address) -> Vec<HeuristicHit> {
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
        }
        lure.report(&mut out);
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
    out
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
    let mut end = addr.path().len().min(MAX_PATH_BYTES);
    while !addr.path().is_char_boundary(end) {
        end -= 1;
    }
    for word in addr.path()[..end].split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.len() < 3 {
            continue;
        }
        for h in word_rules(word)
            .filter(|h| matches!(h.place, Place::Path | Place::Any) && h.kind == TokenKind::Word)
        {
            push(h, word, out);
        }
    }
}

/// Word tokens of the `query` rows in search terms.
pub(crate) fn check_query(q: &str, out: &mut Vec<HeuristicHit>) {
    let q = q.to_ascii_lowercase();
    for word in q.split(|c: char| !c.is_ascii_alphanumeric()).take(64) {
        if word.len() < 3 {
            continue;
        }
        for h in word_rules(word).filter(|h| h.place == Place::Query && h.kind == TokenKind::Word) {
            push(h, word, out);
        }
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
        check(&parse(u).unwrap())
            .into_iter()
            .map(|h| h.id)
            .collect()
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
