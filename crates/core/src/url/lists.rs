//! Looking an address up in list packs: every host suffix (a listed name covers its
//! subdomains), every path prefix at a `/` boundary (`urls` lists), and SHA-256 digests
//! of the host and URL (hashed lists).

use esafety_pack::Pack;
use sha2::{Digest, Sha256};

use super::address::{Address, HostKind, MAX_SUFFIXES};
use super::few::Few;
use super::literals::Prefilter;

/// Most host labels probed (the least specific ones: `a.b.c…evil.com` still probes
/// `evil.com`); bounds the work on hosts with hundreds of labels.
pub const MAX_HOST_PROBES: usize = 12;
/// Most path segments probed for `urls` entries.
pub const MAX_PATH_PROBES: usize = 6;

/// A named list pack (the built-in list, or one a school loads).
#[derive(Clone, Debug)]
pub struct NamedPack {
    pub name: String,
    pub pack: Pack,
}

/// What a list said about an address. Borrows from the packs and the address: the
/// strings for reasons are only built for hits that become reasons.
#[derive(Clone, Debug)]
pub(crate) struct ListHit<'a> {
    pub categories: u32,
    pub min_age: u8,
    pack: &'a NamedPack,
    source: esafety_pack::SourceId,
    line: Option<u32>,
    /// The listed name that matched (`bet365.com`, `example.com/casino`).
    pub key: std::borrow::Cow<'a, str>,
    /// Labels in the matched host plus path segments: larger is more specific.
    pub depth: usize,
    /// From a hashed list (`illegal`).
    pub hashed: bool,
    /// From a regular expression (`key` is the pattern).
    pub expression: bool,
}

/// A list's regular expression, compiled when the classifier is built.
#[derive(Clone, Debug)]
pub(crate) struct CompiledExpression {
    pub regex: regex_lite::Regex,
    pub categories: u32,
    pub pack: usize,
    pub source: esafety_pack::SourceId,
    pub line: u32,
}

/// Most expressions compiled per classifier, and longest text they are run on.
pub const MAX_EXPRESSIONS: usize = 4096;
pub const MAX_EXPRESSION_INPUT: usize = 4096;

/// The packs' expressions, compiled, with the prefilter that skips most of them.
#[derive(Clone, Debug)]
pub(crate) struct Expressions {
    list: Vec<CompiledExpression>,
    prefilter: Prefilter,
}

/// Compiles the expressions of every pack (case-insensitive, bounded size); patterns the
/// engine refuses are skipped (`esafety lists compile` already reported them).
pub(crate) fn compile_expressions(packs: &[NamedPack]) -> Expressions {
    let list = compile_list(packs);
    let prefilter = Prefilter::new(list.iter().map(|e| e.regex.as_str()));
    Expressions { list, prefilter }
}

fn compile_list(packs: &[NamedPack]) -> Vec<CompiledExpression> {
    let mut out = Vec::new();
    for (i, np) in packs.iter().enumerate() {
        for e in np.pack.expressions() {
            if out.len() == MAX_EXPRESSIONS {
                return out;
            }
            let built = regex_lite::RegexBuilder::new(e.pattern)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build();
            if let Ok(regex) = built {
                out.push(CompiledExpression {
                    regex,
                    categories: e.categories,
                    pack: i,
                    source: e.source,
                    line: e.line,
                });
            }
        }
    }
    out
}

