//! `url`: speed, load time and memory of esafety's URL decisions and list packs, with
//! Brave's ad-block engine (`adblock`) on the same domains and URLs in the same run.
//!
//! Run with `cargo run --release -p esafety-bench --bin url`. It prints Markdown tables:
//! 1. **defaults**: the built-in list only, on the blind evaluation URLs mixed with
//!    unknown sites;
//! 2. **UT1**: every mapped UT1 list (`../shared/lists/ut1`, or `ESAFETY_UT1`) imported
//!    into one pack;
//! 3. **generated**: 5 million realistic domains (`ESAFETY_BENCH_N` to scale down);
//!
//! and, for 2 and 3, adblock loaded with one `||domain^` rule per domain.
//!
//! What is measured, and why:
//! - *latency per call* (p50 / p99), with a clock read around each decision, because a
//!   filter blocks page loads one request at a time and the slow calls are what a pupil
//!   notices; throughput is measured separately over a whole pass;
//! - *memory as live allocated bytes* after building (from a counting allocator,
//!   [`esafety_bench::alloc`]), which does not depend on the allocator's caching as RSS
//!   does; for esafety this is the pack's bytes plus everything the classifier
//!   allocates, for adblock the whole engine;
//! - *load time*: a service worker restarts often and must reload its lists from bytes
//!   (`Pack::from_vec`, which verifies the checksum; adblock's `Engine::deserialize`);
//! - *agreement*: both engines should list the same URLs; `||domain^` and esafety's
//!   suffix matching read a few names differently, so examples are printed.
//!
//! Nothing is asserted: the figures are for the README and the targets, and a
//! slow or busy machine cannot fail a build.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use adblock::lists::{FilterSet, ParseOptions};
use adblock::request::Request;
use adblock::Engine;
use esafety::url::ReasonKind;
use esafety::{AgeBand, UrlCategory, UrlClassifier};
use esafety_bench::alloc;
use esafety_bench::domains::{self, Rng};
use esafety_bench::measure::{self, Speed, Timing};
use esafety_lists::Importer;
use esafety_pack::{Pack, PackBuilder};

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

/// Generated domains by default (the target size).
const DEFAULT_GENERATED: usize = 5_000_000;
/// URLs per decision measurement (half on listed names).
const URLS: usize = 200_000;
/// Names per `Pack::domain` measurement (half listed).
const PROBES: usize = 500_000;
/// Loads timed for the median load time.
const PACK_LOADS: usize = 20;
const ADBLOCK_LOADS: usize = 5;
/// Above this many rules adblock is first built on [`PILOT`] rules to predict the full
/// build; if the prediction exceeds the limits below it gets [`ADBLOCK_CAP`] rules.
const ADBLOCK_CAP: usize = 1_000_000;
const PILOT: usize = 250_000;
const ADBLOCK_MAX_SECONDS: f64 = 180.0;
const ADBLOCK_MAX_BYTES: f64 = 12e9;
/// The page a request comes from, for adblock.
const SOURCE_URL: &str = "https://www.example.org/";

/// Where a data set's pack comes from.
enum Source {
    /// A UT1 root, imported with `esafety_lists::Importer`.
    Ut1(PathBuf),
    /// The set's own domains, each as `adult`, with `PackBuilder`.
    Generated,
}

/// Domains both engines load, and how esafety builds its pack from them.
struct DataSet {
    title: String,
    /// Name of the pack in the classifier (and prefix of its reasons' sources).
    pack_name: &'static str,
    /// Distinct normalised names, in random order.
    domains: Vec<String>,
    source: Source,
}

/// esafety's figures on one data set.
struct Ours {
    domains: usize,
    urls: usize,
    build: Duration,
    build_peak: usize,
    pack_bytes: usize,
    /// Capacity of the built pack's `Vec` beyond its length (held by the classifier).
    spare: usize,
    /// Live bytes after building: pack (with spare capacity) and classifier.
    memory: usize,
    /// Live bytes after loading an exact copy of the pack, as a device reading it does.
    reloaded: usize,
    load: Duration,
    probe: Speed,
    parse: Speed,
    decide: Timing,
    /// The same decisions without explanations (`check`, the navigation hot path).
    check: Timing,
    listed: Vec<bool>,
}

