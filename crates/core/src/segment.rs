//! Phrases spelled out a letter at a time with no break between the words
//! (`k i l l y o u r s e l f`, `s e n d m e n u d e s`) read as words again.
//!
//! The normaliser joins spaced-out letters into one word; when the writer also left out
//! the word breaks, that word is a whole phrase (`killyourself`) that no rule can read. Such
//! a joined word, when it is not itself a word the classifier knows, is cut into the fewest
//! words it knows (the word model's vocabulary: every word of at least two of the project's
//! labelled messages), and the classifier reads the text once more with those cuts.
//!
//! Only joined words are cut, never a word the writer typed whole, so "therapist" or
//! "scunthorpe" in ordinary text are never read as two words. Work is bounded: a word is
//! cut only up to [`MAX_WORD`] bytes, trying pieces of at most [`MAX_PIECE`] letters.

use crate::data::RULE_WORDS_TEXT;
use crate::learned::{knows_hash, knows_word};
use crate::normalize::{is_separator, Stream};
use esafety_pack::{word_hash_finish, word_hash_step, WORD_HASH_SEED};

/// Longest joined word that is cut (longer ones are left whole).
pub const MAX_WORD: usize = 64;
/// Longest piece tried.
const MAX_PIECE: usize = 16;

/// One-letter words a phrase can hold (`i want`, `u r`, `a`).
fn one_letter_word(b: u8) -> bool {
    matches!(b, b'a' | b'i' | b'u' | b'r' | b'y')
}

/// Where to cut `word` (letters only) into the fewest known words, at least two: the
/// positions of the cuts, or `None` when no such reading exists.
pub fn cuts(word: &[u8]) -> Option<Vec<usize>> {
    let n = word.len();
    if !(2..=MAX_WORD).contains(&n) {
        return None;
    }
    // best[k]: the fewest known words that make word[..k], and where the last one starts.
    let mut best: Vec<Option<(u32, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for a in 0..n {
        let Some((words, _)) = best[a] else { continue };
        // The pieces from `a` are hashed as they grow, one step a letter.
        let mut raw = WORD_HASH_SEED;
        for b in a + 1..=n.min(a + MAX_PIECE) {
            raw = word_hash_step(raw, word[b - 1]);
            let known = if b - a == 1 {
                one_letter_word(word[a])
            } else {
                knows_hash(word_hash_finish(raw))
            };
            if known && best[b].is_none_or(|(w, _)| words + 1 < w) {
                best[b] = Some((words + 1, a));
            }
        }
    }
    let (words, _) = best[n]?;
    if words < 2 {
        return None;
    }
    let mut out = Vec::new();
    let mut k = n;
    while k > 0 {
        let (_, a) = best[k]?;
        if a > 0 {
            out.push(a);
        }
        k = a;
    }
    out.reverse();
    Some(out)
}

/// Whether the letters of `words[a..b]` were spaced out in `original` (a separator that
/// joining spaced letters reads, [`is_separator`], between the first and the last).
fn was_spaced(words: &Stream, original: &str, a: usize, b: usize) -> bool {
    let (Some(&first), Some(&last)) = (words.starts.get(a), words.starts.get(b - 1)) else {
        return false;
    };
    original
        .as_bytes()
        .get(first as usize..last as usize)
        .is_some_and(|between| between.iter().any(|&c| is_separator(c)))
}

/// `words` with every joined, unknown word cut into known words (a space before each
/// piece after the first, standing at the piece's first letter), or `None` when no word
/// was cut.
pub fn segmented(words: &Stream, original: &str) -> Option<Stream> {
    let bytes = &words.bytes;
    let mut cut_at: Vec<usize> = Vec::new();
    for (start, i) in spans(bytes, u8::is_ascii_alphanumeric) {
        let word = &bytes[start..i];
        if word.len() >= 4
            && word.len() <= MAX_WORD
            && word.iter().all(u8::is_ascii_lowercase)
            && was_spaced(words, original, start, i)
            && !knows_word(word)
        {
            if let Some(cuts) = cuts(word) {
                cut_at.extend(cuts.into_iter().map(|c| start + c));
            }
        }
    }
    if cut_at.is_empty() {
        return None;
    }
    Some(edited(words, &cut_at, &[]))
}

/// The `(start, end)` of each maximal run of bytes that `is_word` accepts, in order.
fn spans<'a>(
    bytes: &'a [u8],
    is_word: impl Fn(&u8) -> bool + Copy + 'a,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let mut i = 0;
    std::iter::from_fn(move || {
        i += bytes[i..].iter().take_while(|b| !is_word(b)).count();
        let start = i;
        i += bytes[i..].iter().take_while(|b| is_word(b)).count();
        (i > start).then_some((start, i))
    })
}

