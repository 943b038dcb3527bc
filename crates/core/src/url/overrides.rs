//! A school's own allow and deny decisions, kept as an append-only change log.
//!
//! Filtering standards ask schools to be able to say why a site was unblocked and by
//! whom, so overrides are never edited in place: each change is a new line with when,
//! who, what and why, and the current state is the log replayed. A decision made by an
//! override names its line, its author and the reason.
//!
//! ```text
//! (columns are separated by tabs)
//! when  who  change  target  reason
//! 2026-11-20T09:14:00Z  j.smith  allow  ushmm.org  Year 9 Holocaust unit
//! 2026-11-21T10:02:00Z  a.jones  deny  coolmathgames.com  distracting in lessons
//! 2026-12-01T08:00:00Z  j.smith  remove  ushmm.org  unit finished
//! ```
//! A target is a host name (it covers subdomains) or a `host/path` prefix.

use core::fmt;
use std::collections::HashMap;

/// Columns of the log, in order.
pub const OVERRIDE_HEADER: &str = "when\twho\tchange\ttarget\treason";

/// What an override does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideAction {
    Allow,
    Deny,
}

/// One active override, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Override {
    pub action: OverrideAction,
    pub target: String,
    pub when: String,
    pub who: String,
    pub reason: String,
    /// Line in the log.
    pub line: usize,
}

/// A line of the log that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverrideError {
    pub line: usize,
    pub why: String,
}

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "overrides line {}: {}", self.line, self.why)
    }
}

impl std::error::Error for OverrideError {}

/// The overrides in force.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    active: HashMap<String, Override>,
    changes: usize,
}

impl Overrides {
    /// No overrides.
    pub fn new() -> Overrides {
        Overrides::default()
    }

    /// Replays a change log. Every bad line is an error (a log that cannot be read
    /// completely is not half-applied).
    pub fn parse(text: &str) -> Result<Overrides, Vec<OverrideError>> {
        let mut o = Overrides::default();
        let mut errors = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') || line == OVERRIDE_HEADER {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() != 5 {
                errors.push(OverrideError {
                    line: n,
                    why: format!(
                        "expected 5 tab-separated columns ({OVERRIDE_HEADER}), found {}",
                        cols.len()
                    ),
                });
                continue;
            }
            match o.apply(cols[0], cols[1], cols[2], cols[3], cols[4], n) {
                Ok(()) => {}
                Err(why) => errors.push(OverrideError { line: n, why }),
            }
        }
        if errors.is_empty() {
            Ok(o)
        } else {
            Err(errors)
        }
    }

    fn apply(
        &mut self,
        when: &str,
        who: &str,
        change: &str,
        target: &str,
        reason: &str,
        line: usize,
    ) -> Result<(), String> {
        check_when(when)?;
        if who.trim().is_empty() {
            return Err("who made the change is required".into());
        }
        if reason.trim().is_empty() {
            return Err("a reason is required".into());
        }
        let target = normalise_target(target)?;
        let action = match change {
            "allow" => OverrideAction::Allow,
            "deny" => OverrideAction::Deny,
            "remove" => {
                if self.active.remove(&target).is_none() {
                    return Err(format!("nothing to remove for {target}"));
                }
                self.changes += 1;
                return Ok(());
            }
            other => {
                return Err(format!(
                    "change must be allow, deny or remove, not {other:?}"
                ))
            }
        };
        self.changes += 1;
        self.active.insert(
            target.clone(),
            Override {
                action,
                target,
                when: when.into(),
                who: who.into(),
                reason: reason.into(),
                line,
            },
        );
        Ok(())
    }

    /// Number of overrides in force.
    pub fn len(&self) -> usize {
        self.active.len()
    }

    /// Whether none are in force.
    pub fn is_empty(&self) -> bool {
        self.active.is_empty()
    }

    /// Every override in force, sorted by target.
    pub fn list(&self) -> Vec<&Override> {
        let mut v: Vec<&Override> = self.active.values().collect();
        v.sort_by(|a, b| a.target.cmp(&b.target));
        v
    }

    /// The most specific override for a host and decoded path: `host/path` prefixes
    /// before hosts, longer before shorter; at equal specificity deny wins.
    pub fn find(&self, host_suffixes: &[&str], path: &str) -> Option<&Override> {
        if self.active.is_empty() {
            return None;
        }
        let prefixes = super::lists::path_prefixes(path);
        for s in host_suffixes {
            for p in prefixes.iter().rev() {
                if let Some(o) = self.active.get(&format!("{s}/{p}")) {
                    return Some(o);
                }
            }
        }
        host_suffixes.iter().find_map(|s| self.active.get(*s))
    }
}

/// `2026-11-20T09:14:00Z` (UTC, seconds precision).
fn check_when(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let digits =
        |r: core::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let ok = b.len() == 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'Z';
    if ok {
        Ok(())
    } else {
        Err(format!(
            "time must look like 2026-11-20T09:14:00Z, not {s:?}"
        ))
    }
}

/// A target as the log stores it: the host normalised like a URL's, `www.` dropped,
/// path decoded, lower-cased, without a trailing slash.
pub fn normalise_target(target: &str) -> Result<String, String> {
    let t = target.trim();
    let t = t.split_once("://").map_or(t, |(_, rest)| rest);
    let addr = super::address::parse(t).map_err(|e| format!("target {target:?}: {e}"))?;
    let host = addr
        .host
        .strip_prefix("www.")
        .unwrap_or(&addr.host)
        .to_string();
    let path = addr.path().trim_matches('/');
    Ok(if path.is_empty() {
        host
    } else {
        format!("{host}/{path}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "when\twho\tchange\ttarget\treason\n\
        2026-11-20T09:14:00Z\tj.smith\tallow\thttps://www.ushmm.org/\tYear 9 Holocaust unit\n\
        2026-11-21T10:02:00Z\ta.jones\tdeny\tcoolmathgames.com\tdistracting\n\
        2026-11-22T10:02:00Z\ta.jones\tdeny\texample.com/Games/\tgames section\n\
        2026-12-01T08:00:00Z\tj.smith\tremove\tushmm.org\tunit finished\n";

    #[test]
    fn replays_the_log() {
        let o = Overrides::parse(LOG).unwrap();
        assert_eq!(o.len(), 2);
        let d = o
            .find(&["www.coolmathgames.com", "coolmathgames.com", "com"], "/")
            .unwrap();
        assert_eq!(
            (d.action, d.who.as_str(), d.line),
            (OverrideAction::Deny, "a.jones", 3)
        );
        assert!(o.find(&["ushmm.org", "org"], "/").is_none());
        let p = o.find(&["example.com", "com"], "/games/snake").unwrap();
        assert_eq!(p.target, "example.com/games");
        assert!(o.find(&["example.com", "com"], "/maths").is_none());
    }

    #[test]
    fn every_bad_line_is_reported() {
        let bad = "2026-11-20 09:14\tj\tallow\ta.com\tr\n\
            2026-11-20T09:14:00Z\t\tallow\ta.com\tr\n\
            2026-11-20T09:14:00Z\tj\tblock\ta.com\tr\n\
            2026-11-20T09:14:00Z\tj\tremove\tb.com\tr\n\
            2026-11-20T09:14:00Z\tj\tallow\thttp://exa mple/\tr\n\
            too\tfew\n\
            2026-11-20T09:14:00Z\tj\tallow\ta.com\t \n";
        let errors = Overrides::parse(bad).unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5, 6, 7]
        );
    }
}
