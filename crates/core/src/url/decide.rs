//! The URL decision: lists, overrides, heuristics, search terms, SafeSearch and carried
//! pages combined into one action for an age band, with every reason named.
//!
//! Order of precedence, strongest first:
//! 1. hashed lists (`illegal`): always block; nothing can switch them off;
//! 2. the school's overrides (allow or deny, from its change log);
//! 3. list categories: a more specific entry beats a less specific one, and at equal
//!    specificity an education or help entry beats a blocking one, so education and help
//!    sites are never blocked by a category;
//! 4. for addresses no list knows: look-alike names of listed sites, then heuristics;
//! 5. the band's policy per category and the site's minimum age;
//! 6. search engines: SafeSearch forced (URL or header), engines without it blocked for
//!    pupils, search terms judged by the text classifier (help searches always allowed);
//! 7. carriers (translators, caches, archives): the carried page is judged too and the
//!    stricter decision wins.

use esafety_pack::Pack;
use esafety_taxonomy::{Action, AgeBand, Alert, Category, Severity, UrlCategory};
use serde::Serialize;

use super::address::{self, Address, HostKind, Kind, UrlError};
use super::data::{Cell, Safe, ALERTS, DEFAULT_PACK, POLICY};
use super::lists::{self, ListHit, NamedPack};
use super::overrides::{OverrideAction, Overrides};
use super::{carrier, heuristics, search};
use crate::audience::Audience;
use crate::data::HelpRoute;
use crate::text::{Classifier, ConfigError, TextVerdict};

/// How many carriers deep a decision follows (a translator showing an archive showing a
/// page is two).
pub const MAX_CARRIER_DEPTH: u8 = 3;

/// Minimum age assumed for a social-media site whose list entry gives none.
pub const DEFAULT_SOCIAL_MEDIA_AGE: u8 = 13;

/// Why a decision is what it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub kind: ReasonKind,
    /// The category this reason is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<UrlCategory>,
    /// What this reason alone would do.
    pub action: Action,
    /// Where it comes from: list and line, heuristic id and line, override line…
    pub source: String,
    /// A short explanation for the admin.
    pub detail: String,
}

/// The kind of a [`Reason`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    List,
    HashedList,
    Override,
    Heuristic,
    Lookalike,
    MinAge,
    Search,
    SafeSearch,
    Carrier,
    Scheme,
}

/// A request header to send (YouTube's restricted mode).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Header {
    pub name: &'static str,
    pub value: &'static str,
}

/// Search terms found in the address, with their text verdict.
#[derive(Clone, Debug, Serialize)]
pub struct SearchQuery {
    pub engine: &'static str,
    pub text: String,
    pub verdict: TextVerdict,
}

/// The answer for one URL.
#[derive(Clone, Debug, Serialize)]
pub struct UrlDecision {
    /// The URL as parsed and normalised.
    pub url: String,
    pub host: String,
    pub registrable_domain: Option<String>,
    pub action: Action,
    /// Categories found (allow categories included), in taxonomy order.
    pub categories: Vec<UrlCategory>,
    /// The highest minimum age the site's entries set.
    pub min_age: Option<u8>,
    pub reasons: Vec<Reason>,
    /// Where to redirect to force SafeSearch (absent when already safe or not a search).
    pub safe_search_url: Option<String>,
    /// Headers to send with requests to this site (YouTube restricted mode).
    pub headers: Vec<Header>,
    /// Boxed: a text verdict is large, and most addresses are not searches.
    pub search_query: Option<Box<SearchQuery>>,
    /// The page a translator, cache or archive carries, when there is one.
    pub carried_url: Option<String>,
    pub alert: Alert,
    pub help: Vec<&'static HelpRoute>,
    pub age_band: AgeBand,
    /// Search terms (here or in a page carried) were judged before the lexicon was
    /// installed (builds with `external-lexicon` only, see [`crate::lexicon_ready`]): ask
    /// again once it is.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub text_pending: bool,
    /// Whether reasons and help are being collected (`classify`) or not (`check`).
    #[serde(skip)]
    explain: bool,
}

