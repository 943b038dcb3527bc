//! Search engines: which engine an address belongs to, the search terms it carries, and
//! the SafeSearch form of the address (`data/url/search.tsv`).

use super::address::Address;
use std::sync::OnceLock;

use super::data::{rows_for, Safe, SearchEngine, SEARCH};

/// Longest search query judged (longer queries are cut at a character boundary).
pub const MAX_QUERY_BYTES: usize = 2048;

/// The engine whose host (and any of whose search paths) this address is on.
pub(crate) fn engine(addr: &Address) -> Option<&'static SearchEngine> {
    static ANCHORS: OnceLock<super::data::Anchors> = OnceLock::new();
    rows_for(SEARCH, &ANCHORS, addr).next()
}

/// The search terms, when the address is a search on `e`.
pub(crate) fn query(addr: &Address, e: &SearchEngine) -> Option<String> {
    let name = e.query?;
    if !on_search_path(addr, e) {
        return None;
    }
    let q = addr.param(name)?;
    let q = q.trim();
    if q.is_empty() {
        return None;
    }
    let mut end = q.len().min(MAX_QUERY_BYTES);
    while !q.is_char_boundary(end) {
        end -= 1;
    }
    Some(q[..end].to_string())
}

fn on_search_path(addr: &Address, e: &SearchEngine) -> bool {
    let path = addr.raw_path();
    e.paths.iter().any(|p| {
        if *p == "/" {
            path == "/"
        } else {
            path == *p
                || path
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.starts_with('/') || p.ends_with('/'))
        }
    })
}

/// The address with SafeSearch forced, when it differs from the address itself (the
/// caller redirects there). Only searches are rewritten: the engine's home page is not.
pub(crate) fn safe_url(addr: &Address, e: &SearchEngine) -> Option<String> {
    let Safe::Param(name, value) = e.safe else {
        return None;
    };
    if !on_search_path(addr, e) {
        return None;
    }
    let mut url = url::Url::parse(&addr.url).ok()?;
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if pairs
        .iter()
        .filter(|(k, _)| k == name)
        .all(|(_, v)| v == value)
        && pairs.iter().any(|(k, _)| k == name)
    {
        return None;
    }
    {
        let mut q = url.query_pairs_mut();
        q.clear();
        for (k, v) in pairs.iter().filter(|(k, _)| k != name) {
            q.append_pair(k, v);
        }
        q.append_pair(name, value);
    }
    Some(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::address::parse;

    fn eng(u: &str) -> Option<&'static str> {
        engine(&parse(u).unwrap()).map(|e| e.id)
    }

    #[test]
    fn finds_engines_on_country_domains_and_subdomains() {
        assert_eq!(eng("https://www.google.co.uk/search?q=x"), Some("google"));
        assert_eq!(eng("https://google.com.au/search?q=x"), Some("google"));
        assert_eq!(eng("https://www.bing.com/search?q=x"), Some("bing"));
        assert_eq!(
            eng("https://www.youtube.com/results?search_query=x"),
            Some("youtube")
        );
        assert_eq!(
            eng("https://en.wikipedia.org/w/index.php?search=x"),
            Some("wikipedia")
        );
        assert_eq!(eng("https://googleplex.example/search?q=x"), None);
        assert_eq!(eng("https://notgoogle.com/search?q=x"), None);
    }

    #[test]
    fn extracts_queries_only_on_search_paths() {
        let a = parse("https://www.google.co.uk/search?q=cats+and%20dogs&hl=en").unwrap();
        assert_eq!(
            query(&a, engine(&a).unwrap()).as_deref(),
            Some("cats and dogs")
        );
        let a = parse("https://www.google.com/maps?q=leeds").unwrap();
        assert_eq!(query(&a, engine(&a).unwrap()), None);
        let a = parse("https://duckduckgo.com/?q=homework").unwrap();
        assert_eq!(query(&a, engine(&a).unwrap()).as_deref(), Some("homework"));
    }

    #[test]
    fn forces_safe_search_once() {
        let a = parse("https://www.google.com/search?q=x&safe=off").unwrap();
        let safe = safe_url(&a, engine(&a).unwrap()).unwrap();
        assert_eq!(safe, "https://www.google.com/search?q=x&safe=active");
        let b = parse(&safe).unwrap();
        assert_eq!(safe_url(&b, engine(&b).unwrap()), None);
        let a = parse("https://www.bing.com/images/search?q=x").unwrap();
        assert!(safe_url(&a, engine(&a).unwrap())
            .unwrap()
            .ends_with("&adlt=strict"));
        let a = parse("https://www.google.com/").unwrap();
        assert_eq!(safe_url(&a, engine(&a).unwrap()), None);
    }
}
