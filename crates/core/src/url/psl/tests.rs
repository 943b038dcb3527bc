//! The trie against the `psl` crate, host by host.
//!
//! The algorithm is checked on `psl`'s own list (its `data/rules.txt`, compiled here by the
//! same code as `build.rs` uses): every answer must be the same. The shipped list is taken
//! from that same file (scripts/update-psl.sh), so today the two lists are equal; should
//! they drift apart (a `cargo update` of `psl` without a refresh), the shipped table may
//! differ from `psl` only on hosts that a rule in one list and not the other decides.

use super::*;
use esafety_lexicon::psl::{compile_psl, parse_psl, PslRule, PslTable};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The rules of the shipped list.
fn shipped_rules() -> Vec<PslRule> {
    let path = manifest_dir().join("data/url/public_suffix_list.dat");
    let text = std::fs::read_to_string(path).expect("the shipped list");
    parse_psl("public_suffix_list.dat", &text).expect("the shipped list parses")
}

/// The list the `psl` crate was generated from, found through `cargo metadata`.
fn psl_crate_rules() -> Vec<PslRule> {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
        ])
        .arg(manifest_dir().join("Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let manifest = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "psl")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("the psl crate is a dev-dependency");
    let path = PathBuf::from(manifest)
        .with_file_name("data")
        .join("rules.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    parse_psl("rules.txt", &text).unwrap_or_else(|e| panic!("psl's list: {e:?}"))
}

fn compiled(rules: &[PslRule]) -> PslTable {
    compile_psl(rules).expect("the list compiles")
}

/// The labels of a rule as a host, `*` written as `w`.
fn concrete(r: &PslRule) -> String {
    let labels: Vec<&str> = r
        .labels
        .iter()
        .map(|l| if l == "*" { "w" } else { l.as_str() })
        .collect();
    labels.join(".")
}

/// (a) Hosts from every rule: the rule itself, one and two labels under it, its parent
/// (for wildcards and exceptions, the name the rule hangs from), each also with a
/// trailing dot and in upper case.
fn rule_hosts(rules: &[PslRule], out: &mut BTreeSet<String>) {
    for r in rules {
        let host = concrete(r);
        let parent = host.split_once('.').map_or("", |(_, p)| p).to_string();
        for h in [
            format!("x.{host}"),
            format!("a.b.{host}"),
            format!("www.{host}"),
            host,
            parent,
        ] {
            out.insert(format!("{h}."));
            out.insert(h.to_ascii_uppercase());
            out.insert(h);
        }
    }
}

use crate::test_rng::Rng;

/// (b) `n` random hosts: rules with labels added, removed or replaced, strings of list
/// labels, random labels (empty, `*`, `xn--`, upper case), extra dots.
fn random_hosts(rules: &[PslRule], n: usize, out: &mut BTreeSet<String>) {
    let list_labels: Vec<String> = rules
        .iter()
        .flat_map(|r| r.labels.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rule_hosts: Vec<String> = rules.iter().map(concrete).collect();
    let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
    let random_label = |rng: &mut Rng| -> String {
        const ODD: [&str; 7] = ["", "*", "!", "www", "xn--", "a-", "-"];
        if rng.below(8) == 0 {
            return ODD[rng.below(ODD.len())].to_string();
        }
        let alphabet = b"abcdekmnoptuxyz0129-";
        (0..1 + rng.below(6))
            .map(|_| char::from(alphabet[rng.below(alphabet.len())]))
            .collect()
    };
    let mut made = 0;
    while made < n {
        let mut labels: Vec<String> = match rng.below(10) {
            0..=3 => rng
                .pick(&rule_hosts)
                .split('.')
                .map(str::to_string)
                .collect(),
            4..=6 => (0..1 + rng.below(5))
                .map(|_| rng.pick(&list_labels).to_string())
                .collect(),
            _ => (0..1 + rng.below(5))
                .map(|_| random_label(&mut rng))
                .collect(),
        };
        for _ in 0..rng.below(4) {
            let l = if rng.below(2) == 0 {
                rng.pick(&list_labels).to_string()
            } else {
                random_label(&mut rng)
            };
            labels.insert(0, l);
        }
        if rng.below(6) == 0 {
            let i = rng.below(labels.len());
            labels[i] = random_label(&mut rng);
        }
        if rng.below(6) == 0 && labels.len() > 1 {
            labels.pop();
        }
        let mut host = labels.join(".");
        match rng.below(20) {
            0 => host.push('.'),
            1 => host.push_str(".."),
            2 => host.insert(0, '.'),
            3 => host.make_ascii_uppercase(),
            _ => {}
        }
        if out.insert(host) {
            made += 1;
        }
    }
}

/// (c) The built-in domains (and their `www.`) and the hosts of the URL corpus.
fn data_hosts(out: &mut BTreeSet<String>) {
    let tsv = std::fs::read_to_string(manifest_dir().join("data/url/domains.tsv")).unwrap();
    for line in tsv.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let domain = line.split('\t').next().unwrap_or_default();
        out.insert(format!("www.{domain}"));
        out.insert(domain.to_string());
    }
    let corpus = manifest_dir().join("../../tests/corpus/url");
    let mut files = 0;
    for entry in std::fs::read_dir(&corpus).expect("tests/corpus/url") {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        files += 1;
        let doc: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
        let cases = doc.get("case").and_then(|c| c.as_array());
        for url in cases
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("url")?.as_str())
        {
            if let Ok(a) = crate::url::address::parse(url) {
                if a.host_kind == crate::url::HostKind::Domain {
                    out.insert(a.host.into_owned());
                }
            }
        }
    }
    assert!(files >= 5, "corpus files: {files}");
}

/// Both lists, and every test host: (a) from both lists' rules, (b) 50,000 random, (c)
/// the data's. Made once for all tests.
struct Setup {
    shipped: Vec<PslRule>,
    theirs: Vec<PslRule>,
    hosts: BTreeSet<String>,
    /// (c) alone.
    data: BTreeSet<String>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let (shipped, theirs) = (shipped_rules(), psl_crate_rules());
        let mut hosts = BTreeSet::new();
        rule_hosts(&shipped, &mut hosts);
        rule_hosts(&theirs, &mut hosts);
        let (a, mut both) = (hosts.len(), shipped.clone());
        both.extend_from_slice(&theirs);
        random_hosts(&both, 50_000, &mut hosts);
        let b = hosts.len() - a;
        let mut data = BTreeSet::new();
        data_hosts(&mut data);
        hosts.extend(data.iter().cloned());
        assert!(a > 50_000 && b == 50_000, "{a} rule hosts, {b} random");
        Setup {
            shipped,
            theirs,
            hosts,
            data,
        }
    })
}

