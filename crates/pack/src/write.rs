//! Building a pack: collect entries, merge duplicates, sort into buckets, write.

use std::collections::HashMap;

use crate::{key_hash, split, PackError, Tag, HEADER_LEN, MAGIC, SECTIONS, VERSION};

/// Index of a source list in a pack (its name is stored once).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u16);

/// Collects entries from any number of sources and writes one pack.
///
/// ```
/// use esafety_pack::{Pack, PackBuilder};
/// let mut b = PackBuilder::new();
/// let src = b.source("ut1/gambling/domains").unwrap();
/// b.domain("bet.example", 1 << 1, 18, src, 7);
/// let pack = Pack::from_vec(b.build().unwrap()).unwrap();
/// let hit = pack.domain("bet.example").unwrap();
/// assert_eq!((hit.tag.categories, hit.tag.min_age), (1 << 1, 18));
/// assert_eq!(pack.source_name(hit.tag.source), Some("ut1/gambling/domains"));
/// assert!(pack.domain("example").is_none());
/// ```
#[derive(Debug, Default)]
pub struct PackBuilder {
    sources: Vec<String>,
    source_ids: HashMap<String, SourceId>,
    domains: HashMap<u64, Pending>,
    urls: HashMap<u64, Pending>,
    /// The bare host of every `host/path` key (see [`crate::Pack::has_url_host_by_hash`]).
    url_hosts: HashMap<u64, Pending>,
    hashes: HashMap<[u8; 32], SourceId>,
    expressions: Vec<(String, u32, SourceId, u32)>,
    lines: bool,
    /// Fewest labels in any domain key, and in the host of any URL key.
    min_domain_labels: u32,
    min_url_labels: u32,
}

#[derive(Clone, Copy, Debug)]
struct Pending {
    tag: Tag,
    line: u32,
}

impl Pending {
    /// Two entries for one key: the categories add up, the higher minimum age wins, the
    /// first source and line are kept as the one reported.
    fn merge(&mut self, other: Pending) {
        self.tag.categories |= other.tag.categories;
        self.tag.min_age = self.tag.min_age.max(other.tag.min_age);
        if (other.tag.source, other.line) < (self.tag.source, self.line) {
            self.tag.source = other.tag.source;
            self.line = other.line;
        }
    }
}

impl PackBuilder {
    /// An empty builder that does not record line numbers (about 5 bytes per entry).
    pub fn new() -> PackBuilder {
        PackBuilder::default()
    }

    /// Also store each entry's line in its source (4 more bytes per entry), so that a
    /// decision can say "adult/domains:1234" and not only "adult/domains".
    pub fn with_lines(mut self, yes: bool) -> PackBuilder {
        self.lines = yes;
        self
    }

    /// Registers a source list by name (or returns its id if already registered).
    pub fn source(&mut self, name: &str) -> Result<SourceId, PackError> {
        if let Some(id) = self.source_ids.get(name) {
            return Ok(*id);
        }
        let id = u16::try_from(self.sources.len()).map_err(|_| PackError::TooMany("sources"))?;
        let id = SourceId(id);
        self.sources.push(name.to_owned());
        self.source_ids.insert(name.to_owned(), id);
        Ok(id)
    }

    /// Adds a host name (normalised by the caller) that matches itself and its
    /// subdomains. A leading `www.` is dropped: readers never probe names that start
    /// with it.
    pub fn domain(&mut self, key: &str, categories: u32, min_age: u8, source: SourceId, line: u32) {
        let key = strip_www(key);
        self.min_domain_labels = min_labels(self.min_domain_labels, key);
        let tag = Tag {
            categories,
            min_age,
            source,
        };
        insert(
            &mut self.domains,
            key_hash(key.as_bytes()),
            Pending { tag, line },
        );
    }

