//! The list pack: the compact, checked binary form of a school's domain, URL and
//! hashed lists, read in place.
//!
//! # Why a custom format
//! A filter on a low-end Chromebook must hold millions of domains (UT1's adult list
//! alone has about 4.6 million) and decide in about a microsecond, and an MV3 service
//! worker restarts often, so the lists must load without parsing. A hash set of
//! strings costs tens of bytes per domain; Brave's adblock engine keeps a filter
//! object per rule. A pack keeps, per entry, a 32-bit fingerprint and a one- or
//! two-byte tag (about five bytes per domain) in buckets addressed by the top bits of a
//! 64-bit hash, so a lookup is one hash, one offset read and a binary search in a
//! bucket of about sixteen fingerprints. Sets of up to 32,768 entries also get a
//! one-hash Bloom filter of their fingerprints when loaded (16 bits per entry, nothing
//! stored in the pack), so most names that are not listed are turned away by one load
//! from a table that stays in cache.
//!
//! The effective fingerprint is the bucket bits plus 32, so with five million domains
//! a name that is not listed matches by chance with probability about 2⁻⁴⁹ per probe.
//! Entries are keyed by the *normalised* name (lower-case ASCII, punycode, no trailing
//! dot; the builder drops a leading `www.`, so readers never probe `www.` names, and
//! records the fewest labels of any key, so readers skip shorter suffixes such as `com`);
//! normalising is otherwise the caller's job (the core's URL parser), because
//! the builder and the reader must agree on it byte for byte.
//!
//! # Layout (version 1, all integers little-endian)
//! ```text
//! header   magic "ESAFPACK" · version u32 · URL host marks u32 · checksum u64 (xxh3-64
//!          of every byte after it) · total length u64 · 6 × (offset u32, length u32)
//! sources  count u32 · count × (offset u32, length u32) · UTF-8 names
//! tags     count u32 · count × (categories u32, source u16, min_age u8, 0)
//! domains  fingerprint set (below), keyed by host name
//! urls     fingerprint set, keyed by "host/path" prefix, plus a mark per host that has
//!          such keys (keyed by the bare host, tag without categories), so a reader probes
//!          paths only under marked hosts; the header counts the marks (0 in packs written
//!          before marks: readers then probe every host, and older readers never look a
//!          key without `/` up, so packs read both ways)
//! hashes   count u32 · count × SHA-256 (sorted) · count × source u16
//! exprs    count u32 · count × (categories u32, source u16, 0 u16, line u32, offset u32,
//!          length u32) · UTF-8 patterns (regular expressions over `host/path?query`)
//! set      bits u32 · count u32 · tag width u32 (1 or 2) · has lines u32 ·
//!          fewest labels in a key's host u32 ·
//!          (2^bits + 1) × bucket offset u32 · count × fingerprint u32 ·
//!          count × tag (padded to 4 bytes) · count × line u32 when has lines
//! ```
//! A pack is refused with a typed [`PackError`] when the magic, version, length or
//! checksum is wrong or a section does not fit; lookups on an accepted pack never
//! panic, whatever its bytes.
#![forbid(unsafe_code)]

mod error;
mod read;
pub mod tokens;
mod write;

pub use error::PackError;
pub use read::{Expression, Hit, Pack, PackStats};
pub use write::{PackBuilder, SourceId};

/// The first eight bytes of every pack.
pub const MAGIC: &[u8; 8] = b"ESAFPACK";
/// The format version this crate writes and reads.
pub const VERSION: u32 = 1;
/// Length of the fixed header, section table included.
pub const HEADER_LEN: usize = 80;
/// How many sections the header's table lists.
pub(crate) const SECTIONS: usize = 6;

/// What an entry says about the names it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    /// Category bit set: bit `i` is the `i`-th URL category of the taxonomy.
    pub categories: u32,
    /// The minimum age the site sets (0 when none is known).
    pub min_age: u8,
    /// Which source list the entry came from.
    pub source: SourceId,
}

