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
//! Cost: one hash and one binary search per word and per word pair (a few hundred
//! instructions for a chat message); work is linear in the text and capped at
//! [`MAX_FEATURES`] distinct features.

use crate::data::{MODEL_BIAS, MODEL_HASHES, MODEL_SCALE, MODEL_WEIGHTS};
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

/// The concern the model finds in `words` (a normalised words stream), if it finds one.
pub(crate) fn judge(words: &[u8], seen: &mut Vec<u32>) -> Option<Category> {
    if MODEL_HASHES.is_empty() {
        return None;
    }
    seen.clear();
    let (mut words_read, mut known) = (0usize, 0usize);
    features(words, |feature, is_word| {
        let found = MODEL_HASHES.binary_search(&esafety_pack::key_hash(feature));
        if let Ok(i) = found {
            if seen.len() < MAX_FEATURES {
                seen.push(i as u32);
            }
        }
        if is_word {
            words_read += 1;
            known += usize::from(found.is_ok());
        }
    });
    if words_read == 0 || (known as f32) < MIN_KNOWN * words_read as f32 {
        return None;
    }
    // Binary features: each counts once however often it occurs.
    seen.sort_unstable();
    seen.dedup();
    let mut z = MODEL_BIAS;
    for &i in seen.iter() {
        for (k, w) in MODEL_WEIGHTS[i as usize].iter().enumerate() {
            z[k] += f32::from(*w) * MODEL_SCALE[k];
        }
    }
    let p = 1.0 / (1.0 + (-z[0]).exp());
    if p < THRESHOLD {
        return None;
    }
    let (best, logit) =
        z[1..].iter().enumerate().fold(
            (0, f32::MIN),
            |acc, (k, &v)| if v > acc.1 { (k, v) } else { acc },
        );
    if logit < MIN_CATEGORY_LOGIT {
        return None;
    }
    Category::ALL.get(best).copied()
}
