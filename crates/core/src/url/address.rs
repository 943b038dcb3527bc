//! Reading a URL the way the browser does, then normalising it for matching.
//!
//! Parsing follows the WHATWG URL Standard (the `url` crate), so esafety sees the same
//! host Chrome will connect to: `http://good.com@bad.com` is `bad.com`; `%62ad.com` is
//! `bad.com`; `http://2130706433/`, `http://0x7f.1/` and `http://0177.0.0.1/` are all
//! `127.0.0.1`; Unicode names become punycode (IDNA); upper case, default ports and dot
//! segments go. On top of that, the host loses trailing dots, and the path used for
//! matching is percent-decoded and lower-cased, so `/P%6Frn` and `/porn` are one path.

use core::fmt;
use std::borrow::Cow;

use url::{Host, Position, Url};

use super::few::Few;

/// Longest URL accepted (Chrome's own limit is 2 MiB, but nothing legitimate that a
/// pupil types or follows needs more than this; longer input gets a typed error).
pub const MAX_URL_BYTES: usize = 64 * 1024;

/// Why a string could not be read as a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// Nothing but white space.
    Empty,
    /// Longer than [`MAX_URL_BYTES`].
    TooLong { len: usize },
    /// Not a URL (the parser's reason).
    Invalid(String),
    /// A web URL without a host.
    NoHost,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Empty => f.write_str("empty URL"),
            UrlError::TooLong { len } => {
                write!(f, "URL is {len} bytes long; the limit is {MAX_URL_BYTES}")
            }
            UrlError::Invalid(why) => write!(f, "not a valid URL: {why}"),
            UrlError::NoHost => f.write_str("web URL without a host"),
        }
    }
}

impl std::error::Error for UrlError {}

/// What kind of address this is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// http, https, ws, wss, ftp: judged by host, path and query.
    Web,
    /// `data:` (content carried in the URL itself).
    Data,
    /// `javascript:` (runs in the current page).
    Javascript,
    /// `blob:` (an object created by a page: judged by that page's origin).
    Blob,
    /// Browser and extension pages (`chrome:`, `chrome-extension:`, `about:`, …).
    Browser,
    /// `file:`
    File,
    /// Any other scheme (`mailto:`, `tel:`, …).
    Other,
}

/// The host part, normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostKind {
    Domain,
    Ipv4,
    Ipv6,
    None,
}

/// A parsed, normalised URL.
///
/// The URL and the host are slices of the input when it already spells them as the
/// browser would (almost every address: [`fast`]), and owned strings otherwise; the
/// matching form of the path is owned only when it differs from the raw path; the scheme,
/// registrable domain, public suffix, raw path and query are positions in them. A filter
/// parses every navigation, and allocation and copying were most of a parse's cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address<'a> {
    /// The URL as the browser would show it (WHATWG serialisation).
    pub url: Cow<'a, str>,
    pub kind: Kind,
    /// Lower-case ASCII (punycode), no trailing dot; dotted IPv4; `[…]` IPv6; empty if none.
    pub host: Cow<'a, str>,
    pub host_kind: HostKind,
    /// The Unicode form when the host has punycode labels.
    pub unicode_host: Option<String>,
    /// Path, percent-decoded and lower-cased, for matching (starts with `/` for web URLs).
    /// `None` when it is the raw path itself (no percent sign or capital letter), so
    /// that the common address costs no copy of it; read it with [`Address::path`].
    path: Option<String>,
    /// Where the registrable domain and the public suffix start in `host`.
    registrable_at: Option<usize>,
    suffix_at: Option<usize>,
    /// Where the path and the query lie in `url`.
    raw_path_at: (usize, usize),
    query_at: Option<(usize, usize)>,
}

const WEB: [&str; 5] = ["http", "https", "ws", "wss", "ftp"];
const BROWSER: [&str; 8] = [
    "about",
    "chrome",
    "chrome-extension",
    "chrome-untrusted",
    "devtools",
    "edge",
    "moz-extension",
    "view-source",
];
const OTHER: [&str; 5] = ["mailto", "tel", "sms", "intent", "market"];

