//! Imports the real UT1 lists (`../shared/lists/ut1`, or `ESAFETY_UT1`) and checks what a
//! school would see: every mapped category lands in the pack, `sexual_education` sites are
//! never blocked as adult, adult `urls` entries block their paths only, and the same
//! address gets different decisions for a KS2 pupil and for staff.
//!
//! The lists are third-party data that the project does not ship; without them this test
//! says so on stderr and checks nothing (the unit tests cover the formats with fixtures).

use std::path::PathBuf;

use esafety::{Action, AgeBand, Pack, UrlCategory, UrlClassifier};
use esafety_lists::Importer;

fn ut1_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ESAFETY_UT1")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/lists/ut1")
        });
    dir.join("vpn").join("domains").is_file().then_some(dir)
}

fn lines(dir: &std::path::Path, rel: &str) -> Vec<String> {
    std::fs::read_to_string(dir.join(rel))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn ut1_import_and_decisions() {
    let Some(dir) = ut1_dir() else {
        eprintln!("UT1 lists not found (set ESAFETY_UT1): skipped");
        return;
    };
    let mut imp = Importer::new(false);
    imp.add_ut1(&dir).unwrap();
    let (bytes, reports) = imp.finish().unwrap();
    let pack = Pack::from_vec(bytes.clone()).unwrap();
    let stats = pack.stats();
    assert!(stats.domains > 100_000, "{stats:?}");
    let per_domain = bytes.len() as f64 / (stats.domains + stats.urls) as f64;
    assert!(per_domain <= 8.0, "{per_domain} bytes per entry");

    // Every line of the vpn list is in the pack as proxy (bar lines the importer reports
    // as skipped).
    let vpn = reports
        .iter()
        .find(|r| r.name == "ut1/vpn/domains")
        .unwrap();
    let vpn_lines = lines(&dir, "vpn/domains");
    assert_eq!(vpn.domains + vpn.skipped, vpn_lines.len());
    let proxy = 1 << UrlCategory::Proxy.index();
    let found = vpn_lines
        .iter()
        .filter_map(|d| esafety_lists::normalise_entry(d).ok())
        .filter(|e| match e {
            esafety_lists::Entry::Domain(d) => pack
                .domain(d)
                .is_some_and(|h| h.tag.categories & proxy != 0),
            esafety_lists::Entry::Url(_) => true,
        })
        .count();
    assert!(
        found * 100 >= vpn_lines.len() * 99,
        "{found} of {}",
        vpn_lines.len()
    );

    let ks2 = UrlClassifier::builder()
        .age_band(AgeBand::Ks2)
        .without_builtin_list()
        .pack("ut1", pack.clone())
        .build();
    let staff = UrlClassifier::builder()
        .age_band(AgeBand::Staff)
        .without_builtin_list()
        .pack("ut1", pack)
        .build();

    // Sexual education: never blocked, never adult, at any band.
    let sexed = lines(&dir, "sexual_education/domains");
    assert!(sexed.len() >= 10);
    for d in &sexed {
        for c in [&ks2, &staff] {
            let v = c.classify(&format!("https://www.{d}/")).unwrap();
            assert_ne!(v.action, Action::Block, "{d}: {:?}", v.reasons);
            assert!(
                !v.categories.contains(&UrlCategory::Adult),
                "{d}: {:?}",
                v.categories
            );
        }
    }

    // Adult `urls` entries block their own paths (and below), for staff too.
    let mut blocked = 0;
    let adult_urls = lines(&dir, "adult/urls");
    for u in adult_urls.iter().take(200) {
        let v = staff.classify(&format!("http://{u}")).unwrap();
        blocked += usize::from(v.action == Action::Block);
    }
    assert!(
        blocked >= 195,
        "{blocked} of 200 adult/urls entries blocked"
    );

    // Gaming: blocked for KS2, allowed for staff.
    let games = lines(&dir, "games/domains");
    let g = &games[games.len() / 2];
    assert_eq!(ks2.classify(g).unwrap().action, Action::Block, "{g}");
    assert_eq!(staff.classify(g).unwrap().action, Action::Allow, "{g}");

    // UT1's malware expression (numeric-IP search spam) is imported and decides.
    let malware = ks2.classify("http://10.20.30.40/search?q=12345").unwrap();
    assert_eq!(malware.action, Action::Block, "{:?}", malware.reasons);
    assert!(malware.categories.contains(&UrlCategory::Malware));

    // Unmapped categories are reported, not silently dropped.
    assert!(reports
        .iter()
        .any(|r| r.name == "ut1/shopping" && r.not_imported.is_some()));
}
