//! The word model: a second opinion for messages no rule caught.
//!
//! Rules name families of risky messages one by one; unseen messages keep bringing phrasings
//! no rule names ("we all agreed ur not coming to my party so dont bother asking"). The
//! model (`data/text/model.tsv`, learned by `esafety model train` from the project's own
//! labelled messages, never edited by hand) weighs every normalised word and pair of
//! neighbouring words a message has: one logistic regression says whether it is risky at
//! all, eleven more which concern it is. It is asked only when no rule spoke at all, for any
//! band (a risk cancelled by a negation, an allow or help rule for education, news or
//! help-seeking, a rule for other ages: each keeps its judgement),
//! and it speaks as a medium-severity match (`model.<category>`) over the message, so the
//! policy, alerts and help routes treat it like any rule of that category.
//!
//! Cost: one 32-bit hash per word and per word pair (a pair's continues its first word's)
//! and one bucket of two or three hashes to compare; work is linear in the text and
//! capped at [`MAX_FEATURES`] distinct features.

use crate::data::{
    MODEL_BIAS, MODEL_BUCKETS, MODEL_BUCKET_BITS, MODEL_LOW, MODEL_NIBBLES, MODEL_SCALE,
    MODEL_WEIGHTS,
};
use esafety_taxonomy::Category;

/// Probability of "any risk" from which the model flags. Chosen on messages the model had
/// not learned from: a blind set of 419 (risky recall 74 % with the rules alone, 86 % with
/// the model, no more false positives) and half of a set of 723 ordinary informal chats
/// (0.6 % flagged by the rules, 0.8 % with the model); at 0.85 recall was 88 % but ordinary
/// chat 1.9 %. See the README's Quality section.
pub const THRESHOLD: f32 = 0.9;

/// The named concern must be at least even odds on its own (logit 0, p = 0.5): "risky"
/// with no concern sure of itself is the model guessing. On 1,400 innocent adult tweets
/// this gate took the model's flags from 28 to 16 without losing a risky message of a
/// blind set the model had not learned (192/224 either way).
pub const MIN_CATEGORY_LOGIT: f32 = 0.0;

/// Share of a text's words the model must know (have learned) before it says anything:
/// it judges messages written in the words it learned from, not text of another kind (on
/// adult tweets, most of them full of names, tags and links, an ungated model flagged a
/// fifth of the innocent ones; gated, as few as the rules alone).
pub const MIN_KNOWN: f32 = 0.8;

/// Distinct features weighed per text at most, and words read at most: a long page is
/// judged by its beginning (the rules read all of it).
pub const MAX_FEATURES: usize = 512;
pub const MAX_WORDS: usize = 4096;

/// Bigrams of words longer than this are skipped (no feature is that long).
const MAX_PAIR: usize = 64;

/// Calls `visit(feature, is_word)` for each feature of a normalised words stream, in order:
/// each word (a run of ASCII letters and digits), then the pair it makes with the word before
/// (`a b`). The model's trainer (`esafety model train`) reads texts through this too, so
/// what it learns is what the classifier looks up. At most [`MAX_WORDS`] words are read;
/// pairs longer than 64 bytes are skipped.
pub fn features(words: &[u8], mut visit: impl FnMut(&[u8], bool)) {
    let mut pair = [0u8; MAX_PAIR];
    let mut prev: &[u8] = &[];
    for token in words
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(MAX_WORDS)
    {
        visit(token, true);
        let len = prev.len() + 1 + token.len();
        if !prev.is_empty() && len <= MAX_PAIR {
            pair[..prev.len()].copy_from_slice(prev);
            pair[prev.len()] = b' ';
            pair[prev.len() + 1..len].copy_from_slice(token);
            visit(&pair[..len], false);
        }
        prev = token;
    }
}

/// Calls `visit(hash, is_word)` with `esafety_pack::word_hash` of each feature
/// [`features`] gives, in the same order, in one pass over the bytes and without copying a
/// pair: FNV-1a runs for the word and, alongside, on from the word before and a space.
fn feature_hashes(words: &[u8], mut visit: impl FnMut(u32, bool)) {
    use esafety_pack::{word_hash_finish, word_hash_step as step, WORD_HASH_SEED};
    let (mut prev_len, mut prev_raw) = (0usize, 0u32);
    let (mut len, mut raw, mut pair) = (0usize, WORD_HASH_SEED, 0u32);
    let mut read = 0usize;
    let mut end_word = |len: usize, raw: u32, pair: u32, prev_len: usize| {
        visit(word_hash_finish(raw), true);
        if prev_len > 0 && prev_len + 1 + len <= MAX_PAIR {
            visit(word_hash_finish(pair), false);
        }
    };
    for &b in words {
        if b.is_ascii_alphanumeric() {
            if len == 0 {
                pair = step(prev_raw, b' ');
            }
            raw = step(raw, b);
            pair = step(pair, b);
            len += 1;
        } else if len > 0 {
            end_word(len, raw, pair, prev_len);
            (prev_len, prev_raw) = (len, raw);
            (len, raw) = (0, WORD_HASH_SEED);
            read += 1;
            if read == MAX_WORDS {
                return;
            }
        }
    }
    if len > 0 {
        end_word(len, raw, pair, prev_len);
    }
}