/// adblock's figures on one data set.
struct Theirs {
    rules: usize,
    build: Duration,
    build_peak: usize,
    memory: usize,
    /// Live bytes after `Engine::default()` + `deserialize`.
    reloaded: usize,
    load: Duration,
    parse: Speed,
    decide: Timing,
    listed: Vec<bool>,
}

/// One data set's row in the targets table.
struct Summary {
    name: String,
    ours: Ours,
    theirs: Theirs,
    per_domain: bool,
}

fn main() {
    let started = Instant::now();
    let n = generated_count();
    println!("# esafety URL benchmark\n");
    defaults();
    let mut summaries = Vec::new();
    match ut1_dir() {
        Some(dir) => match ut1_set(&dir) {
            Ok(set) => summaries.push(compare(set)),
            Err(e) => println!("## UT1\n\nskipped: {e}\n"),
        },
        None => println!(
            "## UT1\n\nskipped: no UT1 lists at {} (set ESAFETY_UT1 to a UT1 root)\n",
            default_ut1().display()
        ),
    }
    summaries.push(compare(generated_set(n)));
    targets(&summaries);
    footer(started);
}

/// `ESAFETY_BENCH_N`, or 5 million.
fn generated_count() -> usize {
    env::var("ESAFETY_BENCH_N")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_GENERATED)
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn default_ut1() -> PathBuf {
    repo_root().join("../shared/lists/ut1")
}

/// `ESAFETY_UT1`, or `../shared/lists/ut1` from the repository root, if it is a folder.
fn ut1_dir() -> Option<PathBuf> {
    let dir = env::var_os("ESAFETY_UT1").map_or_else(default_ut1, PathBuf::from);
    dir.is_dir().then(|| fs::canonicalize(&dir).unwrap_or(dir))
}

// ---- 1. defaults -------------------------------------------------------------------

/// The built-in list alone, on the blind evaluation URLs and unknown sites.
fn defaults() {
    let blind = blind_urls();
    let mix = default_mix(&blind, 100_000);
    let w = alloc::window();
    let t = Instant::now();
    let c = UrlClassifier::builder().age_band(AgeBand::Ks2).build();
    let build = t.elapsed();
    let memory = w.live();
    let timing = measure::time(&mix, |u| c.classify(u));
    let s = timing.speed;
    let split = |blind: bool| {
        let (p50, p99) = timing.percentiles_where(|i| (i % 2 == 0) == blind);
        format!("{} / {}", measure::nanos(p50), measure::nanos(p99))
    };
    println!("## Defaults: built-in list only, KS2\n");
    println!(
        "{} URLs: the {} of `tests/eval/urls_blind.tsv` repeated, mixed 50/50 with unknown \
         sites (`https://www.site123456.example/page/7`).\n",
        measure::count(mix.len()),
        blind.len()
    );
    let rows = [
        ("decisions per second", measure::rate(s.per_sec)),
        ("latency per decision p50 / p99", measure::p50_p99(&s)),
        ("… blind evaluation URLs", split(true)),
        ("… unknown sites", split(false)),
        ("classifier build", measure::duration(build)),
        ("classifier memory (live bytes)", measure::bytes(memory)),
        (
            "built-in list (embedded pack, not on the heap)",
            measure::bytes(esafety::url::builtin_pack_bytes().len()),
        ),
    ];
    println!("| measure | esafety |\n|---|---:|");
    for (what, value) in rows {
        println!("| {what} | {value} |");
    }
    println!();
}

/// Third column of the blind evaluation set, without comments and header.
fn blind_urls() -> Vec<String> {
    let path = repo_root().join("tests/eval/urls_blind.tsv");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{}: {e}", path.display());
        String::new()
    });
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .filter_map(|l| l.split('\t').nth(2))
        .map(str::to_string)
        .collect()
}

/// Even positions: blind URLs in turn; odd: unknown sites.
fn default_mix(blind: &[String], count: usize) -> Vec<String> {
    let mut rng = Rng::new(11);
    (0..count)
        .map(|i| match blind.get((i / 2) % blind.len().max(1)) {
            Some(u) if i % 2 == 0 => u.clone(),
            _ => format!(
                "https://www.site{}.example/page/{}",
                rng.below(1_000_000),
                rng.below(100)
            ),
        })
        .collect()
}

// ---- data sets ---------------------------------------------------------------------