impl UrlDecision {
    /// Adds a category, keeping the list in taxonomy order without repeats.
    fn add_category(&mut self, c: UrlCategory) {
        if let Err(at) = self.categories.binary_search(&c) {
            self.categories.insert(at, c);
        }
    }

    /// Records a reason, building it only when the caller asked for explanations.
    fn note(&mut self, reason: impl FnOnce() -> Reason) {
        if self.explain {
            self.reasons.push(reason());
        }
    }
}

/// Configures a [`UrlClassifier`].
#[derive(Clone, Debug)]
pub struct UrlClassifierBuilder {
    audience: Audience,
    packs: Vec<NamedPack>,
    overrides: Overrides,
    builtin: bool,
}

impl Default for UrlClassifierBuilder {
    fn default() -> Self {
        UrlClassifierBuilder {
            audience: Audience::default(),
            packs: Vec::new(),
            overrides: Overrides::new(),
            builtin: true,
        }
    }
}

impl UrlClassifierBuilder {
    /// The pupil's age band (KS2 by default).
    pub fn age_band(mut self, band: AgeBand) -> Self {
        self.audience = Audience::band(band);
        self
    }

    /// The pupil's exact age: sets the band and is compared with sites' minimum ages.
    pub fn age(mut self, age: u32) -> Result<Self, ConfigError> {
        self.audience = Audience::exact(age)?;
        Ok(self)
    }

    /// Adds a school list pack (after the built-in list; all packs are consulted).
    pub fn pack(mut self, name: &str, pack: Pack) -> Self {
        self.packs.push(NamedPack {
            name: name.to_string(),
            pack,
        });
        self
    }

    /// The school's allow and deny overrides.
    pub fn overrides(mut self, overrides: Overrides) -> Self {
        self.overrides = overrides;
        self
    }

    /// Leaves out the built-in domain list (for tests and benchmarks of loaded lists).
    pub fn without_builtin_list(mut self) -> Self {
        self.builtin = false;
        self
    }

    pub fn build(self) -> UrlClassifier {
        let mut packs = Vec::with_capacity(self.packs.len() + 1);
        if self.builtin {
            // Validated (and its filters built) once per process; a clone shares them.
            static BUILTIN: std::sync::OnceLock<Pack> = std::sync::OnceLock::new();
            let pack = BUILTIN
                .get_or_init(|| {
                    Pack::from_static(DEFAULT_PACK)
                        .expect("the built-in pack is checked at build time")
                })
                .clone();
            packs.push(NamedPack {
                name: "default".into(),
                pack,
            });
        }
        packs.extend(self.packs);
        let text = Classifier::builder().audience(self.audience);
        let expressions = lists::compile_expressions(&packs);
        UrlClassifier {
            band: self.audience.band,
            audience: self.audience,
            expressions,
            packs,
            overrides: self.overrides,
            text: text.build(),
        }
    }
}

/// Decides what to do with URLs for one age band (or exact age).
///
/// ```
/// use esafety::{Action, AgeBand, UrlClassifier};
/// let ks2 = UrlClassifier::builder().age_band(AgeBand::Ks2).build();
/// let d = ks2.classify("https://www.google.co.uk/search?q=volcanoes").unwrap();
/// assert_eq!(d.action, Action::Allow);
/// assert_eq!(d.safe_search_url.as_deref(), Some("https://www.google.co.uk/search?q=volcanoes&safe=active"));
/// assert!(ks2.classify("http://").is_err());
/// ```
#[derive(Clone, Debug)]
pub struct UrlClassifier {
    /// `audience.band`, kept at hand.
    band: AgeBand,
    audience: Audience,
    packs: Vec<NamedPack>,
    /// The packs' regular expressions, compiled once.
    expressions: lists::Expressions,
    overrides: Overrides,
    text: Classifier,
}

impl Default for UrlClassifier {
    fn default() -> Self {
        UrlClassifier::builder().build()
    }
}

impl UrlClassifier {
    pub fn builder() -> UrlClassifierBuilder {
        UrlClassifierBuilder::default()
    }

