//! The checks behind esafety's fuzz targets, as plain functions.
//!
//! Each `fuzz_targets/<name>.rs` calls `check_<name>` on libFuzzer's input; the same
//! functions run on stable Rust without libFuzzer (`cargo test` in this folder replays
//! `seeds/<target>/` through them), so a crash file from `artifacts/` can be turned into a
//! unit test by passing its bytes to the matching check.
//!
//! A check panics (and so libFuzzer reports a crash) when the code under test panics or
//! when one of the properties below does not hold.

use esafety::normalize::{normalize, squeeze, star_windows, unstarred, Stream};
use esafety::{Action, AgeBand, Alert, Classifier, Severity, MAX_HITS, MAX_INPUT_BYTES};
use esafety_lexicon::{parse_files, parse_rules, DataError};

/// The data file names `parse_files` knows, plus a rules file and one it does not know.
pub const DATA_FILES: &[&str] = &[
    "macros.tsv",
    "emoji.tsv",
    "confusables.tsv",
    "help.tsv",
    "policy.tsv",
    "rules/fuzz.tsv",
    "unknown.txt",
];

/// `normalize` on any text (bytes read as lossy UTF-8), for both streams and for the
/// squeezed variants of the words stream:
/// - one start per byte, the bytes ASCII;
/// - `starts` never goes backwards and every offset is a character boundary inside the
///   input;
/// - `original_span` of any single byte, and of the whole stream, slices the input;
/// - `position` is the inverse of `starts` where characters map to one byte.
pub fn check_normalize(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_normalize_str(&text);
}

/// [`check_normalize`] on text that is already a string.
pub fn check_normalize_str(text: &str) {
    let n = normalize(text);
    check_stream(text, &n.plain, "plain");
    check_stream(text, &n.words, "words");
    if let Some(apart) = &n.words_apart {
        check_stream(text, apart, "words apart");
    }
    if n.starred {
        let mut read = Stream::default();
        for window in star_windows(&n.words.bytes, 64) {
            unstarred(&n.words, window.clone(), b'u', &mut read);
            check_stream(text, &read, "unstarred");
            assert_eq!(
                read.bytes.len(),
                window.len(),
                "unstarred changed the length"
            );
        }
    }
    for keep in [1, 2] {
        if let Some(s) = squeeze(&n.words, keep) {
            check_stream(text, &s, "squeezed");
            assert!(
                s.bytes.len() < n.words.bytes.len(),
                "squeezing made nothing shorter"
            );
        }
    }
}

fn check_stream(text: &str, st: &Stream, name: &str) {
    assert_eq!(
        st.bytes.len(),
        st.starts.len(),
        "{name}: bytes and starts differ in length"
    );
    assert!(st.bytes.is_ascii(), "{name} is not ASCII");
    let mut prev = 0usize;
    for (i, &s) in st.starts.iter().enumerate() {
        let s = s as usize;
        assert!(
            s >= prev,
            "{name}: starts goes backwards at {i}: {prev} then {s}"
        );
        assert!(
            s < text.len(),
            "{name}: starts[{i}] = {s} is past the end ({})",
            text.len()
        );
        assert!(
            text.is_char_boundary(s),
            "{name}: starts[{i}] = {s} is not a char boundary"
        );
        assert!(st.position(s) <= i, "{name}: position({s}) is after {i}");
        prev = s;
    }
    let len = st.starts.len();
    let mut spans = vec![(0, len), (0, 0), (len, len + 1)];
    // Every single byte, on short inputs; a sample on long ones.
    let step = (len / 256).max(1);
    spans.extend((0..len).step_by(step).map(|i| (i, i + 1)));
    spans.extend((0..len).step_by(step).map(|i| (i, len)));
    for (s, e) in spans {
        let (a, b) = st.original_span(text, s, e);
        assert!(
            a <= b && b <= text.len(),
            "{name}: original_span({s}, {e}) = {a}..{b} out of 0..{}",
            text.len()
        );
        assert!(
            text.is_char_boundary(a) && text.is_char_boundary(b),
            "{name}: original_span({s}, {e}) = {a}..{b} splits a char"
        );
        if s < e && e <= len {
            assert!(a < b, "{name}: original_span({s}, {e}) is empty");
        }
    }
}