/// The 64-bit hash that places a key in the pack (xxh3, seed 0: stable across
/// versions, platforms and WebAssembly).
pub fn key_hash(key: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(key)
}

/// The word model's 32-bit hash of a feature (a word, or two words and a space): FNV-1a
/// over the bytes ([`word_hash_raw`], which can be continued byte by byte, so a pair's
/// hash follows from its first word's), then a finaliser that spreads short keys over
/// the top bits. Stable across versions, platforms and WebAssembly.
#[inline]
pub fn word_hash(feature: &[u8]) -> u32 {
    word_hash_finish(word_hash_raw(WORD_HASH_SEED, feature))
}

/// The lookup spelling of one byte of a word the rules read a token at a time: what a
/// hardened pattern letter and the text letters it also reads have in common (`l` and `1`
/// read `i`, `0` reads `o`, `3` `e`, `4` `a`, `5` `s`, `7` `t`; see
/// `esafety_lexicon::tokens`).
#[inline]
pub const fn token_key_byte(b: u8) -> u8 {
    TOKEN_KEY_BYTE[b as usize]
}

/// [`token_key_byte`] for every byte: one load.
const TOKEN_KEY_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'l' | b'1' => b'i',
            b'0' => b'o',
            b'3' => b'e',
            b'4' => b'a',
            b'5' => b's',
            b'7' => b't',
            c => c,
        };
        b += 1;
    }
    t
};

/// Marks a digit in a token dictionary word that a character class spelt: the rules keep
/// class digits exact (`[1-9]` never reads `i`), literal ones hardened.
pub const TOKEN_EXACT: u8 = 0x80;

/// A run of one or more digits in a token dictionary word (`[0-9]+` in a pattern). The
/// byte never occurs in the text the rules read (control bytes fold to spaces).
pub const TOKEN_RUN: u8 = 0x7f;

/// Whether a text token reads as a token dictionary word: byte for byte, or (a hardened
/// word) with `i` for `l` and the letter a literal digit decodes to; a digit marked
/// [`TOKEN_EXACT`] reads only itself, and [`TOKEN_RUN`] a run of digits (all of them).
#[inline]
pub fn token_spells(word: &[u8], hardened: bool, token: &[u8]) -> bool {
    let one = |w: u8, t: u8| {
        if w & TOKEN_EXACT != 0 {
            return t == w & !TOKEN_EXACT;
        }
        w == t
            || (hardened
                && matches!(
                    (w, t),
                    (b'l', b'i')
                        | (b'0', b'o')
                        | (b'1', b'i')
                        | (b'3', b'e')
                        | (b'4', b'a')
                        | (b'5', b's')
                        | (b'7', b't')
                ))
    };
    let (mut w, mut t) = (0, 0);
    while w < word.len() {
        if word[w] == TOKEN_RUN {
            let digits = token[t..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return false;
            }
            t += digits;
        } else {
            match token.get(t) {
                Some(&b) if one(word[w], b) => t += 1,
                _ => return false,
            }
        }
        w += 1;
    }
    t == token.len()
}

/// Whether `b` continues a token's word (ASCII `\w`, as the rules' word boundaries read it).
#[inline]
pub const fn token_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The runs of lower-case ASCII letters in `text`, as ranges: the words that `respell.tsv`
/// rewrites, read the same way in the rules (by the lexicon compiler) and in the text (by
/// the normaliser).
pub fn lowercase_runs(text: &[u8]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < text.len() && !text[i].is_ascii_lowercase() {
            i += 1;
        }
        let s = i;
        while i < text.len() && text[i].is_ascii_lowercase() {
            i += 1;
        }
        (s < i).then_some(s..i)
    })
}