    pub fn age_band(&self) -> AgeBand {
        self.band
    }

    /// The list packs consulted, built-in first.
    pub fn packs(&self) -> &[NamedPack] {
        &self.packs
    }

    /// Decides for one URL. Malformed input is a typed error, never a panic.
    pub fn classify(&self, url: &str) -> Result<UrlDecision, UrlError> {
        let addr = address::parse(url)?;
        Ok(self.decide_owned(addr, 0, true))
    }

    /// [`Self::decide`], moving the address's strings into the decision.
    fn decide_owned(&self, addr: Address, depth: u8, explain: bool) -> UrlDecision {
        let mut d = self.decide(&addr, depth, explain);
        d.registrable_domain = addr.registrable().map(str::to_string);
        d.url = addr.url.into_owned();
        d.host = addr.host.into_owned();
        d
    }

    /// The same decision as [`Self::classify`] — action, categories, minimum age, alert,
    /// SafeSearch URL, headers, search terms — without building explanations: `reasons`
    /// and `help` are empty, and `url`, `host` and `registrable_domain` are not filled in.
    /// For the navigation hot path, where almost every address is allowed; call
    /// `classify` for the page that explains a block.
    pub fn check(&self, url: &str) -> Result<UrlDecision, UrlError> {
        let addr = address::parse(url)?;
        // Filled in place in the result that is returned, instead of built by `decide`
        // and moved into it (the decision is a few hundred bytes).
        let mut out = Ok(self.blank(false));
        if let Ok(d) = &mut out {
            self.fill(&addr, 0, d);
        }
        out
    }

    fn decide(&self, addr: &Address, depth: u8, explain: bool) -> UrlDecision {
        let mut d = self.blank(explain);
        self.fill(addr, depth, &mut d);
        d
    }

    /// Everything [`Self::decide`] finds, into `d` (from [`Self::blank`]).
    fn fill(&self, addr: &Address, depth: u8, d: &mut UrlDecision) {
        let extra = self.judge(addr, depth, d);
        self.finish(d, extra);
    }

    /// A decision with nothing found yet; `url`, `host` and the registrable domain are
    /// moved in by `decide_owned`.
    fn blank(&self, explain: bool) -> UrlDecision {
        UrlDecision {
            url: String::new(),
            host: String::new(),
            registrable_domain: None,
            action: Action::Allow,
            categories: Vec::new(),
            min_age: None,
            reasons: Vec::new(),
            safe_search_url: None,
            headers: Vec::new(),
            search_query: None,
            carried_url: None,
            alert: Alert::None,
            help: Vec::new(),
            age_band: self.band,
            text_pending: false,
            explain,
        }
    }

    /// Everything [`Self::decide`] finds, into `d`; returns the categories that only the
    /// help routes should see besides `d.categories`.
    fn judge(&self, addr: &Address, depth: u8, d: &mut UrlDecision) -> &'static [UrlCategory] {
        let explain = d.explain;
        match addr.kind {
            Kind::Web => {}
            Kind::Blob => {
                let inner = addr.raw_path().to_string();
                if depth < MAX_CARRIER_DEPTH {
                    if let Ok(a) = address::parse(&inner) {
                        let inner_d = self.decide_owned(a, depth + 1, explain);
                        self.merge_carried(d, "blob", inner_d);
                    }
                }
                return &[];
            }
            Kind::Data => {
                self.judge_data(addr, d);
                return &[];
            }
            _ => {
                d.note(|| Reason {
                    kind: ReasonKind::Scheme,
                    category: None,
                    action: Action::Allow,
                    source: addr.scheme().to_string(),
                    detail: "not a web page: nothing to filter".into(),
                });
                return &[];
            }
        }

        let mut hits = Vec::new();
        lists::probe(&self.packs, addr, &addr.host, &mut hits);
        lists::probe_expressions(&self.packs, &self.expressions, addr, &mut hits);

