//! Runs every case in `tests/corpus/url/*.toml` against the URL classifier with the
//! built-in list and reports all failures at once (format: `tests/corpus/url/README.md`).

use esafety::url::ReasonKind;
use esafety::{Action, AgeBand, Alert, UrlCategory, UrlClassifier};
mod common;
use common::{corpus_files, known_keys, strs};
use std::path::PathBuf;

fn opt_str<'a>(c: &'a toml::Table, k: &str) -> Option<&'a str> {
    c.get(k)
        .map(|v| v.as_str().unwrap_or_else(|| panic!("{k} must be a string")))
}

fn reason_kind(s: &str) -> ReasonKind {
    match s {
        "list" => ReasonKind::List,
        "hashed_list" => ReasonKind::HashedList,
        "override" => ReasonKind::Override,
        "heuristic" => ReasonKind::Heuristic,
        "lookalike" => ReasonKind::Lookalike,
        "min_age" => ReasonKind::MinAge,
        "search" => ReasonKind::Search,
        "safe_search" => ReasonKind::SafeSearch,
        "carrier" => ReasonKind::Carrier,
        "scheme" => ReasonKind::Scheme,
        _ => panic!("unknown reason kind {s:?}"),
    }
}

/// The keys a URL case may have besides `note` (format: `tests/corpus/url/README.md`).
const CASE_KEYS: &[&str] = &[
    "url",
    "band",
    "age",
    "error",
    "action",
    "alert",
    "categories",
    "not_categories",
    "min_age",
    "reasons",
    "help",
    "headers",
    "safe_search_url",
    "search_query",
    "carried_url",
];

