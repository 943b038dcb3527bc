//! The text classifier: from a message to a verdict a DSL would recognise.
//!
//! Steps, each linear in the input:
//! 1. cut the input at [`MAX_INPUT_BYTES`] (the verdict says `truncated`);
//! 2. normalise (see [`crate::normalize`]);
//! 3. run the lexicon DFAs on the `words` stream and, when the text holds a digit or
//!    `@`, the personal-information DFAs on the `plain` stream;
//! 4. keep rules for the age band; drop risk hits that lie inside an *allow* span
//!    (Scunthorpe, "sex education", hyperbole) or a *help* span (help-seeking), and
//!    negatable hits with a negation just before them ("I would never …");
//! 5. combine: medium-or-worse signals of two different kinds (rule families such as
//!    `grooming.secrecy` and `grooming.meet`) of grooming, self-harm, violence or extremism
//!    in one message raise that category one level; grooming together with sexual content
//!    is critical (an approach plus a request for images);
//! 6. look up action and DSL alert per category in the band's policy, take the
//!    strictest, and list the help routes for the concerns found.

use crate::audience::Audience;
use crate::data::{
    Automata, Cell, HelpRoute, RuleKind, MAX_GAP_WORDS, MODEL_RULES_AT, POLICY, RULES,
};
use crate::learned;
use crate::matcher::{self, Hit};
use crate::normalize::{
    normalize_into, runs, squeeze, squeeze_range, star_windows, stars, stretch_windows, unstarred,
    Normalized, Stream,
};
use crate::segment;
use esafety_taxonomy::{Action, AgeBand, Alert, Category, Severity, MAX_AGE};
use serde::Serialize;
use std::cell::RefCell;
use std::fmt;

/// Longest input classified as a whole; longer input is cut (at a character boundary)
/// and the verdict says `truncated: true`. Page text should be sent in chunks.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Longest gap (normalised bytes) between two parts of an `A ... B` rule: eight words of
/// any sensible length fit, and the bound keeps joining linear in the input.
const MAX_GAP_BYTES: usize = 1024;

/// Most hits of one part of an `A ... B` rule that are tried when joining its parts.
const MAX_JOIN: usize = 64;

/// Inputs up to this length leave their scratch buffers in place for the next message.
const KEEP_SCRATCH_BYTES: usize = 64 << 10;

/// Words that, within the three words before a negatable match, cancel it.
const NEGATORS: &[&[u8]] = &[
    b"not",
    b"never",
    b"dont",
    b"no",
    b"wont",
    b"cant",
    b"cannot",
    b"isnt",
    b"arent",
    b"wasnt",
    b"didnt",
    b"doesnt",
    b"shouldnt",
    b"wouldnt",
    b"couldnt",
    b"stop",
    b"nt",
    b"aint",
    b"neither",
    b"nor",
];

/// Words after a negator that make it not a negation of what follows ("not joking").
const NOT_NEGATING: &[&[u8]] = &[
    b"joking", b"kidding", b"lying", b"even", b"only", b"just", b"afraid", b"scared",
];

/// A bad classifier setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// An exact age above [`MAX_AGE`].
    AgeOutOfRange(u32),
    /// A maximum input length of zero.
    ZeroMaxInput,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::AgeOutOfRange(a) => write!(f, "age {a} is out of range (0 to {MAX_AGE})"),
            ConfigError::ZeroMaxInput => {
                write!(f, "the maximum input length must be at least 1 byte")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// One concern found in the text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Match {
    pub category: Category,
    pub severity: Severity,
    /// Byte offsets into the caller's original text (half-open).
    pub start: usize,
    pub end: usize,
    /// The original text of the span.
    pub text: String,
    /// Rule id from the lexicon.
    pub rule: &'static str,
    /// Data file and line of the rule (`rules/grooming.tsv:12`).
    pub source: &'static str,
}

/// The classifier's answer for one text.
#[derive(Clone, Debug, Serialize)]
pub struct TextVerdict {
    /// True when the policy says to warn, block or alert.
    pub flagged: bool,
    /// The highest severity found (`none` when nothing was).
    pub severity: Severity,
    /// Categories found, most severe first.
    pub categories: Vec<Category>,
    pub action: Action,
    pub alert: Alert,
    /// Every concern, in text order.
    pub matches: Vec<Match>,
    /// Where to get help, for the concerns found (or asked about).
    pub help: Vec<&'static HelpRoute>,
    /// The text asks for help (a helpline, "how do I stop …"): never a risk by itself.
    pub help_seeking: bool,
    /// The concerns a help-seeking text describes (`how do I stop self harming` →
    /// `self_harm`); empty when it only looks up a helpline (`childline number`).
    pub help_topics: Vec<Category>,
    /// The band the policy was applied for.
    pub age_band: AgeBand,
    /// The input was longer than the maximum and only its start was read, or it held so
    /// many concerns that the matcher's budget ran out before its end.
    pub truncated: bool,
}