/// The index of the feature with hash `h`, if the model has one: the bucket of `h`'s top
/// bits holds about six features, each stored as the hash's other 20 bits (low 16, then a
/// nibble), so a match is the whole hash's.
#[inline]
fn lookup(h: u32) -> Option<usize> {
    let b = (h >> (32 - MODEL_BUCKET_BITS)) as usize;
    let lo = usize::from(*MODEL_BUCKETS.get(b)?);
    let hi = usize::from(*MODEL_BUCKETS.get(b + 1)?);
    let bucket = MODEL_LOW.get(lo..hi)?;
    bucket
        .iter()
        .enumerate()
        .filter(|&(_, &low)| low == h as u16)
        .map(|(k, _)| lo + k)
        .find(|&i| nibble(i) == Some((h >> 16) as u8 & 0xf))
}

/// Bits 16–19 of feature `i`'s hash.
#[inline]
fn nibble(i: usize) -> Option<u8> {
    MODEL_NIBBLES
        .get(i / 2)
        .map(|&b| (b >> (4 * (i % 2))) & 0xf)
}

/// Whether `word` (one normalised word) is in the model's vocabulary: a word of at least
/// two of the messages it learned from.
pub(crate) fn knows_word(word: &[u8]) -> bool {
    knows_hash(esafety_pack::word_hash(word))
}

/// [`knows_word`] for a word's `esafety_pack::word_hash`.
pub(crate) fn knows_hash(h: u32) -> bool {
    lookup(h).is_some()
}

/// The number of features in the model.
fn features_len() -> usize {
    MODEL_LOW.len()
}

/// The concern the model finds in `words` (a normalised words stream), if it finds one.
pub(crate) fn judge(words: &[u8], seen: &mut Vec<u32>) -> Option<Category> {
    if features_len() == 0 {
        return None;
    }
    seen.clear();
    let (mut words_read, mut known) = (0usize, 0usize);
    feature_hashes(words, |h, is_word| {
        let found = lookup(h);
        if let Some(i) = found {
            if seen.len() < MAX_FEATURES {
                seen.push(i as u32);
            }
        }
        if is_word {
            words_read += 1;
            known += usize::from(found.is_some());
        }
    });
    if words_read == 0 || (known as f32) < MIN_KNOWN * words_read as f32 {
        return None;
    }
    // Binary features: each counts once however often it occurs.
    seen.sort_unstable();
    seen.dedup();
    // "Any risk" first, on its own: most messages stop here. Weights add up as integers
    // and are scaled once.
    let column = |k: usize| -> f32 {
        let sum: i32 = seen
            .iter()
            .map(|&i| i32::from(MODEL_WEIGHTS[i as usize][k]))
            .sum();
        MODEL_BIAS[k] + sum as f32 * MODEL_SCALE[k]
    };
    let p = 1.0 / (1.0 + (-column(0)).exp());
    if p < THRESHOLD {
        return None;
    }
    // The concern: the category column with the highest score (the first on a tie).
    let (best, logit) = Category::ALL
        .iter()
        .enumerate()
        .map(|(k, c)| (c, column(1 + k)))
        .fold(None, |acc: Option<(&Category, f32)>, (c, v)| match acc {
            Some((_, best)) if best >= v => acc,
            _ => Some((c, v)),
        })?;
    (logit >= MIN_CATEGORY_LOGIT).then_some(*best)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The classifier's hashes, continued from word to pair, are the generator's hashes of
    /// the trainer's features, in the same order.
    #[test]
    fn hashes_follow_the_features_the_trainer_reads() {
        let long = "x".repeat(40);
        let texts = [
            "ur so ugly nobody likes u",
            "a",
            "",
            "  hello   there  ",
            "k 1 2 3 4 go",
            long.as_str(),
        ];
        for text in texts {
            let with_long = format!("{text} {long} {long} end");
            for t in [text, with_long.as_str()] {
                let mut expected = Vec::new();
                features(t.as_bytes(), |f, w| {
                    expected.push((esafety_pack::word_hash(f), w))
                });
                let mut got = Vec::new();
                feature_hashes(t.as_bytes(), |h, w| got.push((h, w)));
                assert_eq!(got, expected, "{t:?}");
            }
        }
    }

    /// Every feature's whole hash, from its bucket and its stored bits.
    fn hashes() -> Vec<u32> {
        let mut out = Vec::new();
        for (b, w) in MODEL_BUCKETS.windows(2).enumerate() {
            let (lo, hi) = (usize::from(w[0]), usize::from(w[1]));
            for (i, &low) in MODEL_LOW.iter().enumerate().take(hi).skip(lo) {
                let rest = u32::from(low) | u32::from(nibble(i).unwrap()) << 16;
                out.push((b as u32) << (32 - MODEL_BUCKET_BITS) | rest);
            }
        }
        out
    }

    #[test]
    fn every_feature_is_found_in_its_bucket() {
        assert_eq!(MODEL_BUCKETS.len(), (1 << MODEL_BUCKET_BITS) + 1);
        assert_eq!(MODEL_NIBBLES.len(), features_len().div_ceil(2));
        let all = hashes();
        assert_eq!(all.len(), features_len());
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        for (i, &h) in all.iter().enumerate() {
            assert_eq!(lookup(h), Some(i));
            // The same low bits or the same nibble alone are not a match.
            assert_eq!(lookup(h ^ 0x1_0000).filter(|&j| j == i), None);
            assert_eq!(lookup(h ^ 1).filter(|&j| j == i), None);
        }
        let trained = esafety_pack::word_hash(b"kill");
        assert!(
            all.binary_search(&trained).is_ok(),
            "a word the model knows"
        );
        let unknown = esafety_pack::word_hash(b"zzqqxxnotaword");
        assert!(all.binary_search(&unknown).is_err());
        assert_eq!(lookup(unknown), None);
    }
}
