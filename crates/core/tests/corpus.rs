//! Runs every case in `tests/corpus/text/*.toml` and reports all failures at once.

use esafety::{Action, AgeBand, Alert, Category, Classifier, Severity};
mod common;
use common::{corpus_files, known_keys, strs};

#[derive(Debug)]
struct Case {
    file: String,
    text: String,
    band: AgeBand,
    flagged: bool,
    categories: Vec<Category>,
    not_categories: Vec<Category>,
    min_severity: Option<Severity>,
    max_severity: Option<Severity>,
    action: Option<Action>,
    alert: Option<Alert>,
    spans: Vec<String>,
    help: Vec<String>,
    help_seeking: Option<bool>,
    xfail: Option<String>,
}

fn parsed<T: std::str::FromStr>(v: Option<&toml::Value>, what: &str, file: &str) -> Option<T> {
    v.map(|v| {
        let s = v
            .as_str()
            .unwrap_or_else(|| panic!("{file}: {what} must be a string"));
        s.parse()
            .unwrap_or_else(|_| panic!("{file}: bad {what} {s:?}"))
    })
}

/// The keys a text case may have besides `note` (format: `tests/corpus/text/README.md`).
const CASE_KEYS: &[&str] = &[
    "text",
    "band",
    "flagged",
    "categories",
    "not_categories",
    "min_severity",
    "max_severity",
    "action",
    "alert",
    "spans",
    "help",
    "help_seeking",
    "xfail",
];

fn load() -> Vec<Case> {
    let mut cases = Vec::new();
    for (file, doc) in corpus_files("text") {
        let default_band: AgeBand = parsed(doc.get("band"), "band", &file).unwrap_or(AgeBand::Ks2);
        let list = doc
            .get("case")
            .and_then(|c| c.as_array())
            .unwrap_or_else(|| panic!("{file}: no [[case]]"));
        for c in list {
            let t = c.as_table().expect("case is a table");
            known_keys(&file, t, CASE_KEYS);
            let cats = |k: &str| {
                strs(t.get(k))
                    .iter()
                    .map(|s| {
                        s.parse()
                            .unwrap_or_else(|_| panic!("{file}: bad category {s}"))
                    })
                    .collect()
            };
            cases.push(Case {
                text: t
                    .get("text")
                    .and_then(|v| v.as_str())
                    .unwrap_or_else(|| panic!("{file}: case without text"))
                    .to_string(),
                band: parsed(t.get("band"), "band", &file).unwrap_or(default_band),
                flagged: t
                    .get("flagged")
                    .and_then(|v| v.as_bool())
                    .unwrap_or_else(|| panic!("{file}: case without flagged: {t:?}")),
                categories: cats("categories"),
                not_categories: cats("not_categories"),
                min_severity: parsed(t.get("min_severity"), "min_severity", &file),
                max_severity: parsed(t.get("max_severity"), "max_severity", &file),
                action: parsed(t.get("action"), "action", &file),
                alert: parsed(t.get("alert"), "alert", &file),
                spans: strs(t.get("spans")),
                help: strs(t.get("help")),
                help_seeking: t.get("help_seeking").and_then(|v| v.as_bool()),
                xfail: t.get("xfail").and_then(|v| v.as_str()).map(str::to_string),
                file: file.clone(),
            });
        }
    }
    cases
}

fn check(c: &Case) -> Vec<String> {
    let v = Classifier::builder()
        .age_band(c.band)
        .build()
        .classify(&c.text);
    let mut why = Vec::new();
    if v.flagged != c.flagged {
        why.push(format!("flagged {} (want {})", v.flagged, c.flagged));
    }
    for cat in &c.categories {
        if !v.categories.contains(cat) {
            why.push(format!("missing category {cat}"));
        }
    }
    for cat in &c.not_categories {
        if v.categories.contains(cat) {
            why.push(format!("unwanted category {cat}"));
        }
    }
    if let Some(s) = c.min_severity.filter(|s| v.severity < *s) {
        why.push(format!("severity {} < {s}", v.severity));
    }
    if let Some(s) = c.max_severity.filter(|s| v.severity > *s) {
        why.push(format!("severity {} > {s}", v.severity));
    }
    if let Some(a) = c.action.filter(|a| v.action != *a) {
        why.push(format!("action {} (want {a})", v.action));
    }
    if let Some(a) = c.alert.filter(|a| v.alert != *a) {
        why.push(format!("alert {} (want {a})", v.alert));
    }
    for s in &c.spans {
        if !v.matches.iter().any(|m| &m.text == s) {
            why.push(format!("no match with text {s:?}"));
        }
    }
    for h in &c.help {
        if !v.help.iter().any(|r| r.id == h) {
            why.push(format!("help route {h} not offered"));
        }
    }
    if let Some(h) = c.help_seeking.filter(|h| v.help_seeking != *h) {
        why.push(format!("help_seeking {} (want {h})", !h));
    }
    // Spans must always slice the original text exactly.
    for m in &v.matches {
        if c.text.get(m.start..m.end) != Some(m.text.as_str()) {
            why.push(format!(
                "span {}..{} does not slice the text",
                m.start, m.end
            ));
        }
    }
    if !why.is_empty() {
        let got: Vec<String> = v
            .matches
            .iter()
            .map(|m| format!("{}:{}:{:?}", m.rule, m.severity, m.text))
            .collect();
        why.push(format!(
            "got {} {} [{}]",
            v.action,
            v.severity,
            got.join(", ")
        ));
    }
    why
}