/// Configures a [`Classifier`].
#[derive(Clone, Debug)]
pub struct ClassifierBuilder {
    audience: Audience,
    max_input: usize,
}

impl Default for ClassifierBuilder {
    fn default() -> Self {
        ClassifierBuilder {
            audience: Audience::default(),
            max_input: MAX_INPUT_BYTES,
        }
    }
}

impl ClassifierBuilder {
    /// The pupil's age band (default `ks2`). Replaces any exact age set before.
    pub fn age_band(mut self, band: AgeBand) -> Self {
        self.audience = Audience::band(band);
        self
    }

    /// The pupil's exact age; the band follows from it.
    pub fn age(mut self, age: u32) -> Result<Self, ConfigError> {
        self.audience = Audience::exact(age)?;
        Ok(self)
    }

    /// The band or exact age, as another classifier already checked it.
    pub(crate) fn audience(mut self, audience: Audience) -> Self {
        self.audience = audience;
        self
    }

    /// Longest input read (default and upper bound [`MAX_INPUT_BYTES`]).
    pub fn max_input_bytes(mut self, n: usize) -> Result<Self, ConfigError> {
        if n == 0 {
            return Err(ConfigError::ZeroMaxInput);
        }
        self.max_input = n.min(MAX_INPUT_BYTES);
        Ok(self)
    }

    pub fn build(self) -> Classifier {
        Classifier {
            words: Automata::words(),
            plain: Automata::plain(),
            band: self.audience.band,
            audience: self.audience,
            max_input: self.max_input,
        }
    }
}

/// Classifies text for one age band. Cheap to build (the automata are embedded) and to
/// clone; `classify` never fails and never panics.
#[derive(Clone, Debug)]
pub struct Classifier {
    words: Automata,
    plain: Automata,
    /// `audience.band`, kept at hand for the hot path.
    band: AgeBand,
    audience: Audience,
    max_input: usize,
}

impl Default for Classifier {
    fn default() -> Self {
        ClassifierBuilder::default().build()
    }
}

impl Classifier {
    pub fn builder() -> ClassifierBuilder {
        ClassifierBuilder::default()
    }

    /// A classifier for the default band (`ks2`).
    pub fn new() -> Classifier {
        Classifier::default()
    }

    pub fn age_band(&self) -> AgeBand {
        self.band
    }

