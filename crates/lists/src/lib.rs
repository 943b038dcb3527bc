//! Imports the list formats schools meet into one esafety list pack.
//!
//! Formats (detected from the content, or named on the command line):
//! - **UT1 folders** (`../shared/lists/ut1` layout): one folder per category with
//!   `domains` (a name and its subdomains), `urls` (host/path prefixes) and `expressions`
//!   (regular expressions over `host/path?query`, checked and run with `regex-lite`,
//!   linear in the input); categories map
//!   onto esafety's through `data/ut1.tsv`;
//! - **hosts files**: `0.0.0.0 name [name…]`;
//! - **plain lists**: one name (or `host/path`) per line;
//! - **AdGuard / ABP**: `||name^` (with `$important`, `$all`, `$document` at most);
//!   exceptions and cosmetic or path rules are skipped and counted;
//! - **hashed lists**: one SHA-256 (64 hex digits) per line, of the normalised host or
//!   URL (see `esafety::url::hash_forms`), as the IWF distributes its URL list.
//!
//! Every entry is normalised exactly as the core normalises a URL's host (lower case,
//! punycode, no trailing dot, no `www.`), so a pack built here matches what the browser
//! visits. Bad lines are never fatal: they are skipped, counted and the first few named
//! with their line, so an admin can see what a list really contributed.
#![forbid(unsafe_code)]

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use esafety::UrlCategory;
use esafety_pack::{PackBuilder, PackError, SourceId};

/// How many skipped lines a report names (the rest are only counted).
pub const SKIPPED_SHOWN: usize = 5;

/// The UT1 category map (`data/ut1.tsv`): UT1 name → esafety category, or `None` when
/// the category is not imported.
pub fn ut1_map() -> Vec<(&'static str, Option<UrlCategory>)> {
    include_str!("../data/ut1.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("ut1\t") && !l.trim().is_empty())
        .filter_map(|l| {
            let mut c = l.split('\t');
            let name = c.next()?;
            let cat = c.next()?;
            Some((name, cat.parse().ok()))
        })
        .collect()
}

/// A list file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Plain,
    Hosts,
    Abp,
    Hashed,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Hosts => "hosts",
            Format::Abp => "abp",
            Format::Hashed => "hashed",
        }
    }
}

/// What one source contributed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceReport {
    pub name: String,
    pub format: String,
    pub category: Option<UrlCategory>,
    pub domains: usize,
    pub urls: usize,
    pub hashes: usize,
    pub expressions: usize,
    /// Lines skipped (with the first few: line number and why).
    pub skipped: usize,
    pub skipped_examples: Vec<(usize, String)>,
    /// Set when the whole source was not imported (unmapped UT1 category, expressions).
    pub not_imported: Option<String>,
}