fn ut1_set(dir: &Path) -> Result<DataSet, String> {
    let domains = domains::ut1_domains(dir)?;
    Ok(DataSet {
        title: format!("UT1 ({})", dir.display()),
        pack_name: "ut1",
        domains,
        source: Source::Ut1(dir.to_path_buf()),
    })
}

fn generated_set(n: usize) -> DataSet {
    let t = Instant::now();
    let domains = domains::distinct_domains(n, 42);
    eprintln!(
        "generated {} domains in {}",
        measure::count(n),
        measure::duration(t.elapsed())
    );
    DataSet {
        title: format!("{} generated domains", measure::count(n)),
        pack_name: "generated",
        domains,
        source: Source::Generated,
    }
}

impl DataSet {
    /// The pack bytes, built the way a school's lists would be.
    fn build_pack(&self) -> Vec<u8> {
        match &self.source {
            Source::Ut1(dir) => {
                let mut imp = Importer::new(false);
                imp.add_ut1(dir).expect("UT1 folder readable");
                imp.finish().expect("UT1 pack builds").0
            }
            Source::Generated => {
                let mut b = PackBuilder::new();
                let src = b.source("generated/adult").expect("one source");
                let adult = 1 << UrlCategory::Adult.index();
                for d in &self.domains {
                    b.domain(d, adult, 18, src, 0);
                }
                b.build().expect("generated pack builds")
            }
        }
    }
}

// ---- 2 and 3: esafety and adblock on one data set ----------------------------------

fn compare(set: DataSet) -> Summary {
    eprintln!(
        "{}: {} domains",
        set.title,
        measure::count(set.domains.len())
    );
    let (cap, note) = adblock_cap(&set.domains);
    let shared = &set.domains[..cap];
    let urls = domains::url_mix(shared, URLS, 3);
    let probes = domains::probe_mix(&set.domains, PROBES, 4);
    let (ours, classifier) = measure_ours(&set, &urls, &probes);
    let theirs = measure_adblock(shared, &urls);
    print_comparison(&set, &urls, &ours, &theirs, note.as_deref());
    print_agreement(&urls, &ours.listed, &theirs.listed, |u| {
        describe(&classifier, u)
    });
    Summary {
        name: if set.pack_name == "ut1" {
            "UT1".into()
        } else {
            format!("{} generated", measure::count(set.domains.len()))
        },
        ours,
        theirs,
        per_domain: cap < set.domains.len(),
    }
}

/// Build, load, probe and decide with esafety (and the classifier, to explain
/// disagreements).
fn measure_ours(
    set: &DataSet,
    urls: &[(String, bool)],
    probes: &[String],
) -> (Ours, UrlClassifier) {
    let w = alloc::window();
    let t = Instant::now();
    let bytes = set.build_pack();
    let build = t.elapsed();
    let build_peak = w.peak();
    let spare = bytes.capacity() - bytes.len();
    let load = measure::median_of(
        PACK_LOADS,
        || bytes.clone(),
        |b| Pack::from_vec(b).expect("valid pack"),
    );
    let reloaded = reload_ours(set.pack_name, &bytes);
    let c = classifier(set.pack_name, bytes);
    let memory = w.live();
    eprintln!("esafety: built in {}", measure::duration(build));

    let pack = &c
        .packs()
        .iter()
        .find(|p| p.name == set.pack_name)
        .expect("pack added")
        .pack;
    let stats = pack.stats();
    let probe = measure::speed(probes, |k| pack.domain(k).is_some());
    let parse = measure::speed(urls, |(u, _)| {
        esafety::url::parse(u).map(|a| std::hint::black_box(a).host.len())
    });
    let decide = measure::time(urls, |(u, _)| c.classify(u));
    let check = measure::time(urls, |(u, _)| c.check(u));
    let listed = urls
        .iter()
        .map(|(u, _)| listed_by_pack(&c, u, set.pack_name))
        .collect();
    let ours = Ours {
        domains: stats.domains,
        urls: stats.urls,
        build,
        build_peak,
        pack_bytes: stats.bytes,
        spare,
        memory,
        reloaded,
        load,
        probe,
        parse,
        decide,
        check,
        listed,
    };
    (ours, c)
}

/// A KS2 classifier with the built-in list and `bytes` as the pack `name`.
fn classifier(name: &str, bytes: Vec<u8>) -> UrlClassifier {
    let pack = Pack::from_vec(bytes).expect("valid pack");
    UrlClassifier::builder()
        .age_band(AgeBand::Ks2)
        .pack(name, pack)
        .build()
}