type Answers<'h> = (Option<&'h str>, Option<&'h str>);

fn ours<'h>(t: &Trie<'_>, h: &'h str) -> Answers<'h> {
    (t.suffix(h), t.domain(h))
}

fn psl_says(h: &str) -> Answers<'_> {
    (psl::suffix_str(h), psl::domain_str(h))
}

#[test]
fn same_answers_as_psl_on_psl_s_own_list() {
    let Setup { theirs, hosts, .. } = setup();
    let table = compiled(theirs);
    let t = Trie::new(&table);
    let wrong: Vec<String> = hosts
        .iter()
        .filter(|h| ours(&t, h) != psl_says(h))
        .map(|h| format!("{h:?}: ours {:?}, psl {:?}", ours(&t, h), psl_says(h)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} hosts differ, e.g.\n{}",
        wrong.len(),
        hosts.len(),
        wrong[..wrong.len().min(20)].join("\n")
    );
}

/// Every node path of a list's trie (`uk`, `co.uk`, `*.ck`) with what is there.
fn paths(rules: &[PslRule]) -> BTreeMap<String, (bool, bool)> {
    let mut m = BTreeMap::new();
    for r in rules {
        for i in 1..r.labels.len() {
            m.entry(r.labels[i..].join(".")).or_insert((false, false));
        }
        let e = m.entry(r.labels.join(".")).or_insert((false, false));
        if r.exception {
            e.1 = true;
        } else {
            e.0 = true;
        }
    }
    m
}

#[test]
fn the_shipped_list_differs_from_psl_only_where_the_lists_do() {
    let Setup {
        shipped,
        theirs,
        hosts,
        data,
    } = setup();
    let (ours_paths, their_paths) = (paths(shipped), paths(theirs));
    let differ: BTreeSet<&str> = ours_paths
        .keys()
        .chain(their_paths.keys())
        .filter(|p| ours_paths.get(*p) != their_paths.get(*p))
        .map(String::as_str)
        .collect();
    // A host is decided by a differing rule when one of its suffixes, or a wildcard in
    // place of one of its labels, is a node that is not the same in both tries.
    let touched = |h: &str| {
        let h = h.strip_suffix('.').unwrap_or(h);
        let mut at = h.len();
        while let Some(dot) = h[..at].rfind('.') {
            let (name, parent) = (&h[dot + 1..], &h[at..]);
            if differ.contains(name) || differ.contains(format!("*{parent}").as_str()) {
                return true;
            }
            at = dot;
        }
        differ.contains(h) || differ.contains(format!("*{}", &h[at..]).as_str())
    };
    let (mut same, mut explained) = (0, 0);
    let mut wrong = Vec::new();
    for h in hosts {
        if ours(&list(), h) == psl_says(h) {
            same += 1;
        } else if touched(h) {
            explained += 1;
        } else {
            wrong.push(format!(
                "{h:?}: ours {:?}, psl {:?}",
                ours(&list(), h),
                psl_says(h)
            ));
        }
    }
    let data_differ: Vec<&String> = data
        .iter()
        .filter(|h| ours(&list(), h) != psl_says(h))
        .collect();
    eprintln!(
        "{} hosts: {same} as psl, {explained} differ by a rule only one list has ({} nodes \
         differ); of the {} data hosts, {} differ: {data_differ:?}",
        hosts.len(),
        differ.len(),
        data.len(),
        data_differ.len(),
    );
    assert!(
        wrong.is_empty(),
        "{} unexplained, e.g.\n{}",
        wrong.len(),
        wrong[..wrong.len().min(20)].join("\n")
    );
}