/// `classify` on any input. The first byte sets the classifier up: its value modulo 7
/// picks the age band, and when its top bit is set the maximum input is cut to
/// `1 + (byte & 63)` bytes (so truncation is exercised on short inputs too). The rest is
/// read as lossy UTF-8.
pub fn check_classify(data: &[u8]) {
    let Some((&setup, rest)) = data.split_first() else {
        check_classify_str(AgeBand::Ks2, None, "");
        return;
    };
    let band = AgeBand::ALL[setup as usize % AgeBand::ALL.len()];
    let max = (setup & 0x80 != 0).then_some(1 + (setup & 63) as usize);
    check_classify_str(band, max, &String::from_utf8_lossy(rest));
}

/// The properties of one verdict (see `crates/core/src/text.rs`):
/// - `truncated` exactly when the input is longer than the maximum;
/// - every match is a non-empty span of the read part of the input, on char boundaries,
///   whose `text` is that slice; matches come in text order;
/// - every match has a real severity no higher than the verdict's (the verdict takes the
///   per-category maximum and can only raise it), and its category is listed;
/// - no severity means no categories, and the reverse;
/// - `flagged` is exactly "the action is not allow, or there is an alert";
/// - the verdict is for the band asked for.
pub fn check_classify_str(band: AgeBand, max: Option<usize>, text: &str) {
    let limit = max.unwrap_or(MAX_INPUT_BYTES).min(MAX_INPUT_BYTES);
    let v = classifier(band, max).classify(text);
    check_verdict(&v, band, limit, text);
}

/// A classifier for `band` and maximum input. Cheap: the core validates its embedded
/// DFAs once per process.
pub fn classifier(band: AgeBand, max: Option<usize>) -> Classifier {
    let mut b = Classifier::builder().age_band(band);
    if let Some(m) = max {
        b = b.max_input_bytes(m).expect("a non-zero maximum is valid");
    }
    b.build()
}

/// The verdict checks of [`check_classify_str`], for callers that classify themselves.
pub fn check_verdict(v: &esafety::TextVerdict, band: AgeBand, limit: usize, text: &str) {
    assert_eq!(
        v.truncated,
        text.len() > limit,
        "truncated is wrong for {} bytes (max {limit})",
        text.len()
    );
    assert_eq!(v.age_band, band);
    let read = text.len().min(limit);
    assert!(
        v.matches.len() <= 2 * MAX_HITS,
        "{} matches",
        v.matches.len()
    );
    let mut prev = 0;
    for m in &v.matches {
        assert!(
            m.start < m.end,
            "empty or reversed span {}..{} ({})",
            m.start,
            m.end,
            m.rule
        );
        assert!(
            m.end <= read,
            "span {}..{} past the read input ({read} bytes)",
            m.start,
            m.end
        );
        assert!(
            text.is_char_boundary(m.start) && text.is_char_boundary(m.end),
            "span {}..{} splits a char",
            m.start,
            m.end
        );
        assert_eq!(
            &text[m.start..m.end],
            m.text,
            "match text differs from its span"
        );
        assert!(m.start >= prev, "matches out of text order");
        prev = m.start;
        assert!(
            m.severity > Severity::None,
            "match {} without severity",
            m.rule
        );
        assert!(
            v.severity >= m.severity,
            "verdict {:?} below match {:?} ({})",
            v.severity,
            m.severity,
            m.rule
        );
        assert!(
            v.categories.contains(&m.category),
            "category {:?} of {} not listed",
            m.category,
            m.rule
        );
    }
    assert_eq!(
        v.severity == Severity::None,
        v.categories.is_empty(),
        "severity and categories disagree"
    );
    assert_eq!(
        v.flagged,
        v.action != Action::Allow || v.alert != Alert::None,
        "flagged disagrees with action/alert"
    );
    if v.severity == Severity::None {
        assert_eq!(v.action, Action::Allow, "an action with nothing found");
        assert_eq!(v.alert, Alert::None, "an alert with nothing found");
    }
}

