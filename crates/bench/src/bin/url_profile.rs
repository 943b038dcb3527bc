//! `url_profile`: a fixed, repeatable amount of URL decisions, for a profiler.
//!
//! Wall-clock figures on a shared 2-core machine move by a third between runs; the number
//! of instructions a decision executes (valgrind's callgrind) does not, so that is what a
//! change to the hot path is judged by. The data sets are the URL benchmark's (`--bin url`):
//! UT1 imported as one pack, or generated domains, and the same URL mix (half on listed
//! names, one in eight with a search path). Building a UT1 pack takes seconds natively and
//! minutes under valgrind, so `prepare` writes the pack and the URLs once and `run` only
//! loads them.
//!
//! ```text
//! url_profile prepare ut1|N OUT     writes OUT.pack and OUT.urls (UT1, or N generated domains)
//! url_profile run OUT K [classify]  loads them, then K passes of `check` (or `classify`)
//! url_profile dump OUT              every URL's decision for KS2 and staff, one per line
//! ```
//!
//! Instructions per decision: callgrind's total for `run OUT 1` minus that for `run OUT 0`,
//! divided by the URLs in `OUT.urls` (`scripts/url-instructions.sh` does exactly that).
//! `dump` is for proving that a faster path decides the same: diff its output before and
//! after a change.

use std::env;
use std::fs;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;

use esafety::{AgeBand, UrlCategory, UrlClassifier};
use esafety_bench::domains;
use esafety_lists::Importer;
use esafety_pack::{Pack, PackBuilder};

/// URLs written by `prepare`: enough for a stable average, few enough for callgrind.
const URLS: usize = 20_000;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["prepare", set, out] => prepare(set, out),
        ["run", out, passes] | ["run", out, passes, "check"] => run(out, passes, false),
        ["run", out, passes, "classify"] => run(out, passes, true),
        ["dump", out] => dump(out),
        _ => Err("usage: url_profile prepare ut1|N OUT | run OUT K [classify] | dump OUT".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("url_profile: {e}");
            ExitCode::from(2)
        }
    }
}

fn prepare(set: &str, out: &str) -> Result<(), String> {
    let (pack, listed) = if set == "ut1" {
        let dir = env::var_os("ESAFETY_UT1").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/lists/ut1"),
            PathBuf::from,
        );
        let mut imp = Importer::new(false);
        imp.add_ut1(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        let (bytes, _) = imp.finish().map_err(|e| e.to_string())?;
        (bytes, domains::ut1_domains(&dir)?)
    } else {
        let n: usize = set
            .parse()
            .map_err(|_| format!("{set:?}: not ut1 or a count"))?;
        let names = domains::distinct_domains(n, 42);
        let mut b = PackBuilder::new();
        let src = b.source("generated/adult").map_err(|e| e.to_string())?;
        for d in &names {
            b.domain(d, 1 << UrlCategory::Adult.index(), 18, src, 0);
        }
        (b.build().map_err(|e| e.to_string())?, names)
    };
    let urls: Vec<String> = domains::url_mix(&listed, URLS, 3)
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    fs::write(format!("{out}.pack"), pack).map_err(|e| e.to_string())?;
    fs::write(format!("{out}.urls"), urls.join("\n") + "\n").map_err(|e| e.to_string())?;
    eprintln!("wrote {out}.pack and {out}.urls ({} URLs)", urls.len());
    Ok(())
}

fn load(out: &str, band: AgeBand) -> Result<(UrlClassifier, Vec<String>), String> {
    let bytes = fs::read(format!("{out}.pack")).map_err(|e| format!("{out}.pack: {e}"))?;
    let pack = Pack::from_vec(bytes).map_err(|e| e.to_string())?;
    let urls = fs::read_to_string(format!("{out}.urls"))
        .map_err(|e| format!("{out}.urls: {e}"))?
        .lines()
        .map(str::to_string)
        .collect();
    let c = UrlClassifier::builder()
        .age_band(band)
        .pack("profile", pack)
        .build();
    Ok((c, urls))
}

fn run(out: &str, passes: &str, classify: bool) -> Result<(), String> {
    let passes: usize = passes
        .parse()
        .map_err(|_| format!("{passes:?}: not a count"))?;
    let (c, urls) = load(out, AgeBand::Ks2)?;
    let mut blocked = 0usize;
    let mut best = f64::INFINITY;
    let started = std::time::Instant::now();
    for _ in 0..passes {
        let t = std::time::Instant::now();
        for u in &urls {
            let d = if classify { c.classify(u) } else { c.check(u) };
            blocked += usize::from(black_box(d).is_ok_and(|d| d.action == esafety::Action::Block));
        }
        best = best.min(t.elapsed().as_nanos() as f64 / urls.len().max(1) as f64);
    }
    let n = passes * urls.len();
    println!("{n} decisions, {blocked} blocked");
    if n > 0 {
        // Wall-clock, for A/B runs of two builds (instruction counts: url-instructions.sh).
        let mean = started.elapsed().as_nanos() as f64 / n as f64;
        eprintln!("ns per decision: mean {mean:.1}, best pass {best:.1}");
    }
    Ok(())
}

fn dump(out: &str) -> Result<(), String> {
    for band in [AgeBand::Ks2, AgeBand::Staff] {
        let (c, urls) = load(out, band)?;
        for u in &urls {
            for (how, d) in [("check", c.check(u)), ("classify", c.classify(u))] {
                match d {
                    // The whole decision: a change meant to keep decisions must keep all of it.
                    Ok(d) => println!("{} {how} {u} {d:?}", band.as_str()),
                    Err(e) => println!("{} {how} {u} error {e}", band.as_str()),
                }
            }
        }
    }
    Ok(())
}
