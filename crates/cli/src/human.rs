//! The readable, coloured view of a verdict for admins.

use esafety::{Action, Severity, TextVerdict};
use std::io::{self, Write};

const RESET: &str = "\x1b[0m";

fn paint(color: bool, code: &str, s: &str) -> String {
    if color {
        format!("\x1b[{code}m{s}{RESET}")
    } else {
        s.to_string()
    }
}

fn severity_code(s: Severity) -> &'static str {
    match s {
        Severity::None => "32",
        Severity::Low => "36",
        Severity::Medium => "33",
        Severity::High => "31",
        Severity::Critical => "1;41;97",
    }
}

/// Writes the text with matches marked, then one line per match and the help routes.
pub fn write(out: &mut dyn Write, text: &str, v: &TextVerdict, color: bool) -> io::Result<()> {
    let action = match v.action {
        Action::Allow => paint(color, "32", "ALLOW"),
        Action::Warn => paint(color, "33", "WARN "),
        Action::Block => paint(color, "31;1", "BLOCK"),
    };
    let mut marked = String::new();
    let mut at = 0;
    for m in &v.matches {
        if m.start < at {
            continue;
        }
        marked.push_str(&text[at..m.start]);
        marked.push_str(&paint(
            color,
            "4;1",
            &format!("[{}]", &text[m.start..m.end]),
        ));
        at = m.end;
    }
    marked.push_str(&text[at..]);
    let cats: Vec<&str> = v.categories.iter().map(|c| c.as_str()).collect();
    writeln!(
        out,
        "{action} {} alert={} band={}{}  {}",
        paint(color, severity_code(v.severity), v.severity.as_str()),
        v.alert,
        v.age_band,
        if cats.is_empty() {
            String::new()
        } else {
            format!(" [{}]", cats.join(", "))
        },
        marked
    )?;
    for m in &v.matches {
        writeln!(
            out,
            "    {:<14} {:<8} {:>5}..{:<5} {:?}  {} ({})",
            m.category.as_str(),
            paint(color, severity_code(m.severity), m.severity.as_str()),
            m.start,
            m.end,
            m.text,
            m.rule,
            m.source
        )?;
    }
    if v.help_seeking {
        writeln!(out, "    {}", paint(color, "32", "asking for help"))?;
    }
    for h in &v.help {
        writeln!(out, "    help: {} {} {}", h.name, h.phone, h.url)?;
    }
    if v.truncated {
        writeln!(out, "    (input cut at the maximum length)")?;
    }
    Ok(())
}
