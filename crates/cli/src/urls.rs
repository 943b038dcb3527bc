//! `esafety url`, `esafety lists` and `esafety overrides`.

use std::io::{self, Write};
use std::path::Path;

use esafety::url::{normalise_target, Overrides, OVERRIDE_HEADER};
use esafety::{Action, Pack, UrlClassifier, UrlDecision};
use serde::Serialize;

use crate::args::{Audience, Format, OverridesCmd, UrlArgs};

/// Longest stdin line read as a URL (longer lines are reported as too long).
const MAX_LINE: usize = esafety::url::MAX_URL_BYTES + 1;

impl Audience {
    pub fn url_builder(&self) -> esafety::UrlClassifierBuilder {
        self.apply(
            UrlClassifier::builder(),
            esafety::UrlClassifierBuilder::age_band,
            esafety::UrlClassifierBuilder::age,
        )
    }
}

/// Reads a pack file, with the path in any error.
pub fn load_pack(path: &str) -> io::Result<Pack> {
    let bytes =
        std::fs::read(path).map_err(|e| io::Error::new(e.kind(), format!("{path}: {e}")))?;
    Pack::from_vec(bytes).map_err(|e| io::Error::other(format!("{path}: {e}")))
}

/// Reads an overrides log, with every bad line in the error.
pub fn load_overrides(path: &str) -> io::Result<Overrides> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{path}: {e}")))?;
    load_overrides_text(path, &text)
}

pub fn classifier(a: &UrlArgs) -> io::Result<UrlClassifier> {
    let mut b = a.audience.url_builder();
    if !a.builtin {
        b = b.without_builtin_list();
    }
    for p in &a.packs {
        let name = Path::new(p)
            .file_name()
            .map_or(p.clone(), |n| n.to_string_lossy().into_owned());
        b = b.pack(&name, load_pack(p)?);
    }
    if let Some(o) = &a.overrides {
        b = b.overrides(load_overrides(o)?);
    }
    Ok(b.build())
}

#[derive(Serialize)]
struct Line<'a> {
    input: &'a str,
    #[serde(flatten)]
    decision: &'a UrlDecision,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    input: &'a str,
    error: String,
}

pub fn run_url(a: UrlArgs) -> io::Result<()> {
    let c = classifier(&a)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let one = |out: &mut dyn Write, input: &str| -> io::Result<()> {
        match c.classify(input) {
            Ok(d) => match a.format {
                Format::Jsonl => {
                    serde_json::to_writer(
                        &mut *out,
                        &Line {
                            input,
                            decision: &d,
                        },
                    )
                    .map_err(io::Error::other)?;
                    out.write_all(b"\n")
                }
                Format::Human => human(out, input, &d),
            },
            Err(e) => match a.format {
                Format::Jsonl => {
                    serde_json::to_writer(
                        &mut *out,
                        &ErrorLine {
                            input,
                            error: e.to_string(),
                        },
                    )
                    .map_err(io::Error::other)?;
                    out.write_all(b"\n")
                }
                Format::Human => writeln!(out, "ERROR  {input}: {e}"),
            },
        }
    };
    if !a.urls.is_empty() {
        for u in &a.urls {
            one(&mut out, u)?;
        }
        return out.flush();
    }
    let stdin = io::stdin();
    let mut r = stdin.lock();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let (more, cut) = crate::read_line_bounded(&mut r, &mut buf, MAX_LINE)?;
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches(['\n', '\r']);
        if cut {
            writeln!(
                out,
                "{{\"error\":\"line longer than {} bytes\"}}",
                esafety::url::MAX_URL_BYTES
            )?;
        } else if !line.trim().is_empty() {
            one(&mut out, line)?;
        }
        out.flush()?;
        if !more {
            break;
        }
    }
    out.flush()
}

fn human(out: &mut dyn Write, input: &str, d: &UrlDecision) -> io::Result<()> {
    let action = match d.action {
        Action::Allow => "ALLOW",
        Action::Warn => "WARN ",
        Action::Block => "BLOCK",
    };
    let cats: Vec<&str> = d.categories.iter().map(|c| c.as_str()).collect();
    write!(out, "{action}  {input}")?;
    if !cats.is_empty() {
        write!(out, "  [{}]", cats.join(", "))?;
    }
    if let Some(a) = d.min_age {
        write!(out, "  {a}+")?;
    }
    writeln!(out)?;
    for r in &d.reasons {
        writeln!(
            out,
            "       {:<6} {} ({})",
            r.action.as_str(),
            r.detail,
            r.source
        )?;
    }
    if let Some(q) = &d.search_query {
        writeln!(
            out,
            "       search {:?} on {}: {}",
            q.text,
            q.engine,
            q.verdict.action.as_str()
        )?;
    }
    if let Some(s) = &d.safe_search_url {
        writeln!(out, "       SafeSearch: {s}")?;
    }
    for h in &d.headers {
        writeln!(out, "       header {}: {}", h.name, h.value)?;
    }
    if !d.help.is_empty() {
        let ids: Vec<&str> = d.help.iter().map(|h| h.id).collect();
        writeln!(out, "       help: {}", ids.join(", "))?;
    }
    Ok(())
}

