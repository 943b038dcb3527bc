//! Reading a pack in place: validate once, then answer lookups from the bytes.

use std::borrow::Cow;

use crate::write::SourceId;
use crate::{key_hash, split, PackError, Tag, HEADER_LEN, MAGIC, SECTIONS, VERSION};

/// A validated pack. Holds the bytes (borrowed for `'static` data, owned otherwise)
/// and the positions of its tables; nothing is decoded up front.
#[derive(Clone, Debug)]
pub struct Pack {
    bytes: Cow<'static, [u8]>,
    sources: Table,
    tags: Table,
    domains: Set,
    urls: Set,
    /// How many of `urls`' entries are host marks (0 in packs written before marks).
    url_hosts: usize,
    hashes: Table,
    exprs: Table,
    exprs_end: usize,
}

/// A one-hash Bloom filter over a set's fingerprints, built when the pack is loaded
/// (nothing in the format changes): a name that is not listed is turned away with one
/// load from a table small enough to stay in cache, instead of a bucket offset, a
/// binary search and their cache misses. Sets too large for a cache-sized table get
/// none (their misses are memory-bound either way, and the memory targets count).
#[derive(Clone, Debug)]
struct Filter {
    bits: std::sync::Arc<[u64]>,
    mask: u32,
}

/// Bits per entry (about one unlisted name in sixteen passes) and the largest filter,
/// in bits (64 KiB): the built-in list and a school's `urls` lists get one; a large
/// domain list does not (measured on UT1's 232,218 domains: load time 0.1 → 0.57 ms
/// and 1.25 more bytes per domain, for no speed that a shared machine could show).
const FILTER_BITS_PER_ENTRY: usize = 16;
const MAX_FILTER_BITS: usize = 1 << 19;
const MAX_FILTERED: usize = MAX_FILTER_BITS / FILTER_BITS_PER_ENTRY;

impl Filter {
    fn new(b: &[u8], set: &Set) -> Option<Filter> {
        if set.count == 0 || set.count > MAX_FILTERED {
            return None;
        }
        let n = (set.count * FILTER_BITS_PER_ENTRY)
            .next_power_of_two()
            .clamp(64, MAX_FILTER_BITS);
        let mask = (n - 1) as u32;
        let mut bits = vec![0u64; n / 64];
        let all = b.get(set.fingerprints..set.fingerprints + set.count * 4)?;
        for c in all.chunks_exact(4) {
            let i = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) & mask;
            bits[(i / 64) as usize] |= 1 << (i % 64);
        }
        Some(Filter {
            bits: bits.into(),
            mask,
        })
    }

    fn may_hold(&self, fp: u32) -> bool {
        let i = fp & self.mask;
        self.bits
            .get((i / 64) as usize)
            .is_none_or(|w| w & (1 << (i % 64)) != 0)
    }
}

/// A regular expression from a list (UT1 `expressions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expression<'a> {
    pub pattern: &'a str,
    pub categories: u32,
    pub source: SourceId,
    pub line: u32,
}

/// A list entry that matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub tag: Tag,
    /// Line in the source list, when the pack was built with lines.
    pub line: Option<u32>,
}

/// Sizes, for `esafety lists info` and the benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PackStats {
    pub bytes: usize,
    pub domains: usize,
    pub urls: usize,
    pub hashes: usize,
    pub sources: usize,
    pub tags: usize,
    pub expressions: usize,
}

#[derive(Clone, Copy, Debug, Default)]
struct Table {
    start: usize,
    count: usize,
}

#[derive(Clone, Debug, Default)]
struct Set {
    bits: u32,
    count: usize,
    tag_width: usize,
    offsets: usize,
    fingerprints: usize,
    tags: usize,
    lines: Option<usize>,
    /// Fewest labels of any key's host (0 when empty).
    min_labels: u32,
    /// In front of the fingerprints, for small sets (see [`Filter`]).
    filter: Option<Filter>,
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(a)
}

impl Pack {
    /// Validates and wraps bytes embedded in the program (no copy).
    pub fn from_static(bytes: &'static [u8]) -> Result<Pack, PackError> {
        Pack::new(Cow::Borrowed(bytes))
    }

    /// Validates and takes ownership of bytes read at run time (no copy).
    pub fn from_vec(bytes: Vec<u8>) -> Result<Pack, PackError> {
        Pack::new(Cow::Owned(bytes))
    }