/// Every expression that matches `host/path?query` (cut at [`MAX_EXPRESSION_INPUT`]).
/// Only those the [`Prefilter`] lets through are run.
pub(crate) fn probe_expressions<'a>(
    packs: &'a [NamedPack],
    exprs: &'a Expressions,
    addr: &Address,
    out: &mut Vec<ListHit<'a>>,
) {
    if exprs.list.is_empty() || addr.host.is_empty() {
        return;
    }
    let joined;
    let text = match addr.host_and_path(true) {
        Some(t) => t,
        None => {
            let mut t = String::with_capacity(addr.host.len() + addr.raw_path().len() + 1);
            t.push_str(&addr.host);
            t.push_str(addr.raw_path());
            if let Some(q) = addr.query() {
                t.push('?');
                t.push_str(q);
            }
            joined = t;
            &joined
        }
    };
    let mut end = text.len().min(MAX_EXPRESSION_INPUT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    // One bit per expression; a few words on the stack cover any real list.
    let words = exprs.list.len().div_ceil(64);
    let (mut inline, mut heap) = ([0u64; 4], Vec::new());
    let run = if words <= inline.len() {
        &mut inline[..words]
    } else {
        heap.resize(words, 0);
        &mut heap[..]
    };
    exprs.prefilter.candidates(text.as_bytes(), run);
    let first = text.as_bytes().first().copied().unwrap_or(0);
    for (i, e) in exprs.list.iter().enumerate() {
        if run[i / 64] & (1 << (i % 64)) != 0
            && exprs.prefilter.may_start(i, first)
            && e.regex.is_match(text)
        {
            let depth = labels(&addr.host) + 1;
            out.push(ListHit::by_expression(&packs[e.pack], e, depth));
        }
    }
}

impl<'a> ListHit<'a> {
    /// A hit on a domain or `host/path` entry.
    fn listed(
        pack: &'a NamedPack,
        hit: esafety_pack::Hit,
        key: std::borrow::Cow<'a, str>,
        depth: usize,
    ) -> ListHit<'a> {
        ListHit {
            categories: hit.tag.categories,
            min_age: hit.tag.min_age,
            pack,
            source: hit.tag.source,
            line: hit.line,
            key,
            depth,
            hashed: false,
            expression: false,
        }
    }

    /// A hit by a list's regular expression.
    pub fn by_expression(
        pack: &'a NamedPack,
        e: &'a CompiledExpression,
        depth: usize,
    ) -> ListHit<'a> {
        ListHit {
            categories: e.categories,
            min_age: 0,
            pack,
            source: e.source,
            line: Some(e.line),
            key: std::borrow::Cow::Borrowed(e.regex.as_str()),
            depth,
            hashed: false,
            expression: true,
        }
    }

    /// Pack name, source list and line (`default: data/url/domains.tsv:120`).
    pub fn source(&self) -> String {
        describe(self.pack, self.source, self.line)
    }
}

fn describe(np: &NamedPack, source: esafety_pack::SourceId, line: Option<u32>) -> String {
    // Built by hand: this runs for every list hit, and `format!` costs more than the rest
    // of the lookup.
    let list = np.pack.source_name(source).unwrap_or("?");
    let mut s = String::with_capacity(np.name.len() + list.len() + 10);
    s.push_str(&np.name);
    s.push_str(": ");
    s.push_str(list);
    if let Some(l) = line {
        s.push(':');
        push_number(&mut s, l);
    }
    s
}

/// Appends a number in decimal without the formatting machinery.
pub(crate) fn push_number(s: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        s.push(char::from(d));
    }
}