/// Parses and normalises `input`. Input without a scheme (`bbc.co.uk/news`,
/// `pornhub.com:443`) is read as `http://…`, as the address bar does.
pub fn parse(input: &str) -> Result<Address<'_>, UrlError> {
    if input.len() > MAX_URL_BYTES {
        return Err(UrlError::TooLong { len: input.len() });
    }
    // Most input starts and ends with a printable ASCII byte: nothing to trim.
    let plain_ends = |b: Option<&u8>| b.is_some_and(|&b| (0x21..0x7f).contains(&b));
    let s = if plain_ends(input.as_bytes().first()) && plain_ends(input.as_bytes().last()) {
        input
    } else {
        input.trim_matches(|c: char| c.is_whitespace() || c.is_control())
    };
    if s.is_empty() {
        return Err(UrlError::Empty);
    }
    if let Some(a) = fast(s) {
        return Ok(a);
    }
    slow(s)
}

/// The WHATWG parse (the `url` crate) for anything [`fast`] does not take.
pub fn slow(s: &str) -> Result<Address<'static>, UrlError> {
    let url = match Url::parse(s) {
        Ok(u) if known_scheme(u.scheme()) || s.contains("://") => u,
        // `host:port/…` parses as a URL whose scheme is the host: read it as http.
        Ok(_) | Err(url::ParseError::RelativeUrlWithoutBase) => {
            let with = if let Some(rest) = s.strip_prefix("//") {
                format!("http://{rest}")
            } else {
                format!("http://{s}")
            };
            Url::parse(&with).map_err(|e| UrlError::Invalid(e.to_string()))?
        }
        Err(e) => return Err(UrlError::Invalid(e.to_string())),
    };
    from_url(url)
}

fn known_scheme(s: &str) -> bool {
    WEB.contains(&s)
        || BROWSER.contains(&s)
        || OTHER.contains(&s)
        || matches!(s, "data" | "javascript" | "blob" | "file")
}

pub(crate) fn from_url(url: Url) -> Result<Address<'static>, UrlError> {
    let kind = match url.scheme() {
        s if WEB.contains(&s) => Kind::Web,
        "data" => Kind::Data,
        "javascript" => Kind::Javascript,
        "blob" => Kind::Blob,
        "file" => Kind::File,
        s if BROWSER.contains(&s) => Kind::Browser,
        _ => Kind::Other,
    };
    let (host, host_kind) = match url.host() {
        Some(Host::Domain(d)) => (
            d.trim_end_matches('.').to_ascii_lowercase(),
            HostKind::Domain,
        ),
        Some(Host::Ipv4(ip)) => (ip.to_string(), HostKind::Ipv4),
        Some(Host::Ipv6(ip)) => (format!("[{ip}]"), HostKind::Ipv6),
        None => (String::new(), HostKind::None),
    };
    if kind == Kind::Web && host.is_empty() {
        return Err(UrlError::NoHost);
    }
    let unicode_host = (host_kind == HostKind::Domain
        && host.split('.').any(|l| l.starts_with("xn--")))
    .then(|| idna::domain_to_unicode(&host).0);
    let (registrable_at, suffix_at) = psl_parts(&host, host_kind);
    let before_path = url[..Position::BeforePath].len();
    let after_path = url[..Position::AfterPath].len();
    let query_at = url
        .query()
        .map(|_| (after_path + 1, url[..Position::AfterQuery].len()));
    Ok(Address {
        url: Cow::Owned(url.as_str().to_string()),
        kind,
        host: Cow::Owned(host),
        host_kind,
        unicode_host,
        path: Some(decode_lower(url.path())).filter(|p| p != url.path()),
        registrable_at,
        suffix_at,
        raw_path_at: (before_path, after_path),
        query_at,
    })
}