#[test]
fn corpus() {
    let cases = load();
    assert!(
        cases.len() >= 50,
        "the corpus has only {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    let mut known = 0;
    for c in &cases {
        let why = check(c);
        if let (false, Some(reason)) = (why.is_empty(), &c.xfail) {
            known += 1;
            eprintln!(
                "known limitation ({reason}): {:?}: {}",
                c.text,
                why.join("; ")
            );
            continue;
        }
        if !why.is_empty() {
            failures.push(format!(
                "{} [{}] {:?}\n      {}",
                c.file,
                c.band,
                c.text,
                why.join("; ")
            ));
        }
    }
    let risky = cases.iter().filter(|c| c.flagged).count();
    eprintln!(
        "corpus: {} cases ({} risky, {} innocent), {} failing, {} known limitations",
        cases.len(),
        risky,
        cases.len() - risky,
        failures.len(),
        known
    );
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases fail:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
}

/// Every risk rule in `crates/core/data/text/rules` is matched by at least one corpus case
/// (the lexicon README asks for one; a rule nothing exercises is a rule nobody checked).
/// Read from raw matches, since a verdict leaves out a match that a longer one covers.
#[test]
fn every_risk_rule_is_exercised() {
    let c = Classifier::builder().age_band(AgeBand::Staff).build();
    let mut seen = std::collections::BTreeSet::new();
    for case in load() {
        seen.extend(c.rules_matched(&case.text));
    }
    // The lexicon crate's own reader (the build reads the folder with it too).
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/text");
    let lexicon = esafety_lexicon::load_dir(std::path::Path::new(dir)).expect("lexicon");
    let missing: Vec<&str> = lexicon
        .rules
        .iter()
        .filter(|r| r.kind == esafety_lexicon::RuleKind::Risk && !seen.contains(r.id.as_str()))
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "{} risk rules are matched by no corpus case: {missing:?}",
        missing.len()
    );
}

/// A risky message stays risky when a pupil adds an everyday opening or ending that changes
/// nothing ("lol …", "miss …", "… haha", "… !!", a kiss): an allow rule whose gap reached
/// over the risk ("miss" read as a leavers' card to a teacher), or a closing kiss read as the
/// last letter of a spaced-out word, would let it through. Every flagged KS2 case of the
/// corpus, with each opening and each ending.
#[test]
fn risky_cases_stay_risky_with_a_neutral_opening_or_ending() {
    const OPENINGS: [&str; 6] = ["lol ", "omg ", "hey ", "tbh ", "miss ", "ok so "];
    const ENDINGS: [&str; 9] = [
        " haha", " ok", " rn", " lol", " tonight", " !!", " 😂", " xx", " x",
    ];
    let c = Classifier::builder().age_band(AgeBand::Ks2).build();
    let mut cleared = Vec::new();
    let mut tried = 0;
    for case in load() {
        if !(case.flagged && case.band == AgeBand::Ks2 && case.xfail.is_none()) {
            continue;
        }
        if !c.classify(&case.text).flagged {
            continue; // the corpus test reports it
        }
        // After two spaced letters a kiss cannot be told from a third letter (`m e x` as
        // `me` and a kiss, `s e x` as `sex`): the normaliser keeps the letter there.
        let group = case.text.rsplit("  ").next().unwrap_or_default();
        let singles = group
            .split_whitespace()
            .rev()
            .take_while(|w| w.chars().count() == 1)
            .count();
        let spaced_pair = singles == 2;
        for end in ENDINGS {
            if end == " x" && spaced_pair {
                continue;
            }
            tried += 1;
            let text = format!("{}{end}", case.text);
            if !c.classify(&text).flagged {
                cleared.push(format!("{}: {text:?}", case.file));
            }
        }
        for start in OPENINGS {
            tried += 1;
            let text = format!("{start}{}", case.text);
            if !c.classify(&text).flagged {
                cleared.push(format!("{}: {text:?}", case.file));
            }
        }
    }
    assert!(tried > 10_000, "only {tried} texts tried");
    assert!(
        cleared.is_empty(),
        "{} risky texts were cleared by an ending:\n  {}",
        cleared.len(),
        cleared.join("\n  ")
    );
}