        // 1. Hashed lists: block, whatever else is configured.
        if let Some(h) = hits.iter().find(|h| h.hashed) {
            d.categories.push(UrlCategory::Illegal);
            d.action = Action::Block;
            d.alert = Alert::Urgent;
            d.note(|| Reason {
                kind: ReasonKind::HashedList,
                category: Some(UrlCategory::Illegal),
                action: Action::Block,
                source: h.source(),
                detail: "on a hashed list of illegal content".into(),
            });
            return &[UrlCategory::Illegal];
        }

        // 3. List categories, most specific first.
        let (bits, min_age) = combine(&hits, explain.then_some(&mut d.reasons));
        let mut weak = 0u32;

        // 4. Unknown addresses: look-alikes, then heuristics.
        if hits.is_empty() {
            weak |= self.unknown(addr, d);
        } else if bits & UrlCategory::ALLOW_BITS == 0 {
            let mut found = Vec::new();
            heuristics::check_path(addr, &mut found);
            weak |= self.heuristic_reasons(found, d);
        }
        // A weak heuristic only caps a category that nothing stronger gave.
        weak &= !bits;
        let bits = bits | weak | d.categories.iter().fold(0, |b, c| b | c.bit());
        d.categories = categories_of(bits);
        d.min_age = (min_age > 0).then_some(min_age);

        // 2. Overrides (checked after the lists so the decision still names the categories).
        let found = if self.overrides.is_empty() {
            None
        } else {
            self.overrides
                .find(&addr.host_suffixes(lists::MAX_HOST_PROBES), addr.path())
        };
        if let Some(o) = found {
            let action = match o.action {
                OverrideAction::Allow => Action::Allow,
                OverrideAction::Deny => Action::Block,
            };
            d.note(|| Reason {
                kind: ReasonKind::Override,
                category: None,
                action,
                source: format!("overrides:{}", o.line),
                detail: format!("{} by {} on {}: {}", o.target, o.who, o.when, o.reason),
            });
            d.action = action;
            if action == Action::Block {
                d.alert = Alert::None;
                return &[];
            }
        } else {
            // 5. Policy per category and minimum age.
            self.apply_policy(d, bits, weak, min_age);
        }

        let allow_site = bits & UrlCategory::ALLOW_BITS != 0;
        // 6. Search engines.
        if let Some(e) = search::engine(addr) {
            if e.query.is_some() && e.safe != Safe::Header {
                d.add_category(UrlCategory::Search);
            }
            if let Some((name, value)) = e.header {
                d.headers.push(Header { name, value });
                d.note(|| Reason {
                    kind: ReasonKind::SafeSearch,
                    category: None,
                    action: Action::Allow,
                    source: format!("data/url/search.tsv:{}", e.line),
                    detail: format!("{name}: {value} header sent (restricted mode)"),
                });
            }
            match e.safe {
                Safe::Param(..) => {
                    if let Some(safe) = search::safe_url(addr, e) {
                        d.note(|| Reason {
                            kind: ReasonKind::SafeSearch,
                            category: None,
                            action: Action::Allow,
                            source: format!("data/url/search.tsv:{}", e.line),
                            detail: format!("SafeSearch forced on {}", e.id),
                        });
                        d.safe_search_url = Some(safe);
                    }
                }
                Safe::None if self.band != AgeBand::Staff && !allow_site => {
                    d.action = Action::Block;
                    d.note(|| Reason {
                        kind: ReasonKind::SafeSearch,
                        category: Some(UrlCategory::Search),
                        action: Action::Block,
                        source: format!("data/url/search.tsv:{}", e.line),
                        detail: format!("{} has no SafeSearch that can be locked on", e.id),
                    });
                }
                _ => {}
            }
            if let Some(q) = search::query(addr, e) {
                let verdict = self.text.classify(&q);
                d.text_pending |= !crate::lexicon_ready();
                let help_site = bits & UrlCategory::Help.bit() != 0;
                // Staff search for these things for good reasons (and are not filtered for
                // them): only pupils' searches are judged this way.
                if !verdict.help_seeking && !help_site && self.band != AgeBand::Staff {
                    self.query_heuristics(e.id, &q, d);
                }
                if verdict.flagged || verdict.help_seeking {
                    let (action, alert) = if verdict.help_seeking || help_site {
                        // Help searches are always allowed; one that describes a concern
                        // ("how to stop self harming") tells the DSL, a helpline look-up
                        // ("childline number") does not.
                        let shows_risk = !verdict.help_topics.is_empty() || verdict.flagged;
                        (
                            Action::Allow,
                            if shows_risk {
                                verdict.alert.max(Alert::Weekly)
                            } else {
                                Alert::None
                            },
                        )
                    } else {
                        (search_action(&verdict, self.band), verdict.alert)
                    };
                    d.note(|| Reason {
                        kind: ReasonKind::Search,
                        category: None,
                        action,
                        source: e.id.to_string(),
                        detail: if verdict.help_seeking {
                            "a search for help: always allowed".to_string()
                        } else {
                            let cats: Vec<&str> =
                                verdict.categories.iter().map(|c| c.as_str()).collect();
                            format!("search terms: {}", cats.join(", "))
                        },
                    });
                    d.action = d.action.max(action);
                    d.alert = d.alert.max(alert);
                }
                d.search_query = Some(Box::new(SearchQuery {
                    engine: e.id,
                    text: q,
                    verdict,
                }));
            }
        }