/// Live bytes of a classifier loaded from an exact-size copy of the pack (as read from
/// storage), the copy included.
fn reload_ours(name: &str, bytes: &[u8]) -> usize {
    let w = alloc::window();
    let c = classifier(name, bytes.to_vec());
    let live = w.live();
    drop(c);
    live
}

/// esafety's action and categories for `url`, to explain a disagreement.
fn describe(c: &UrlClassifier, url: &str) -> String {
    match c.classify(url) {
        Ok(d) => {
            let cats: Vec<&str> = d.categories.iter().map(|c| c.as_str()).collect();
            let cats = if cats.is_empty() {
                "no category".to_string()
            } else {
                cats.join(", ")
            };
            format!("esafety decides {} ({cats})", d.action.as_str())
        }
        Err(e) => format!("esafety refuses the URL: {e}"),
    }
}

/// Whether the decision names an entry of the pack `name` (whatever it decides).
fn listed_by_pack(c: &UrlClassifier, url: &str, name: &str) -> bool {
    c.classify(url).is_ok_and(|d| {
        d.reasons.iter().any(|r| {
            r.kind == ReasonKind::List
                && r.source
                    .strip_prefix(name)
                    .is_some_and(|s| s.starts_with(':'))
        })
    })
}

/// Build, load and decide with adblock.
fn measure_adblock(domains: &[String], urls: &[(String, bool)]) -> Theirs {
    let (engine, build, build_peak, memory) = adblock_engine(domains);
    eprintln!("adblock: built in {}", measure::duration(build));
    let serialized = engine.serialize();
    let load = measure::median_of(ADBLOCK_LOADS, Engine::default, |mut e| {
        e.deserialize(&serialized).expect("own serialization");
        e
    });
    let reloaded = reload_adblock(&serialized);
    drop(serialized);
    let parse = measure::speed(urls, |(u, _)| adblock_request(u));
    let decide = measure::time(urls, |(u, _)| adblock_matches(&engine, u));
    let listed = urls
        .iter()
        .map(|(u, _)| adblock_matches(&engine, u))
        .collect();
    Theirs {
        rules: domains.len(),
        build,
        build_peak,
        memory,
        reloaded,
        load,
        parse,
        decide,
        listed,
    }
}

/// Live bytes of an engine deserialized from `serialized`.
fn reload_adblock(serialized: &[u8]) -> usize {
    let w = alloc::window();
    let mut e = Engine::default();
    e.deserialize(serialized).expect("own serialization");
    let live = w.live();
    drop(e);
    live
}

/// An engine with one `||domain^` rule per domain: the engine, build time (from the
/// rules' text), peak bytes while building (text included) and live bytes after.
fn adblock_engine(domains: &[String]) -> (Engine, Duration, usize, usize) {
    let w = alloc::window();
    let text = domains
        .iter()
        .fold(String::with_capacity(domains.len() * 24), |mut s, d| {
            s.push_str("||");
            s.push_str(d);
            s.push_str("^\n");
            s
        });
    let t = Instant::now();
    let mut set = FilterSet::new(false);
    set.add_filter_list(text, ParseOptions::default());
    let engine = Engine::new_with_filter_set(set);
    let build = t.elapsed();
    (engine, build, w.peak(), w.live())
}

fn adblock_request(url: &str) -> Option<Request> {
    Request::new(url, SOURCE_URL, "document", "GET").ok()
}

fn adblock_matches(engine: &Engine, url: &str) -> bool {
    adblock_request(url).is_some_and(|r| engine.check_network_request(&r).should_block())
}