/// Why a source could not be read at all.
#[derive(Debug)]
pub enum ImportError {
    Io {
        path: PathBuf,
        error: io::Error,
    },
    /// A file was given without saying which category it is.
    NoCategory(PathBuf),
    /// `CATEGORY=path` named an unknown category.
    UnknownCategory(String),
    /// Not a UT1 folder, nor a file.
    NotAList(PathBuf),
    Pack(PackError),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            ImportError::NoCategory(p) => write!(
                f,
                "{}: say which category this list is, e.g. adult={}",
                p.display(),
                p.display()
            ),
            ImportError::UnknownCategory(c) => write!(f, "unknown URL category {c:?}"),
            ImportError::NotAList(p) => {
                write!(f, "{}: not a list file or UT1 folder", p.display())
            }
            ImportError::Pack(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<PackError> for ImportError {
    fn from(e: PackError) -> Self {
        ImportError::Pack(e)
    }
}

/// Collects sources into one pack.
#[derive(Debug, Default)]
pub struct Importer {
    builder: PackBuilder,
    pub reports: Vec<SourceReport>,
}

impl Importer {
    /// `lines`: also store each entry's line number (4 more bytes per entry).
    pub fn new(lines: bool) -> Importer {
        Importer {
            builder: PackBuilder::new().with_lines(lines),
            reports: Vec::new(),
        }
    }

    /// Adds a source given as on the command line: `DIR` (a UT1 root or category
    /// folder), or `CATEGORY=FILE` (`illegal=FILE` for a hashed list).
    pub fn add_arg(&mut self, arg: &str) -> Result<(), ImportError> {
        if let Some((cat, path)) = arg.split_once('=') {
            let category: UrlCategory = cat
                .parse()
                .map_err(|_| ImportError::UnknownCategory(cat.to_string()))?;
            return self.add_file(Path::new(path), category, None);
        }
        let p = Path::new(arg);
        if p.is_dir() {
            return self.add_ut1(p);
        }
        if p.is_file() {
            return Err(ImportError::NoCategory(p.to_path_buf()));
        }
        Err(ImportError::Io {
            path: p.to_path_buf(),
            error: io::Error::new(io::ErrorKind::NotFound, "no such file or folder"),
        })
    }

    /// A UT1 root (folders of categories) or one category folder.
    pub fn add_ut1(&mut self, dir: &Path) -> Result<(), ImportError> {
        let map = ut1_map();
        let is_category = ["domains", "urls", "expressions"]
            .iter()
            .any(|f| dir.join(f).is_file());
        let mut dirs: Vec<PathBuf> = if is_category {
            vec![dir.to_path_buf()]
        } else {
            fs::read_dir(dir)
                .map_err(|error| ImportError::Io {
                    path: dir.to_path_buf(),
                    error,
                })?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        };
        if dirs.is_empty() {
            return Err(ImportError::NotAList(dir.to_path_buf()));
        }
        dirs.sort();
        for d in dirs {
            let name = d
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mapped = map.iter().find(|(n, _)| *n == name).and_then(|(_, c)| *c);
            let Some(category) = mapped else {
                self.reports.push(SourceReport {
                    name: format!("ut1/{name}"),
                    format: "ut1".into(),
                    not_imported: Some("category not mapped in crates/lists/data/ut1.tsv".into()),
                    ..SourceReport::default()
                });
                continue;
            };
            for file in ["domains", "urls"] {
                let p = d.join(file);
                if p.is_file() {
                    self.add_file(&p, category, Some(format!("ut1/{name}/{file}")))?;
                }
            }
            let e = d.join("expressions");
            if e.is_file() {
                let text = fs::read(&e).map_err(|error| ImportError::Io {
                    path: e.clone(),
                    error,
                })?;
                self.add_expressions(
                    &format!("ut1/{name}/expressions"),
                    &String::from_utf8_lossy(&text),
                    category,
                )?;
            }
            if d.join("very_restrictive_expression").is_file() {
                self.reports.push(SourceReport {
                    name: format!("ut1/{name}/very_restrictive_expression"),
                    format: "ut1".into(),
                    category: Some(category),
                    not_imported: Some("UT1's optional very restrictive expression overblocks; import it explicitly with CATEGORY=FILE if wanted".into()),
                    ..SourceReport::default()
                });
            }
        }
        Ok(())
    }

    /// One list file of a known category (format detected from its content).
    pub fn add_file(
        &mut self,
        path: &Path,
        category: UrlCategory,
        name: Option<String>,
    ) -> Result<(), ImportError> {
        let bytes = fs::read(path).map_err(|error| ImportError::Io {
            path: path.to_path_buf(),
            error,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let name = name.unwrap_or_else(|| path.display().to_string());
        self.add_text(&name, &text, category)
    }

    /// List text of a known category.
    pub fn add_text(
        &mut self,
        name: &str,
        text: &str,
        category: UrlCategory,
    ) -> Result<(), ImportError> {
        let format = if category == UrlCategory::Illegal {
            Format::Hashed
        } else {
            detect(text)
        };
        let source = self.builder.source(name)?;
        let mut report = SourceReport {
            name: name.to_string(),
            format: format.name().into(),
            category: Some(category),
            ..SourceReport::default()
        };
        let bit = 1u32 << category.index();
        let min_age = match category {
            UrlCategory::Adult | UrlCategory::Gambling | UrlCategory::Dating => 18,
            _ => 0,
        };
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            match parse_line(raw, format) {
                Line::Skip => {}
                Line::Bad(why) => {
                    report.skipped += 1;
                    if report.skipped_examples.len() < SKIPPED_SHOWN {
                        report.skipped_examples.push((n, why));
                    }
                }
                Line::Names(names) => {
                    for entry in names {
                        self.add_entry(&entry, bit, min_age, source, n, &mut report);
                    }
                }
                Line::Hash(d) => {
                    self.builder.hash(d, source);
                    report.hashes += 1;
                }
            }
        }
        self.reports.push(report);
        Ok(())
    }

    fn add_entry(
        &mut self,
        entry: &str,
        bit: u32,
        min_age: u8,
        source: SourceId,
        n: usize,
        report: &mut SourceReport,
    ) {
        match normalise_entry(entry) {
            Ok(Entry::Domain(d)) => {
                self.builder.domain(&d, bit, min_age, source, n as u32);
                report.domains += 1;
            }
            Ok(Entry::Url(u)) => {
                self.builder.url(&u, bit, min_age, source, n as u32);
                report.urls += 1;
            }
            Err(why) => {
                report.skipped += 1;
                if report.skipped_examples.len() < SKIPPED_SHOWN {
                    report.skipped_examples.push((n, why));
                }
            }
        }
    }

    /// Regular expressions over `host/path?query`, one per line (UT1 `expressions`). Each
    /// is checked with the same engine the core runs (case-insensitive, bounded size);
    /// refused patterns are skipped and reported.
    pub fn add_expressions(
        &mut self,
        name: &str,
        text: &str,
        category: UrlCategory,
    ) -> Result<(), ImportError> {
        let source = self.builder.source(name)?;
        let mut report = SourceReport {
            name: name.to_string(),
            format: "expressions".into(),
            category: Some(category),
            ..SourceReport::default()
        };
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let ok = regex_lite::RegexBuilder::new(line)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build();
            match ok {
                Ok(_) => {
                    self.builder
                        .expression(line, 1 << category.index(), source, i as u32 + 1);
                    report.expressions += 1;
                }
                Err(e) => {
                    report.skipped += 1;
                    if report.skipped_examples.len() < SKIPPED_SHOWN {
                        let why = e.to_string();
                        report.skipped_examples.push((
                            i + 1,
                            why.lines().last().unwrap_or("bad pattern").to_string(),
                        ));
                    }
                }
            }
        }
        self.reports.push(report);
        Ok(())
    }

    /// Distinct domain, URL and hash entries so far.
    pub fn counts(&self) -> (usize, usize, usize) {
        self.builder.counts()
    }

    /// Writes the pack.
    pub fn finish(self) -> Result<(Vec<u8>, Vec<SourceReport>), ImportError> {
        Ok((self.builder.build()?, self.reports))
    }
}

enum Line {
    Skip,
    Bad(String),
    Names(Vec<String>),
    Hash([u8; 32]),
}

/// Guesses the format from the first meaningful lines.
pub fn detect(text: &str) -> Format {
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(200)
    {
        if line.starts_with('#') || line.starts_with('!') || line.starts_with('[') {
            continue;
        }
        if line.starts_with("||") || line.starts_with("@@") {
            return Format::Abp;
        }
        let first = line.split_whitespace().next().unwrap_or("");
        if first.len() == 64 && first.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Format::Hashed;
        }
        if line.split_whitespace().count() >= 2 && first.parse::<std::net::IpAddr>().is_ok() {
            return Format::Hosts;
        }
    }
    Format::Plain
}

fn parse_line(raw: &str, format: Format) -> Line {
    let line = raw.trim();
    if format == Format::Abp && (line.starts_with("##") || line.starts_with("#@#")) {
        return Line::Bad("cosmetic rule not imported".into());
    }
    if line.is_empty() || line.starts_with('#') {
        return Line::Skip;
    }
    match format {
        Format::Plain => {
            let entry = line.split(" #").next().unwrap_or(line).trim();
            if entry.contains(char::is_whitespace) {
                return Line::Bad("one name per line (found spaces)".into());
            }
            Line::Names(vec![entry.to_string()])
        }
        Format::Hosts => {
            let line = line.split('#').next().unwrap_or("");
            let mut parts = line.split_whitespace();
            match parts.next().map(|ip| ip.parse::<std::net::IpAddr>()) {
                Some(Ok(_)) => Line::Names(
                    parts
                        .filter(|n| {
                            !matches!(
                                *n,
                                "localhost"
                                    | "localhost.localdomain"
                                    | "local"
                                    | "broadcasthost"
                                    | "ip6-localhost"
                                    | "ip6-loopback"
                                    | "0.0.0.0"
                            )
                        })
                        .map(str::to_string)
                        .collect(),
                ),
                _ => Line::Bad("hosts line must start with an IP address".into()),
            }
        }
        Format::Abp => {
            if line.starts_with('!') || line.starts_with('[') {
                return Line::Skip;
            }
            if line.starts_with("@@") {
                return Line::Bad("exception rule (@@) not imported".into());
            }
            let Some(rest) = line.strip_prefix("||") else {
                return Line::Bad("only ||name^ rules are imported".into());
            };
            let (rule, opts) = rest.split_once('$').unwrap_or((rest, ""));
            if !opts.is_empty()
                && !opts
                    .split(',')
                    .all(|o| matches!(o, "important" | "all" | "document" | "doc"))
            {
                return Line::Bad(format!("rule options ${opts} not imported"));
            }
            let Some(name) = rule.strip_suffix('^').or_else(|| rule.strip_suffix("^|")) else {
                return Line::Bad("rule is not ||name^".into());
            };
            if name.contains(['/', '*']) {
                return Line::Bad("path or wildcard rule not imported".into());
            }
            Line::Names(vec![name.to_string()])
        }
        Format::Hashed => {
            let first = line.split_whitespace().next().unwrap_or("");
            match hex32(first) {
                Some(d) => Line::Hash(d),
                None => Line::Bad("expected 64 hex digits (SHA-256)".into()),
            }
        }
    }
}

fn hex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// A normalised list entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A host name (matches its subdomains).
    Domain(String),
    /// `host/path` prefix (decoded, lower-case, no trailing slash).
    Url(String),
}

/// Normalises one list entry the way the core normalises a visited URL.
pub fn normalise_entry(entry: &str) -> Result<Entry, String> {
    let e = entry
        .trim()
        .trim_start_matches("*.")
        .trim_start_matches('.');
    let e = e.split_once("://").map_or(e, |(_, rest)| rest);
    if e.is_empty() {
        return Err("empty entry".into());
    }
    // Fast path: most entries are already canonical host names.
    if e.bytes().all(|b| {
        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'_'
    }) && !e.starts_with('.')
    {
        let h = e.trim_end_matches('.');
        let h = h.strip_prefix("www.").unwrap_or(h);
        if !h.is_empty() && !h.contains("..") {
            return Ok(Entry::Domain(h.to_string()));
        }
    }
    let addr = esafety::url::parse(e).map_err(|err| err.to_string())?;
    if addr.host.is_empty() {
        return Err("no host name".into());
    }
    let host = addr.host.strip_prefix("www.").unwrap_or(&addr.host);
    let path = addr.path().trim_matches('/');
    if path.is_empty() {
        Ok(Entry::Domain(host.to_string()))
    } else {
        Ok(Entry::Url(format!("{host}/{path}")))
    }
}

#[cfg(test)]
mod tests;