        // 7. Carriers.
        if depth < MAX_CARRIER_DEPTH {
            if let Some(c) = carrier::carried(addr) {
                if let Ok(a) = address::parse(&c.url) {
                    let inner_d = self.decide_owned(a, depth + 1, explain);
                    if c.redirect {
                        follow_redirect(d, c.id, inner_d);
                    } else {
                        self.merge_carried(d, c.id, inner_d);
                    }
                }
            }
        }
        &[]
    }

    /// Look-alike names and heuristics for an address no list knows. Returns the bits of
    /// weak categories (capped at warn).
    fn unknown(&self, addr: &Address, d: &mut UrlDecision) -> u32 {
        let skeleton = addr
            .unicode_host
            .as_deref()
            .and_then(skeleton)
            .filter(|s| *s != addr.host);
        if let Some(skeleton) = &skeleton {
            let mut hits = Vec::new();
            lists::probe(&self.packs, addr, skeleton, &mut hits);
            let mut bits = 0u32;
            for h in &hits {
                bits |= h.categories;
            }
            if bits != 0 {
                // A name made to look like a listed one is an impersonation whatever the
                // original is (`rоblox.com` is no game site): malware, and the original's
                // block categories too (`pоrnhub.com` is still pornography).
                let copied = bits & !UrlCategory::ALLOW_BITS;
                let strong_bits = copied | UrlCategory::Malware.bit();
                let cat = UrlCategory::ALL
                    .iter()
                    .copied()
                    .find(|c| copied & c.bit() != 0)
                    .or(Some(UrlCategory::Malware));
                d.note(|| Reason {
                    kind: ReasonKind::Lookalike,
                    category: cat,
                    action: Action::Allow,
                    source: hits[0].source(),
                    detail: format!(
                        "{} looks like {skeleton}",
                        addr.unicode_host.as_deref().unwrap_or("")
                    ),
                });
                for c in UrlCategory::ALL {
                    if strong_bits & c.bit() != 0 {
                        d.categories.push(*c);
                    }
                }
                return 0;
            }
        }
        if addr.host_kind != HostKind::Domain {
            if is_local(&addr.host) {
                return 0;
            }
            let hits = heuristics::check_ip(addr);
            if !hits.is_empty() {
                return self.heuristic_reasons(hits, d);
            }
            d.note(|| Reason {
                kind: ReasonKind::Heuristic,
                category: Some(UrlCategory::Proxy),
                action: Action::Allow,
                source: "heuristic:ip_address".into(),
                detail: "a bare IP address can be a way round the filter".into(),
            });
            return UrlCategory::Proxy.bit();
        }
        let found = heuristics::check(addr, skeleton.as_deref());
        self.heuristic_reasons(found, d)
    }

    /// Adds a reason per heuristic hit; strong categories join the decision, weak ones
    /// are returned (capped at warn).
    fn heuristic_reasons(&self, found: Vec<heuristics::HeuristicHit>, d: &mut UrlDecision) -> u32 {
        let mut weak = 0u32;
        for h in found {
            d.note(|| Reason {
                kind: ReasonKind::Heuristic,
                category: Some(h.category),
                action: Action::Allow,
                source: if h.line == 0 {
                    format!("heuristic:{} (built in)", h.id)
                } else {
                    format!("heuristic:{} (data/url/heuristics.tsv:{})", h.id, h.line)
                },
                detail: format!("{} ({})", h.reason, h.seen),
            });
            if h.strong {
                d.categories.push(h.category);
            } else {
                weak |= h.category.bit();
            }
        }
        // A category that is strong from one heuristic is not weak because of another.
        for c in &d.categories {
            weak &= !c.bit();
        }
        weak
    }

    /// Search terms that look for a way round the filter or a blocked kind of site
    /// ("unblocked games", "omegle alternatives"): the `query` rows of the heuristics, with
    /// the band's policy for their category (weak rows at most warn).
    fn query_heuristics(&self, engine: &str, q: &str, d: &mut UrlDecision) {
        let mut found = Vec::new();
        heuristics::check_query(q, &mut found);
        for h in found {
            let mut action = cell_action(
                POLICY[h.category.index()][self.band.index()],
                self.audience.youngest_age(),
                0,
            );
            if !h.strong {
                action = action.min(Action::Warn);
            }
            if action > Action::Allow {
                d.alert = d.alert.max(ALERTS[h.category.index()]);
            }
            d.action = d.action.max(action);
            d.add_category(h.category);
            d.note(|| Reason {
                kind: ReasonKind::Search,
                category: Some(h.category),
                action,
                source: format!(
                    "heuristic:{} (data/url/heuristics.tsv:{}) on {engine}",
                    h.id, h.line
                ),
                detail: format!("{} ({})", h.reason, h.seen),
            });
        }
    }

    fn apply_policy(&self, d: &mut UrlDecision, bits: u32, weak: u32, min_age: u8) {
        let age = self.audience.youngest_age();
        let band = self.band.index();
        // One step per category present (most addresses carry one or two of the 19).
        let mut present = bits & !UrlCategory::ALLOW_BITS;
        while present != 0 {
            let i = present.trailing_zeros() as usize;
            present &= present - 1;
            let Some(c) = UrlCategory::ALL.get(i) else {
                continue; // past the taxonomy: not from a checked pack
            };
            let mut action = cell_action(POLICY[c.index()][band], age, min_age);
            if weak & c.bit() != 0 {
                action = action.min(Action::Warn);
            }
            // Record the action on this category's reasons.
            for r in d.reasons.iter_mut().filter(|r| r.category == Some(*c)) {
                r.action = r.action.max(action);
            }
            if action > Action::Allow {
                d.alert = d.alert.max(ALERTS[c.index()]);
            }
            d.action = d.action.max(action);
        }
        if min_age > age && bits & UrlCategory::ALLOW_BITS == 0 && self.band != AgeBand::Staff {
            d.note(|| Reason {
                kind: ReasonKind::MinAge,
                category: None,
                action: Action::Block,
                source: "list entry".into(),
                detail: format!("the site's minimum age is {min_age}"),
            });
            d.action = Action::Block;
        }
    }

    fn merge_carried(&self, d: &mut UrlDecision, carrier: &str, inner: UrlDecision) {
        d.carried_url = Some(inner.url.clone());
        d.text_pending |= inner.text_pending;
        if inner.action > Action::Allow || !inner.categories.is_empty() {
            d.note(|| carrier_reason(carrier, "shows", &inner));
        }
        if inner.action > d.action {
            d.action = inner.action;
            for c in inner.categories.iter().filter(|c| !c.is_allow()) {
                d.add_category(*c);
            }
            d.reasons.extend(
                inner
                    .reasons
                    .into_iter()
                    .filter(|r| r.action > Action::Allow),
            );
            d.min_age = d.min_age.max(inner.min_age);
        }
        d.alert = d.alert.max(inner.alert);
    }

    fn judge_data(&self, addr: &Address, d: &mut UrlDecision) {
        let body = addr.raw_path();
        let (meta, content) = body.split_once(',').unwrap_or(("", body));
        let text_like = meta.is_empty() || meta.starts_with("text/");
        if !text_like || meta.ends_with(";base64") {
            d.note(|| Reason {
                kind: ReasonKind::Scheme,
                category: None,
                action: Action::Allow,
                source: "data".into(),
                detail: "data: URL with non-text content: not judged".into(),
            });
            return;
        }
        let text = address::decode_lower(content);
        let v = self.text.classify(&text);
        if v.flagged {
            d.note(|| Reason {
                kind: ReasonKind::Scheme,
                category: None,
                action: v.action,
                source: "data".into(),
                detail: "the text inside this data: URL is a concern".into(),
            });
            d.action = v.action;
            d.alert = v.alert;
        }
    }

    /// Help routes for the categories that led to a warn or block.
    fn finish(&self, d: &mut UrlDecision, extra: &[UrlCategory]) {
        if !d.explain {
            return;
        }
        let mut per_cat = [Severity::None; 11];
        if d.action > Action::Allow {
            let sev = if d.alert == Alert::Urgent {
                Severity::Critical
            } else {
                Severity::High
            };
            for c in d.categories.iter().chain(extra) {
                if let Some(t) = c.concern() {
                    per_cat[t.index()] = per_cat[t.index()].max(sev);
                }
            }
        }
        let mut topics = [Severity::None; 11];
        if let Some(q) = &d.search_query {
            for (i, c) in Category::ALL.iter().enumerate() {
                if q.verdict.categories.contains(c) {
                    if q.verdict.help_seeking {
                        topics[i] = Severity::Medium;
                    } else {
                        per_cat[i] = per_cat[i].max(q.verdict.severity);
                    }
                }
            }
        }
        if d.search_query.is_none() && per_cat.iter().all(|s| *s == Severity::None) {
            return;
        }
        d.help = crate::data::help_for(self.audience.help_age(), &per_cat, &topics);
        if let Some(q) = &d.search_query {
            for h in &q.verdict.help {
                if !d.help.iter().any(|x| x.id == h.id) {
                    d.help.push(h);
                }
            }
        }
    }
}