/// Lexicon parsing on any text (bytes read as lossy UTF-8): as a rules file, as each data
/// file on its own, and split on NUL into a set of files. Parsing must return `Ok` or
/// `Err`, never panic; errors must be non-empty, name one of the files given (or
/// `policy.tsv`, whose completeness is always checked) and a line that exists; parsed
/// entries must name a line that exists.
pub fn check_lexicon_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_lexicon_parse_str(&text);
}

/// [`check_lexicon_parse`] on text that is already a string.
pub fn check_lexicon_parse_str(text: &str) {
    let lines = text.lines().count();
    let mut rules = Vec::new();
    match parse_rules("rules/fuzz.tsv", text, &mut rules) {
        Ok(()) => {
            assert!(rules.len() <= lines);
            for r in &rules {
                assert!(
                    r.source.line >= 1 && r.source.line <= lines,
                    "rule line {} of {lines}",
                    r.source.line
                );
                assert!(!r.id.is_empty() && !r.pattern.is_empty());
                let _ = r.source.to_string();
            }
        }
        Err(e) => check_errors(&e, &["rules/fuzz.tsv"], &[lines]),
    }
    for name in DATA_FILES {
        let files = vec![(name.to_string(), text.to_string())];
        check_parse_files(&files);
    }
    // Split on NUL: the parts become the data files, in order.
    let parts: Vec<&str> = text.split('\0').collect();
    if parts.len() > 1 {
        let files: Vec<(String, String)> = parts
            .iter()
            .zip(DATA_FILES.iter().cycle())
            .map(|(t, n)| (n.to_string(), t.to_string()))
            .collect();
        check_parse_files(&files);
    }
}

fn check_parse_files(files: &[(String, String)]) {
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let lines: Vec<usize> = files.iter().map(|(_, t)| t.lines().count()).collect();
    match parse_files(files) {
        Ok(lex) => {
            // Only possible with a complete policy; every rule names a line that exists.
            for r in &lex.rules {
                let i = names
                    .iter()
                    .position(|n| *n == r.source.file)
                    .expect("rule from a given file");
                assert!(r.source.line >= 1 && r.source.line <= lines[i]);
            }
        }
        Err(e) => check_errors(&e, &names, &lines),
    }
}

fn check_errors(errors: &[DataError], names: &[&str], lines: &[usize]) {
    assert!(!errors.is_empty(), "Err with no errors");
    for e in errors {
        let _ = e.to_string();
        if let Some(i) = names.iter().position(|n| *n == e.file) {
            // With the same name given twice, the line can belong to either.
            let most = names
                .iter()
                .zip(lines)
                .filter(|(n, _)| **n == e.file)
                .map(|(_, l)| *l)
                .max()
                .unwrap_or(lines[i]);
            assert!(
                e.line <= most,
                "error at {}:{} past the last line ({most})",
                e.file,
                e.line
            );
        } else {
            assert_eq!(e.file, "policy.tsv", "error names a file not given: {e}");
            assert_eq!(e.line, 0);
        }
    }
}

/// The URL classifier on any string (lossy UTF-8), for a band chosen by the first byte:
/// - it returns a decision or a typed error, never panics;
/// - a decision's host is lower-case with no trailing dot; registrable domain, when
///   present, is a suffix of the host;
/// - a SafeSearch URL, when given, parses and needs no further redirect (idempotent);
/// - an `illegal` category always blocks; a block always has a reason that blocks;
/// - the same URL decided twice gives the same action (no hidden state).
pub fn check_url(data: &[u8]) {
    let band = AgeBand::ALL[usize::from(data.first().copied().unwrap_or(0)) % AgeBand::ALL.len()];
    let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default());
    check_url_str(band, &text);
}