/// Where the registrable domain and the public suffix start in a domain host (one Public
/// Suffix List walk).
fn psl_parts(host: &str, kind: HostKind) -> (Option<usize>, Option<usize>) {
    if kind != HostKind::Domain {
        return (None, None);
    }
    let Some(suffix) = super::psl::suffix(host) else {
        return (None, None);
    };
    let suffix_at = host.len() - suffix.len();
    let registrable = suffix_at
        .checked_sub(1)
        .filter(|&dot| host.as_bytes()[dot] == b'.')
        // A byte loop rather than `rfind` (a memrchr call costs more than the few bytes of a
        // label it would skip).
        .map(|dot| {
            host.as_bytes()[..dot]
                .iter()
                .rposition(|&b| b == b'.')
                .map_or(0, |i| i + 1)
        });
    (registrable, Some(suffix_at))
}

/// Bytes the WHATWG parser would percent-encode, drop or reinterpret in the path, query
/// or fragment of an http(s) URL (plus `'`, encoded in special queries, and `\`, read as
/// `/`). Input with none of them keeps its spelling after the host.
const fn rest_byte_ok(b: u8) -> bool {
    b >= 0x21 && b < 0x7f && !matches!(b, b'"' | b'<' | b'>' | b'`' | b'{' | b'}' | b'\'' | b'\\')
}

/// What [`fast`] does with a byte: one table lookup per byte instead of a chain of
/// comparisons.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// In a host: `a`–`z`, `0`–`9`, `-`. After it: any byte [`rest_byte_ok`] keeps.
    Plain,
    /// Ends the host: `/`, `?`, `#`.
    End,
    /// In a host, `.`; after it, a byte that needs a second look (`?`, `#`, `.`, `%`).
    Mark,
    /// Not taken by the fast path.
    Other,
}

const fn host_class(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'0'..=b'9' | b'-' => Class::Plain,
        b'/' | b'?' | b'#' => Class::End,
        b'.' => Class::Mark,
        _ => Class::Other,
    }
}

const fn rest_class(b: u8) -> Class {
    match b {
        b'?' | b'#' | b'.' | b'%' => Class::Mark,
        _ if rest_byte_ok(b) => Class::Plain,
        _ => Class::Other,
    }
}

/// The table of [`host_class`] (`host` true) or [`rest_class`].
const fn class_table(host: bool) -> [Class; 256] {
    let mut t = [Class::Other; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if host {
            host_class(i as u8)
        } else {
            rest_class(i as u8)
        };
        i += 1;
    }
    t
}

static HOST_CLASS: [Class; 256] = class_table(true);
static REST_CLASS: [Class; 256] = class_table(false);

