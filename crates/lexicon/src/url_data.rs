//! Reads and checks `data/url`: the built-in domain list, search engines, carriers
//! (translators, caches, archives), heuristics and the per-band URL policy; writes the
//! domain list as a list pack and the rest as Rust tables for the core.
//!
//! Like the text lexicon, every mistake is a [`DataError`] with file and line, so a bad
//! edit fails the build with a message a reviewer can act on.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use esafety_taxonomy::{AgeBand, Alert, UrlCategory};

use crate::error::{DataError, ErrorKind};
use crate::parse::{bad, each_row};

/// One row of `domains.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainRow {
    pub domain: String,
    /// Bit `i` set for `UrlCategory::ALL[i]`.
    pub categories: u32,
    /// 0 when the site sets no minimum age.
    pub min_age: u8,
    pub line: usize,
}

/// How a search engine's SafeSearch is forced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SafeRow {
    Param(String, String),
    Header,
    None,
    Settings,
}

/// One row of `search.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchRow {
    pub engine: String,
    pub host: String,
    pub any_suffix: bool,
    pub paths: Vec<String>,
    pub query: Option<String>,
    pub safe: SafeRow,
    pub header: Option<(String, String)>,
    pub line: usize,
}

/// How a carrier holds the page it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CarryRow {
    Param(String),
    /// A link redirector: the page is the parameter's URL, and only it is judged.
    Redirect(String),
    /// A link redirector whose whole query string is the URL.
    RedirectQuery,
    CacheParam(String),
    Path(String),
    TranslateGoog,
    /// A link shortener: the destination is not in the link, so the slug (its first path
    /// segment, chosen by whoever made the link) is read as if it were a site's name.
    Slug,
}

/// One row of `carriers.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierRow {
    pub id: String,
    pub host: String,
    pub any_suffix: bool,
    pub path: String,
    pub how: CarryRow,
    pub line: usize,
}

/// How a heuristic token is matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenMatch {
    Word,
    Part,
    Shield,
    /// A brand name: with a lure word in the same unknown host, a phishing sign.
    Brand,
    /// A lure word (login, verify, free…): see `Brand`.
    Lure,
    /// Something a search may want to get past (a filter, a firewall): with an evade word
    /// in the same search terms, a sign (search terms only).
    Aim,
    /// A word for getting past something (round, bypass…): see `Aim`.
    Evade,
}

/// Where a heuristic token is looked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Host,
    Path,
    /// Search terms (words only).
    Query,
    Any,
}

/// One row of `heuristics.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeuristicRow {
    pub id: String,
    pub token: String,
    pub kind: TokenMatch,
    pub place: Place,
    pub category: Option<UrlCategory>,
    pub strong: bool,
    pub reason: String,
    pub line: usize,
}

/// A policy cell for a URL category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlCell {
    Allow,
    Warn,
    Block,
    /// Block under the site's minimum age, else allow.
    Age,
}

/// `data/url`, parsed and checked.
#[derive(Clone, Debug)]
pub struct UrlData {
    pub domains: Vec<DomainRow>,
    pub search: Vec<SearchRow>,
    pub carriers: Vec<CarrierRow>,
    pub heuristics: Vec<HeuristicRow>,
    /// Indexed by `UrlCategory::index()`, then `AgeBand::index()`.
    pub policy: Vec<[UrlCell; 7]>,
    pub alerts: Vec<Alert>,
}

/// The files `data/url` must hold.
pub const URL_FILES: [&str; 5] = [
    "domains.tsv",
    "search.tsv",
    "carriers.tsv",
    "heuristics.tsv",
    "policy.tsv",
];

/// Reads and checks every file of a `data/url` folder.
pub fn load_url_dir(dir: &Path) -> Result<UrlData, Vec<DataError>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for name in URL_FILES {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(t) => files.push((name.to_string(), t)),
            Err(e) => errors.push(DataError::new(name, 0, ErrorKind::Io(e.to_string()))),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    parse_url_files(&files)
}

