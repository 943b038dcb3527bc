//! Carriers: translators, caches and archives that show another page
//! (`data/url/carriers.tsv`). The carried page is judged too, so a blocked page does
//! not open through Google Translate or the Wayback Machine.

use super::address::Address;
use super::data::{rows_for, Carry, CARRIERS};

/// A page carried by another.
pub(crate) struct Carried {
    pub id: &'static str,
    pub url: String,
    /// A link redirector shows nothing itself: the destination alone decides.
    pub redirect: bool,
}

/// The carrier and the URL it carries, if `addr` is a carrier showing a page.
pub(crate) fn carried(addr: &Address) -> Option<Carried> {
    static ANCHORS: std::sync::OnceLock<super::data::Anchors> = std::sync::OnceLock::new();
    for c in rows_for(CARRIERS, &ANCHORS, addr) {
        if !addr.raw_path().starts_with(c.path) {
            continue;
        }
        let inner = match c.how {
            Carry::Param(p) | Carry::Redirect(p) => addr.param(p),
            Carry::RedirectQuery => addr.query().map(|q| {
                let q = q.split('&').next().unwrap_or(q);
                crate::url::address::percent_decode(q)
            }),
            Carry::CacheParam(p) => addr.param(p).and_then(|v| {
                v.trim()
                    .strip_prefix("cache:")
                    .map(|s| s.trim().to_string())
            }),
            Carry::Path(prefix) => from_path(addr, prefix),
            Carry::TranslateGoog => from_translate_goog(addr),
            Carry::Slug => from_slug(addr),
        };
        // Only something that looks like an address is followed.
        if let Some(inner) = inner.filter(|s| s.contains('.') && !s.contains(char::is_whitespace)) {
            let redirect = matches!(c.how, Carry::Redirect(_) | Carry::RedirectQuery);
            return Some(Carried {
                id: c.id,
                url: inner,
                redirect,
            });
        }
    }
    None
}

/// `web.archive.org/web/20230101000000/https://example.com/x` → the part after the
/// timestamp segment; `archive.ph/newest/https://…` likewise. The raw path is used so the
/// carried URL keeps its own scheme and query.
fn from_path(addr: &Address, prefix: &str) -> Option<String> {
    let full = &addr.url;
    let after_host = full.find(&*addr.host).map(|i| i + addr.host.len())?;
    let rest = &full[after_host..];
    let rest = rest
        .strip_prefix(|c: char| c == ':')
        .map_or(rest, |r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
    let rest = rest.strip_prefix(prefix)?;
    // One segment (timestamp, "newest", "2023*") then the URL.
    let (_, url) = rest.split_once('/')?;
    let url = url.trim_start_matches('/');
    (url.contains('.')).then(|| url.to_string())
}

/// A short link's slug as a site name under the reserved `.invalid` suffix
/// (`bit.ly/Free-Robux_now` → `free-robux-now.invalid`), so that the name heuristics read
/// it as they read any unknown site's name: a shortener hides where it leads, but whoever
/// made the link chose the words. A slug without three letters (`bit.ly/3xK9q`) is not
/// read: random slugs carry no words.
fn from_slug(addr: &Address) -> Option<String> {
    let slug = addr.path().trim_start_matches('/').split('/').next()?;
    if slug.bytes().filter(u8::is_ascii_alphabetic).count() < 3 || slug.len() > 63 {
        return None;
    }
    let name: String = slug
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9') => c,
            _ => '-',
        })
        .collect();
    let name = name.trim_matches('-');
    (!name.is_empty()).then(|| format!("{name}.invalid"))
}

/// `www-example-com.translate.goog/path` carries `www.example.com/path` (in the host,
/// `-` stands for `.` and `--` for `-`).
fn from_translate_goog(addr: &Address) -> Option<String> {
    let label = addr.host.strip_suffix(".translate.goog")?;
    if label.contains('.') || label.is_empty() {
        return None;
    }
    let mut host = String::with_capacity(label.len());
    let b = label.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'-' {
            if b.get(i + 1) == Some(&b'-') {
                host.push('-');
                i += 2;
                continue;
            }
            host.push('.');
        } else {
            host.push(b[i] as char);
        }
        i += 1;
    }
    Some(format!("https://{host}{}", addr.raw_path()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::address::parse;

    fn inner(u: &str) -> Option<String> {
        carried(&parse(u).unwrap()).map(|c| c.url)
    }

    #[test]
    fn finds_the_carried_page() {
        assert_eq!(
            inner("https://translate.google.com/translate?sl=auto&tl=en&u=https://pornhub.com"),
            Some("https://pornhub.com".into())
        );
        assert_eq!(
            inner("https://www-pornhub-com.translate.goog/view?_x_tr_sl=auto"),
            Some("https://www.pornhub.com/view".into())
        );
        assert_eq!(
            inner("https://my--site-co-uk.translate.goog/"),
            Some("https://my-site.co.uk/".into())
        );
        assert_eq!(
            inner("https://web.archive.org/web/2023/https://pornhub.com/x?y=1"),
            Some("https://pornhub.com/x?y=1".into())
        );
        assert_eq!(
            inner("https://webcache.googleusercontent.com/search?q=cache:bet365.com"),
            Some("bet365.com".into())
        );
        assert_eq!(
            inner("https://www.google.com/search?q=cache:bet365.com"),
            Some("bet365.com".into())
        );
        assert_eq!(inner("https://www.google.com/search?q=cats"), None);
        assert_eq!(inner("https://translate.google.com/"), None);
        assert_eq!(inner("https://web.archive.org/"), None);
        assert_eq!(
            inner("https://www.google.co.uk/url?q=https://www.pornhub.com/&sa=D"),
            Some("https://www.pornhub.com/".into())
        );
        assert_eq!(
            inner("https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.pornhub.com%2F"),
            Some("https://www.pornhub.com/".into())
        );
        assert_eq!(inner("https://www.google.com/search?q=pornhub.com"), None);
        assert_eq!(
            inner("https://href.li/?https://www.pokerstars.com/"),
            Some("https://www.pokerstars.com/".into())
        );
        assert_eq!(
            inner("https://translate.google.com/translate?u=hello world"),
            None
        );
    }
}