    /// Classifies one message, search term or piece of page text.
    pub fn classify(&self, text: &str) -> TextVerdict {
        let (text, truncated) = cut(text, self.max_input);
        thread_local! {
            // Buffers reused from one message to the next on this thread.
            static SCRATCH: RefCell<Scratch> = RefCell::default();
        }
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let verdict = self.classify_with(text, truncated, &mut scratch);
                // Keep chat-sized buffers; give back what one long page needed, so a
                // WebAssembly module's memory does not stay at its largest input.
                if text.len() > KEEP_SCRATCH_BYTES {
                    *scratch = Default::default();
                }
                verdict
            }
            // Re-entered on this thread (cannot happen today): use fresh buffers.
            Err(_) => self.classify_with(text, truncated, &mut Scratch::default()),
        })
    }

    /// The id of every rule that some reading of `text` matched, before allow and help
    /// rules, negations, age bands and overlaps are applied (sorted, each once). For tests
    /// that check every rule is exercised by a corpus case: a verdict's `matches` leave out
    /// a match that a longer one covers.
    #[doc(hidden)]
    pub fn rules_matched(&self, text: &str) -> Vec<&'static str> {
        let (text, _) = cut(text, self.max_input);
        let mut scratch = Scratch::default();
        self.find_hits(text, &mut scratch);
        let mut ids: Vec<&'static str> = scratch
            .hits
            .iter()
            .filter_map(|h| RULES.get(h.rule as usize).map(|r| r.id.get()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    fn classify_with(&self, text: &str, truncated: bool, scratch: &mut Scratch) -> TextVerdict {
        let (complete, cut) = self.find_hits(text, scratch);
        let Scratch {
            norm,
            hits,
            verdict,
            ..
        } = scratch;
        self.verdict(
            text,
            &norm.words,
            cut.as_ref(),
            hits,
            truncated || !complete,
            verdict,
        )
    }

    /// Every reading of `text` walked, its hits (joined parts only, sorted, each once) in
    /// `scratch.hits`. Returns whether every stream was read to the end (no stream reached
    /// [`matcher::MAX_HITS`]) and the words with a spelled-out phrase cut, if there was one.
    fn find_hits(&self, text: &str, scratch: &mut Scratch) -> (bool, Option<Stream>) {
        let Scratch {
            norm,
            hits,
            parts_seen,
            stops,
            star_at,
            ..
        } = scratch;
        normalize_into(text, norm);
        hits.clear();
        // A classifier built before an external lexicon was installed reads it from then on.
        let installed;
        let words = if !self.words.loaded() && cfg!(feature = "external-lexicon") {
            installed = Automata::words();
            &installed
        } else {
            &self.words
        };
        // `complete` turns false if a stream reached MAX_HITS: the verdict then says it
        // is incomplete (`truncated`) rather than look like a full reading.
        // Leetspeak sets `may_stretch` too; most such texts have no run once decoded.
        let stretched = norm.may_stretch && runs(&norm.words.bytes).next().is_some();
        let mut complete = if norm.starred || stretched {
            stops.clear();
            stops.resize(norm.words.bytes.len(), 0);
            matcher::find_where(words, &norm.words, text, hits, |_| true, Some(stops))
        } else {
            matcher::find(words, &norm.words, text, hits)
        };
        if let Some(apart) = &norm.words_apart {
            complete &= matcher::find(words, apart, text, hits);
        }
        if norm.starred {
            // A reading with a vowel for each star differs from the words stream only from
            // the first star on, so only the walks that got as far as a star are walked
            // again: the others would read the same bytes and find the same hits. (Long
            // comments with one `f***` used to be read six times over.)
            star_at.clear();
            star_at.extend(stars(&norm.words.bytes).map(|p| p as u32));
            let reaches_star = |i: usize| {
                if walk_every_start() {
                    return true;
                }
                let next = star_at.partition_point(|&p| (p as usize) < i);
                star_at
                    .get(next)
                    .is_some_and(|&p| stops.get(i).is_some_and(|&stop| stop >= p))
            };
            let mut read = Stream::default();
            for window in star_windows(&norm.words.bytes, matcher::MAX_SPAN) {
                for vowel in *b"aeiou" {
                    unstarred(&norm.words, window.clone(), vowel, &mut read);
                    complete &= matcher::find_where(
                        words,
                        &read,
                        text,
                        hits,
                        |k| reaches_star(window.start + k),
                        None,
                    );
                }
            }
        }
        // Stretched letters: also read the text with long runs cut to one and to two, as
        // with stars only around the runs, and only from the starts whose walk got as far
        // as a run: the others read the same bytes either way.
        if stretched && walk_every_start() {
            for keep in [1, 2] {
                let whole = squeeze(&norm.words, keep).unwrap_or_default();
                complete &= matcher::find(words, &whole, text, hits);
            }
        } else if stretched {
            star_at.clear();
            star_at.extend(runs(&norm.words.bytes).map(|r| r.start as u32));
            let reaches_run = |i: usize| {
                let next = star_at.partition_point(|&p| (p as usize) < i);
                star_at
                    .get(next)
                    .is_some_and(|&p| stops.get(i).is_some_and(|&stop| stop >= p))
            };
            let (mut read, mut from) = (Stream::default(), Vec::new());
            for window in stretch_windows(&norm.words.bytes, matcher::MAX_SPAN) {
                for keep in [1, 2] {
                    squeeze_range(&norm.words, window.clone(), keep, &mut read, &mut from);
                    complete &= matcher::find_where(
                        words,
                        &read,
                        text,
                        hits,
                        |k| from.get(k).is_some_and(|&i| reaches_run(i as usize)),
                        None,
                    );
                }
            }
        }
        // A phrase spelled out with no word breaks (`k i l l y o u r s e l f`): also read
        // with its joined word cut into known words.
        let cut = norm
            .spaced
            .then(|| segment::segmented(&norm.words, text))
            .flatten();
        if let Some(cut) = &cut {
            complete &= matcher::find(words, cut, text, hits);
        }
        // Words split by a space (`fu ck`, `ref ugees`): also read with the pieces
        // rejoined where together they make a known word.
        let cut = match cut {
            Some(cut) => Some(cut),
            None => {
                let joined = segment::rejoined(&norm.words);
                if let Some(j) = &joined {
                    complete &= matcher::find(words, j, text, hits);
                }
                joined
            }
        };
        if norm.plain_may_match {
            complete &= matcher::find(&self.plain, &norm.plain, text, hits);
        }
        drop_unjoinable(hits, parts_seen);
        hits.sort_unstable();
        hits.dedup();
        (complete, cut)
    }

    /// `cut`: the words with a phrase spelled out without breaks cut into words, when
    /// there was one; the word model reads it if the words as written tell it nothing
    /// (`b r i n g a b l a d e` is three words it knows, not two, one unknown).
    fn verdict(
        &self,
        text: &str,
        words: &Stream,
        cut: Option<&Stream>,
        hits: &[Hit],
        truncated: bool,
        scratch: &mut VerdictScratch,
    ) -> TextVerdict {
        let band_bit = 1u8 << self.band.index();
        let VerdictScratch {
            joined,
            shields,
            risks,
            kept,
            chains,
            features,
        } = scratch;
        join_parts(hits, words, joined, chains);
        // Quotation frames speak only through the quotations they clear: taken out of the
        // hits, they leave shields over those (and, if they clear any, the rule's say).
        let mut quoted: Vec<(usize, usize, &'static [Category])> = Vec::new();
        if joined.iter().any(|h| RULES[h.rule as usize].quote) {
            framed_quotations(text, joined, band_bit, &mut quoted);
            joined.retain(|h| !RULES[h.rule as usize].quote);
            if joined.is_empty() && !quoted.is_empty() {
                return self.nothing(truncated);
            }
        }
        let quoted = &quoted[..];
        if joined.is_empty() {
            // No rule spoke at all, for any band (parts that never joined do not count):
            // the word model may (see `learned`). A rule that spoke — a risk cancelled by a
            // negation, an allow or help rule, a risk for other bands — keeps the say.
            return match self.model_hit(text, words, cut, features) {
                Some(h) => self.verdict(text, words, None, &[h], truncated, scratch),
                None => self.nothing(truncated),
            };
        }
        // Only low risks spoke (one small step of grooming, a mild word), none of them
        // negated: low alone flags nothing, so it does not silence the model either.
        if quoted.is_empty()
            && !joined.iter().any(|h| h.rule as usize >= MODEL_RULES_AT)
            && joined.iter().all(|h| {
                let r = &RULES[h.rule as usize];
                r.kind == RuleKind::Risk
                    && r.severity == Severity::Low
                    && !(r.negatable && negated(words, text, h.start))
            })
        {
            if let Some(m) = self.model_hit(text, words, cut, features) {
                joined.push(m);
            }
        }
        shields.clear();
        risks.clear();
        kept.clear();
        let mut help_topics = [Severity::None; 11];
        let mut concerns: Vec<Category> = Vec::new();
        let mut help_seeking = false;
        for &h in joined.iter() {
            let rule = &RULES[h.rule as usize];
            if rule.bands & band_bit == 0 {
                continue;
            }
            match rule.kind {
                RuleKind::Risk => risks.push(h),
                RuleKind::Allow => shields.push((h.start, h.end, rule.categories.get())),
                RuleKind::Help => {
                    shields.push((h.start, h.end, rule.categories.get()));
                    help_seeking = true;
                    let reach = rule.severity.max(Severity::Medium);
                    for c in rule.categories.get() {
                        help_topics[c.index()] = help_topics[c.index()].max(reach);
                    }
                    // Looking up a helpline (`help.line.*`) describes no concern;
                    // "how do I stop self harming" does.
                    if !rule.id.get().starts_with("help.line.") {
                        concerns.extend_from_slice(rule.categories.get());
                    }
                }
            }
        }
        shields.extend_from_slice(quoted);
        risks.retain(|h| {
            let rule = &RULES[h.rule as usize];
            let cat = rule.category();
            let shielded = shields.iter().any(|&(s, e, cats)| {
                s <= h.start && h.end <= e && (cats.is_empty() || cats.contains(&cat))
            });
            let cancelled = rule.negatable && negated(words, text, h.start);
            !(shielded || cancelled)
        });
        // Only shielded or cancelled hits: the same verdict as no hit at all.
        if risks.is_empty() && !help_seeking {
            return self.nothing(truncated);
        }
        // Same rule matching overlapping text (e.g. stretched letters) counts once, and a
        // hit inside a longer hit of the same category and no lower severity adds nothing.
        risks.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        for &h in risks.iter() {
            let r = &RULES[h.rule as usize];
            let covered = kept.iter().rev().take(16).any(|k| {
                let kr = &RULES[k.rule as usize];
                k.start <= h.start
                    && h.end <= k.end
                    && kr.category() == r.category()
                    && kr.severity >= r.severity
            });
            if !covered {
                kept.push(h);
            }
        }

        let mut per_cat = [Severity::None; 11];
        // Distinct rule families (`grooming.secrecy`, `grooming.meet`, …) per category, in
        // two tiers (low; medium or worse): two different kinds of signal add up. Only
        // whether there are two matters, so each keeps its first family and a flag.
        let mut first_family: [[Option<&str>; 11]; 2] = [[None; 11]; 2];
        let mut two_families = [[false; 11]; 2];
        for h in kept.iter() {
            let r = &RULES[h.rule as usize];
            let c = r.category().index();
            per_cat[c] = per_cat[c].max(r.severity);
            let tier = usize::from(r.severity >= Severity::Medium);
            let family = family(r.id.get());
            match first_family[tier][c] {
                None => first_family[tier][c] = Some(family),
                Some(f) => two_families[tier][c] |= f != family,
            }
        }
        // Grooming builds up from small steps that are innocent one at a time (a
        // compliment, asking for a number, "turn your camera on"): two different low
        // signals in one message make a medium one.
        let g = Category::Grooming.index();
        if two_families[0][g] && per_cat[g] == Severity::Low {
            per_cat[g] = Severity::Medium;
        }
        for cat in [
            Category::Grooming,
            Category::SelfHarm,
            Category::Violence,
            Category::Extremism,
        ] {
            let c = cat.index();
            if two_families[1][c] {
                per_cat[c] = per_cat[c].escalate();
            }
        }
        let s = Category::Sexual.index();
        if per_cat[g] >= Severity::Medium && per_cat[s] >= Severity::Medium {
            per_cat[g] = Severity::Critical;
        }

        let mut action = Action::Allow;
        let mut alert = Alert::None;
        let mut severity = Severity::None;
        let mut categories: Vec<Category> = Vec::new();
        for cat in Category::ALL {
            let sev = per_cat[cat.index()];
            if sev == Severity::None {
                continue;
            }
            let cell: Cell = POLICY[cat.index()][sev.index() - 1][self.band.index()];
            action = action.max(cell.action);
            alert = alert.max(cell.alert);
            severity = severity.max(sev);
            categories.push(*cat);
        }
        categories.sort_by_key(|c| std::cmp::Reverse(per_cat[c.index()]));

        let matches = kept
            .iter()
            .map(|h| {
                let r = &RULES[h.rule as usize];
                let (start, end) = (h.start, h.end);
                Match {
                    category: r.category(),
                    severity: r.severity,
                    start,
                    end,
                    text: text[start..end].to_string(),
                    rule: r.id.get(),
                    source: r.source.get(),
                }
            })
            .collect();

        let help = self.help_for(&per_cat, &help_topics);
        TextVerdict {
            flagged: action != Action::Allow || alert != Alert::None,
            severity,
            categories,
            action,
            alert,
            matches,
            help,
            help_seeking,
            help_topics: {
                concerns.sort();
                concerns.dedup();
                concerns
            },
            age_band: self.band,
            truncated,
        }
    }

    /// The word model's verdict over the whole (trimmed) text as a hit of its
    /// `model.<category>` rule, if it finds a concern and applies to this band.
    fn model_hit(
        &self,
        text: &str,
        words: &Stream,
        cut: Option<&Stream>,
        features: &mut Vec<u32>,
    ) -> Option<Hit> {
        let first = RULES.get(MODEL_RULES_AT)?;
        if first.bands & (1u8 << self.band.index()) == 0 {
            return None;
        }
        let category = learned::judge(&words.bytes, features)
            .or_else(|| cut.and_then(|cut| learned::judge(&cut.bytes, features)))?;
        let start = text.len() - text.trim_start().len();
        let end = text.trim_end().len();
        (start < end).then_some(Hit {
            rule: (MODEL_RULES_AT + category.index()) as u32,
            part: 0,
            start,
            end,
        })
    }

    /// The verdict when nothing matched at all (most messages).
    fn nothing(&self, truncated: bool) -> TextVerdict {
        TextVerdict {
            flagged: false,
            severity: Severity::None,
            categories: Vec::new(),
            action: Action::Allow,
            alert: Alert::None,
            matches: Vec::new(),
            help: Vec::new(),
            help_seeking: false,
            help_topics: Vec::new(),
            age_band: self.band,
            truncated,
        }
    }

    /// Help routes for the concerns found and the topics asked about, in `help.tsv` order.
    fn help_for(
        &self,
        per_cat: &[Severity; 11],
        topics: &[Severity; 11],
    ) -> Vec<&'static HelpRoute> {
        crate::data::help_for(self.audience.help_age(), per_cat, topics)
    }
}

#[cfg(test)]
thread_local! {
    /// Tests: read every start again in the starred readings, as before the skip, and
    /// the stretched readings whole.
    static WALK_EVERY_START: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a test asked for the readings as they were before the skips.
fn walk_every_start() -> bool {
    #[cfg(test)]
    return WALK_EVERY_START.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
}

/// Buffers one thread reuses from one message to the next, so that a message with no
/// concern allocates nothing and one with a concern allocates only its verdict.
#[derive(Default)]
struct Scratch {
    norm: Normalized,
    hits: Vec<Hit>,
    parts_seen: PartsSeen,
    verdict: VerdictScratch,
    /// Where each walk of the words stream stopped (texts with censoring stars or
    /// stretched letters only).
    stops: Vec<u32>,
    /// The censoring stars' positions in the words stream, then the stretched runs'.
    star_at: Vec<u32>,
}

/// The working lists of [`Classifier::verdict`].
#[derive(Default)]
struct VerdictScratch {
    /// Hits with `A ... B` parts joined.
    joined: Vec<Hit>,
    /// Allow and help spans with the categories they cancel.
    shields: Vec<(usize, usize, &'static [Category])>,
    /// Risk hits for the band, then those neither shielded nor negated.
    risks: Vec<Hit>,
    /// Risk hits not covered by a longer hit of their category.
    kept: Vec<Hit>,
    /// [`join_parts`]'s chains of one rule.
    chains: Vec<(usize, usize)>,
    /// The word model's features found in a text.
    features: Vec<u32>,
}

/// Rules written `A ... B` match when their parts appear in order with at most
/// [`MAX_GAP_WORDS`] words between consecutive parts; the joined hit spans them all, each
/// part as far as its longest match from the nearest start.
/// Single-part hits pass through. `hits` must be sorted (by rule, part, start, end: the
/// order [`Hit`] derives), so each rule's parts lie together, part by part. Work is
/// bounded: at most [`MAX_JOIN`] hits per part are joined.
fn join_parts(hits: &[Hit], words: &Stream, out: &mut Vec<Hit>, chains: &mut Vec<(usize, usize)>) {
    out.clear();
    // Single-part hits first, then the joined ones (the order later steps see).
    out.extend(hits.iter().filter(|h| RULES[h.rule as usize].parts <= 1));
    let mut i = 0;
    while i < hits.len() {
        let rule = hits[i].rule;
        let j = i + hits[i..].iter().take_while(|h| h.rule == rule).count();
        let group = &hits[i..j];
        i = j;
        let parts = usize::from(RULES[rule as usize].parts);
        if parts <= 1 {
            continue;
        }
        let of_part = |p: usize| {
            group
                .iter()
                .filter(move |h| usize::from(h.part) == p)
                .take(MAX_JOIN)
        };
        // Chains so far: (start of part 0, end of the last part joined).
        chains.clear();
        chains.extend(of_part(0).map(|h| (h.start, h.end)));
        for p in 1..parts {
            chains.retain_mut(|(_, e)| {
                let near = |h: &&Hit| {
                    h.start >= *e
                        && gap_is_short(&words.bytes, words.position(*e), words.position(h.start))
                };
                // The nearest hit of the part, and of those starting there the longest
                // (sorted by start, then end: the last), so the span takes in the whole
                // phrase. One pass over the part's hits.
                let mut from = of_part(p).skip_while(|h| !near(h));
                match from.next() {
                    Some(h) => {
                        *e = from
                            .take_while(|k| k.start == h.start)
                            .last()
                            .map_or(h.end, |k| k.end);
                        true
                    }
                    None => false,
                }
            });
        }
        if let Some(&(start, end)) = chains.first() {
            out.push(Hit {
                rule,
                part: 0,
                start,
                end,
            });
        }
    }
}

/// Drops the hits of `A ... B` rules that lack a part anywhere in the text: they cannot
/// join. The first part of such rules is often a common word (`i`, `the`, `what`), so
/// most texts give several hits that this removes before they are sorted. `seen` holds a
/// generation and a mask of parts per rule and is reused from one text to the next.
fn drop_unjoinable(hits: &mut Vec<Hit>, seen: &mut PartsSeen) {
    if seen.marks.len() != RULES.len() {
        seen.marks = vec![(0, 0); RULES.len()];
        seen.generation = 0;
    }
    seen.generation = seen.generation.wrapping_add(1);
    if seen.generation == 0 {
        seen.marks.fill((0, 0));
        seen.generation = 1;
    }
    let generation = seen.generation;
    for h in hits.iter() {
        if RULES[h.rule as usize].parts > 1 {
            let mark = &mut seen.marks[h.rule as usize];
            if mark.0 != generation {
                *mark = (generation, 0);
            }
            mark.1 |= 1 << h.part.min(7);
        }
    }
    hits.retain(|h| {
        let parts = RULES[h.rule as usize].parts;
        parts <= 1 || seen.marks[h.rule as usize].1 == (1u8 << parts.min(8)).wrapping_sub(1)
    });
}

/// Per rule, the generation of the text that last touched it and the parts it gave.
#[derive(Default)]
struct PartsSeen {
    marks: Vec<(u32, u8)>,
    generation: u32,
}

/// Whether `words[a..b]` holds at most [`MAX_GAP_WORDS`] words (runs of letters and
/// digits) within [`MAX_GAP_BYTES`]. The scan stops as soon as the answer is known, so
/// joining parts costs at most `MAX_GAP_BYTES` per pair however long the text.
fn gap_is_short(words: &[u8], a: usize, b: usize) -> bool {
    let (a, b) = (a.min(b), b.min(words.len()));
    if b.saturating_sub(a) > MAX_GAP_BYTES {
        return false;
    }
    let mut n = 0;
    let mut in_word = false;
    for &c in &words[a.min(b)..b] {
        let w = c.is_ascii_alphanumeric();
        if w && !in_word {
            n += 1;
            if n > MAX_GAP_WORDS {
                return false;
            }
        }
        in_word = w;
    }
    true
}

/// A shield over each quotation of `text` that a `quote` allow rule frames from outside
/// it, unless the text speaks in the first person outside its quotations (see
/// [`crate::quotes`]). Rare: only texts where such a frame matched come here.
fn framed_quotations(
    text: &str,
    joined: &[Hit],
    band_bit: u8,
    shields: &mut Vec<(usize, usize, &'static [Category])>,
) {
    let mut quotes = Vec::new();
    crate::quotes::quotations(text, &mut quotes);
    if quotes.is_empty() || crate::quotes::first_person_outside(text, &quotes) {
        return;
    }
    for h in joined {
        let rule = &RULES[h.rule as usize];
        if !rule.quote || rule.bands & band_bit == 0 {
            continue;
        }
        for &(s, e) in &quotes {
            if h.end <= s || e <= h.start {
                shields.push((s, e, rule.categories.get()));
            }
        }
    }
}

/// A rule's family: its id up to the second dot (`grooming.secrecy.dont_tell` → `grooming.secrecy`).
fn family(id: &str) -> &str {
    match id.match_indices('.').nth(1) {
        Some((i, _)) => &id[..i],
        None => id,
    }
}

/// Cuts `text` to at most `max` bytes at a character boundary.
fn cut(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

/// Words that start a new clause after a comma ("I'm fine but I'm not, I think about …"):
/// a negation before the comma is not of what follows.
const CLAUSE_STARTS: &[&[u8]] = &[
    b"i", b"im", b"ive", b"id", b"ill", b"u", b"you", b"youre", b"he", b"she", b"they", b"we",
    b"theyre", b"were", b"hes", b"shes",
];

/// Is one of the three words before the match at `offset` (in `text`) a negation?
///
/// The look-back reads the words stream and stops at a sentence end; a comma (which the
/// words stream reads as a space, so it is found in `text`) stops it when a new clause
/// starts after it, so "not, I think about dying" is not negated but "never, ever" is.
fn negated(words: &Stream, text: &str, offset: usize) -> bool {
    let w = &words.bytes;
    let mut i = words.position(offset).min(w.len());
    let word_at = |i: usize| {
        &w[i..i + w[i..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count()]
    };
    // The word after the gap being crossed (at first, the match's first word).
    let mut after = word_at(i);
    for _ in 0..3 {
        let gap_end = i;
        while i > 0 && !w[i - 1].is_ascii_alphanumeric() {
            // A sentence end stops the look-back.
            if matches!(w[i - 1], b'.' | b'?' | b'!' | b'\n') {
                return false;
            }
            i -= 1;
        }
        if i > 0 && gap_end < w.len() && CLAUSE_STARTS.contains(&after) {
            let from = words.starts[i - 1] as usize + 1;
            let to = words.starts[gap_end] as usize;
            if text
                .as_bytes()
                .get(from..to)
                .is_some_and(|g| g.iter().any(|&b| b == b',' || b == b';'))
            {
                return false;
            }
        }
        let end = i;
        while i > 0 && w[i - 1].is_ascii_alphanumeric() {
            i -= 1;
        }
        if end == i {
            return false;
        }
        after = &w[i..end];
        if NEGATORS.contains(&after) {
            // "I'm not joking, I'll kill you": the negation is of the joke, not the threat.
            let next = end
                + w[end..]
                    .iter()
                    .take_while(|b| !b.is_ascii_alphanumeric())
                    .count();
            return !NOT_NEGATING.contains(&word_at(next));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Classifies random texts of `words` (each word changed by `disguise` sometimes; every
    /// tenth text 150 words long) with the skips and as if every start were walked again,
    /// asserts the verdicts equal, and returns how many flagged texts `counts` accepts.
    fn skips_change_nothing(
        words: &[&str],
        seed: u64,
        disguise: impl Fn(&mut crate::test_rng::Rng, String) -> String,
        counts: impl Fn(&str) -> bool,
    ) -> usize {
        let c = Classifier::new();
        let mut rng = crate::test_rng::Rng::new(seed);
        let mut exercised = 0;
        for n in 0..400 {
            let len = if n % 10 == 0 { 150 } else { 1 + rng.below(12) };
            let mut text = String::new();
            for _ in 0..len {
                let w = rng.pick(words).to_string();
                text.push_str(&disguise(&mut rng, w));
                text.push_str(if rng.below(8) == 0 { ", " } else { " " });
            }
            let skipped = c.classify(&text);
            WALK_EVERY_START.with(|w| w.set(true));
            let every = c.classify(&text);
            WALK_EVERY_START.with(|w| w.set(false));
            assert_eq!(format!("{skipped:?}"), format!("{every:?}"), "{text}");
            exercised += usize::from(counts(&text) && skipped.flagged);
        }
        exercised
    }

    const RISKY_AND_ORDINARY: [&str; 31] = [
        "kill", "yourself", "you", "fuck", "off", "send", "nudes", "the", "school", "shit", "hate",
        "my", "mum", "a", "i", "will", "stab", "go", "die", "slag", "nobody", "likes", "u", "ur",
        "so", "ugly", "dont", "tell", "anyone", "what", "loser",
    ];

    /// Skipping the starts whose walk stopped before a star finds what walking them all
    /// finds: some words with a star for a vowel, some texts long (stars hundreds of bytes
    /// apart).
    #[test]
    fn starred_readings_skip_only_walks_that_cannot_differ() {
        let mut words = RISKY_AND_ORDINARY.to_vec();
        words.extend([
            "f*", "**", "m****r", "*", "s*x", "n*de", "b*tch", "k*ll", "y*urself",
        ]);
        let starred = skips_change_nothing(
            &words,
            11,
            |rng, mut w| {
                if rng.below(6) == 0 {
                    if let Some(v) = w.find(|ch| "aeiou".contains(ch)) {
                        w.replace_range(v..v + 1, "*");
                    }
                }
                w
            },
            |text| text.contains('*'),
        );
        assert!(
            starred > 100,
            "the texts exercise starred matches ({starred})"
        );
    }

    /// Reading stretched letters only around their runs, and only from the starts whose
    /// walk reached a run, finds what reading the whole text squeezed finds (runs at the
    /// start, inside and at the end of words and texts, hundreds of bytes apart).
    #[test]
    fn stretched_readings_skip_only_walks_that_cannot_differ() {
        let mut words = RISKY_AND_ORDINARY.to_vec();
        words.extend([
            "ass", "sexy", "noo", "pls", "lol", "bitch", "kys", "weed", "good",
        ]);
        let stretched = skips_change_nothing(
            &words,
            12,
            |rng, mut w| {
                if rng.below(4) == 0 {
                    let k = rng.below(w.len());
                    let letter = w[k..k + 1].repeat(2 + rng.below(5));
                    w.replace_range(k..k + 1, &letter);
                }
                w
            },
            |text| {
                runs(&crate::normalize::normalize(text).words.bytes)
                    .next()
                    .is_some()
            },
        );
        assert!(
            stretched > 100,
            "the texts exercise stretched matches ({stretched})"
        );
    }

    #[test]
    fn families() {
        assert_eq!(family("grooming.secrecy.dont_tell"), "grooming.secrecy");
        assert_eq!(family("a.b"), "a.b");
    }

    #[test]
    fn gaps_are_short_up_to_eight_words_and_the_byte_bound() {
        let eight = b"a b c d e f g h";
        assert!(gap_is_short(eight, 0, eight.len()));
        let nine = b"a b c d e f g h i";
        assert!(!gap_is_short(nine, 0, nine.len()));
        assert!(gap_is_short(b"  ", 0, 2));
        assert!(gap_is_short(b"x", 3, 1));
        let spaces = vec![b' '; MAX_GAP_BYTES + 1];
        assert!(!gap_is_short(&spaces, 0, spaces.len()));
        assert!(gap_is_short(&spaces, 1, spaces.len()));
    }

    #[test]
    fn cut_respects_char_boundaries() {
        assert_eq!(cut("héllo", 2), ("h", true));
        assert_eq!(cut("hi", 5), ("hi", false));
    }

    #[test]
    fn negation_looks_back_three_words_within_a_sentence() {
        // Is the match that starts at the last occurrence of `word` negated?
        let neg = |text: &str, word: &str| {
            let n = crate::normalize::normalize(text);
            negated(&n.words, text, text.rfind(word).unwrap())
        };
        assert!(neg("i would never ever kill", "kill"));
        assert!(!neg("im not joking ill kill", "ill"));
        assert!(!neg("never. kill", "kill"));
        assert!(!neg("not one two three kill", "kill"));
        assert!(
            !neg("im fine but im not, i think about dying", "i think"),
            "a comma before a new clause"
        );
        assert!(
            neg("i would never, ever kill", "kill"),
            "a comma inside the clause"
        );
        assert!(neg("i'm not, like, going to hurt you", "going"));
        assert!(!neg("", ""));
    }

    #[test]
    fn age_out_of_range_is_an_error() {
        assert_eq!(
            Classifier::builder().age(200).unwrap_err(),
            ConfigError::AgeOutOfRange(200)
        );
        assert_eq!(
            Classifier::builder().age(9).unwrap().build().age_band(),
            AgeBand::Ks2
        );
        assert!(Classifier::builder().max_input_bytes(0).is_err());
    }

    #[test]
    fn embedded_automata_load() {
        let w = Automata::words();
        assert!(w.tokens.is_some() && Automata::plain().table.is_some());
        assert!(w.tokens.is_some_and(|t| t.nodes() > 100));
    }
}
