//! Deterministic, realistic domain names and URLs for the URL benchmark.
//!
//! Names have the shapes real block lists hold: one to three labels of 4–14 letters,
//! digits and single hyphens under common TLDs (`.com` most, then `.ru`, `.net`, `.xyz`
//! …). The same seed gives the same names on every machine, so runs compare. Names that
//! must *not* be listed use other TLDs, so they cannot collide with a generated list.

use esafety_lists::Entry;
use std::path::Path;

/// SplitMix64: small, fast, good enough to shape test data (not for security).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// TLDs of generated *listed* names, repeated by rough weight.
pub const LISTED_TLDS: &[&str] = &[
    "com", "com", "com", "com", "com", "com", "net", "net", "org", "co.uk", "de", "ru", "ru",
    "info", "xyz", "xyz",
];

/// TLDs of names that must not be listed (none of [`LISTED_TLDS`]).
pub const UNLISTED_TLDS: &[&str] = &["nl", "io", "es", "it", "pl", "com.au", "me", "ca"];

/// Paths appended to visited URLs.
const PATHS: &[&str] = &[
    "",
    "index.html",
    "page/7",
    "videos/latest",
    "articles/2024/05/story-of-the-day",
    "img/banner.jpg",
    "search?q=holiday+ideas",
    "watch?v=dQw4w9WgXcQ",
];

fn push_label(rng: &mut Rng, out: &mut String) {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const DIGITS: &[u8] = b"0123456789";
    let len = 4 + rng.below(11);
    let mut prev_hyphen = true; // no hyphen first
    for i in 0..len {
        let last = i + 1 == len;
        let r = rng.below(100);
        let c = if r < 4 && !prev_hyphen && !last {
            b'-'
        } else if r < 14 {
            *rng.pick(DIGITS)
        } else {
            *rng.pick(LETTERS)
        };
        prev_hyphen = c == b'-';
        out.push(char::from(c));
    }
}

/// One name: 1–3 labels (mostly one) under a TLD from `tlds`.
pub fn domain(rng: &mut Rng, tlds: &[&str]) -> String {
    let labels = match rng.below(100) {
        0..=69 => 1,
        70..=91 => 2,
        _ => 3,
    };
    let mut s = String::with_capacity(40);
    for _ in 0..labels {
        push_label(rng, &mut s);
        s.push('.');
    }
    let tld = *rng.pick(tlds);
    s.push_str(tld);
    s
}

/// `n` distinct listed-shaped names, in a deterministic random order.
pub fn distinct_domains(n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut out: Vec<String> = Vec::with_capacity(n + n / 50);
    while out.len() < n {
        let missing = n - out.len();
        out.extend((0..missing + missing / 100 + 1).map(|_| domain(&mut rng, LISTED_TLDS)));
        out.sort_unstable();
        out.dedup();
    }
    rng.shuffle(&mut out);
    out.truncate(n);
    out
}

/// True when the name's last label is a number (an IPv4 address): no `www.` then.
fn is_ip(name: &str) -> bool {
    name.rsplit('.')
        .next()
        .is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
}

/// A visited URL on `name`: `https://www.` (unless an address), the name, a path.
pub fn url_on(rng: &mut Rng, name: &str) -> String {
    let www = if is_ip(name) { "" } else { "www." };
    format!("https://{www}{name}/{}", *rng.pick(PATHS))
}

/// `count` URLs, half on names drawn from `listed`, half on fresh unlisted names, in a
/// deterministic random order. Each URL comes with whether it was built on a listed name.
pub fn url_mix(listed: &[String], count: usize, seed: u64) -> Vec<(String, bool)> {
    let mut rng = Rng::new(seed);
    let mut out: Vec<(String, bool)> = (0..count)
        .map(|i| {
            if i % 2 == 0 && !listed.is_empty() {
                let name = rng.pick(listed).clone();
                (url_on(&mut rng, &name), true)
            } else {
                let name = domain(&mut rng, UNLISTED_TLDS);
                (url_on(&mut rng, &name), false)
            }
        })
        .collect();
    rng.shuffle(&mut out);
    out
}

/// `count` host names for pack probes: half listed (as stored), half unlisted.
pub fn probe_mix(listed: &[String], count: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut out: Vec<String> = (0..count)
        .map(|i| {
            if i % 2 == 0 && !listed.is_empty() {
                rng.pick(listed).clone()
            } else {
                domain(&mut rng, UNLISTED_TLDS)
            }
        })
        .collect();
    rng.shuffle(&mut out);
    out
}

/// The domain entries the importer takes from UT1: `domains` and `urls` files of every
/// category `crates/lists/data/ut1.tsv` maps, normalised as the importer does.
pub fn ut1_domains(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (name, category) in esafety_lists::ut1_map() {
        if category.is_none() {
            continue;
        }
        for file in ["domains", "urls"] {
            let p = dir.join(name).join(file);
            let Ok(bytes) = std::fs::read(&p) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            out.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .filter_map(|l| match esafety_lists::normalise_entry(l) {
                        Ok(Entry::Domain(d)) => Some(d),
                        _ => None,
                    }),
            );
        }
    }
    if out.is_empty() {
        return Err(format!("no domains under {}", dir.display()));
    }
    out.sort_unstable();
    out.dedup();
    Rng::new(5).shuffle(&mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_deterministic_distinct_and_well_formed() {
        let a = distinct_domains(2000, 7);
        assert_eq!(a, distinct_domains(2000, 7));
        let mut s = a.clone();
        s.sort();
        s.dedup();
        assert_eq!(s.len(), 2000);
        for d in &a {
            assert!(d.split('.').all(|l| !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && !l.contains("--")));
            assert!(LISTED_TLDS.iter().any(|t| d.ends_with(&format!(".{t}"))));
        }
    }

    #[test]
    fn mixes_are_half_listed() {
        let listed = distinct_domains(100, 1);
        let m = url_mix(&listed, 1000, 2);
        assert_eq!(m.iter().filter(|(_, l)| *l).count(), 500);
        assert!(m.iter().all(|(u, _)| u.starts_with("https://www.")));
        assert_eq!(probe_mix(&listed, 10, 3).len(), 10);
    }
}