#[test]
fn the_build_script_table_is_the_one_compiled_here() {
    let t = compiled(&setup().shipped);
    // The slots are filled at run time, the same way (`fill_slots`).
    let list = list();
    assert_eq!(
        (list.nodes, list.labels, list.slots, list.max_probes),
        (&t.nodes[..], &t.labels[..], &t.slots[..], t.max_probes)
    );
    // 9,506 rules in about 180 KB; no child is more than a few probes away.
    assert!(t.nodes.len() > 9_000 && t.size() < 250_000, "{}", t.size());
    assert!(t.max_probes < 40, "{}", t.max_probes);
}

#[test]
fn the_core_hashes_labels_as_the_lexicon_does() {
    let mut rng = Rng::new(7);
    for _ in 0..10_000 {
        let label: Vec<u8> = (0..rng.below(70)).map(|_| rng.next() as u8).collect();
        let (parent, bits) = (rng.below(1 << 20), 1 + rng.below(20) as u32);
        assert_eq!(
            slot(parent, &label, bits),
            esafety_lexicon::psl::slot(parent, &label, bits)
        );
    }
}

#[test]
fn edge_cases() {
    // host, suffix, domain; `-` for none.
    let cases = [
        ("", "-", "-"),
        (".", "", "-"),
        ("..", "", "-"),
        ("com", "com", "-"),
        ("com.", "com", "-"),
        ("example.com", "com", "example.com"),
        ("www.bbc.co.uk", "co.uk", "bbc.co.uk"),
        ("www.bbc.co.uk.", "co.uk", "bbc.co.uk"),
        ("bbc.co.uk..", "", "uk."),
        // Unknown TLDs: the default rule `*`.
        ("a.b.example.zz", "zz", "example.zz"),
        ("zz", "zz", "-"),
        // Byte for byte: upper case is not known.
        ("WWW.BBC.CO.UK", "UK", "CO.UK"),
        ("Bbc.co.uk", "co.uk", "Bbc.co.uk"),
        // Private rules count.
        ("someone.github.io", "github.io", "someone.github.io"),
        ("x.blogspot.com", "blogspot.com", "x.blogspot.com"),
        // Wildcard `*.ck` and exception `!www.ck`.
        ("a.b.ck", "b.ck", "a.b.ck"),
        ("b.ck", "b.ck", "-"),
        ("www.ck", "ck", "www.ck"),
        ("a.www.ck", "ck", "www.ck"),
        ("x.city.kawasaki.jp", "kawasaki.jp", "city.kawasaki.jp"),
        // Empty labels are labels.
        ("a..com", "com", ".com"),
        (".com", "com", "-"),
        // IDN rules are known in IDNA ASCII only (`公司.hk`).
        ("a.xn--55qx5d.hk", "xn--55qx5d.hk", "a.xn--55qx5d.hk"),
        ("a.公司.hk", "hk", "公司.hk"),
    ];
    let answer = |s: &'static str| (s != "-").then_some(s);
    for (host, s, d) in cases {
        let expected = (answer(s), answer(d));
        assert_eq!((suffix(host), domain(host)), expected, "{host:?}");
        if host.is_ascii() {
            assert_eq!(expected, psl_says(host), "psl on {host:?}");
        }
    }
}

#[test]
fn long_and_odd_hosts_are_linear_and_never_panic() {
    let long = "a.".repeat(100_000) + "co.uk";
    assert_eq!(suffix(&long), Some("co.uk"));
    assert_eq!(domain(&long), Some("a.co.uk"));
    let dots = ".".repeat(10_000);
    assert_eq!((suffix(&dots), domain(&dots)), psl_says(&dots));
    for h in ["é", "é.", ".é.ck", "\u{0}.ck", "x.\u{10ffff}", "xn--.xn--"] {
        let _ = (suffix(h), domain(h));
    }
}

#[test]
fn a_corrupt_table_gives_wrong_answers_not_panics() {
    let nodes = [
        u64::MAX,
        0,
        u64::MAX >> 1,
        table::WILD | table::BRANCH | 1 << 32,
        0x2a,
    ];
    let slots = [3, 0, 4, u16::MAX, 1, 2, 0, 9];
    for n in 0..=nodes.len() {
        for s in 0..=slots.len() {
            for max_probes in [0, 1, 3, 100] {
                let t = Trie {
                    nodes: &nodes[..n],
                    labels: b"ab*",
                    slots: &slots[..s],
                    max_probes,
                };
                for h in ["a.b.c", "", ".", "ab.ab.", "x.y.z.w", "*.*", "ab"] {
                    let _ = (t.suffix(h), t.domain(h));
                }
            }
        }
    }
}