/// [`check_url`] on a string.
pub fn check_url_str(band: AgeBand, text: &str) {
    use esafety::{UrlCategory, UrlClassifier};
    // The fast path, when it takes an input, must read it exactly as the WHATWG parser.
    for s in [
        text.trim(),
        &format!("https://{}", text.trim()),
        &format!("http://x.example/{}", text.trim()),
    ] {
        if let Some(f) = esafety::url::address::fast(s) {
            assert_eq!(
                Some(&f),
                esafety::url::address::slow(s).ok().as_ref(),
                "fast path differs on {s:?}"
            );
        }
    }
    let c = UrlClassifier::builder().age_band(band).build();
    let Ok(d) = c.classify(text) else {
        return;
    };
    assert_eq!(
        d.host,
        d.host.to_ascii_lowercase(),
        "host not lower-case: {text:?}"
    );
    assert!(!d.host.ends_with('.'), "trailing dot kept: {text:?}");
    if let Some(r) = &d.registrable_domain {
        assert!(
            d.host.ends_with(r.as_str()),
            "registrable {r} not a suffix of {}",
            d.host
        );
    }
    if let Some(s) = &d.safe_search_url {
        let again = c.classify(s).expect("a SafeSearch URL parses");
        assert_eq!(
            again.safe_search_url, None,
            "SafeSearch URL {s} asks for another redirect"
        );
    }
    if d.categories.contains(&UrlCategory::Illegal) {
        assert_eq!(d.action, Action::Block);
    }
    if d.action == Action::Block {
        assert!(
            d.reasons.iter().any(|r| r.action == Action::Block),
            "block without a blocking reason: {text:?}"
        );
    }
    assert_eq!(c.classify(text).map(|x| x.action).ok(), Some(d.action));
    let q = c.check(text).expect("check parses what classify parsed");
    assert_eq!(
        (
            q.action,
            &q.categories,
            q.min_age,
            q.alert,
            &q.safe_search_url
        ),
        (
            d.action,
            &d.categories,
            d.min_age,
            d.alert,
            &d.safe_search_url
        ),
        "check and classify disagree on {text:?}"
    );
}

/// The pack loader on any bytes, and on a valid pack with the fuzz input written over
/// part of it (checksum recomputed so the tables themselves are attacked):
/// - loading returns a pack or a typed error, never panics;
/// - lookups on whatever loads never panic and find nothing out of range.
pub fn check_pack(data: &[u8]) {
    use esafety::Pack;
    if let Ok(p) = Pack::from_vec(data.to_vec()) {
        probe_pack(&p);
    }
    // Overwrite part of a real pack and fix the checksum.
    let mut good = valid_pack();
    if data.len() >= 2 && good.len() > 72 {
        let at = 24 + usize::from(u16::from_le_bytes([data[0], data[1]])) % (good.len() - 24);
        for (i, b) in data[2..].iter().enumerate() {
            if let Some(slot) = good.get_mut(at + i) {
                *slot = *b;
            }
        }
        let sum = xxhash_rust::xxh3::xxh3_64(&good[24..]);
        good[16..24].copy_from_slice(&sum.to_le_bytes());
        if let Ok(p) = Pack::from_vec(good) {
            probe_pack(&p);
        }
    }
}

fn valid_pack() -> Vec<u8> {
    let mut b = esafety_pack::PackBuilder::new().with_lines(true);
    let s = b.source("fuzz").expect("one source");
    for i in 0..64u32 {
        b.domain(
            &format!("d{i}.example"),
            1 << (i % 19),
            (i % 20) as u8,
            s,
            i,
        );
        b.url(&format!("d{i}.example/p{i}"), 1, 0, s, i);
    }
    b.hash([7; 32], s);
    b.build().expect("small pack")
}

fn probe_pack(p: &esafety::Pack) {
    for i in 0..64 {
        let _ = p.domain(&format!("d{i}.example"));
        let _ = p.url(&format!("d{i}.example/p{i}"));
    }
    let _ = p.hash(&[7; 32]);
    for i in 0..p.stats().sources.min(300) {
        let _ = p.source_name(esafety_pack::SourceId(i as u16));
    }
    let c = esafety::UrlClassifier::builder()
        .pack("fuzz", p.clone())
        .build();
    let _ = c.classify("https://www.d3.example/p3");
}