/// The action a policy cell gives a pupil of `age` on a site with `min_age` (0 = unknown).
fn cell_action(cell: Cell, age: u8, min_age: u8) -> Action {
    match cell {
        Cell::Allow => Action::Allow,
        Cell::Warn => Action::Warn,
        Cell::Block => Action::Block,
        Cell::Age => {
            let need = if min_age > 0 {
                min_age
            } else {
                DEFAULT_SOCIAL_MEDIA_AGE
            };
            if age < need {
                Action::Block
            } else {
                Action::Allow
            }
        }
    }
}

/// The reason a carrier or redirector gives for the page it carries.
fn carrier_reason(carrier: &str, verb: &str, inner: &UrlDecision) -> Reason {
    Reason {
        kind: ReasonKind::Carrier,
        category: None,
        action: inner.action,
        source: carrier.to_string(),
        detail: format!("{verb} {}", inner.url),
    }
}

/// A link redirector (`google.com/url?q=…`, `l.facebook.com/l.php?u=…`) shows nothing
/// itself, so the destination's decision replaces the redirector's: a Facebook link to
/// the NHS opens for a pupil too young for Facebook.
fn follow_redirect(d: &mut UrlDecision, id: &str, inner: UrlDecision) {
    d.reasons.clear();
    d.note(|| carrier_reason(id, "link to", &inner));
    d.reasons.extend(inner.reasons);
    d.carried_url = Some(inner.url);
    d.text_pending |= inner.text_pending;
    d.action = inner.action;
    d.categories = inner.categories;
    d.min_age = inner.min_age;
    d.alert = inner.alert;
    d.headers = inner.headers;
    d.safe_search_url = None;
}