/// How many domains adblock gets: all, unless a pilot build predicts more than the time
/// or memory limits, then [`ADBLOCK_CAP`] (with a note saying so).
fn adblock_cap(domains: &[String]) -> (usize, Option<String>) {
    if domains.len() <= ADBLOCK_CAP {
        return (domains.len(), None);
    }
    let (engine, build, peak, _) = adblock_engine(&domains[..PILOT]);
    drop(engine);
    let scale = domains.len() as f64 / PILOT as f64;
    let (secs, bytes) = (build.as_secs_f64() * scale, peak as f64 * scale);
    let pilot = format!(
        "pilot build of adblock with {} rules: {}, peak {}; predicted for {}: {:.0} s, {}",
        measure::count(PILOT),
        measure::duration(build),
        measure::bytes(peak),
        measure::count(domains.len()),
        secs,
        measure::bytes(bytes as usize)
    );
    eprintln!("{pilot}");
    if secs > ADBLOCK_MAX_SECONDS || bytes > ADBLOCK_MAX_BYTES {
        let note = format!(
            "{pilot}, over the limits ({ADBLOCK_MAX_SECONDS:.0} s, {}): adblock gets the \
             first {} domains only, esafety all {}; URLs are built on those {} so both \
             engines see the same requests, and the memory ratio is per domain.",
            measure::bytes(ADBLOCK_MAX_BYTES as usize),
            measure::count(ADBLOCK_CAP),
            measure::count(domains.len()),
            measure::count(ADBLOCK_CAP),
        );
        (ADBLOCK_CAP, Some(note))
    } else {
        (domains.len(), None)
    }
}

// ---- output ------------------------------------------------------------------------

fn ratio(x: f64) -> String {
    format!("{x:.1}×")
}

fn print_comparison(
    set: &DataSet,
    urls: &[(String, bool)],
    ours: &Ours,
    theirs: &Theirs,
    note: Option<&str>,
) {
    println!("## {}\n", set.title);
    if let Some(note) = note {
        println!("**Note:** {note}\n");
    }
    println!(
        "| measure | esafety | adblock {} | adblock ÷ esafety (time, memory), esafety ÷ adblock (speed) |",
        adblock_version()
    );
    println!("|---|---:|---:|---:|");
    let rows = size_rows(set, ours, theirs)
        .into_iter()
        .chain(speed_rows(urls, ours, theirs));
    for [a, b, c, d] in rows {
        println!("| {a} | {b} | {c} | {d} |");
    }
    println!();
}

type Row = [String; 4];

/// Entries, build, memory and load.
fn size_rows(set: &DataSet, ours: &Ours, theirs: &Theirs) -> Vec<Row> {
    let entries = (ours.domains + ours.urls).max(1) as f64;
    let how = match set.source {
        Source::Ut1(_) => "`Importer`: read, normalise, pack",
        Source::Generated => "`PackBuilder`",
    };
    vec![
        [
            "entries".into(),
            format!(
                "{} domains, {} URLs",
                measure::count(ours.domains),
                measure::count(ours.urls)
            ),
            format!("{} rules `\\|\\|domain^`", measure::count(theirs.rules)),
            String::new(),
        ],
        [
            "build time".into(),
            format!("{} ({how})", measure::duration(ours.build)),
            format!("{} (from rules text)", measure::duration(theirs.build)),
            ratio(theirs.build.as_secs_f64() / ours.build.as_secs_f64()),
        ],
        [
            "peak memory while building".into(),
            measure::bytes(ours.build_peak),
            measure::bytes(theirs.build_peak),
            ratio(theirs.build_peak as f64 / ours.build_peak as f64),
        ],
        [
            "memory after build (live bytes)".into(),
            format!(
                "{} (pack {} + spare `Vec` capacity {} + classifier {})",
                measure::bytes(ours.memory),
                measure::bytes(ours.pack_bytes),
                measure::bytes(ours.spare),
                measure::bytes(ours.memory.saturating_sub(ours.pack_bytes + ours.spare))
            ),
            measure::bytes(theirs.memory),
            ratio(memory_ratio(ours, theirs)),
        ],
        [
            "memory after loading from bytes (live bytes)".into(),
            measure::bytes(ours.reloaded),
            measure::bytes(theirs.reloaded),
            ratio(
                per_entry(theirs.reloaded, theirs.rules)
                    / per_entry(ours.reloaded, ours.domains + ours.urls),
            ),
        ],
        [
            "bytes per domain: pack · after build · after load".into(),
            format!(
                "{:.2} · {:.2} · {:.2}",
                ours.pack_bytes as f64 / entries,
                ours.memory as f64 / entries,
                ours.reloaded as f64 / entries
            ),
            format!(
                "— · {:.1} · {:.1}",
                per_entry(theirs.memory, theirs.rules),
                per_entry(theirs.reloaded, theirs.rules)
            ),
            String::new(),
        ],
        [
            format!("load from bytes, median of {PACK_LOADS} / {ADBLOCK_LOADS}"),
            format!("{} (`Pack::from_vec`)", measure::duration(ours.load)),
            format!("{} (`Engine::deserialize`)", measure::duration(theirs.load)),
            ratio(theirs.load.as_secs_f64() / ours.load.as_secs_f64()),
        ],
    ]
}