/// Checks the five files given as (name, text) pairs (names as in [`URL_FILES`]).
pub fn parse_url_files(files: &[(String, String)]) -> Result<UrlData, Vec<DataError>> {
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
    };
    let mut errors = Vec::new();
    let mut data = UrlData {
        domains: Vec::new(),
        search: Vec::new(),
        carriers: Vec::new(),
        heuristics: Vec::new(),
        policy: Vec::new(),
        alerts: Vec::new(),
    };
    for name in URL_FILES {
        let Some(text) = get(name) else {
            errors.push(DataError::new(
                name,
                0,
                ErrorKind::Missing(name.to_string()),
            ));
            continue;
        };
        let r = match name {
            "domains.tsv" => parse_domains(name, text, &mut data.domains),
            "search.tsv" => parse_search(name, text, &mut data.search),
            "carriers.tsv" => parse_carriers(name, text, &mut data.carriers),
            "heuristics.tsv" => parse_heuristics(name, text, &mut data.heuristics),
            _ => parse_policy(name, text, &mut data),
        };
        if let Err(e) = r {
            errors.extend(e);
        }
    }
    if errors.is_empty() {
        Ok(data)
    } else {
        Err(errors)
    }
}

/// Whether `s` is a lower-case ASCII host name (or public suffix) in canonical form.
pub fn is_canonical_host(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

fn parse_categories(s: &str) -> Result<u32, String> {
    let mut bits = 0u32;
    for id in s.split(',') {
        let c: UrlCategory = id
            .parse()
            .map_err(|_| format!("unknown URL category {id:?}"))?;
        if c == UrlCategory::Illegal {
            return Err("`illegal` comes only from hashed lists".into());
        }
        bits |= c.bit();
    }
    let allow = bits & UrlCategory::ALLOW_BITS != 0;
    let block = bits & !UrlCategory::ALLOW_BITS & !neutral_bits() != 0;
    if allow && block {
        return Err("an education or help site cannot also be in a blocked category".into());
    }
    Ok(bits)
}

/// Categories that may sit beside an allow category (an education video site).
fn neutral_bits() -> u32 {
    UrlCategory::Search.bit() | UrlCategory::Video.bit() | UrlCategory::SocialMedia.bit()
}

fn parse_domains(file: &str, text: &str, out: &mut Vec<DomainRow>) -> Result<(), Vec<DataError>> {
    let mut rows = Vec::new();
    each_row(
        file,
        text,
        &["domain", "categories", "min_age", "source"],
        &mut rows,
        |n, c| {
            let domain = c[0];
            if !is_canonical_host(domain) {
                return Err(bad(file, n, "domain", domain, "lower-case ASCII host name (punycode for IDN), no scheme, path, port or trailing dot"));
            }
            if domain.starts_with("www.") {
                return Err(bad(
                    file,
                    n,
                    "domain",
                    domain,
                    "drop the www. (a name matches its subdomains)",
                ));
            }
            let categories =
                parse_categories(c[1]).map_err(|w| bad(file, n, "categories", c[1], w))?;
            let min_age = match c[2] {
                "-" => 0,
                s => match s.parse::<u8>() {
                    Ok(a) if (1..=25).contains(&a) => a,
                    _ => return Err(bad(file, n, "min_age", s, "an age from 1 to 25, or -")),
                },
            };
            if c[3].trim().is_empty() {
                return Err(bad(file, n, "source", c[3], "every entry needs a source"));
            }
            Ok(DomainRow {
                domain: domain.to_string(),
                categories,
                min_age,
                line: n,
            })
        },
    )?;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut errors = Vec::new();
    for r in &rows {
        if let Some(first) = seen.insert(&r.domain, r.line) {
            errors.push(DataError::new(
                file,
                r.line,
                ErrorKind::DuplicateId {
                    id: r.domain.clone(),
                    first: format!("{file}:{first}"),
                },
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    out.extend(rows);
    Ok(())
}

fn host_pattern(file: &str, n: usize, s: &str) -> Result<(String, bool), DataError> {
    let (host, any) = match s.strip_suffix(".*") {
        Some(h) => (h, true),
        None => (s, false),
    };
    if !is_canonical_host(host) {
        return Err(bad(
            file,
            n,
            "host",
            s,
            "a host name, optionally ending in .* (any public suffix)",
        ));
    }
    Ok((host.to_string(), any))
}

fn parse_search(file: &str, text: &str, out: &mut Vec<SearchRow>) -> Result<(), Vec<DataError>> {
    let header = [
        "engine", "host", "paths", "query", "safe", "header", "source",
    ];
    each_row(file, text, &header, out, |n, c| {
        let (host, any_suffix) = host_pattern(file, n, c[1])?;
        let paths: Vec<String> = c[2].split(',').map(str::to_string).collect();
        if paths.iter().any(|p| !p.starts_with('/')) {
            return Err(bad(
                file,
                n,
                "paths",
                c[2],
                "comma list of paths starting with /",
            ));
        }
        let query = (c[3] != "-").then(|| c[3].to_string());
        let safe = match c[4] {
            "header" => SafeRow::Header,
            "none" => SafeRow::None,
            "settings" => SafeRow::Settings,
            s => match s.split_once('=') {
                Some((k, v)) if !k.is_empty() && !v.is_empty() => {
                    SafeRow::Param(k.into(), v.into())
                }
                _ => {
                    return Err(bad(
                        file,
                        n,
                        "safe",
                        s,
                        "name=value, header, none or settings",
                    ))
                }
            },
        };
        let header = match c[5] {
            "-" => None,
            h => match h.split_once(": ") {
                Some((k, v)) => Some((k.to_string(), v.to_string())),
                None => return Err(bad(file, n, "header", h, "\"Name: value\" or -")),
            },
        };
        if (safe == SafeRow::Header) != header.is_some() {
            return Err(bad(
                file,
                n,
                "header",
                c[5],
                "a header is given exactly when safe is `header`",
            ));
        }
        Ok(SearchRow {
            engine: c[0].to_string(),
            host,
            any_suffix,
            paths,
            query,
            safe,
            header,
            line: n,
        })
    })
}

fn parse_carriers(file: &str, text: &str, out: &mut Vec<CarrierRow>) -> Result<(), Vec<DataError>> {
    each_row(
        file,
        text,
        &["id", "host", "path", "how", "source"],
        out,
        |n, c| {
            let (host, any_suffix) = host_pattern(file, n, c[1])?;
            if !c[2].starts_with('/') {
                return Err(bad(file, n, "path", c[2], "a path prefix starting with /"));
            }
            let path = c[2].to_string();
            let how = match c[3].split(':').collect::<Vec<_>>().as_slice() {
                ["param", p] if !p.is_empty() => CarryRow::Param(p.to_string()),
                ["redirect", p] if !p.is_empty() => CarryRow::Redirect(p.to_string()),
                ["redirect-query"] => CarryRow::RedirectQuery,
                ["param", p, "cache"] if !p.is_empty() => CarryRow::CacheParam(p.to_string()),
                ["path", p] if p.starts_with('/') && p.ends_with('/') => {
                    CarryRow::Path(p.to_string())
                }
                ["translate.goog"] => CarryRow::TranslateGoog,
                ["slug"] => CarryRow::Slug,
                _ => {
                    return Err(bad(
                        file,
                        n,
                        "how",
                        c[3],
                        "param:NAME, param:NAME:cache, path:/PREFIX/, translate.goog, redirect:NAME or redirect-query",
                    ))
                }
            };
            Ok(CarrierRow {
                id: c[0].to_string(),
                host,
                any_suffix,
                path,
                how,
                line: n,
            })
        },
    )
}

fn parse_heuristics(
    file: &str,
    text: &str,
    out: &mut Vec<HeuristicRow>,
) -> Result<(), Vec<DataError>> {
    let header = [
        "id", "token", "match", "where", "category", "strength", "reason",
    ];
    each_row(file, text, &header, out, |n, c| {
        let token = c[1];
        if token.len() < 3
            || !token
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            return Err(bad(
                file,
                n,
                "token",
                token,
                "three or more lower-case letters or digits",
            ));
        }
        let kind = match c[2] {
            "word" => TokenMatch::Word,
            "part" => TokenMatch::Part,
            "shield" => TokenMatch::Shield,
            "brand" => TokenMatch::Brand,
            "lure" => TokenMatch::Lure,
            "aim" => TokenMatch::Aim,
            "evade" => TokenMatch::Evade,
            s => {
                return Err(bad(
                    file,
                    n,
                    "match",
                    s,
                    "word, part, shield, brand, lure, aim or evade",
                ))
            }
        };
        let place = match c[3] {
            "host" => Place::Host,
            "path" => Place::Path,
            "query" => Place::Query,
            "any" => Place::Any,
            s => return Err(bad(file, n, "where", s, "host, path, query or any")),
        };
        if matches!(kind, TokenMatch::Aim | TokenMatch::Evade) && place != Place::Query {
            return Err(bad(
                file,
                n,
                "where",
                c[3],
                "aim and evade tokens apply to search terms only (query)",
            ));
        }
        if kind == TokenMatch::Part && place != Place::Host {
            return Err(bad(
                file,
                n,
                "where",
                c[3],
                "part tokens apply to host names only",
            ));
        }
        let (category, strong) = if matches!(
            kind,
            TokenMatch::Shield | TokenMatch::Lure | TokenMatch::Evade
        ) {
            if c[4] != "-" || c[5] != "-" {
                return Err(bad(
                    file,
                    n,
                    "category",
                    c[4],
                    "shield, lure and evade rows have - for category and strength",
                ));
            }
            (None, false)
        } else {
            let cat: UrlCategory = c[4]
                .parse()
                .map_err(|_| bad(file, n, "category", c[4], "a URL category"))?;
            if cat.is_allow() || cat == UrlCategory::Illegal {
                return Err(bad(
                    file,
                    n,
                    "category",
                    c[4],
                    "heuristics only suggest blockable categories",
                ));
            }
            let strong = match c[5] {
                "strong" => true,
                "weak" => false,
                s => return Err(bad(file, n, "strength", s, "strong or weak")),
            };
            (Some(cat), strong)
        };
        Ok(HeuristicRow {
            id: c[0].to_string(),
            token: token.to_string(),
            kind,
            place,
            category,
            strong,
            reason: c[6].to_string(),
            line: n,
        })
    })
}

fn parse_policy(file: &str, text: &str, data: &mut UrlData) -> Result<(), Vec<DataError>> {
    let mut header = vec!["category"];
    header.extend(AgeBand::ALL.iter().map(|b| b.as_str()));
    header.push("alert");
    let mut rows: Vec<(UrlCategory, [UrlCell; 7], Alert)> = Vec::new();
    each_row(file, text, &header, &mut rows, |n, c| {
        let cat: UrlCategory = c[0]
            .parse()
            .map_err(|_| bad(file, n, "category", c[0], "a URL category"))?;
        let mut cells = [UrlCell::Allow; 7];
        for (i, cell) in cells.iter_mut().enumerate() {
            *cell = match c[i + 1] {
                "allow" => UrlCell::Allow,
                "warn" => UrlCell::Warn,
                "block" => UrlCell::Block,
                "age" => UrlCell::Age,
                s => return Err(bad(file, n, header_name(i), s, "allow, warn, block or age")),
            };
            if cat.is_allow() && *cell != UrlCell::Allow {
                return Err(bad(
                    file,
                    n,
                    header_name(i),
                    c[i + 1],
                    "education and help are never blocked",
                ));
            }
        }
        let alert: Alert = c[8]
            .parse()
            .map_err(|_| bad(file, n, "alert", c[8], "none, weekly or urgent"))?;
        Ok((cat, cells, alert))
    })?;
    let mut policy = vec![None; UrlCategory::ALL.len()];
    let mut errors = Vec::new();
    for (cat, cells, alert) in rows {
        if policy[cat.index()].replace((cells, alert)).is_some() {
            errors.push(DataError::new(
                file,
                0,
                ErrorKind::DuplicateId {
                    id: cat.to_string(),
                    first: file.into(),
                },
            ));
        }
    }
    for c in UrlCategory::ALL {
        if policy[c.index()].is_none() {
            errors.push(DataError::new(
                file,
                0,
                ErrorKind::Missing(format!("a row for {c}")),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for p in policy.into_iter().flatten() {
        data.policy.push(p.0);
        data.alerts.push(p.1);
    }
    Ok(())
}

fn header_name(i: usize) -> &'static str {
    AgeBand::ALL[i].as_str()
}

/// The built-in domain list as a list pack (with line numbers, one source).
pub fn default_pack(data: &UrlData) -> Vec<u8> {
    let mut b = esafety_pack::PackBuilder::new().with_lines(true);
    let src = b.source("data/url/domains.tsv").expect("one source");
    for d in &data.domains {
        b.domain(&d.domain, d.categories, d.min_age, src, d.line as u32);
    }
    b.build().expect("the built-in list fits a pack")
}

/// Rust source for the core's URL tables (`include!`d by `crates/core/src/url/data.rs`).
pub fn generate_url_rust(data: &UrlData) -> String {
    let mut s = String::new();
    let q = |v: &str| format!("{v:?}");
    s.push_str("pub(crate) static SEARCH: &[SearchEngine] = &[\n");
    for e in &data.search {
        let safe = match &e.safe {
            SafeRow::Param(k, v) => format!("Safe::Param({}, {})", q(k), q(v)),
            SafeRow::Header => "Safe::Header".into(),
            SafeRow::None => "Safe::None".into(),
            SafeRow::Settings => "Safe::Settings".into(),
        };
        let header = match &e.header {
            Some((k, v)) => format!("Some(({}, {}))", q(k), q(v)),
            None => "None".into(),
        };
        let paths: Vec<String> = e.paths.iter().map(|p| q(p)).collect();
        let query = match &e.query {
            Some(p) => format!("Some({})", q(p)),
            None => "None".into(),
        };
        let _ = writeln!(
            s,
            "    SearchEngine {{ id: {}, host: {}, any_suffix: {}, paths: &[{}], query: {query}, safe: {safe}, header: {header}, line: {} }},",
            q(&e.engine), q(&e.host), e.any_suffix, paths.join(", "), e.line
        );
    }
    s.push_str("];\n\npub(crate) static CARRIERS: &[Carrier] = &[\n");
    for c in &data.carriers {
        let how = match &c.how {
            CarryRow::Param(p) => format!("Carry::Param({})", q(p)),
            CarryRow::Redirect(p) => format!("Carry::Redirect({})", q(p)),
            CarryRow::RedirectQuery => "Carry::RedirectQuery".into(),
            CarryRow::CacheParam(p) => format!("Carry::CacheParam({})", q(p)),
            CarryRow::Path(p) => format!("Carry::Path({})", q(p)),
            CarryRow::TranslateGoog => "Carry::TranslateGoog".into(),
            CarryRow::Slug => "Carry::Slug".into(),
        };
        let _ = writeln!(
            s,
            "    Carrier {{ id: {}, host: {}, any_suffix: {}, path: {}, how: {how}, line: {} }},",
            q(&c.id),
            q(&c.host),
            c.any_suffix,
            q(&c.path),
            c.line
        );
    }
    s.push_str("];\n\npub(crate) static HEURISTICS: &[Heuristic] = &[\n");
    for h in &data.heuristics {
        let cat = match h.category {
            Some(c) => format!("Some(UrlCategory::{c:?})"),
            None => "None".into(),
        };
        let _ = writeln!(
            s,
            "    Heuristic {{ id: {}, token: {}, kind: TokenKind::{:?}, place: Place::{:?}, category: {cat}, strong: {}, reason: {}, line: {} }},",
            q(&h.id), q(&h.token), h.kind, h.place, h.strong, q(&h.reason), h.line
        );
    }
    s.push_str("];\n\npub(crate) static POLICY: [[Cell; 7]; 19] = [\n");
    for row in &data.policy {
        let cells: Vec<String> = row.iter().map(|c| format!("Cell::{c:?}")).collect();
        let _ = writeln!(s, "    [{}],", cells.join(", "));
    }
    s.push_str("];\n\npub(crate) static ALERTS: [Alert; 19] = [\n");
    for a in &data.alerts {
        let _ = writeln!(s, "    Alert::{a:?},");
    }
    s.push_str("];\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(domains: &str) -> Vec<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/data/url");
        URL_FILES
            .iter()
            .map(|n| {
                let t = if *n == "domains.tsv" {
                    domains.to_string()
                } else {
                    std::fs::read_to_string(dir.join(n)).unwrap()
                };
                (n.to_string(), t)
            })
            .collect()
    }

    #[test]
    fn the_shipped_data_parses() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/data/url");
        let data = load_url_dir(&dir).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(data.policy.len(), UrlCategory::ALL.len());
        assert!(data.search.iter().any(|e| e.engine == "google"));
        let pack = esafety_pack::Pack::from_vec(default_pack(&data)).unwrap();
        assert_eq!(pack.stats().domains, data.domains.len());
    }

    #[test]
    fn domain_rows_are_checked_with_file_and_line() {
        let text = "# c\ndomain\tcategories\tmin_age\tsource\nWWW.Bad.com\tadult\t18\tx\nok.com\tnope\t-\tx\nok2.com\tadult\t99\tx\nok3.com\tadult\t-\t \nhelp.org\thelp,adult\t-\tx\nok.com\tadult\t-\tx\n";
        let errors = parse_url_files(&files(text)).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7], "{errors:?}");
        let dup = "domain\tcategories\tmin_age\tsource\na.com\tadult\t-\tx\na.com\tgaming\t-\tx\n";
        let errors = parse_url_files(&files(dup)).unwrap_err();
        assert!(
            matches!(errors[0].kind, ErrorKind::DuplicateId { .. }),
            "{errors:?}"
        );
    }

    #[test]
    fn aim_and_evade_rows_are_for_search_terms_only() {
        let head = "id\ttoken\tmatch\twhere\tcategory\tstrength\treason\n";
        let ok = format!(
            "{head}a\tfilter\taim\tquery\tproxy\tweak\tr\ne\tround\tevade\tquery\t-\t-\tr\n"
        );
        let mut rows = Vec::new();
        parse_heuristics("heuristics.tsv", &ok, &mut rows).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.kind).collect::<Vec<_>>(),
            vec![TokenMatch::Aim, TokenMatch::Evade]
        );
        for bad in [
            "a\tfilter\taim\thost\tproxy\tweak\tr\n",
            "e\tround\tevade\tquery\tproxy\tweak\tr\n",
        ] {
            let errors =
                parse_heuristics("heuristics.tsv", &format!("{head}{bad}"), &mut Vec::new())
                    .unwrap_err();
            assert_eq!(errors[0].line, 2, "{errors:?}");
        }
    }

    #[test]
    fn canonical_hosts() {
        assert!(is_canonical_host("bbc.co.uk"));
        assert!(is_canonical_host("xn--bcher-kva.example"));
        assert!(is_canonical_host("xxx"));
        for bad in ["", "BBC.co.uk", "a..b", "-a.com", "a.com.", "a com", "a/b"] {
            assert!(!is_canonical_host(bad), "{bad}");
        }
    }
}