    fn new(bytes: Cow<'static, [u8]>) -> Result<Pack, PackError> {
        let b: &[u8] = &bytes;
        if b.len() < 8 || &b[..8] != MAGIC {
            return Err(if b.len() < 8 && MAGIC.starts_with(b) {
                PackError::Truncated {
                    expected: HEADER_LEN as u64,
                    actual: b.len() as u64,
                }
            } else {
                PackError::BadMagic
            });
        }
        if b.len() < HEADER_LEN {
            return Err(PackError::Truncated {
                expected: HEADER_LEN as u64,
                actual: b.len() as u64,
            });
        }
        let version = u32_at(b, 8).unwrap_or(0);
        if version != VERSION {
            return Err(PackError::UnsupportedVersion(version));
        }
        let total = u64_at(b, 24);
        if total > b.len() as u64 {
            return Err(PackError::Truncated {
                expected: total,
                actual: b.len() as u64,
            });
        }
        if total < b.len() as u64 {
            return Err(PackError::Malformed(
                "trailing bytes after the recorded length",
            ));
        }
        let expected = u64_at(b, 16);
        let actual = xxhash_rust::xxh3::xxh3_64(&b[24..]);
        if expected != actual {
            return Err(PackError::ChecksumMismatch { expected, actual });
        }
        let mut sec = [(0usize, 0usize); SECTIONS];
        for (i, s) in sec.iter_mut().enumerate() {
            let off = u32_at(b, 32 + i * 8).unwrap_or(0) as usize;
            let len = u32_at(b, 36 + i * 8).unwrap_or(0) as usize;
            if off < HEADER_LEN || off.checked_add(len).is_none_or(|end| end > b.len()) {
                return Err(PackError::Malformed("section outside the pack"));
            }
            *s = (off, off + len);
        }
        let sources = table(b, sec[0], 8, "source table")?;
        let tags = table(b, sec[1], 8, "tag table")?;
        let domains = set(b, sec[2], tags.count)?;
        let urls = set(b, sec[3], tags.count)?;
        let url_hosts = u32_at(b, 12).unwrap_or(0) as usize;
        if url_hosts > urls.count {
            return Err(PackError::Malformed("more URL host marks than URL entries"));
        }
        let hashes = table(b, sec[4], 34, "hash table")?;
        let exprs = table(b, sec[5], 20, "expression table")?;
        let blob = exprs.start + exprs.count * 20;
        for i in 0..exprs.count {
            let at = exprs.start + i * 20;
            let off = u32_at(b, at + 12).unwrap_or(u32::MAX) as usize;
            let len = u32_at(b, at + 16).unwrap_or(u32::MAX) as usize;
            let end = blob.checked_add(off).and_then(|s| s.checked_add(len));
            if end.is_none_or(|e| e > sec[5].1)
                || std::str::from_utf8(&b[blob + off..blob + off + len]).is_err()
            {
                return Err(PackError::Malformed(
                    "expression outside its section or not UTF-8",
                ));
            }
        }
        // Every source name must lie inside the sources section.
        let names = sources.start + sources.count * 8;
        for i in 0..sources.count {
            let off = u32_at(b, sources.start + i * 8).unwrap_or(u32::MAX) as usize;
            let len = u32_at(b, sources.start + i * 8 + 4).unwrap_or(u32::MAX) as usize;
            let end = names.checked_add(off).and_then(|s| s.checked_add(len));
            if end.is_none_or(|e| e > sec[0].1) {
                return Err(PackError::Malformed("source name outside its section"));
            }
            if std::str::from_utf8(&b[names + off..names + off + len]).is_err() {
                return Err(PackError::Malformed("source name is not UTF-8"));
            }
        }
        Ok(Pack {
            bytes,
            sources,
            tags,
            domains,
            urls,
            url_hosts,
            hashes,
            exprs,
            exprs_end: sec[5].1,
        })
    }

    /// The pack's bytes (to save or hand to another thread).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Entry for exactly this normalised host name, if listed.
    pub fn domain(&self, key: &str) -> Option<Hit> {
        self.lookup(&self.domains, key_hash(key.as_bytes()))
    }

    /// Entry for exactly this normalised `host/path` prefix, if listed.
    pub fn url(&self, key: &str) -> Option<Hit> {
        // A key without `/` could only find a host mark.
        if self.urls.count == 0 || !key.contains('/') {
            return None;
        }
        self.lookup(&self.urls, key_hash(key.as_bytes()))
    }