/// The common case without the general parser: `http(s)://host/path?query#fragment` in
/// lower-case ASCII with a plain domain host (no user info, port, percent sign, IDN
/// label, numeric last label or trailing dot) or a canonical dotted-decimal IPv4 host,
/// and nothing after the host that the WHATWG parser would rewrite (no dot segments, no
/// bytes it encodes). For such input the WHATWG result is the input itself (with `/` for
/// an empty path), so this gives exactly what [`slow`] gives, about five times faster;
/// the fuzz target checks that they agree.
pub fn fast(s: &str) -> Option<Address<'_>> {
    let (scheme, rest) = if let Some(r) = s.strip_prefix("https://") {
        ("https", r)
    } else {
        ("http", s.strip_prefix("http://")?)
    };
    // One pass over the host: allowed bytes, no empty label, no `xn--` label, and where
    // the last label starts.
    let rb = rest.as_bytes();
    let mut end = 0;
    let mut label_start = 0;
    if rb.starts_with(b"xn--") {
        return None;
    }
    while end < rb.len() {
        match HOST_CLASS[usize::from(rb[end])] {
            Class::Plain => {}
            Class::End => break,
            Class::Mark => {
                if end == label_start || rb[end + 1..].starts_with(b"xn--") {
                    return None;
                }
                label_start = end + 1;
            }
            Class::Other => return None,
        }
        end += 1;
    }
    if end == 0 || end > 253 || label_start == end {
        return None;
    }
    let (host, after) = rest.split_at(end);
    // A numeric last label makes the WHATWG parser read an IPv4 address: only the
    // canonical dotted-decimal form (which it keeps as it is) is taken here.
    let last = &rb[label_start..end];
    let host_kind = if last.iter().all(u8::is_ascii_digit) {
        if !canonical_ipv4(host) {
            return None;
        }
        HostKind::Ipv4
    } else if last.starts_with(b"0x") {
        return None;
    } else {
        HostKind::Domain
    };
    // One pass over the rest: bytes kept as they are, where the query and fragment start,
    // and no dot segment (`/.`, `%2e`) in the path.
    let ab = after.as_bytes();
    let (mut query_at, mut frag_at) = (None, ab.len());
    // `frag_at < ab.len()` once a `#` was seen.
    for (i, &b) in ab.iter().enumerate() {
        match REST_CLASS[usize::from(b)] {
            Class::Plain => continue,
            Class::Other => return None,
            _ => {}
        }
        if frag_at < ab.len() {
            continue; // in the fragment: only the byte check applies
        }
        if b == b'#' {
            frag_at = i;
            continue;
        }
        if query_at.is_none() {
            match b {
                b'?' => query_at = Some(i),
                b'.' if i > 0 && ab[i - 1] == b'/' => return None,
                b'%' if ab.get(i + 1) == Some(&b'2')
                    && ab.get(i + 2).is_some_and(|c| c | 0x20 == b'e') =>
                {
                    return None
                }
                _ => {}
            }
        }
    }
    let path_end = query_at.unwrap_or(frag_at);
    let raw_path = &after[..path_end];
    let query = query_at.map(|q| &after[q + 1..frag_at]);
    let raw_path = if raw_path.is_empty() { "/" } else { raw_path };
    let url = if after.starts_with('/') {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("{scheme}://{host}/{after}"))
    };
    let path_start = scheme.len() + 3 + host.len();
    let path_end = path_start + raw_path.len();
    let query_at = query.map(|q| (path_end + 1, path_end + 1 + q.len()));
    let (registrable_at, suffix_at) = psl_parts(host, host_kind);
    let path = if raw_path.contains('%') {
        Some(decode_lower(raw_path)).filter(|p| p != raw_path)
    } else if raw_path.bytes().any(|b| b.is_ascii_uppercase()) {
        Some(raw_path.to_ascii_lowercase())
    } else {
        None
    };

    Some(Address {
        url,
        kind: Kind::Web,
        host: Cow::Borrowed(host),
        host_kind,
        unicode_host: None,
        path,
        registrable_at,
        suffix_at,
        raw_path_at: (path_start, path_end),
        query_at,
    })
}

/// `a.b.c.d` with four decimal numbers up to 255 and no leading zeros: the form the
/// WHATWG parser writes an IPv4 host in, so reading it changes nothing.
fn canonical_ipv4(host: &str) -> bool {
    let mut parts = 0;
    for p in host.split('.') {
        parts += 1;
        let ok = !p.is_empty()
            && p.len() <= 3
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p == "0" || !p.starts_with('0'))
            && p.parse::<u16>().is_ok_and(|n| n <= 255);
        if !ok || parts > 4 {
            return false;
        }
    }
    parts == 4
}

/// Percent-decodes (invalid UTF-8 becomes U+FFFD) and lower-cases.
pub(crate) fn decode_lower(s: &str) -> String {
    percent_decode(s).to_lowercase()
}

/// Percent-decodes; invalid UTF-8 becomes U+FFFD.
pub(crate) fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The suffixes of `host` (see [`Address::host_suffixes`]); also used for host names
/// that are not an address's own (the ASCII look-alike of an IDN host).
pub(crate) fn host_suffixes(h: &str, kind: HostKind, max: usize) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::with_capacity(max.min(8));
    each_suffix(h, kind, max, |s| out.push(s));
    out.reverse();
    out
}

