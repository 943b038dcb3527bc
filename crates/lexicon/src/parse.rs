//! Reading the tab-separated data files, checking every column.
//!
//! Each file starts with optional `#` comment lines and then a header line naming its
//! columns; the header must match exactly, so a file cannot silently shift a column.
//! Parsing is pure (`parse_files` takes names and texts) so it can be fuzzed; only
//! [`load_dir`] touches the file system.

use crate::error::{DataError, ErrorKind};
use crate::model::*;
use esafety_taxonomy::{Action, Alert, Category, Severity};
use std::collections::HashMap;
use std::path::Path;

const RULE_COLUMNS: &[&str] = &[
    "id", "kind", "category", "severity", "bands", "flags", "pattern", "note",
];
const MACRO_COLUMNS: &[&str] = &["name", "expansion", "note"];
const EMOJI_COLUMNS: &[&str] = &["emoji", "token", "note"];
const FOLD_COLUMNS: &[&str] = &["char", "ascii", "note"];
const RESPELL_COLUMNS: &[&str] = &["misspelling", "word", "note"];
const HELP_COLUMNS: &[&str] = &[
    "id",
    "name",
    "categories",
    "ages",
    "severity",
    "url",
    "phone",
    "sms",
    "summary",
    "source",
];
const POLICY_COLUMNS: &[&str] = &[
    "category", "severity", "eyfs", "ks1", "ks2", "ks3", "ks4", "ks5", "staff", "alert",
];

/// Reads `dir` (the `data/text` folder): `macros.tsv`, `emoji.tsv`, `confusables.tsv`,
/// `scripts.tsv`, `respell.tsv`, `help.tsv`, `policy.tsv` and every `rules/*.tsv`, and
/// checks them all.
///
/// Returns every problem found, not just the first.
pub fn load_dir(dir: &Path) -> Result<Lexicon, Vec<DataError>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut read = |rel: String| match std::fs::read_to_string(dir.join(&rel)) {
        Ok(text) => files.push((rel, text)),
        Err(e) => errors.push(DataError::new(&rel, 0, ErrorKind::Io(e.to_string()))),
    };
    for name in [
        "macros.tsv",
        "emoji.tsv",
        "confusables.tsv",
        "scripts.tsv",
        "respell.tsv",
        "help.tsv",
        "policy.tsv",
    ] {
        read(name.to_string());
    }
    match std::fs::read_dir(dir.join("rules")) {
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".tsv"))
                .collect();
            names.sort();
            for n in names {
                read(format!("rules/{n}"));
            }
        }
        Err(e) => errors.push(DataError::new("rules", 0, ErrorKind::Io(e.to_string()))),
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    parse_files(&files)
}

/// Parses already-read files. Names decide the format: `rules/…` are rule files, the
/// others are known by name.
pub fn parse_files(files: &[(String, String)]) -> Result<Lexicon, Vec<DataError>> {
    let mut lex = Lexicon::default();
    let mut errors = Vec::new();
    for (name, text) in files {
        let r = match name.as_str() {
            "macros.tsv" => parse_macros(name, text, &mut lex.macros),
            "emoji.tsv" => parse_emoji(name, text, &mut lex.emoji),
            // A transliterated script reads like a look-alike: one more fold.
            "confusables.tsv" | "scripts.tsv" => parse_folds(name, text, &mut lex.folds),
            "respell.tsv" => parse_respell(name, text, &mut lex.respellings),
            "help.tsv" => parse_help(name, text, &mut lex.help),
            "policy.tsv" => parse_policy(name, text, &mut lex.policy),
            n if n.starts_with("rules/") => parse_rules(name, text, &mut lex.rules),
            _ => Err(vec![DataError::new(
                name,
                0,
                ErrorKind::Missing("a known file name".into()),
            )]),
        };
        if let Err(mut e) = r {
            errors.append(&mut e);
        }
    }
    respell_patterns(&mut lex);
    errors.extend(check_cross(&lex));
    if errors.is_empty() {
        Ok(lex)
    } else {
        Err(errors)
    }
}

/// A data line: its number and its columns.
type Row<'a> = (usize, Vec<&'a str>);