    /// [`Pack::domain`] for a key whose [`crate::key_hash`] the caller already has, so a
    /// name probed in several packs is hashed once.
    pub fn domain_by_hash(&self, hash: u64) -> Option<Hit> {
        self.lookup(&self.domains, hash)
    }

    /// [`Pack::url`] for a key whose [`crate::key_hash`] the caller already has.
    pub fn url_by_hash(&self, hash: u64) -> Option<Hit> {
        if self.urls.count == 0 {
            return None;
        }
        self.lookup(&self.urls, hash)
    }

    /// Whether the pack marks the hosts that have `host/path` entries (every pack with
    /// such entries written since marks exist): then paths need probing only under a host
    /// for which [`Pack::has_url_host_by_hash`] is true. Older packs mark none, and every
    /// host must be probed.
    pub fn marks_url_hosts(&self) -> bool {
        self.url_hosts > 0
    }

    /// Whether some `host/path` entry has the host whose [`crate::key_hash`] is `hash` (a
    /// host's mark: the `urls` set also holds the hash of each entry's bare host). The
    /// caller has the hash already from the host's domain probe, so a host without
    /// `urls` entries costs one filter load, not a key per path prefix.
    pub fn has_url_host_by_hash(&self, hash: u64) -> bool {
        self.url_hosts > 0 && self.lookup(&self.urls, hash).is_some()
    }

    /// Fewest labels in any domain key: shorter suffixes need no probe (a pack of
    /// registrable domains is never asked about `com`).
    pub fn min_domain_labels(&self) -> u32 {
        self.domains.min_labels
    }

    /// Fewest labels in the host of any `host/path` key.
    pub fn min_url_labels(&self) -> u32 {
        self.urls.min_labels
    }

    /// Whether any `host/path` entries exist (callers skip path probes otherwise).
    pub fn has_urls(&self) -> bool {
        self.urls.count > 0
    }

    /// Whether any hashed entries exist (callers skip hashing otherwise).
    pub fn has_hashes(&self) -> bool {
        self.hashes.count > 0
    }

    /// The regular expressions, in list order.
    pub fn expressions(&self) -> impl Iterator<Item = Expression<'_>> {
        let b: &[u8] = &self.bytes;
        let blob = self.exprs.start + self.exprs.count * 20;
        (0..self.exprs.count).filter_map(move |i| {
            let at = self.exprs.start + i * 20;
            let off = u32_at(b, at + 12)? as usize;
            let len = u32_at(b, at + 16)? as usize;
            let text = b.get(blob + off..(blob + off + len).min(self.exprs_end))?;
            Some(Expression {
                pattern: std::str::from_utf8(text).ok()?,
                categories: u32_at(b, at)?,
                source: SourceId(u16::from_le_bytes([b[at + 4], b[at + 5]])),
                line: u32_at(b, at + 8)?,
            })
        })
    }

    /// The source of a hashed-list digest, if listed.
    pub fn hash(&self, digest: &[u8; 32]) -> Option<SourceId> {
        let b: &[u8] = &self.bytes;
        let t = self.hashes;
        let (mut lo, mut hi) = (0usize, t.count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let at = t.start + mid * 32;
            match b[at..at + 32].cmp(&digest[..]) {
                core::cmp::Ordering::Less => lo = mid + 1,
                core::cmp::Ordering::Greater => hi = mid,
                core::cmp::Ordering::Equal => {
                    let s = t.start + t.count * 32 + mid * 2;
                    return Some(SourceId(u16::from_le_bytes([b[s], b[s + 1]])));
                }
            }
        }
        None
    }

    /// The name of a source list.
    pub fn source_name(&self, id: SourceId) -> Option<&str> {
        let i = usize::from(id.0);
        if i >= self.sources.count {
            return None;
        }
        let b: &[u8] = &self.bytes;
        let off = u32_at(b, self.sources.start + i * 8)? as usize;
        let len = u32_at(b, self.sources.start + i * 8 + 4)? as usize;
        let names = self.sources.start + self.sources.count * 8;
        std::str::from_utf8(b.get(names + off..names + off + len)?).ok()
    }

    /// Counts and size.
    pub fn stats(&self) -> PackStats {
        PackStats {
            bytes: self.bytes.len(),
            domains: self.domains.count,
            urls: self.urls.count - self.url_hosts,
            hashes: self.hashes.count,
            sources: self.sources.count,
            tags: self.tags.count,
            expressions: self.exprs.count,
        }
    }

    /// Whether the domain set has a filter and `key` passes it (`None`: no filter).
    #[cfg(test)]
    pub(crate) fn domain_filter_passes(&self, key: &str) -> Option<bool> {
        let (_, fp) = split(key_hash(key.as_bytes()), self.domains.bits);
        self.domains.filter.as_ref().map(|f| f.may_hold(fp))
    }

    fn lookup(&self, set: &Set, hash: u64) -> Option<Hit> {
        let (bucket, fp) = split(hash, set.bits);
        if set.filter.as_ref().is_some_and(|f| !f.may_hold(fp)) {
            return None;
        }
        let b: &[u8] = &self.bytes;
        let lo = u32_at(b, set.offsets + bucket * 4)? as usize;
        let hi = u32_at(b, set.offsets + bucket * 4 + 4)? as usize;
        if lo > hi || hi > set.count {
            return None;
        }
        let (mut lo, mut hi) = (lo, hi);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let v = u32_at(b, set.fingerprints + mid * 4)?;
            if v < fp {
                lo = mid + 1;
            } else if v > fp {
                hi = mid;
            } else {
                return self.hit(set, mid);
            }
        }
        None
    }

    fn hit(&self, set: &Set, i: usize) -> Option<Hit> {
        let b: &[u8] = &self.bytes;
        let tag = if set.tag_width == 1 {
            usize::from(*b.get(set.tags + i)?)
        } else {
            let at = set.tags + i * 2;
            usize::from(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]))
        };
        if tag >= self.tags.count {
            return None;
        }
        let at = self.tags.start + tag * 8;
        let tag = Tag {
            categories: u32_at(b, at)?,
            source: SourceId(u16::from_le_bytes([b[at + 4], b[at + 5]])),
            min_age: b[at + 6],
        };
        let line = match set.lines {
            Some(l) => Some(u32_at(b, l + i * 4)?),
            None => None,
        };
        Some(Hit { tag, line })
    }
}