/// Most suffixes [`suffixes`] gives.
pub(crate) const MAX_SUFFIXES: usize = 12;

/// [`host_suffixes`] without allocating, at most `max` (and [`MAX_SUFFIXES`]).
#[inline]
pub(crate) fn suffixes(h: &str, kind: HostKind, max: usize) -> Few<'_, MAX_SUFFIXES> {
    let mut out = Few::new();
    each_suffix(h, kind, max.min(MAX_SUFFIXES), |s| out.push(s));
    out.reverse();
    out
}

/// Gives at most `max` suffixes of `h`, least specific first (the caller reverses): the
/// dots are walked from the right. A host that is not a domain is its own only suffix.
#[inline]
fn each_suffix<'a>(h: &'a str, kind: HostKind, max: usize, mut push: impl FnMut(&'a str)) {
    if kind != HostKind::Domain {
        if !h.is_empty() {
            push(h);
        }
        return;
    }
    let b = h.as_bytes();
    let (mut i, mut n) = (b.len(), 0);
    while i > 0 && n < max {
        i -= 1;
        if b[i] == b'.' {
            push(&h[i + 1..]);
            n += 1;
        }
    }
    if n < max && i == 0 {
        push(h);
    }
}

impl Address<'_> {
    /// The scheme (`https`, `data`, …).
    pub fn scheme(&self) -> &str {
        self.url.split(':').next().unwrap_or("")
    }

    /// The registrable domain from the Public Suffix List (`bbc.co.uk` for
    /// `www.bbc.co.uk`), when there is one.
    pub fn registrable(&self) -> Option<&str> {
        self.registrable_at.and_then(|i| self.host.get(i..))
    }

    /// The public suffix (`co.uk`), when known.
    pub fn suffix(&self) -> Option<&str> {
        self.suffix_at.and_then(|i| self.host.get(i..))
    }

    /// The path for matching: percent-decoded and lower-cased (starts with `/` for web
    /// URLs).
    pub fn path(&self) -> &str {
        self.path.as_deref().unwrap_or_else(|| self.raw_path())
    }

    /// The path as the browser sends it (percent-encoded, case kept).
    pub fn raw_path(&self) -> &str {
        self.url
            .get(self.raw_path_at.0..self.raw_path_at.1)
            .unwrap_or("")
    }

    /// `host` followed at once by the raw path (and `?query` with `with_query`), as a
    /// slice of `url` when the URL spells it so — no user info or port between them,
    /// as for almost every address — so that lookups of `host/path` need no copy.
    pub(crate) fn host_and_path(&self, with_query: bool) -> Option<&str> {
        let (path_at, path_end) = self.raw_path_at;
        let at = path_at.checked_sub(self.host.len())?;
        let end = match self.query_at {
            Some((_, q_end)) if with_query => q_end,
            _ => path_end,
        };
        let s = self.url.get(at..end)?;
        s.starts_with(&*self.host).then_some(s)
    }

    /// The raw query string (without `?`).
    pub fn query(&self) -> Option<&str> {
        self.query_at.and_then(|(a, b)| self.url.get(a..b))
    }

    /// The value of query parameter `name` (decoded, `+` as space), first occurrence.
    pub fn param(&self, name: &str) -> Option<String> {
        let q = self.query()?;
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The host's suffixes from the full host down to the top-level label, most
    /// specific first, at most `max` of the least specific ones (so a host with 200
    /// labels costs no more than one with `max`). IP hosts give only themselves.
    pub fn host_suffixes(&self, max: usize) -> Vec<&str> {
        host_suffixes(&self.host, self.host_kind, max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(s: &str) -> String {
        parse(s).unwrap().host.into_owned()
    }

    #[test]
    fn reads_hosts_as_the_browser_does() {
        assert_eq!(host("http://good.com@bad.com/x"), "bad.com");
        assert_eq!(host("https://google.com:pass@bet365.com/"), "bet365.com");
        assert_eq!(host("HTTPS://WWW.PORNHUB.COM./"), "www.pornhub.com");
        assert_eq!(host("http://p%6Frnhub.com/"), "pornhub.com");
        assert_eq!(host("http://2130706433/"), "127.0.0.1");
        assert_eq!(host("http://0x7f.1/"), "127.0.0.1");
        assert_eq!(host("http://0177.0.0.1/"), "127.0.0.1");
        assert_eq!(host("http://[::1]:8080/"), "[::1]");
        assert_eq!(host("pornhub.com/videos"), "pornhub.com");
        assert_eq!(host("pornhub.com:443/x"), "pornhub.com");
        assert_eq!(host("//www.omegle.com/"), "www.omegle.com");
        assert_eq!(host("  bbc.co.uk  "), "bbc.co.uk");
        let a = parse("https://bücher.example/").unwrap();
        assert_eq!(a.host, "xn--bcher-kva.example");
        assert_eq!(a.unicode_host.as_deref(), Some("bücher.example"));
    }

    #[test]
    fn registrable_domain_and_suffixes() {
        let a = parse("https://www.bbc.co.uk/bitesize").unwrap();
        assert_eq!(a.registrable(), Some("bbc.co.uk"));
        assert_eq!(a.suffix(), Some("co.uk"));
        assert_eq!(a.raw_path(), "/bitesize");
        assert_eq!(a.scheme(), "https");
        let q = parse("https://x.example/a/B?q=1&r=%41#f").unwrap();
        assert_eq!((q.raw_path(), q.query()), ("/a/B", Some("q=1&r=%41")));
        let q = slow("HTTPS://X.example:8080/a/B?q=1#f").unwrap();
        assert_eq!(
            (q.raw_path(), q.query(), q.path()),
            ("/a/B", Some("q=1"), "/a/b")
        );
        let q = parse("https://x.example").unwrap();
        assert_eq!((q.raw_path(), q.query()), ("/", None));
        assert_eq!(parse("http://1.2.3.4/").unwrap().registrable(), None);
        assert_eq!(parse("http://co.uk/").unwrap().registrable(), None);
        assert_eq!(
            a.host_suffixes(16),
            vec!["www.bbc.co.uk", "bbc.co.uk", "co.uk", "uk"]
        );
        assert_eq!(a.host_suffixes(2), vec!["co.uk", "uk"]);
        for (h, kind) in [
            ("www.bbc.co.uk", HostKind::Domain),
            ("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s", HostKind::Domain),
            ("1.2.3.4", HostKind::Ipv4),
            ("", HostKind::Domain),
        ] {
            for max in [0, 1, 2, 12] {
                assert_eq!(&*suffixes(h, kind, max), host_suffixes(h, kind, max), "{h}");
            }
        }
    }

    #[test]
    fn paths_are_decoded_and_lower_cased() {
        assert_eq!(
            parse("http://x.com/P%6Frn/A%20b").unwrap().path(),
            "/porn/a b"
        );
        assert_eq!(parse("http://x.com/Porn").unwrap().path(), "/porn");
        // A path that is already in its matching form is not copied.
        let plain = parse("http://x.com/porn/a").unwrap();
        assert_eq!((plain.path(), plain.path.is_none()), ("/porn/a", true));
        let slow = slow("http://user@x.com/porn/a").unwrap();
        assert_eq!((slow.path(), slow.path.is_none()), ("/porn/a", true));
        assert_eq!(decode_lower("%zz%4"), "%zz%4");
        assert_eq!(decode_lower("%ff"), "\u{fffd}");
    }

    #[test]
    fn the_fast_path_agrees_with_the_general_parser() {
        let taken = [
            "https://www.bbc.co.uk/bitesize/topics/zkg9d2p",
            "http://example.com",
            "https://example.com?q=1",
            "https://example.com#top",
            "https://a-b.example/path/with%20space?x=%41&y=b+c#frag",
            "https://www.google.co.uk/search?q=cats+and+dogs&safe=off",
            "https://example.com/A/B/C.HTML",
            "https://example.com/%7Euser/",
            "https://x.example/a|b^c",
            "https://x.example/a?b=/./c#d/../e",
            "https://x.example/#frag?with#hash",
            "https://x.example?q#f",
            "https://1.2.3.4/",
            "http://203.94.229.227/page/7",
            "http://0.0.0.0/",
            "http://255.255.255.255/x?y",
        ];
        for s in taken {
            let f = fast(s).unwrap_or_else(|| panic!("fast path should take {s}"));
            assert_eq!(Some(&f), slow(s).ok().as_ref(), "{s}");
        }
        let refused = [
            "HTTPS://example.com/",
            "https://Example.com/",
            "https://example.com:443/",
            "https://u@example.com/",
            "https://example.com./",
            "https://0x7f.1/",
            "https://01.2.3.4/",
            "https://1.2.3/",
            "https://1.2.3.4.5/",
            "https://256.1.1.1/",
            "https://a.1.2.3/",
            "https://xn--bcher-kva.example/",
            "https://example.com/a/../b",
            "https://example.com/a/%2e%2e/b",
            "https://example.com/a b",
            "https://example.com/a#frag ment",
            "https://example.com/a#x<y",
            "https://example.com/.hidden",
            "https://ab..cd/",
            "https://.ab/",
            "https://example.com/a\\b",
            "https://example.com/?q='x'",
            "https://bücher.example/",
            "ftp://example.com/",
        ];
        for s in refused {
            assert!(fast(s).is_none(), "fast path should refuse {s}");
        }
    }

    /// Random URL-shaped strings from pieces that trip parsers: whenever the fast path takes
    /// one, it must agree with the general parser field for field.
    #[test]
    fn the_fast_path_agrees_on_random_urls() {
        const PIECES: [&str; 32] = [
            "a",
            "b",
            "z9",
            "-",
            ".",
            "..",
            "/",
            "//",
            "?",
            "#",
            "&",
            "=",
            "%2e",
            "%2E",
            "%41",
            "%",
            "xn--",
            "0x",
            "1",
            "09",
            "com",
            "co.uk",
            " ",
            "A",
            "'",
            "\\",
            "@",
            ":",
            "~",
            ".well-known",
            "/./",
            "/../",
        ];
        let mut rng = crate::test_rng::Rng::new(0x2545_f491_4f6c_dd1du64);
        let mut next = move || rng.next();
        let mut taken = 0;
        for _ in 0..30_000 {
            let mut s = String::from(if next() % 2 == 0 {
                "https://"
            } else {
                "http://"
            });
            for _ in 0..(next() % 12) {
                s.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            if let Some(f) = fast(&s) {
                taken += 1;
                assert_eq!(Some(&f), slow(&s).ok().as_ref(), "{s:?}");
            }
        }
        assert!(taken > 1_000, "the fast path took only {taken} inputs");
    }

    #[test]
    fn kinds_and_errors() {
        assert_eq!(parse("data:text/html,hi").unwrap().kind, Kind::Data);
        assert_eq!(parse("javascript:alert(1)").unwrap().kind, Kind::Javascript);
        assert_eq!(parse("blob:https://a.com/uuid").unwrap().kind, Kind::Blob);
        assert_eq!(
            parse("chrome-extension://abc/page.html").unwrap().kind,
            Kind::Browser
        );
        assert_eq!(parse("about:blank").unwrap().kind, Kind::Browser);
        assert_eq!(parse("mailto:a@b.com").unwrap().kind, Kind::Other);
        assert_eq!(parse("   ").unwrap_err(), UrlError::Empty);
        assert!(matches!(
            parse("http://exa mple.com/").unwrap_err(),
            UrlError::Invalid(_)
        ));
        assert!(matches!(
            parse("http://[::1/").unwrap_err(),
            UrlError::Invalid(_)
        ));
        assert!(matches!(
            parse(&"a".repeat(MAX_URL_BYTES + 1)).unwrap_err(),
            UrlError::TooLong { .. }
        ));
        assert!(parse("http://").is_err());
    }
}