pub fn lists_compile(sources: &[String], out_path: &str, lines: bool) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let start = std::time::Instant::now();
    let mut imp = esafety_lists::Importer::new(lines);
    for s in sources {
        imp.add_arg(s)
            .map_err(|e| io::Error::other(e.to_string()))?;
    }
    let (bytes, reports) = imp.finish().map_err(|e| io::Error::other(e.to_string()))?;
    let mut err = io::stderr().lock();
    for r in &reports {
        match &r.not_imported {
            Some(why) => writeln!(err, "  skip  {:<40} {why}", r.name)?,
            None => {
                let cat = r.category.map_or("-", |c| c.as_str());
                writeln!(
                    err,
                    "  {:<5} {:<40} {:<14} {} domains, {} urls, {} hashes, {} expressions, {} lines skipped",
                    r.format, r.name, cat, r.domains, r.urls, r.hashes, r.expressions, r.skipped
                )?;
                for (n, why) in &r.skipped_examples {
                    writeln!(err, "          line {n}: {why}")?;
                }
            }
        }
    }
    let pack = Pack::from_vec(bytes).map_err(|e| io::Error::other(e.to_string()))?;
    std::fs::write(out_path, pack.as_bytes())
        .map_err(|e| io::Error::new(e.kind(), format!("{out_path}: {e}")))?;
    let s = pack.stats();
    let entries = (s.domains + s.urls).max(1);
    writeln!(out,
        "{out_path}: {} domains, {} urls, {} hashes from {} sources; {} bytes ({:.2} bytes per entry); built in {:.1} s",
        s.domains,
        s.urls,
        s.hashes,
        s.sources,
        s.bytes,
        s.bytes as f64 / entries as f64,
        start.elapsed().as_secs_f64()
    )?;
    Ok(())
}

pub fn lists_info(path: &str) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let start = std::time::Instant::now();
    let pack = load_pack(path)?;
    let took = start.elapsed();
    let s = pack.stats();
    writeln!(out,
        "{path}: ok (checksum verified in {:.2} ms); {} domains, {} urls, {} hashes, {} expressions, {} sources, {} tags, {} bytes",
        took.as_secs_f64() * 1e3,
        s.domains,
        s.urls,
        s.hashes,
        s.expressions,
        s.sources,
        s.tags,
        s.bytes
    )?;
    for i in 0..s.sources {
        if let Some(n) = pack.source_name(esafety_pack::SourceId(i as u16)) {
            writeln!(out, "  source {i}: {n}")?;
        }
    }
    Ok(())
}

pub fn overrides(file: &str, cmd: OverridesCmd) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let existing = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !matches!(cmd, OverridesCmd::List) => {
            String::new()
        }
        Err(e) => return Err(io::Error::new(e.kind(), format!("{file}: {e}"))),
    };
    // The log must already be valid before anything is appended to it.
    let current = load_overrides_text(file, &existing)?;
    let (change, target, by, reason) = match cmd {
        OverridesCmd::List => {
            for o in current.list() {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t(line {})",
                    match o.action {
                        esafety::url::OverrideAction::Allow => "allow",
                        esafety::url::OverrideAction::Deny => "deny",
                    },
                    o.target,
                    o.who,
                    o.when,
                    o.reason,
                    o.line
                )?;
            }
            return Ok(());
        }
        OverridesCmd::Add {
            allow,
            target,
            by,
            reason,
        } => (if allow { "allow" } else { "deny" }, target, by, reason),
        OverridesCmd::Remove { target, by, reason } => ("remove", target, by, reason),
    };
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let target = normalise_target(&target).map_err(io::Error::other)?;
    let mut text = existing.clone();
    if text.trim().is_empty() {
        text = format!("# esafety overrides: append-only change log (never edit lines; add new ones)\n{OVERRIDE_HEADER}\n");
    } else if !text.ends_with('\n') {
        text.push('\n');
    }
    let line = format!(
        "{}\t{}\t{change}\t{target}\t{}\n",
        now_utc(),
        clean(&by),
        clean(&reason)
    );
    text.push_str(&line);
    // Replaying with the new line must work (e.g. removing what is not there fails).
    load_overrides_text(file, &text)?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)?;
    f.write_all(&text.as_bytes()[existing.len()..])?;
    write!(out, "{line}")?;
    Ok(())
}

/// Replays a log's text, every bad line in the error.
fn load_overrides_text(file: &str, text: &str) -> io::Result<Overrides> {
    Overrides::parse(text).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("{file}: {e}")).collect();
        io::Error::other(lines.join("\n"))
    })
}

/// The current time as `2026-11-20T09:14:00Z`.
fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since 1970 as an RFC 3339 UTC time (days to civil date: Howard Hinnant's
/// algorithm, re-derived here).
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_350_896), "2026-11-22T12:34:56Z");
    }
}