/// The action for flagged search terms. It is the text policy's, except that sexual
/// searches are blocked (not only warned) up to KS3: a results page shows pictures that
/// the words only describe.
fn search_action(v: &TextVerdict, band: AgeBand) -> Action {
    if v.categories.contains(&Category::Sexual) && v.action == Action::Warn && band <= AgeBand::Ks3
    {
        return Action::Block;
    }
    v.action
}

/// Category bits and minimum age from list hits: block categories from entries less
/// specific than (or as specific as) an education or help entry are dropped.
fn combine(hits: &[ListHit], mut reasons: Option<&mut Vec<Reason>>) -> (u32, u8) {
    let allow_depth = hits
        .iter()
        .filter(|h| h.categories & UrlCategory::ALLOW_BITS != 0)
        .map(|h| h.depth)
        .max();
    let mut bits = 0u32;
    let mut min_age = 0u8;
    for h in hits {
        let mut cats = h.categories;
        if let Some(ad) = allow_depth {
            if h.depth <= ad {
                cats &=
                    UrlCategory::ALLOW_BITS | UrlCategory::Search.bit() | UrlCategory::Video.bit();
            }
        }
        if cats == 0 {
            continue;
        }
        bits |= cats;
        min_age = min_age.max(h.min_age);
        let Some(reasons) = reasons.as_deref_mut() else {
            continue;
        };
        for c in UrlCategory::ALL.iter().filter(|c| cats & c.bit() != 0) {
            reasons.push(Reason {
                kind: ReasonKind::List,
                category: Some(*c),
                action: Action::Allow,
                source: h.source(),
                detail: if h.expression {
                    ["the address matches ", &*h.key, ", listed as ", c.as_str()].concat()
                } else {
                    [&*h.key, " is listed as ", c.as_str()].concat()
                },
            });
        }
    }
    (bits, min_age)
}