/// The data lines of a file after its header, and the errors of lines that could not be
/// split; `Err` when the header itself is wrong.
fn rows<'a>(
    file: &str,
    text: &'a str,
    header: &[&str],
) -> Result<(Vec<Row<'a>>, Vec<DataError>), Vec<DataError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen_header = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let n = i + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if !seen_header {
            seen_header = true;
            if cols != header {
                errors.push(DataError::new(
                    file,
                    n,
                    ErrorKind::BadValue {
                        column: "header",
                        value: line.to_string(),
                        why: format!("expected {:?}", header.join("\\t")),
                    },
                ));
                return Err(errors);
            }
            continue;
        }
        if cols.len() != header.len() {
            errors.push(DataError::new(
                file,
                n,
                ErrorKind::Columns {
                    expected: header.len(),
                    found: cols.len(),
                },
            ));
            continue;
        }
        out.push((n, cols));
    }
    if !seen_header {
        errors.push(DataError::new(
            file,
            0,
            ErrorKind::Missing("header line".into()),
        ));
        return Err(errors);
    }
    Ok((out, errors))
}

/// Parses every data row of a file with `parse`, appending to `out`; collects the errors
/// of all rows (and of the file's shape) instead of stopping at the first.
pub(crate) fn each_row<T>(
    file: &str,
    text: &str,
    header: &[&str],
    out: &mut Vec<T>,
    parse: impl Fn(usize, &[&str]) -> Result<T, DataError>,
) -> Result<(), Vec<DataError>> {
    let (rows, mut errors) = rows(file, text, header)?;
    for (n, c) in rows {
        match parse(n, &c) {
            Ok(v) => out.push(v),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

pub(crate) fn bad(
    file: &str,
    line: usize,
    column: &'static str,
    value: &str,
    why: impl Into<String>,
) -> DataError {
    DataError::new(
        file,
        line,
        ErrorKind::BadValue {
            column,
            value: value.to_string(),
            why: why.into(),
        },
    )
}

fn parse_categories(s: &str) -> Result<Vec<Category>, String> {
    if s == "*" {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|c| {
            c.trim()
                .parse::<Category>()
                .map_err(|_| format!("{c:?} is not a category"))
        })
        .collect()
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
}

/// A severity other than `none`, if `s` names one.
fn some_severity(s: &str) -> Option<Severity> {
    s.parse::<Severity>().ok().filter(|s| *s != Severity::None)
}

/// Parses one rules file into `out`.
pub fn parse_rules(file: &str, text: &str, out: &mut Vec<Rule>) -> Result<(), Vec<DataError>> {
    each_row(file, text, RULE_COLUMNS, out, |n, c| {
        let id = c[0].trim();
        if !is_id(id) {
            return Err(bad(
                file,
                n,
                "id",
                id,
                "use lower-case letters, digits, '_' and '.'",
            ));
        }
        let kind = match c[1] {
            "risk" => RuleKind::Risk,
            "allow" => RuleKind::Allow,
            "help" => RuleKind::Help,
            k => return Err(bad(file, n, "kind", k, "risk, allow or help")),
        };
        let categories = parse_categories(c[2]).map_err(|w| bad(file, n, "category", c[2], w))?;
        let severity = if kind == RuleKind::Risk {
            if categories.len() != 1 {
                return Err(bad(
                    file,
                    n,
                    "category",
                    c[2],
                    "a risk rule has exactly one category",
                ));
            }
            some_severity(c[3])
                .ok_or_else(|| bad(file, n, "severity", c[3], "low, medium, high or critical"))?
        } else if kind == RuleKind::Help && c[3] != "-" {
            // How far the help routes offered for its topics go (default medium): asking
            // how to get one's image taken down offers Report Remove, a high route.
            some_severity(c[3]).ok_or_else(|| {
                let want = "'-' or, for a help rule, the most severe routes its topics offer: low … critical";
                bad(file, n, "severity", c[3], want)
            })?
        } else {
            if c[3] != "-" {
                return Err(bad(file, n, "severity", c[3], "allow rules take '-'"));
            }
            Severity::None
        };
        let bands = Bands::parse(c[4]).map_err(|w| bad(file, n, "bands", c[4], w))?;
        let flags = Flags::parse(c[5]).map_err(|w| bad(file, n, "flags", c[5], w))?;
        if flags.quote && kind != RuleKind::Allow {
            return Err(bad(
                file,
                n,
                "flags",
                c[5],
                "quote is for allow rules (a frame around quoted words)",
            ));
        }
        let pattern = c[6].to_string();
        if pattern.trim().is_empty() || pattern != pattern.trim() {
            return Err(bad(
                file,
                n,
                "pattern",
                &pattern,
                "empty, or spaces at either end",
            ));
        }
        if pattern.bytes().any(|b| b.is_ascii_uppercase()) && !pattern.contains('\\') {
            return Err(bad(
                file,
                n,
                "pattern",
                &pattern,
                "text is lower-cased first: write patterns in lower case",
            ));
        }
        Ok(Rule {
            id: id.to_string(),
            kind,
            categories,
            severity,
            bands,
            flags,
            pattern,
            note: c[7].to_string(),
            source: Source {
                file: file.to_string(),
                line: n,
            },
        })
    })
}

fn parse_macros(file: &str, text: &str, out: &mut Vec<Macro>) -> Result<(), Vec<DataError>> {
    each_row(file, text, MACRO_COLUMNS, out, |n, c| {
        if !is_id(c[0]) || c[0].contains('.') {
            return Err(bad(
                file,
                n,
                "name",
                c[0],
                "use lower-case letters, digits and '_'",
            ));
        }
        Ok(Macro {
            name: c[0].to_string(),
            expansion: c[1].to_string(),
            source: Source {
                file: file.to_string(),
                line: n,
            },
        })
    })
}

fn single_char(s: &str) -> Option<char> {
    // Accept the character itself or a `U+XXXX` code point.
    let s = s.trim_end_matches('\u{fe0f}');
    if let Some(hex) = s.strip_prefix("U+") {
        return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
    }
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

fn parse_emoji(file: &str, text: &str, out: &mut Vec<Emoji>) -> Result<(), Vec<DataError>> {
    each_row(file, text, EMOJI_COLUMNS, out, |n, c| {
        let Some(ch) = single_char(c[0]).filter(|c| !c.is_ascii()) else {
            return Err(bad(
                file,
                n,
                "emoji",
                c[0],
                "one non-ASCII character or U+XXXX",
            ));
        };
        if c[1].is_empty() || !c[1].bytes().all(|b| b.is_ascii_lowercase() || b == b' ') {
            return Err(bad(file, n, "token", c[1], "lower-case ASCII words"));
        }
        Ok(Emoji {
            emoji: ch,
            token: c[1].to_string(),
            source: Source {
                file: file.to_string(),
                line: n,
            },
        })
    })
}

fn parse_respell(file: &str, text: &str, out: &mut Vec<Respelling>) -> Result<(), Vec<DataError>> {
    each_row(file, text, RESPELL_COLUMNS, out, |n, c| {
        let word = |s: &str| {
            (3..=MAX_RESPELL_LEN).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase())
        };
        if !word(c[0]) {
            return Err(bad(
                file,
                n,
                "misspelling",
                c[0],
                "3 to 20 lower-case ASCII letters",
            ));
        }
        if !word(c[1]) || c[1] == c[0] {
            return Err(bad(
                file,
                n,
                "word",
                c[1],
                "3 to 20 lower-case ASCII letters, not the misspelling itself",
            ));
        }
        Ok(Respelling {
            from: c[0].to_string(),
            to: c[1].to_string(),
        })
    })?;
    let mut seen = std::collections::HashSet::new();
    let errors: Vec<DataError> = out
        .iter()
        .filter(|r| !seen.insert(r.from.as_str()))
        .map(|r| bad(file, 0, "misspelling", &r.from, "each misspelling once"))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Rules and macros read through `respell.tsv` as the text is: the classifier never sees
/// `ladys` (it reads `ladies`), so a rule that spells `ladys` means `ladies`. Each whole
/// lower-case word of a pattern that is a listed misspelling becomes its word (a word right
/// after a backslash is an escape's, and stays).
fn respell_patterns(lex: &mut Lexicon) {
    if lex.respellings.is_empty() {
        return;
    }
    let respellings = std::mem::take(&mut lex.respellings);
    let map: std::collections::HashMap<&str, &str> = respellings
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str()))
        .collect();
    let respell = |pattern: &str| -> Option<String> {
        let b = pattern.as_bytes();
        let mut out = String::with_capacity(pattern.len());
        let (mut at, mut changed) = (0, false);
        for w in esafety_pack::lowercase_runs(b) {
            let escaped = w.start > 0 && b[w.start - 1] == b'\\';
            if let Some(to) = map.get(&pattern[w.clone()]).filter(|_| !escaped) {
                out.push_str(&pattern[at..w.start]);
                out.push_str(to);
                at = w.end;
                changed = true;
            }
        }
        out.push_str(&pattern[at..]);
        changed.then_some(out)
    };
    for r in &mut lex.rules {
        if let Some(p) = respell(&r.pattern) {
            r.pattern = p;
        }
    }
    for m in &mut lex.macros {
        if let Some(e) = respell(&m.expansion) {
            m.expansion = e;
        }
    }
    lex.respellings = respellings;
}

/// Longest misspelling or word in `respell.tsv` (the core's prefilter has a bit per length).
pub const MAX_RESPELL_LEN: usize = 20;

fn parse_folds(file: &str, text: &str, out: &mut Vec<Fold>) -> Result<(), Vec<DataError>> {
    each_row(file, text, FOLD_COLUMNS, out, |n, c| {
        let Some(ch) = single_char(c[0]).filter(|c| !c.is_ascii()) else {
            return Err(bad(
                file,
                n,
                "char",
                c[0],
                "one non-ASCII character or U+XXXX",
            ));
        };
        if c[1].is_empty() || c[1].len() > 3 || !c[1].bytes().all(|b| b.is_ascii_graphic()) {
            return Err(bad(
                file,
                n,
                "ascii",
                c[1],
                "1 to 3 visible ASCII characters",
            ));
        }
        Ok(Fold {
            ch,
            ascii: c[1].to_ascii_lowercase(),
        })
    })
}

fn parse_ages(s: &str) -> Result<(u8, u8), String> {
    let num = |t: &str| t.parse::<u8>().map_err(|_| format!("{t:?} is not an age"));
    if s == "all" {
        Ok((0, u8::MAX))
    } else if let Some(lo) = s.strip_suffix('+') {
        Ok((num(lo)?, u8::MAX))
    } else if let Some(hi) = s.strip_prefix("under ") {
        Ok((0, num(hi)?.checked_sub(1).ok_or("under 0")?))
    } else if let Some((lo, hi)) = s.split_once('-') {
        Ok((num(lo)?, num(hi)?))
    } else {
        Err("all, N+, under N or N-M".into())
    }
}

fn parse_help(file: &str, text: &str, out: &mut Vec<HelpRoute>) -> Result<(), Vec<DataError>> {
    each_row(file, text, HELP_COLUMNS, out, |n, c| {
        if !is_id(c[0]) {
            return Err(bad(file, n, "id", c[0], "lower-case id"));
        }
        let categories = parse_categories(c[2]).map_err(|w| bad(file, n, "categories", c[2], w))?;
        let (min_age, max_age) = parse_ages(c[3]).map_err(|w| bad(file, n, "ages", c[3], w))?;
        let min_severity = c[4]
            .parse::<Severity>()
            .ok()
            .filter(|s| *s != Severity::None)
            .ok_or_else(|| {
                bad(
                    file,
                    n,
                    "severity",
                    c[4],
                    "the least severity that shows this route: low … critical",
                )
            })?;
        if c[9].trim().is_empty() {
            return Err(bad(
                file,
                n,
                "source",
                c[9],
                "every contact needs the source it was checked against",
            ));
        }
        let opt = |s: &str| {
            if s == "-" {
                String::new()
            } else {
                s.to_string()
            }
        };
        Ok(HelpRoute {
            id: c[0].to_string(),
            name: c[1].to_string(),
            categories,
            min_age,
            max_age,
            min_severity,
            url: opt(c[5]),
            phone: opt(c[6]),
            sms: opt(c[7]),
            summary: c[8].to_string(),
            source_ref: c[9].to_string(),
            source: Source {
                file: file.to_string(),
                line: n,
            },
        })
    })
}

fn parse_policy(file: &str, text: &str, out: &mut Vec<PolicyRow>) -> Result<(), Vec<DataError>> {
    each_row(file, text, POLICY_COLUMNS, out, |n, c| {
        let category = c[0]
            .parse::<Category>()
            .map_err(|_| bad(file, n, "category", c[0], "unknown category"))?;
        let severity = c[1]
            .parse::<Severity>()
            .ok()
            .filter(|s| *s != Severity::None)
            .ok_or_else(|| bad(file, n, "severity", c[1], "low, medium, high or critical"))?;
        let mut actions = [Action::Allow; 7];
        for (i, a) in actions.iter_mut().enumerate() {
            *a = c[2 + i].parse::<Action>().map_err(|_| {
                bad(
                    file,
                    n,
                    POLICY_COLUMNS[2 + i],
                    c[2 + i],
                    "allow, warn or block",
                )
            })?;
        }
        let alert = c[9]
            .parse::<Alert>()
            .map_err(|_| bad(file, n, "alert", c[9], "none, weekly or urgent"))?;
        Ok(PolicyRow {
            category,
            severity,
            actions,
            alert,
            source: Source {
                file: file.to_string(),
                line: n,
            },
        })
    })
}

/// Checks that span files: unique ids, complete policy, help for every concern.
fn check_cross(lex: &Lexicon) -> Vec<DataError> {
    let mut errors = Vec::new();
    let mut ids: HashMap<&str, &Source> = HashMap::new();
    for r in &lex.rules {
        if let Some(first) = ids.insert(&r.id, &r.source) {
            errors.push(DataError::new(
                &r.source.file,
                r.source.line,
                ErrorKind::DuplicateId {
                    id: r.id.clone(),
                    first: first.to_string(),
                },
            ));
        }
    }
    let mut names: HashMap<&str, &Source> = HashMap::new();
    for m in &lex.macros {
        if let Some(first) = names.insert(&m.name, &m.source) {
            errors.push(DataError::new(
                &m.source.file,
                m.source.line,
                ErrorKind::DuplicateId {
                    id: m.name.clone(),
                    first: first.to_string(),
                },
            ));
        }
    }
    let mut emoji: HashMap<char, &Source> = HashMap::new();
    for e in &lex.emoji {
        if let Some(first) = emoji.insert(e.emoji, &e.source) {
            errors.push(DataError::new(
                &e.source.file,
                e.source.line,
                ErrorKind::DuplicateId {
                    id: e.emoji.to_string(),
                    first: first.to_string(),
                },
            ));
        }
    }
    for cat in Category::ALL {
        for sev in &Severity::ALL[1..] {
            let n = lex
                .policy
                .iter()
                .filter(|p| p.category == *cat && p.severity == *sev)
                .count();
            if n != 1 {
                errors.push(DataError::new(
                    "policy.tsv",
                    0,
                    ErrorKind::Missing(format!("exactly one row for {cat} {sev} (found {n})")),
                ));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "id\tkind\tcategory\tseverity\tbands\tflags\tpattern\tnote\n";

    fn rules(body: &str) -> Result<Vec<Rule>, Vec<DataError>> {
        let mut out = Vec::new();
        parse_rules("rules/t.tsv", &format!("# c\n{HEAD}{body}"), &mut out).map(|_| out)
    }

    #[test]
    fn parses_a_rule_with_line_numbers() {
        let r = rules("a.b\trisk\tbullying\thigh\tks2+\tneg\tkill yourself\tnote\n").unwrap();
        assert_eq!(r[0].source.line, 3);
        assert_eq!(r[0].severity, Severity::High);
        assert!(r[0].flags.negatable);
        assert!(!r[0].bands.contains(esafety_taxonomy::AgeBand::Ks1));
        assert!(r[0].bands.contains(esafety_taxonomy::AgeBand::Staff));
    }

    #[test]
    fn help_rules_may_say_how_far_their_routes_go_allow_rules_may_not() {
        let r = rules("h\thelp\tsexual\thigh\tall\t-\ttake it down\tn\ng\thelp\tsexual\t-\tall\t-\thelp me\tn\n")
            .unwrap();
        assert_eq!(
            (r[0].severity, r[1].severity),
            (Severity::High, Severity::None)
        );
        let e = rules("a\tallow\tsexual\thigh\tall\t-\tsex education\tn\nh\thelp\tsexual\tnone\tall\t-\tx\tn\n")
            .unwrap_err();
        assert_eq!(
            e.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![3, 4],
            "{e:?}"
        );
    }

    #[test]
    fn reports_every_bad_line() {
        let e = rules("a\trisk\tnope\thigh\tall\t-\tx\tn\nb\trisk\tsexual\tnone\tall\t-\tx\tn\nc\trisk\tsexual\n")
            .unwrap_err();
        assert_eq!(e.len(), 3);
        assert!(e
            .iter()
            .any(|e| e.to_string().starts_with("rules/t.tsv:3: bad category")));
        assert!(e
            .iter()
            .any(|e| e.to_string().starts_with("rules/t.tsv:4: bad severity")));
        assert!(e.iter().any(|e| e.line == 5
            && matches!(
                e.kind,
                ErrorKind::Columns {
                    expected: 8,
                    found: 3
                }
            )));
    }

    #[test]
    fn refuses_wrong_header() {
        let mut out = Vec::new();
        let e = parse_rules("rules/t.tsv", "id\tkind\n", &mut out).unwrap_err();
        assert_eq!(e[0].line, 1);
    }

    #[test]
    fn band_ranges() {
        assert_eq!(Bands::parse("all").unwrap(), Bands::ALL);
        assert!(Bands::parse("ks3-ks1").is_err());
        let b = Bands::parse("eyfs-ks2").unwrap();
        assert!(
            b.contains(esafety_taxonomy::AgeBand::Ks2)
                && !b.contains(esafety_taxonomy::AgeBand::Ks3)
        );
    }
}