/// A counted table: `count u32` then `count` records of `record` bytes (plus whatever
/// follows in the section).
fn table(
    b: &[u8],
    (start, end): (usize, usize),
    record: usize,
    what: &'static str,
) -> Result<Table, PackError> {
    let count = u32_at(b, start).ok_or(PackError::Malformed(what))? as usize;
    let need = count.checked_mul(record).and_then(|n| n.checked_add(4));
    if need.is_none_or(|n| n > end - start) {
        return Err(PackError::Malformed(what));
    }
    Ok(Table {
        start: start + 4,
        count,
    })
}

fn set(b: &[u8], (start, end): (usize, usize), tag_count: usize) -> Result<Set, PackError> {
    let bad = PackError::Malformed("fingerprint set");
    let field = |i: usize| u32_at(b, start + i * 4).ok_or(bad.clone());
    let bits = field(0)?;
    let count = field(1)? as usize;
    let tag_width = field(2)? as usize;
    let has_lines = field(3)?;
    let min_labels = field(4)?;
    if bits > 28 || !(tag_width == 1 || tag_width == 2) || has_lines > 1 {
        return Err(bad);
    }
    if tag_width == 1 && tag_count > 256 {
        return Err(bad);
    }
    let buckets = 1usize << bits;
    let offsets = start + 20;
    let fingerprints = offsets + (buckets + 1) * 4;
    let tags = fingerprints + count * 4;
    let tag_bytes = (count * tag_width).div_ceil(4) * 4;
    let lines = tags + tag_bytes;
    let size = lines + if has_lines == 1 { count * 4 } else { 0 };
    if size > end {
        return Err(bad);
    }
    // Offsets must rise from 0 to count, so every bucket range is inside the set.
    let mut prev = 0u32;
    for i in 0..=buckets {
        let o = u32_at(b, offsets + i * 4).ok_or(bad.clone())?;
        if o < prev || o as usize > count {
            return Err(bad);
        }
        prev = o;
    }
    if prev as usize != count {
        return Err(bad);
    }
    let mut set = Set {
        bits,
        count,
        tag_width,
        offsets,
        fingerprints,
        tags,
        lines: (has_lines == 1).then_some(lines),
        min_labels,
        filter: None,
    };
    set.filter = Filter::new(b, &set);
    Ok(set)
}
