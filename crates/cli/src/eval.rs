//! `esafety eval`: per-category precision, recall and false-positive rate on a labelled file.
//!
//! File format: UTF-8, tab-separated, a header line `labels<TAB>text`, then one case a
//! line. `labels` is `none` (innocent) or a comma list of categories the text shows. A
//! category counts as predicted when the verdict is flagged and lists it.

use crate::args::EvalArgs;
use esafety::Category;
use std::io::{self, BufRead, Write};

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
    tn: u32,
}

fn ratio(a: u32, b: u32) -> String {
    if b == 0 {
        "-".into()
    } else {
        format!("{:.3}", f64::from(a) / f64::from(b))
    }
}

/// The categories of a `labels` column split at commas (`none` and empty items add none).
/// Shared with `esafety model train`, which reads the same files.
pub fn parse_labels<'a>(
    labels: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Category>, String> {
    labels
        .into_iter()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "none")
        .map(|l| {
            l.parse::<Category>()
                .map_err(|_| format!("unknown category {l:?}"))
        })
        .collect()
}

pub fn run(a: &EvalArgs) -> io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let text = std::fs::read_to_string(&a.file)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", a.file)))?;
    let first = text
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty());
    if first.is_some_and(|l| l.trim_end() == crate::urleval::HEADER) {
        return crate::urleval::run(a, &text);
    }
    let file = std::fs::File::open(&a.file)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", a.file)))?;
    let classifier = a.audience.classifier();
    let mut per = [Counts::default(); 11];
    let (mut risky, mut risky_hit, mut innocent, mut innocent_hit) = (0u32, 0u32, 0u32, 0u32);
    let mut misses = Vec::new();
    let mut false_alarms = Vec::new();
    for (i, line) in io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if i == 0 {
            if line.trim_end() != "labels\ttext" {
                return Err(io::Error::other(format!(
                    "{}:1: the header must be `labels<TAB>text`",
                    a.file
                )));
            }
            continue;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((labels, text)) = line.split_once('\t') else {
            return Err(io::Error::other(format!(
                "{}:{}: expected labels<TAB>text",
                a.file,
                i + 1
            )));
        };
        let truth = parse_labels(labels.split(','))
            .map_err(|e| io::Error::other(format!("{}:{}: {e}", a.file, i + 1)))?;
        let v = classifier.classify(text);
        let predicted: &[Category] = if v.flagged { &v.categories } else { &[] };
        for c in Category::ALL {
            let (t, p) = (truth.contains(c), predicted.contains(c));
            let k = &mut per[c.index()];
            match (t, p) {
                (true, true) => k.tp += 1,
                (false, true) => k.fp += 1,
                (true, false) => k.fn_ += 1,
                (false, false) => k.tn += 1,
            }
        }
        if truth.is_empty() {
            innocent += 1;
            if v.flagged {
                innocent_hit += 1;
                false_alarms.push((i + 1, text.to_string()));
            }
        } else {
            risky += 1;
            if v.flagged {
                risky_hit += 1;
            } else {
                misses.push((i + 1, text.to_string()));
            }
        }
    }
    writeln!(
        out,
        "{:<15} {:>5} {:>5} {:>5} {:>9} {:>7} {:>7}",
        "category", "tp", "fp", "fn", "precision", "recall", "fpr"
    )?;
    for c in Category::ALL {
        let k = per[c.index()];
        if k.tp + k.fp + k.fn_ == 0 {
            continue;
        }
        writeln!(
            out,
            "{:<15} {:>5} {:>5} {:>5} {:>9} {:>7} {:>7}",
            c.as_str(),
            k.tp,
            k.fp,
            k.fn_,
            ratio(k.tp, k.tp + k.fp),
            ratio(k.tp, k.tp + k.fn_),
            ratio(k.fp, k.fp + k.tn)
        )?;
    }
    writeln!(out,
        "any concern: flagged {risky_hit}/{risky} risky ({}), {innocent_hit}/{innocent} innocent ({})",
        ratio(risky_hit, risky),
        ratio(innocent_hit, innocent)
    )?;
    for (n, t) in misses.iter().take(a.show) {
        writeln!(out, "  missed  line {n}: {t}")?;
    }
    if misses.len() > a.show {
        writeln!(
            out,
            "  … and {} more missed (--show N lists more)",
            misses.len() - a.show
        )?;
    }
    for (n, t) in false_alarms.iter().take(a.show) {
        writeln!(out, "  flagged line {n}: {t}")?;
    }
    if false_alarms.len() > a.show {
        writeln!(
            out,
            "  … and {} more flagged (--show N lists more)",
            false_alarms.len() - a.show
        )?;
    }
    Ok(())
}
