//! Replays the seed corpus (and any crash files saved under `artifacts/`) through the
//! fuzz checks on stable Rust, without libFuzzer: `cargo test` in `crates/fuzz`.

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for dir in [
        root.join("seeds").join(target),
        root.join("artifacts").join(target),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let data = std::fs::read(e.path()).expect("read a seed");
            eprintln!("{target}: {}", e.path().display());
            check(&data);
            n += 1;
        }
    }
    assert!(n >= 10, "{target}: only {n} seeds");
}

#[test]
fn normalize_seeds() {
    replay("normalize", esafety_fuzz::check_normalize);
}

#[test]
fn classify_seeds() {
    replay("classify", esafety_fuzz::check_classify);
}

#[test]
fn lexicon_parse_seeds() {
    replay("lexicon_parse", esafety_fuzz::check_lexicon_parse);
}

#[test]
fn classify_every_band_and_short_maximum() {
    for setup in (0..7u8).chain([0x80, 0x82, 0x85, 0x8a, 0xbf, 0xff]) {
        esafety_fuzz::check_classify(&[&[setup][..], "sh!t é 🔪 f u c k".as_bytes()].concat());
    }
}

#[test]
fn url_seeds() {
    replay("url", esafety_fuzz::check_url);
}

#[test]
fn pack_seeds() {
    replay("pack", esafety_fuzz::check_pack);
}