    /// Adds a `host/path` prefix (normalised by the caller; `www.` dropped as for
    /// domains).
    pub fn url(&mut self, key: &str, categories: u32, min_age: u8, source: SourceId, line: u32) {
        let key = strip_www(key);
        let host = key.split('/').next().unwrap_or(key);
        self.min_url_labels = min_labels(self.min_url_labels, host);
        let tag = Tag {
            categories,
            min_age,
            source,
        };
        insert(
            &mut self.urls,
            key_hash(key.as_bytes()),
            Pending { tag, line },
        );
        // The host's mark: no category, so it can only tell a reader that paths under
        // this host are worth probing.
        let mark = Tag {
            categories: 0,
            min_age: 0,
            source,
        };
        insert(
            &mut self.url_hosts,
            key_hash(host.as_bytes()),
            Pending { tag: mark, line: 0 },
        );
    }

    /// Adds a SHA-256 digest from a hashed list (always the `illegal` category).
    pub fn hash(&mut self, digest: [u8; 32], source: SourceId) {
        self.hashes.entry(digest).or_insert(source);
    }

    /// Adds a regular expression over `host/path?query` (checked by the caller; readers
    /// skip patterns their engine refuses).
    pub fn expression(&mut self, pattern: &str, categories: u32, source: SourceId, line: u32) {
        self.expressions
            .push((pattern.to_owned(), categories, source, line));
    }

    /// Number of distinct domain, URL and hash entries so far (host marks not counted).
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.domains.len(), self.urls.len(), self.hashes.len())
    }

    /// Writes the pack.
    pub fn build(self) -> Result<Vec<u8>, PackError> {
        // Marks share the `urls` set: a key there always holds a `/`, a mark never does.
        let marks =
            u32::try_from(self.url_hosts.len()).map_err(|_| PackError::TooMany("URL hosts"))?;
        let mut urls = self.urls;
        for (h, p) in self.url_hosts {
            insert(&mut urls, h, p);
        }
        // Tags are numbered in their own sorted order, not in the maps' (randomly seeded)
        // one, so the same sources always give the same bytes and the same checksum (the
        // entries' order does not matter: each set sorts its own).
        let mut tags: Vec<Tag> = self
            .domains
            .values()
            .chain(urls.values())
            .map(|p| p.tag)
            .collect();
        tags.sort_unstable();
        tags.dedup();
        if tags.len() > usize::from(u16::MAX) + 1 {
            return Err(PackError::TooMany("distinct tags"));
        }
        let tag_ids: HashMap<Tag, u32> = tags
            .iter()
            .enumerate()
            .map(|(i, t)| (*t, i as u32))
            .collect();
        let numbered = |map: HashMap<u64, Pending>| -> Vec<(u64, u32, u32)> {
            map.into_iter()
                .map(|(h, p)| (h, tag_ids[&p.tag], p.line))
                .collect()
        };
        let domains = numbered(self.domains);
        let urls = numbered(urls);

        let mut sections: Vec<Vec<u8>> = Vec::with_capacity(SECTIONS);
        sections.push(write_sources(&self.sources));
        sections.push(write_tags(&tags));
        sections.push(write_set(
            domains,
            tags.len(),
            self.lines,
            self.min_domain_labels,
        ));
        sections.push(write_set(urls, tags.len(), self.lines, self.min_url_labels));
        sections.push(write_hashes(self.hashes));
        sections.push(write_expressions(&self.expressions));

        // Sized exactly: a pack is held for the life of the classifier, so spare capacity
        // would be memory wasted for good.
        let total = HEADER_LEN + sections.iter().map(Vec::len).sum::<usize>();
        let mut out = Vec::with_capacity(total);
        out.resize(HEADER_LEN, 0);
        out[..8].copy_from_slice(MAGIC);
        out[8..12].copy_from_slice(&VERSION.to_le_bytes());
        out[12..16].copy_from_slice(&marks.to_le_bytes());
        for (i, s) in sections.iter().enumerate() {
            let offset = u32::try_from(out.len()).map_err(|_| PackError::TooMany("bytes"))?;
            let len = u32::try_from(s.len()).map_err(|_| PackError::TooMany("bytes"))?;
            out[32 + i * 8..36 + i * 8].copy_from_slice(&offset.to_le_bytes());
            out[36 + i * 8..40 + i * 8].copy_from_slice(&len.to_le_bytes());
            out.extend_from_slice(s);
        }
        let total = out.len() as u64;
        out[24..32].copy_from_slice(&total.to_le_bytes());
        let sum = xxhash_rust::xxh3::xxh3_64(&out[24..]);
        out[16..24].copy_from_slice(&sum.to_le_bytes());
        Ok(out)
    }
}

