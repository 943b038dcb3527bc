//! The shapes JavaScript receives: the core's results with camelCase keys and UTF-16
//! spans, serialised to JSON. Help routes travel as ids (`["ceop","childline"]`); the JS
//! wrapper expands them from one table it reads once, which keeps each verdict's JSON small.

use crate::spans::to_utf16;
use esafety::url::{Header, Reason};
use esafety::{
    Action, AgeBand, Alert, Category, HelpRoute, Severity, TextVerdict, UrlCategory, UrlDecision,
};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TextOut<'a> {
    flagged: bool,
    severity: Severity,
    categories: &'a [Category],
    action: Action,
    alert: Alert,
    matches: Vec<MatchOut<'a>>,
    help: Vec<&'static str>,
    help_seeking: bool,
    help_topics: &'a [Category],
    age_band: AgeBand,
    truncated: bool,
}

#[derive(Serialize)]
pub struct MatchOut<'a> {
    category: Category,
    severity: Severity,
    /// UTF-16 offsets into the caller's string.
    start: u32,
    end: u32,
    text: &'a str,
    rule: &'static str,
    source: &'static str,
}

impl<'a> TextOut<'a> {
    /// `text` is the string the verdict was made for (spans are bytes into it).
    pub fn new(text: &str, v: &'a TextVerdict) -> TextOut<'a> {
        let bytes: Vec<usize> = v.matches.iter().flat_map(|m| [m.start, m.end]).collect();
        let units = to_utf16(text, &bytes);
        let matches = v
            .matches
            .iter()
            .zip(units.chunks_exact(2))
            .map(|(m, u)| MatchOut {
                category: m.category,
                severity: m.severity,
                start: u[0],
                end: u[1],
                text: &m.text,
                rule: m.rule,
                source: m.source,
            })
            .collect();
        TextOut {
            flagged: v.flagged,
            severity: v.severity,
            categories: &v.categories,
            action: v.action,
            alert: v.alert,
            matches,
            help: ids(&v.help),
            help_seeking: v.help_seeking,
            help_topics: &v.help_topics,
            age_band: v.age_band,
            truncated: v.truncated,
        }
    }
}

/// Whether a verdict says nothing at all: not flagged, no match, no help, not truncated.
/// The wrapper builds such a verdict itself (`quietVerdict` in `npm/src/classifier.js`,
/// the same fields as [`TextOut`] with only `ageBand` varying).
pub fn is_quiet(v: &TextVerdict) -> bool {
    !v.flagged
        && v.severity == Severity::None
        && v.categories.is_empty()
        && v.action == Action::Allow
        && v.alert == Alert::None
        && v.matches.is_empty()
        && v.help.is_empty()
        && !v.help_seeking
        && v.help_topics.is_empty()
        && !v.truncated
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlOut<'a> {
    url: &'a str,
    host: &'a str,
    registrable_domain: Option<&'a str>,
    action: Action,
    categories: &'a [UrlCategory],
    min_age: Option<u8>,
    reasons: &'a [Reason],
    safe_search_url: Option<&'a str>,
    headers: &'a [Header],
    search_query: Option<SearchOut<'a>>,
    carried_url: Option<&'a str>,
    alert: Alert,
    help: Vec<&'static str>,
    age_band: AgeBand,
}

#[derive(Serialize)]
pub struct SearchOut<'a> {
    engine: &'static str,
    text: &'a str,
    /// The search words' own verdict; spans are UTF-16 offsets into `text`.
    verdict: TextOut<'a>,
}

impl<'a> UrlOut<'a> {
    pub fn new(d: &'a UrlDecision) -> UrlOut<'a> {
        UrlOut {
            url: &d.url,
            host: &d.host,
            registrable_domain: d.registrable_domain.as_deref(),
            action: d.action,
            categories: &d.categories,
            min_age: d.min_age,
            reasons: &d.reasons,
            safe_search_url: d.safe_search_url.as_deref(),
            headers: &d.headers,
            search_query: d.search_query.as_ref().map(|q| SearchOut {
                engine: q.engine,
                text: &q.text,
                verdict: TextOut::new(&q.text, &q.verdict),
            }),
            carried_url: d.carried_url.as_deref(),
            alert: d.alert,
            help: ids(&d.help),
            age_band: d.age_band,
        }
    }
}

/// A help route with the routing facts the report button needs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteOut {
    #[serde(flatten)]
    route: &'static HelpRoute,
    categories: &'static [Category],
    min_age: u8,
    max_age: u8,
    min_severity: Severity,
    source: &'static str,
}

impl RouteOut {
    pub fn new(route: &'static HelpRoute) -> RouteOut {
        RouteOut {
            route,
            categories: route.categories,
            min_age: route.min_age,
            max_age: route.max_age,
            min_severity: route.min_severity,
            source: route.source,
        }
    }
}

fn ids(routes: &[&'static HelpRoute]) -> Vec<&'static str> {
    routes.iter().map(|r| r.id).collect()
}
