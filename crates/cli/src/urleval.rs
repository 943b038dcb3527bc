//! `esafety eval` on a labelled URL file: how often the KS2 and staff decisions are right.
//!
//! Format: `#` comments (a `# ---- family ----` line names the family of the rows after
//! it), the header `ks2<TAB>staff<TAB>url<TAB>note`, then one URL a row with the expected
//! action for a KS2 pupil and for staff: `allow`, `warn`, `block`, or `warn+` (warn or
//! block). Reports accuracy per band and per family, how many expected-allow rows were
//! blocked (overblocking), how many expected-block rows were allowed (misses), and lists
//! the first `--show N` wrong rows.

use std::collections::BTreeMap;
use std::io::{self, Write};

use esafety::{Action, AgeBand, UrlClassifier};

use crate::args::EvalArgs;

pub const HEADER: &str = "ks2\tstaff\turl\tnote";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Is(Action),
    WarnOrBlock,
}

impl Expect {
    fn parse(s: &str) -> Option<Expect> {
        Some(match s {
            "allow" => Expect::Is(Action::Allow),
            "warn" => Expect::Is(Action::Warn),
            "block" => Expect::Is(Action::Block),
            "warn+" => Expect::WarnOrBlock,
            _ => return None,
        })
    }

    fn ok(self, got: Action) -> bool {
        match self {
            Expect::Is(a) => a == got,
            Expect::WarnOrBlock => got != Action::Allow,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Expect::Is(a) => a.as_str(),
            Expect::WarnOrBlock => "warn+",
        }
    }
}

#[derive(Default)]
struct Tally {
    right: u32,
    total: u32,
}

pub fn run(a: &EvalArgs, text: &str) -> io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut bands = Vec::new();
    for band in [AgeBand::Ks2, AgeBand::Staff] {
        let mut b = UrlClassifier::builder().age_band(band);
        if band == AgeBand::Ks2 && a.audience.age.is_some() {
            b = a.audience.url_builder();
        }
        bands.push((band, b.build()));
    }
    let mut family = String::from("-");
    let mut per_band = [Tally::default(), Tally::default()];
    let mut per_family: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut overblocked, mut expected_allow, mut missed, mut expected_block) = (0, 0, 0, 0);
    let mut wrong = Vec::new();
    let mut header_seen = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if let Some(rest) = line.strip_prefix('#') {
            let t = rest.trim().trim_matches('-').trim();
            if rest.trim_start().starts_with("----") && !t.is_empty() {
                family = t.to_string();
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if !header_seen {
            header_seen = true;
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let bad = || io::Error::other(format!("{}:{n}: expected ks2, staff, url, note", a.file));
        if cols.len() < 3 {
            return Err(bad());
        }
        let expects = [
            Expect::parse(cols[0]).ok_or_else(bad)?,
            Expect::parse(cols[1]).ok_or_else(bad)?,
        ];
        let url = cols[2];
        let mut row_ok = true;
        for (k, (band, c)) in bands.iter().enumerate() {
            let got = match c.classify(url) {
                Ok(d) => d.action,
                Err(_) => Action::Allow,
            };
            let ok = expects[k].ok(got);
            per_band[k].total += 1;
            per_band[k].right += u32::from(ok);
            if expects[k] == Expect::Is(Action::Allow) {
                expected_allow += 1;
                overblocked += u32::from(got == Action::Block);
            }
            if expects[k] == Expect::Is(Action::Block) {
                expected_block += 1;
                missed += u32::from(got == Action::Allow);
            }
            if !ok {
                row_ok = false;
                wrong.push(format!(
                    "  {}:{n} [{family}] {band}: expected {}, got {}  {url}",
                    a.file,
                    expects[k].name(),
                    got.as_str()
                ));
            }
        }
        let t = per_family.entry(family.clone()).or_default();
        t.total += 1;
        t.right += u32::from(row_ok);
    }
    let pct = |t: &Tally| {
        if t.total == 0 {
            0.0
        } else {
            100.0 * f64::from(t.right) / f64::from(t.total)
        }
    };
    writeln!(out, "{}: {} URLs", a.file, per_band[0].total)?;
    for (k, (band, _)) in bands.iter().enumerate() {
        writeln!(
            out,
            "  {:<6} right {:>4}/{:<4} = {:5.1} %",
            band.as_str(),
            per_band[k].right,
            per_band[k].total,
            pct(&per_band[k])
        )?;
    }
    writeln!(out, "  expected allow but blocked: {overblocked}/{expected_allow}; expected block but allowed: {missed}/{expected_block}")?;
    writeln!(out, "  by family (both bands right):")?;
    for (f, t) in &per_family {
        writeln!(
            out,
            "    {f:<48} {:>3}/{:<3} {:5.1} %",
            t.right,
            t.total,
            pct(t)
        )?;
    }
    if a.show > 0 && !wrong.is_empty() {
        writeln!(
            out,
            "  wrong ({} shown of {}):",
            wrong.len().min(a.show),
            wrong.len()
        )?;
        for w in wrong.iter().take(a.show) {
            writeln!(out, "{w}")?;
        }
    }
    Ok(())
}