/// Where the token starting at `i` ends: after a run of word bytes, or after one other byte.
#[inline]
pub fn token_end(text: &[u8], i: usize) -> usize {
    match text.get(i) {
        Some(&b) if token_word_byte(b) => {
            i + text[i..]
                .iter()
                .take_while(|&&b| token_word_byte(b))
                .count()
        }
        Some(_) => i + 1,
        None => i,
    }
}

/// The lookup spelling of a token dictionary word: its bytes as [`token_key_byte`] reads
/// them (a digit marked [`TOKEN_EXACT`] as the digit), or the one key the words with a
/// [`TOKEN_RUN`] share ([`token_run_key`]).
pub fn token_entry_key(word: &[u8]) -> Vec<u8> {
    entry_key_bytes(word).collect()
}

/// [`token_key_hash`] of [`token_entry_key`], without building the key.
#[inline]
pub fn token_entry_hash(word: &[u8]) -> u32 {
    key_hash_of(entry_key_bytes(word))
}

/// The bytes of [`token_entry_key`], one at a time.
#[inline]
fn entry_key_bytes(word: &[u8]) -> impl Iterator<Item = u8> + '_ {
    let run = word.contains(&TOKEN_RUN);
    let spelt = if run { &[][..] } else { word };
    run.then_some(TOKEN_RUN)
        .into_iter()
        .chain(spelt.iter().map(|&b| token_key_byte(b & !TOKEN_EXACT)))
}

/// The key the dictionary words with a [`TOKEN_RUN`] share (they are few: a token with a
/// digit is checked against each), and so the second key of a token with a digit.
pub fn token_run_key(token: &[u8]) -> Option<Vec<u8>> {
    token_has_run_key(token).then(|| vec![TOKEN_RUN])
}

/// Whether a token has the second key [`token_run_key`]: it holds a digit (or a run).
#[inline]
fn token_has_run_key(token: &[u8]) -> bool {
    token.iter().any(|b| b.is_ascii_digit() || *b == TOKEN_RUN)
}

/// [`token_key_hash`] of [`token_run_key`].
#[inline]
pub fn token_run_hash(token: &[u8]) -> Option<u32> {
    token_has_run_key(token).then(|| token_key_hash(&[TOKEN_RUN]))
}

/// The hash a token's dictionary entries are found by: [`word_hash`] of its lookup
/// spelling ([`token_key_byte`]), so a pattern word and every spelling it reads share one.
#[inline]
pub fn token_key_hash(token: &[u8]) -> u32 {
    key_hash_of(token.iter().copied())
}

/// [`word_hash`] of `bytes` as [`token_key_byte`] reads them.
#[inline]
fn key_hash_of(bytes: impl Iterator<Item = u8>) -> u32 {
    word_hash_finish(bytes.fold(WORD_HASH_SEED, |h, b| word_hash_step(h, token_key_byte(b))))
}

/// FNV-1a's starting state.
pub const WORD_HASH_SEED: u32 = 0x811c_9dc5;

/// FNV-1a from `state` over `bytes`.
#[inline]
pub fn word_hash_raw(state: u32, bytes: &[u8]) -> u32 {
    bytes.iter().fold(state, |h, &b| word_hash_step(h, b))
}

/// One byte of FNV-1a: a caller hashing several features of one text at once (a word and
/// the pair it ends) steps each state itself.
#[inline]
pub fn word_hash_step(state: u32, byte: u8) -> u32 {
    (state ^ u32::from(byte)).wrapping_mul(0x0100_0193)
}

/// Murmur3's 32-bit finaliser.
#[inline]
pub fn word_hash_finish(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Bucket index and in-bucket fingerprint of a hash for a set with `bits` bucket bits.
pub(crate) fn split(hash: u64, bits: u32) -> (usize, u32) {
    let bucket = if bits == 0 {
        0
    } else {
        (hash >> (64 - bits)) as usize
    };
    let fingerprint = ((hash << bits) >> 32) as u32;
    (bucket, fingerprint)
}

#[cfg(test)]
mod tests;