fn insert(map: &mut HashMap<u64, Pending>, hash: u64, entry: Pending) {
    map.entry(hash)
        .and_modify(|p| p.merge(entry))
        .or_insert(entry);
}

fn put(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn pad4(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
}

fn write_sources(names: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    put(&mut out, names.len() as u32);
    let mut offset = 0u32;
    for n in names {
        put(&mut out, offset);
        put(&mut out, n.len() as u32);
        offset += n.len() as u32;
    }
    for n in names {
        out.extend_from_slice(n.as_bytes());
    }
    pad4(&mut out);
    out
}

fn write_tags(tags: &[Tag]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + tags.len() * 8);
    put(&mut out, tags.len() as u32);
    for t in tags {
        put(&mut out, t.categories);
        out.extend_from_slice(&t.source.0.to_le_bytes());
        out.push(t.min_age);
        out.push(0);
    }
    out
}

/// Bucket bits for `n` entries: about sixteen entries per bucket, so the offset table
/// costs a quarter of a byte per entry and a bucket fits in one or two cache lines.
pub(crate) fn bucket_bits(n: usize) -> u32 {
    let mut bits = 0;
    while bits < 28 && (n >> bits) > 16 {
        bits += 1;
    }
    bits
}

fn strip_www(key: &str) -> &str {
    key.strip_prefix("www.")
        .filter(|k| !k.is_empty())
        .unwrap_or(key)
}

/// The smaller of `current` (0 = none yet) and the label count of `host`.
fn min_labels(current: u32, host: &str) -> u32 {
    let n = host.split('.').count() as u32;
    if current == 0 {
        n
    } else {
        current.min(n)
    }
}

fn write_set(
    mut entries: Vec<(u64, u32, u32)>,
    tag_count: usize,
    lines: bool,
    min_labels: u32,
) -> Vec<u8> {
    let bits = bucket_bits(entries.len());
    let tag_width: usize = if tag_count <= 256 { 1 } else { 2 };
    entries.sort_unstable_by_key(|e| split(e.0, bits));
    let n = entries.len();
    let buckets = 1usize << bits;
    let mut out = Vec::with_capacity(20 + (buckets + 1) * 4 + n * (4 + tag_width + 4));
    put(&mut out, bits);
    put(&mut out, n as u32);
    put(&mut out, tag_width as u32);
    put(&mut out, u32::from(lines));
    put(&mut out, min_labels);
    let mut next = 0usize;
    for b in 0..=buckets {
        while next < n && split(entries[next].0, bits).0 < b {
            next += 1;
        }
        put(&mut out, next as u32);
    }
    for e in &entries {
        put(&mut out, split(e.0, bits).1);
    }
    for e in &entries {
        if tag_width == 1 {
            out.push(e.1 as u8);
        } else {
            out.extend_from_slice(&(e.1 as u16).to_le_bytes());
        }
    }
    pad4(&mut out);
    if lines {
        for e in &entries {
            put(&mut out, e.2);
        }
    }
    out
}

fn write_expressions(list: &[(String, u32, SourceId, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    put(&mut out, list.len() as u32);
    let mut offset = 0u32;
    for (p, cats, src, line) in list {
        put(&mut out, *cats);
        out.extend_from_slice(&src.0.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        put(&mut out, *line);
        put(&mut out, offset);
        put(&mut out, p.len() as u32);
        offset += p.len() as u32;
    }
    for (p, ..) in list {
        out.extend_from_slice(p.as_bytes());
    }
    pad4(&mut out);
    out
}

fn write_hashes(hashes: HashMap<[u8; 32], SourceId>) -> Vec<u8> {
    let mut list: Vec<([u8; 32], SourceId)> = hashes.into_iter().collect();
    list.sort_unstable();
    let mut out = Vec::with_capacity(4 + list.len() * 34);
    put(&mut out, list.len() as u32);
    for (d, _) in &list {
        out.extend_from_slice(d);
    }
    for (_, s) in &list {
        out.extend_from_slice(&s.0.to_le_bytes());
    }
    pad4(&mut out);
    out
}