/// Lookups, parsing and decisions.
fn speed_rows(urls: &[(String, bool)], ours: &Ours, theirs: &Theirs) -> Vec<Row> {
    let listed = |v: &[bool]| measure::count(v.iter().filter(|l| **l).count());
    let split = |t: &Timing, on_listed: bool| {
        let (p50, p99) = t.percentiles_where(|i| urls[i].1 == on_listed);
        format!("{} / {}", measure::nanos(p50), measure::nanos(p99))
    };
    vec![
        [
            format!(
                "`Pack::domain` lookups per second ({} names, half listed)",
                measure::count(PROBES)
            ),
            measure::rate(ours.probe.per_sec),
            "—".into(),
            String::new(),
        ],
        [
            "`Pack::domain` latency p50 / p99".into(),
            measure::p50_p99(&ours.probe),
            "—".into(),
            String::new(),
        ],
        [
            format!(
                "decisions per second ({} URLs, half on listed names)",
                measure::count(urls.len())
            ),
            format!("{} (`classify`)", measure::rate(ours.decide.speed.per_sec)),
            format!(
                "{} (`Request::new` + `check_network_request`)",
                measure::rate(theirs.decide.speed.per_sec)
            ),
            ratio(ours.decide.speed.per_sec / theirs.decide.speed.per_sec),
        ],
        [
            "latency per decision p50 / p99".into(),
            measure::p50_p99(&ours.decide.speed),
            measure::p50_p99(&theirs.decide.speed),
            format!(
                "{} / {}",
                ratio(theirs.decide.speed.p50_ns / ours.decide.speed.p50_ns),
                ratio(theirs.decide.speed.p99_ns / ours.decide.speed.p99_ns)
            ),
        ],
        [
            "decisions without explanations (`check`) per second · p50 / p99".into(),
            format!(
                "{} · {}",
                measure::rate(ours.check.speed.per_sec),
                measure::p50_p99(&ours.check.speed)
            ),
            "—".into(),
            format!(
                "{} · {} / {}",
                ratio(ours.check.speed.per_sec / theirs.decide.speed.per_sec),
                ratio(theirs.decide.speed.p50_ns / ours.check.speed.p50_ns),
                ratio(theirs.decide.speed.p99_ns / ours.check.speed.p99_ns)
            ),
        ],
        [
            "… on listed names".into(),
            split(&ours.decide, true),
            split(&theirs.decide, true),
            String::new(),
        ],
        [
            "… on unlisted names".into(),
            split(&ours.decide, false),
            split(&theirs.decide, false),
            String::new(),
        ],
        [
            "of which parsing the URL p50 / p99".into(),
            format!("{} (`url::parse`)", measure::p50_p99(&ours.parse)),
            format!("{} (`Request::new`)", measure::p50_p99(&theirs.parse)),
            String::new(),
        ],
        [
            "URLs found listed".into(),
            listed(&ours.listed),
            listed(&theirs.listed),
            String::new(),
        ],
    ]
}

fn per_entry(bytes: usize, entries: usize) -> f64 {
    bytes as f64 / entries.max(1) as f64
}

/// adblock's bytes per rule ÷ esafety's bytes per domain (the plain ratio of totals
/// when both hold the same domains).
fn memory_ratio(ours: &Ours, theirs: &Theirs) -> f64 {
    per_entry(theirs.memory, theirs.rules) / per_entry(ours.memory, ours.domains + ours.urls)
}

/// Counts the URLs the two engines list differently and shows a few, with what esafety
/// decided (a built-in education or help entry outranks a list's category, so esafety
/// then names no list reason).
fn print_agreement(
    urls: &[(String, bool)],
    ours: &[bool],
    theirs: &[bool],
    describe: impl Fn(&str) -> String,
) {
    let differ: Vec<usize> = (0..urls.len()).filter(|&i| ours[i] != theirs[i]).collect();
    println!(
        "Agreement: the engines differ on {} of {} URLs ({} built on listed names).",
        measure::count(differ.len()),
        measure::count(urls.len()),
        measure::count(urls.iter().filter(|(_, l)| *l).count())
    );
    for &i in differ.iter().take(5) {
        let (who, not) = if ours[i] {
            ("esafety", "adblock")
        } else {
            ("adblock", "esafety")
        };
        println!(
            "- `{}` (built on a {} name): listed by {who}, not by {not}; {}",
            urls[i].0,
            if urls[i].1 { "listed" } else { "unlisted" },
            describe(&urls[i].0)
        );
    }
    println!();
}