/// The ASCII look-alike of a Unicode host name (`pоrnhub.com` with a Cyrillic `о` →
/// `pornhub.com`), through the text normaliser's fold table; `None` if some character
/// has no ASCII look-alike.
fn skeleton(unicode: &str) -> Option<String> {
    let mut out = String::with_capacity(unicode.len());
    for c in unicode.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            let f = crate::normalize::fold_char(c)?;
            if !f.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return None;
            }
            out.push_str(&f.to_ascii_lowercase());
        }
    }
    Some(out)
}

fn is_local(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = h.parse::<std::net::Ipv4Addr>() {
        return ip.is_private() || ip.is_loopback() || ip.is_link_local() || ip.is_unspecified();
    }
    if let Ok(ip) = h.parse::<std::net::Ipv6Addr>() {
        return ip.is_loopback() || ip.is_unspecified() || (ip.segments()[0] & 0xfe00) == 0xfc00;
    }
    false
}

/// The categories in a bit set, in [`UrlCategory::ALL`]'s order: one allocation of the
/// right size when there are any (most addresses have none), one step per set bit.
fn categories_of(bits: u32) -> Vec<UrlCategory> {
    let mut out = Vec::with_capacity(bits.count_ones() as usize);
    let mut rest = bits;
    while rest != 0 {
        let i = rest.trailing_zeros() as usize;
        rest &= rest - 1;
        // Bits past the taxonomy's categories cannot come from a checked pack; skipped.
        if let Some(&c) = UrlCategory::ALL.get(i) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_of_lists_set_bits_in_taxonomy_order() {
        let by_filter = |bits: u32| -> Vec<UrlCategory> {
            UrlCategory::ALL
                .iter()
                .copied()
                .filter(|c| bits & c.bit() != 0)
                .collect()
        };
        let mut x = 0x9e37_79b9u32;
        for bits in [0, 1, u32::MAX, UrlCategory::ALLOW_BITS]
            .into_iter()
            .chain((0..32).map(|i| 1u32 << i))
            .chain((0..2000).map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x
            }))
        {
            assert_eq!(categories_of(bits), by_filter(bits), "{bits:#x}");
        }
    }
}