/// Every list entry that matches `addr`, from every pack.
///
/// Each host suffix and `host/path` key is hashed once, for the first pack that may
/// hold it, and the hash is reused for the others; suffixes and prefixes live in fixed
/// arrays and the path keys are slices of one buffer, so a decision allocates nothing
/// here unless a path entry matches.
pub(crate) fn probe<'a>(
    packs: &'a [NamedPack],
    addr: &'a Address,
    host: &'a str,
    out: &mut Vec<ListHit<'a>>,
) {
    if host.is_empty() {
        return;
    }
    let suffixes = super::address::suffixes(host, addr.host_kind, MAX_HOST_PROBES);
    // Labels per suffix, for every pack: a domain's suffixes (most specific first) end
    // with its top-level name, each one label shorter than the one before.
    let mut depths = [0u8; MAX_SUFFIXES];
    let n = suffixes.len();
    for (i, (d, s)) in depths.iter_mut().zip(suffixes.iter()).enumerate() {
        *d = if s.starts_with("www.") {
            0
        } else if addr.host_kind == HostKind::Domain {
            (n - i) as u8
        } else {
            labels(s).min(usize::from(u8::MAX)) as u8
        };
    }
    let mut hashes = Hashes::<MAX_SUFFIXES>::new();
    let mut paths = None;
    for np in packs {
        let min = np.pack.min_domain_labels() as usize;
        for (i, s) in suffixes.iter().enumerate() {
            if !may_hold(depths[i], min) {
                continue;
            }
            let h = hashes.get(i, s);
            if let Some(hit) = np.pack.domain_by_hash(h) {
                out.push(ListHit::listed(
                    np,
                    hit,
                    std::borrow::Cow::Borrowed(s),
                    usize::from(depths[i]),
                ));
            }
        }
        let hosts = path_hosts(np, &suffixes, &depths, &mut hashes);
        if hosts != 0 {
            let keys = paths.get_or_insert_with(|| {
                let full = addr.host_and_path(false).filter(|_| host == addr.host);
                PathKeys::new(host, addr.path(), full)
            });
            probe_paths(np, &suffixes, &depths, hosts, keys, out);
        }
        // Hashed lists hold the address's own host and URL, not a look-alike's.
        if np.pack.has_hashes() && host == addr.host {
            probe_hashes(np, addr, out);
        }
    }
}

/// The suffixes (bit `i` for `suffixes[i]`) under which this pack may hold `host/path`
/// entries: deep enough for its shortest URL host and, in a pack that marks its URL hosts,
/// marked (the mark is found with the suffix's hash, which the domain probe has usually
/// made already). Zero when the pack has no `urls` entries, so most packs cost nothing here.
fn path_hosts<const N: usize>(
    np: &NamedPack,
    suffixes: &[&str],
    depths: &[u8],
    hashes: &mut Hashes<N>,
) -> u32 {
    if !np.pack.has_urls() {
        return 0;
    }
    let min = np.pack.min_url_labels() as usize;
    let marks = np.pack.marks_url_hosts();
    let mut hosts = 0u32;
    // A host has at most `MAX_SUFFIXES` (12) suffixes: a bit each fits.
    for (i, s) in suffixes.iter().enumerate().take(MAX_SUFFIXES.min(32)) {
        if may_hold(depths[i], min) && (!marks || np.pack.has_url_host_by_hash(hashes.get(i, s))) {
            hosts |= 1 << i;
        }
    }
    hosts
}

/// Whether a pack whose shortest key has `min` labels can hold a key of `depth` labels
/// (0 for a key that starts with `www.`: the builder drops it, so no pack holds one).
fn may_hold(depth: u8, min: usize) -> bool {
    depth != 0 && usize::from(depth) >= min
}

fn labels(s: &str) -> usize {
    1 + s
        .bytes()
        .take_while(|&b| b != b'/')
        .filter(|&b| b == b'.')
        .count()
}

/// Path prefixes at segment boundaries, without the trailing slash: for `/a/b/c.html`
/// that is `a`, `a/b`, `a/b/c.html`.
pub(crate) fn path_prefixes(path: &str) -> Vec<&str> {
    prefixes(path).to_vec()
}

/// Key hashes by slot, each computed on first use (one hash per key for all packs).
struct Hashes<const N: usize> {
    done: u128,
    values: [u64; N],
}

impl<const N: usize> Hashes<N> {
    fn new() -> Self {
        Hashes {
            done: 0,
            values: [0; N],
        }
    }

    fn get(&mut self, slot: usize, key: &str) -> u64 {
        if slot >= N.min(128) {
            return esafety_pack::key_hash(key.as_bytes());
        }
        if self.done & (1 << slot) == 0 {
            self.values[slot] = esafety_pack::key_hash(key.as_bytes());
            self.done |= 1 << slot;
        }
        self.values[slot]
    }
}