/// Checks one case; returns what is wrong, if anything.
fn check(c: &toml::Table, default_band: AgeBand) -> Result<(), String> {
    let url = opt_str(c, "url").expect("every case has a url");
    let band: AgeBand = opt_str(c, "band").map_or(default_band, |b| b.parse().expect("band"));
    let mut b = UrlClassifier::builder().age_band(band);
    if let Some(age) = c.get("age") {
        b = b
            .age(age.as_integer().expect("age is a number") as u32)
            .expect("valid age");
    }
    let classifier = b.build();
    let result = classifier.classify(url);
    if c.get("error").and_then(|v| v.as_bool()) == Some(true) {
        return match result {
            Err(_) => Ok(()),
            Ok(d) => Err(format!("expected an error, got {}", d.action)),
        };
    }
    let d = result.map_err(|e| format!("error: {e}"))?;
    let mut wrong = Vec::new();
    // The hot-path check must reach the same decision without the explanations.
    let quick = classifier.check(url).map_err(|e| format!("check: {e}"))?;
    if (
        quick.action,
        &quick.categories,
        quick.min_age,
        quick.alert,
        &quick.safe_search_url,
        &quick.headers,
    ) != (
        d.action,
        &d.categories,
        d.min_age,
        d.alert,
        &d.safe_search_url,
        &d.headers,
    ) {
        wrong.push(format!(
            "check() decided {} {:?}, classify() {} {:?}",
            quick.action, quick.categories, d.action, d.categories
        ));
    }
    let action: Action = opt_str(c, "action")
        .expect("every case has an action")
        .parse()
        .expect("action");
    if d.action != action {
        wrong.push(format!("action {} (expected {action})", d.action));
    }
    for cat in strs(c.get("categories")) {
        let cat: UrlCategory = cat.parse().expect("category");
        if !d.categories.contains(&cat) {
            wrong.push(format!("missing category {cat}"));
        }
    }
    for cat in strs(c.get("not_categories")) {
        let cat: UrlCategory = cat.parse().expect("category");
        if d.categories.contains(&cat) {
            wrong.push(format!("unexpected category {cat}"));
        }
    }
    if let Some(age) = c.get("min_age") {
        let age = age.as_integer().expect("min_age is a number") as u8;
        if d.min_age != Some(age) {
            wrong.push(format!("min_age {:?} (expected {age})", d.min_age));
        }
    }
    if let Some(s) = opt_str(c, "safe_search_url") {
        if d.safe_search_url.as_deref() != Some(s) {
            wrong.push(format!("safe_search_url {:?}", d.safe_search_url));
        }
    }
    if let Some(q) = opt_str(c, "search_query") {
        if d.search_query.as_ref().map(|s| s.text.as_str()) != Some(q) {
            wrong.push(format!(
                "search_query {:?}",
                d.search_query.as_ref().map(|s| &s.text)
            ));
        }
    }
    if let Some(a) = opt_str(c, "alert") {
        let a: Alert = a.parse().expect("alert");
        if d.alert != a {
            wrong.push(format!("alert {} (expected {a})", d.alert));
        }
    }
    for h in strs(c.get("help")) {
        if !d.help.iter().any(|r| r.id == h) {
            wrong.push(format!("help route {h} not offered"));
        }
    }
    for r in strs(c.get("reasons")) {
        let k = reason_kind(&r);
        if !d.reasons.iter().any(|x| x.kind == k) {
            wrong.push(format!("no {r} reason"));
        }
    }
    for h in strs(c.get("headers")) {
        if !d
            .headers
            .iter()
            .any(|x| format!("{}: {}", x.name, x.value) == h)
        {
            wrong.push(format!("header {h:?} not set"));
        }
    }
    if let Some(u) = opt_str(c, "carried_url") {
        if d.carried_url.as_deref() != Some(u) {
            wrong.push(format!("carried_url {:?}", d.carried_url));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        let reasons: Vec<String> = d
            .reasons
            .iter()
            .map(|r| format!("{:?} {} {}", r.kind, r.action, r.detail))
            .collect();
        Err(format!(
            "{} — reasons: {}",
            wrong.join("; "),
            reasons.join(" | ")
        ))
    }
}

#[test]
fn url_corpus() {
    let (mut total, mut failures) = (0, Vec::new());
    for (file, doc) in corpus_files("url") {
        let band: AgeBand = doc
            .get("band")
            .and_then(|b| b.as_str())
            .unwrap_or("ks2")
            .parse()
            .expect("band");
        for (i, case) in doc
            .get("case")
            .and_then(|c| c.as_array())
            .expect("[[case]]")
            .iter()
            .enumerate()
        {
            let case = case.as_table().expect("case table");
            known_keys(&file, case, CASE_KEYS);
            total += 1;
            if let Err(why) = check(case, band) {
                failures.push(format!(
                    "{file} case {} {:?}: {why}",
                    i + 1,
                    opt_str(case, "url").unwrap_or("")
                ));
            }
        }
    }
    assert!(total > 90, "only {total} URL cases");
    assert!(
        failures.is_empty(),
        "{} of {total} URL cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{total} URL cases passed");
}

/// `check` and `classify` agree on every URL of the labelled evaluation sets too.
#[test]
fn check_agrees_with_classify_on_the_eval_sets() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/eval");
    let mut n = 0;
    for f in ["urls_blind.tsv", "urls_blind2.tsv"] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        for band in [AgeBand::Ks2, AgeBand::Staff] {
            let c = UrlClassifier::builder().age_band(band).build();
            for url in text
                .lines()
                .filter(|l| !l.starts_with('#'))
                .skip(1)
                .filter_map(|l| l.split('\t').nth(2))
            {
                let (Ok(a), Ok(b)) = (c.classify(url), c.check(url)) else {
                    continue;
                };
                assert_eq!(
                    (
                        a.action,
                        &a.categories,
                        a.min_age,
                        a.alert,
                        &a.safe_search_url,
                        &a.headers
                    ),
                    (
                        b.action,
                        &b.categories,
                        b.min_age,
                        b.alert,
                        &b.safe_search_url,
                        &b.headers
                    ),
                    "{url}"
                );
                assert!(b.reasons.is_empty() && b.help.is_empty());
                n += 1;
            }
        }
    }
    assert!(n > 1000, "{n}");
}