fn check(value: f64, goal: f64, at_most: bool) -> &'static str {
    if (at_most && value <= goal) || (!at_most && value >= goal) {
        "✓"
    } else {
        "✗"
    }
}

/// The targets against every data set measured.
fn targets(summaries: &[Summary]) {
    println!("## Targets (issue 3)\n");
    let head: Vec<&str> = summaries.iter().map(|s| s.name.as_str()).collect();
    println!("| target | {} |", head.join(" | "));
    println!("|---|{}", "---:|".repeat(summaries.len()));
    type Row = (&'static str, fn(&Summary) -> (String, &'static str));
    let rows: [Row; 9] = [
        ("decision p50 ≤ 1 µs, `check` (no explanations)", |s| {
            let v = s.ours.check.speed.p50_ns;
            (measure::nanos(v), check(v, 1000.0, true))
        }),
        ("decision p99 ≤ 10 µs, `check`", |s| {
            let v = s.ours.check.speed.p99_ns;
            (measure::nanos(v), check(v, 10_000.0, true))
        }),
        ("≥ 5× adblock's decisions per second, `check`", |s| {
            let v = s.ours.check.speed.per_sec / s.theirs.decide.speed.per_sec;
            (ratio(v), check(v, 5.0, false))
        }),
        (
            "decision p50 ≤ 1 µs, `classify` (with reasons and help)",
            |s| {
                let v = s.ours.decide.speed.p50_ns;
                (measure::nanos(v), check(v, 1000.0, true))
            },
        ),
        ("decision p99 ≤ 10 µs, `classify`", |s| {
            let v = s.ours.decide.speed.p99_ns;
            (measure::nanos(v), check(v, 10_000.0, true))
        }),
        ("pack load ≤ 5 ms", |s| {
            let v = s.ours.load.as_secs_f64() * 1e3;
            (measure::duration(s.ours.load), check(v, 5.0, true))
        }),
        ("pack ≤ 8 bytes per domain", |s| {
            let v = s.ours.pack_bytes as f64 / (s.ours.domains + s.ours.urls).max(1) as f64;
            (format!("{v:.2}"), check(v, 8.0, true))
        }),
        ("≥ 5× adblock's decisions per second, `classify`", |s| {
            let v = s.ours.decide.speed.per_sec / s.theirs.decide.speed.per_sec;
            (ratio(v), check(v, 5.0, false))
        }),
        (
            "≥ 3× less memory than adblock: after build · after load",
            |s| {
                let built = memory_ratio(&s.ours, &s.theirs);
                let loaded = per_entry(s.theirs.reloaded, s.theirs.rules)
                    / per_entry(s.ours.reloaded, s.ours.domains + s.ours.urls);
                let per = if s.per_domain { " per domain" } else { "" };
                let ok = check(built.min(loaded), 3.0, false);
                (format!("{} · {}{per}", ratio(built), ratio(loaded)), ok)
            },
        ),
    ];
    for (name, f) in rows {
        let cells: Vec<String> = summaries
            .iter()
            .map(|s| {
                let (v, ok) = f(s);
                format!("{v} {ok}")
            })
            .collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
    println!();
}

/// The adblock version in `Cargo.lock` (so the table says what was measured).
fn adblock_version() -> String {
    let lock = fs::read_to_string(repo_root().join("Cargo.lock")).unwrap_or_default();
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == "name = \"adblock\"" {
            if let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = ")) {
                return v.trim_matches('"').to_string();
            }
        }
    }
    "(version unknown)".into()
}

fn footer(started: Instant) {
    println!(
        "Latencies include one clock read ({} median here). Memory is live heap bytes from a \
         counting allocator. adblock {}, default features; {} cores; built with {}; whole \
         run {}.",
        measure::nanos(measure::timer_overhead()),
        adblock_version(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        if cfg!(debug_assertions) {
            "debug (use --release!)"
        } else {
            "release"
        },
        measure::duration(started.elapsed())
    );
}