/// [`path_prefixes`] in a fixed array.
#[inline]
fn prefixes(path: &str) -> Few<'_, MAX_PATH_PROBES> {
    let p = path.trim_start_matches('/');
    let mut out = Few::new();
    let slashes = p.bytes().enumerate().filter(|&(_, b)| b == b'/');
    for (i, _) in slashes {
        if i > 0 {
            out.push(&p[..i]);
        }
        if out.len() == MAX_PATH_PROBES {
            return out;
        }
    }
    let full = p.trim_end_matches('/');
    if !full.is_empty() && out.last() != Some(&full) {
        out.push(full);
    }
    out
}

/// The `host/path` keys of an address: `host/p` (p the path without its leading
/// slashes) written once, built on first use; the key for a suffix and a prefix is a
/// slice of it. Hashes are kept for the next pack.
struct PathKeys<'a> {
    host: &'a str,
    path: &'a str,
    /// Found on first use: most packs have no `urls` entries.
    prefixes: Option<Few<'a, MAX_PATH_PROBES>>,
    /// The address's `host/path` in its URL, when `host` is the address's own.
    full: Option<&'a str>,
    /// `host/` and the path (without its leading slashes), cut after the longest
    /// prefix: a slice of the address's URL when the path needs no decoding.
    buf: Option<std::borrow::Cow<'a, str>>,
    hashes: Hashes<{ MAX_PATH_PROBES * MAX_SUFFIXES }>,
}

impl<'a> PathKeys<'a> {
    fn new(host: &'a str, path: &'a str, full: Option<&'a str>) -> PathKeys<'a> {
        PathKeys {
            host,
            path,
            prefixes: None,
            full,
            buf: None,
            hashes: Hashes::new(),
        }
    }
}

/// Probes the `host/path` keys under the suffixes `hosts` names ([`path_hosts`]).
fn probe_paths<'a>(
    np: &'a NamedPack,
    suffixes: &[&str],
    depths: &[u8],
    hosts: u32,
    keys: &mut PathKeys<'_>,
    out: &mut Vec<ListHit<'a>>,
) {
    let path = keys.path;
    let prefixes = *keys.prefixes.get_or_insert_with(|| prefixes(path));
    let Some(longest) = prefixes.last().copied() else {
        return;
    };
    let host = keys.host;
    let full = keys.full;
    let buf = keys.buf.get_or_insert_with(|| {
        // The URL already holds `host/path` when the matching path is the raw one.
        let raw = full
            .and_then(|hp| hp.get(..host.len() + 1 + longest.len()))
            .filter(|hp| hp.get(host.len()..host.len() + 1) == Some("/"))
            .filter(|hp| hp.get(host.len() + 1..) == Some(longest));
        match raw {
            Some(hp) => std::borrow::Cow::Borrowed(hp),
            None => {
                let mut b = String::with_capacity(host.len() + 1 + longest.len());
                b.push_str(host);
                b.push('/');
                b.push_str(longest);
                std::borrow::Cow::Owned(b)
            }
        }
    });
    let buf: &str = buf;
    for (i, s) in suffixes.iter().enumerate() {
        if hosts & (1 << i) == 0 {
            continue;
        }
        let from = host.len() - s.len();
        for (j, p) in prefixes.iter().enumerate() {
            let Some(key) = buf.get(from..host.len() + 1 + p.len()) else {
                continue;
            };
            let h = keys.hashes.get(i * MAX_PATH_PROBES + j, key);
            if let Some(hit) = np.pack.url_by_hash(h) {
                let depth = usize::from(depths[i]) + 1 + p.matches('/').count();
                out.push(ListHit::listed(
                    np,
                    hit,
                    std::borrow::Cow::Owned(key.to_string()),
                    depth,
                ));
            }
        }
    }
}