/// `words` with a space inserted before each position of `spaces_at` (standing at that
/// letter) and the bytes at `drop_at` left out; both in ascending order.
fn edited(words: &Stream, spaces_at: &[usize], drop_at: &[usize]) -> Stream {
    let n = words.bytes.len() + spaces_at.len();
    let mut out = Stream {
        bytes: Vec::with_capacity(n),
        starts: Vec::with_capacity(n),
    };
    let mut space = spaces_at.iter().peekable();
    let mut drop = drop_at.iter().peekable();
    for (k, (&b, &s)) in words.bytes.iter().zip(&words.starts).enumerate() {
        if space.next_if_eq(&&k).is_some() {
            out.bytes.push(b' ');
            out.starts.push(s);
        }
        if drop.next_if_eq(&&k).is_some() {
            continue;
        }
        out.bytes.push(b);
        out.starts.push(s);
    }
    out
}

/// Most pieces one word is rejoined from (`nat ional`, `can na bis`).
const MAX_JOIN: usize = 3;
/// Longest piece of a split word (longer words are taken as whole: no hash is spent on
/// them), and the length one piece at least must not pass (a word split in two leaves a
/// short piece: `ref ugees`, `dis gusting`, `trav ellers`).
const MAX_SPLIT_PIECE: usize = 8;
const SHORT_PIECE: usize = 4;

/// `words` with words split by a space rejoined (`fu ck` → `fuck`, `ref ugees are ver min`
/// → `refugees are vermin`, `can na bis` → `cannabis`), or `None` when nothing was.
///
/// Two or three neighbouring pieces, each of letters only, are read as one word when
/// together they make a word the classifier knows (a word of the model's vocabulary, or one
/// a rule spells: `ver min` → `vermin`) and at least one of them is not a known
/// word of the model on its own — so "pen is", "the rapist" and "cock tail" (known words each) stay
/// apart, and a word typed whole is never touched. Pieces are at most
/// [`MAX_SPLIT_PIECE`] letters, one of them at most [`SHORT_PIECE`]; longest join first,
/// left to right; a joined word is at most [`MAX_PIECE`] letters. Linear: each word start tries at most
/// [`MAX_JOIN`] - 1 joins, each a hash of at most [`MAX_PIECE`] letters.
pub fn rejoined(words: &Stream) -> Option<Stream> {
    thread_local! {
        /// The run and the spaces to drop, reused from one message to the next.
        static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
    }
    BUFFERS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut b) => rejoined_with(words, &mut b),
        Err(_) => rejoined_with(words, &mut Buffers::default()),
    })
}

#[derive(Default)]
struct Buffers {
    run: Vec<(usize, usize, bool)>,
    drop_space: Vec<usize>,
}

fn rejoined_with(words: &Stream, buffers: &mut Buffers) -> Option<Stream> {
    let bytes = &words.bytes;
    // Neighbouring words of letters only (one space apart): start, end, and whether the
    // word is known on its own (hashed once; one-letter words of chat count as known, and
    // a word too long to be a piece is never joined, so it counts as known too).
    let Buffers { run, drop_space } = buffers;
    run.clear();
    drop_space.clear();
    for (start, i) in spans(bytes, u8::is_ascii_lowercase) {
        let whole = (i == bytes.len() || bytes[i] == b' ')
            && (start == 0 || !bytes[start - 1].is_ascii_alphanumeric());
        if run.last().is_some_and(|&(_, b, _)| b + 1 != start) || !whole {
            join_run(bytes, run, drop_space);
            run.clear();
        }
        if whole {
            let len = i - start;
            let known = match len {
                1 => one_letter_word(bytes[start]),
                2..=MAX_SPLIT_PIECE => knows_word(&bytes[start..i]),
                _ => true,
            };
            run.push((start, i, known));
        }
    }
    join_run(bytes, run, drop_space);
    if drop_space.is_empty() {
        return None;
    }
    Some(edited(words, &[], drop_space))
}

/// Whether split pieces may be rejoined into the word with this hash: a word of the word
/// model's vocabulary or one a rule spells (`RULE_WORDS_TEXT`, from
/// `esafety_lexicon::vocab`).
fn joins_into(hash: u32) -> bool {
    knows_hash(hash) || rule_word_hashes().binary_search(&hash).is_ok()
}

/// The hashes of the words the rules spell, sorted: computed the first time they are
/// needed from the embedded list of words.
fn rule_word_hashes() -> &'static [u32] {
    static HASHES: std::sync::OnceLock<Vec<u32>> = std::sync::OnceLock::new();
    HASHES.get_or_init(|| {
        let mut h: Vec<u32> = RULE_WORDS_TEXT
            .split('\n')
            .filter(|w| !w.is_empty())
            .map(|w| esafety_pack::word_hash(w.as_bytes()))
            .collect();
        h.sort_unstable();
        h.dedup();
        h
    })
}