/// The strings whose SHA-256 a hashed list may hold for this address: each host suffix
/// with two or more labels, and the full host with its path, with and without the query
/// (no scheme, no fragment; path as the browser sends it).
pub fn hash_forms(addr: &Address) -> Vec<String> {
    let mut forms: Vec<String> = addr
        .host_suffixes(MAX_HOST_PROBES)
        .into_iter()
        .filter(|s| s.contains('.') || addr.host_kind != HostKind::Domain)
        .map(str::to_string)
        .collect();
    let raw_path = addr.raw_path();
    let bare = addr.host.strip_prefix("www.").unwrap_or(&addr.host);
    for h in [&*addr.host, bare] {
        forms.push(format!("{h}{raw_path}"));
        if let Some(q) = addr.query() {
            forms.push(format!("{h}{raw_path}?{q}"));
        }
    }
    forms.sort();
    forms.dedup();
    forms
}

/// SHA-256 of a normalised host or URL, as hashed lists hold it.
pub fn sha256(s: &str) -> [u8; 32] {
    Sha256::digest(s.as_bytes()).into()
}

fn probe_hashes<'a>(np: &'a NamedPack, addr: &Address, out: &mut Vec<ListHit<'a>>) {
    for form in hash_forms(addr) {
        if let Some(src) = np.pack.hash(&sha256(&form)) {
            out.push(ListHit {
                categories: esafety_taxonomy::UrlCategory::Illegal.bit(),
                min_age: 0,
                pack: np,
                source: src,
                line: None,
                key: std::borrow::Cow::Borrowed("(hashed entry)"),
                depth: usize::MAX,
                hashed: true,
                expression: false,
            });
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_decide_and_stay_linear() {
        use crate::{Action, UrlCategory, UrlClassifier};
        let mut b = esafety_pack::PackBuilder::new();
        let s = b.source("ut1/malware/expressions").unwrap();
        b.expression(
            r"^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/search\?q=[0-9]+$",
            UrlCategory::Malware.bit(),
            s,
            1,
        );
        b.expression("(a*)*b", UrlCategory::Adult.bit(), s, 2);
        b.expression("(unclosed", 1, s, 3);
        let pack = esafety_pack::Pack::from_vec(b.build().unwrap()).unwrap();
        let c = UrlClassifier::builder().pack("school", pack).build();
        let d = c.classify("http://1.2.3.4/search?q=123").unwrap();
        assert_eq!(d.action, Action::Block);
        assert!(d
            .reasons
            .iter()
            .any(|r| r.detail.contains("matches") && r.source.contains("expressions:1")));
        // A pattern that backtracking engines take exponential time on, over a long URL.
        let long = format!("https://x.example/{}", "a".repeat(60_000));
        assert_eq!(c.classify(&long).unwrap().action, Action::Allow);
        assert_eq!(
            c.classify("https://x.example/aaab").unwrap().action,
            Action::Block
        );
    }

    #[test]
    fn numbers() {
        for n in [0, 7, 10, 12345, u32::MAX] {
            let mut s = String::new();
            push_number(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn path_keys_are_host_slash_prefix() {
        let mut b = esafety_pack::PackBuilder::new();
        let s = b.source("school/urls").unwrap();
        b.url("example.com/a/b", 1, 0, s, 7);
        b.url("x.example.com/a", 1, 0, s, 8);
        let pack = esafety_pack::Pack::from_vec(b.build().unwrap()).unwrap();
        let packs = [NamedPack {
            name: "school".into(),
            pack,
        }];
        let addr = crate::url::parse("https://www.x.example.com//a/b/c?q").unwrap();
        let mut hits = Vec::new();
        probe(&packs, &addr, &addr.host, &mut hits);
        let keys: Vec<&str> = hits.iter().map(|h| &*h.key).collect();
        assert_eq!(keys, ["x.example.com/a", "example.com/a/b"]);
    }

    #[test]
    fn path_prefixes_stop_at_segments() {
        assert_eq!(path_prefixes("/a/b/c.html"), vec!["a", "a/b", "a/b/c.html"]);
        assert_eq!(path_prefixes("/casino/"), vec!["casino"]);
        assert!(path_prefixes("/").is_empty());
        assert_eq!(path_prefixes("/1/2/3/4/5/6/7/8/9").len(), MAX_PATH_PROBES);
    }
}