/// [`rejoined`] for one run of neighbouring words: the spaces to drop, into `drop_space`.
fn join_run(bytes: &[u8], run: &[(usize, usize, bool)], drop_space: &mut Vec<usize>) {
    if run.iter().all(|&(_, _, known)| known) {
        return;
    }
    let mut k = 0;
    while k + 1 < run.len() {
        // A join needs an unknown piece: the starts whose every join would be of known
        // pieces only are passed over at once (most of a run, in chat with a name in it).
        let Some(unknown) = run[k..].iter().position(|&(_, _, known)| !known) else {
            return;
        };
        if unknown >= MAX_JOIN {
            k += unknown + 1 - MAX_JOIN;
            continue;
        }
        let mut joined = 0;
        for n in (2..=MAX_JOIN.min(run.len() - k)).rev() {
            let pieces = &run[k..k + n];
            let len: usize = pieces.iter().map(|&(a, b, _)| b - a).sum();
            if !(4..=MAX_PIECE).contains(&len)
                || pieces.iter().all(|&(_, _, known)| known)
                || pieces.iter().all(|&(a, b, _)| b - a > SHORT_PIECE)
            {
                continue;
            }
            let mut raw = WORD_HASH_SEED;
            for &(a, b, _) in pieces {
                for &c in &bytes[a..b] {
                    raw = word_hash_step(raw, c);
                }
            }
            if joins_into(word_hash_finish(raw)) {
                drop_space.extend(pieces[..n - 1].iter().map(|&(_, b, _)| b));
                joined = n;
                break;
            }
        }
        k += joined.max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule-word list leaves out the words the model knows (build.rs): every word a
    /// rule spells must still be joinable, by the model or by the list.
    #[test]
    fn every_word_a_rule_spells_is_joinable() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/text");
        let lexicon = esafety_lexicon::load_dir(&dir).expect("the lexicon loads");
        let words = esafety_lexicon::vocab::rule_words(&lexicon);
        assert!(words.len() > 5000, "{}", words.len());
        let listed = RULE_WORDS_TEXT
            .split('\n')
            .filter(|w| !w.is_empty())
            .count();
        assert!(
            listed < words.len(),
            "the model's words are left out of the list"
        );
        for w in &words {
            assert!(
                joins_into(esafety_pack::word_hash(w.as_bytes())),
                "{w} is spelled by a rule but cannot be joined into"
            );
        }
    }
    use crate::normalize::normalize;

    fn read(text: &str) -> Option<String> {
        let n = normalize(text);
        segmented(&n.words, text).map(|s| String::from_utf8(s.bytes).unwrap())
    }

    #[test]
    fn spaced_phrases_are_cut_into_the_fewest_known_words() {
        assert_eq!(
            read("k i l l y o u r s e l f").as_deref(),
            Some("kill yourself")
        );
        assert_eq!(
            read("s e n d m e n u d e s").as_deref(),
            Some("send me nudes")
        );
        assert_eq!(
            read("i w a n t t o d i e").as_deref(),
            Some("i want to die")
        );
        assert_eq!(
            read("hey m y u n c l e t o u c h e s m e ok").as_deref(),
            Some("hey my uncle touches me ok")
        );
    }

    #[test]
    fn words_typed_whole_or_known_or_unreadable_are_left() {
        // Typed whole: never cut, even where a cut would read as a risk.
        assert_eq!(read("my therapist is nice"), None);
        assert_eq!(
            read("killyourself"),
            None,
            "not spaced out: rules see it as one word"
        );
        // Spaced out but a known word: the rules read it already.
        assert_eq!(read("f u c k"), None);
        // No reading in known words.
        assert_eq!(read("x q z v b k"), None);
        assert_eq!(read(""), None);
    }

    #[test]
    fn cut_positions() {
        assert_eq!(cuts(b"killyourself"), Some(vec![4]));
        assert_eq!(cuts(b"kill"), None, "one word is not a phrase");
        assert_eq!(cuts(b"zzzzqqqq"), None);
        assert_eq!(cuts(&[b'a'; MAX_WORD + 1]), None, "too long to try");
    }

    fn rejoin(text: &str) -> Option<String> {
        let n = normalize(text);
        rejoined(&n.words).map(|s| String::from_utf8(s.bytes).unwrap())
    }

    #[test]
    fn words_split_by_a_space_are_rejoined() {
        assert_eq!(rejoin("fu ck off").as_deref(), Some("fuck off"));
        assert_eq!(rejoin("se nd pics").as_deref(), Some("send pics"));
        assert_eq!(
            rejoin("i keep star ving myself").as_deref(),
            Some("i keep starving myself")
        );
        // Known words each stay apart; nothing to join is None.
        assert_eq!(rejoin("the pen is mightier"), None);
        assert_eq!(rejoin("my therapist is nice"), None);
        assert_eq!(rejoin(""), None);
        assert_eq!(rejoin("a b"), None, "too short to be a word");
        // One-letter words of chat are words: "a part" stays two.
        assert_eq!(rejoin("i want a part in the play"), None);
    }

    #[test]
    fn rejoining_is_bounded_on_long_input() {
        let t = "ab ".repeat(50_000);
        let n = normalize(&t);
        // Whatever it joins, it returns a stream no longer than the input.
        if let Some(s) = rejoined(&n.words) {
            assert!(s.bytes.len() <= n.words.bytes.len());
        }
    }

    #[test]
    fn spans_stay_on_the_original_letters() {
        let text = "ok k i l l y o u r s e l f";
        let n = normalize(text);
        let s = segmented(&n.words, text).unwrap();
        let at = s.bytes.iter().position(|&b| b == b'y').unwrap();
        assert_eq!(s.original_span(text, at, s.bytes.len()), (11, text.len()));
    }
}
