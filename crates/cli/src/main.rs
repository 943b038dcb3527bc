//! `esafety`: the command line for admins and tests.
//!
//! - `esafety text [--age-band B | --age N] [--format jsonl|human] [TEXT...]` classifies
//!   each argument, or each line of stdin, one JSON object per line. It streams: a line is
//!   read up to the classifier's maximum input and the rest of an over-long line is skipped
//!   without being held in memory.
//! - `esafety eval FILE.tsv [--age-band B]` measures precision, recall and false-positive
//!   rate per category on a labelled file.
//! - `esafety url [--age-band B | --age N] [--pack PACK] [URL...]` decides each URL (or
//!   each line of stdin): action, categories, minimum age, reasons, SafeSearch URL, search
//!   terms with their verdict, alert and help routes.
//! - `esafety lists compile SRC... -o PACK` builds a list pack; `esafety lists info PACK`
//!   checks one.
//! - `esafety overrides add|remove|list --file LOG` keeps the school's change log.
//! - `esafety lexicon check DIR` checks a lexicon folder and compiles it.
//!
//! Exit status: 0 whatever is flagged; 1 on an I/O or data error; 2 on a usage error, with
//! a one-line message.

mod args;
mod eval;
mod human;
mod learn;
mod urleval;
mod urls;

use args::{Command, Format, TextArgs, Usage};
use esafety::{TextVerdict, MAX_INPUT_BYTES};
use std::io::{self, BufRead, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let cmd = match args::parse(&argv) {
        Ok(c) => c,
        Err(Usage(msg)) => {
            eprintln!("esafety: {msg} (try `esafety help`)");
            return ExitCode::from(2);
        }
    };
    let result = match cmd {
        Command::Help => {
            print!("{}", args::HELP);
            Ok(())
        }
        Command::Version => {
            println!("esafety {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Command::Text(a) => run_text(a),
        Command::Eval(a) => eval::run(&a),
        Command::Url(a) => urls::run_url(a),
        Command::ListsCompile {
            sources,
            out,
            lines,
        } => urls::lists_compile(&sources, &out, lines),
        Command::ListsInfo(p) => urls::lists_info(&p),
        Command::Overrides { file, cmd } => urls::overrides(&file, cmd),
        Command::LexiconCheck(dir) => lexicon_check(&dir),
        Command::LexiconCompile { dir, out } => lexicon_compile(&dir, &out),
        Command::ModelTrain { out, inputs } => learn::train(&inputs, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`esafety text … | head`) is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("esafety: {e}");
            ExitCode::from(1)
        }
    }
}

fn run_text(a: TextArgs) -> io::Result<()> {
    let classifier = a.audience.classifier();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let color = a.color;
    let emit = |text: &str, out: &mut dyn Write| -> io::Result<()> {
        let v = classifier.classify(text);
        match a.format {
            Format::Jsonl => write_json(out, &v),
            Format::Human => human::write(out, text, &v, color),
        }
    };
    if !a.texts.is_empty() {
        for t in &a.texts {
            emit(t, &mut out)?;
        }
        return out.flush();
    }
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut line = Vec::with_capacity(4096);
    loop {
        line.clear();
        let (more, truncated) = read_line_bounded(&mut input, &mut line, MAX_INPUT_BYTES)?;
        if !more && line.is_empty() {
            break;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        let text = String::from_utf8_lossy(&line);
        if truncated {
            // The classifier cuts too; say so even when the cut fell exactly at the limit.
            let mut v = classifier.classify(&text);
            v.truncated = true;
            match a.format {
                Format::Jsonl => write_json(&mut out, &v)?,
                Format::Human => human::write(&mut out, &text, &v, color)?,
            }
        } else {
            emit(&text, &mut out)?;
        }
        if !more {
            break;
        }
    }
    out.flush()
}

fn write_json(out: &mut dyn Write, v: &TextVerdict) -> io::Result<()> {
    serde_json::to_writer(&mut *out, v).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Reads one line (with its `\n`) into `buf`, keeping at most `max` bytes and discarding
/// the rest of the line. Returns (there may be more input, the line was cut).
pub(crate) fn read_line_bounded(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<(bool, bool)> {
    let mut truncated = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((false, truncated));
        }
        let (take, done) = match memchr(chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        let room = max.saturating_sub(buf.len());
        if take > room {
            truncated = true;
        }
        buf.extend_from_slice(&chunk[..take.min(room)]);
        r.consume(take);
        if done {
            return Ok((true, truncated));
        }
    }
}

fn memchr(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| b == b'\n')
}

/// Loads and compiles a lexicon folder as `build.rs` does (so the tables are the same).
fn compile_dir(dir: &str) -> io::Result<esafety_lexicon::CompiledLexicon> {
    let report = |errors: Vec<esafety_lexicon::DataError>| {
        for e in &errors {
            eprintln!("{e}");
        }
        io::Error::other(format!("{} error(s) in {dir}", errors.len()))
    };
    let lex = esafety_lexicon::load_dir(std::path::Path::new(dir)).map_err(report)?;
    esafety_lexicon::compile(lex, &esafety_lexicon::CompileOptions::default()).map_err(report)
}

/// `esafety lexicon compile DIR -o FILE`: the words table that `install_lexicon` takes. It
/// is refused at run time unless it is the table the running build was compiled with.
fn lexicon_compile(dir: &str, out: &str) -> io::Result<()> {
    let compiled = compile_dir(dir)?;
    std::fs::write(out, &compiled.words.dfa)?;
    eprintln!(
        "{out}: {} KiB, digest {:#018x}",
        compiled.words.dfa.len() / 1024,
        esafety::lexicon_digest(&compiled.words.dfa)
    );
    Ok(())
}

fn lexicon_check(dir: &str) -> io::Result<()> {
    let compiled = compile_dir(dir)?;
    let rules = compiled.lexicon.rules.len();
    let size = compiled.words.dfa.len() + compiled.plain.dfa.len();
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{dir}: {rules} rules, automata {} KiB: ok",
        size / 1024
    )?;
    // The rules that need most automaton on their own: where to look when it grows.
    let mut sizes: Vec<(usize, &esafety_lexicon::Rule)> = compiled
        .rule_sizes
        .iter()
        .copied()
        .zip(&compiled.lexicon.rules)
        .collect();
    sizes.sort_by_key(|&(n, _)| std::cmp::Reverse(n));
    writeln!(out, "largest rules on their own (KiB):")?;
    for (n, rule) in sizes.iter().take(12) {
        writeln!(
            out,
            "  {:>5.1}  {}  {}:{}",
            *n as f64 / 1024.0,
            rule.id,
            rule.source.file,
            rule.source.line
        )?;
    }
    let split: Vec<&esafety_lexicon::Rule> = compiled
        .lexicon
        .rules
        .iter()
        .filter(|r| esafety_lexicon::has_part_level_alternation(&r.pattern))
        .collect();
    if !split.is_empty() {
        writeln!(
            out,
            "rules with a top-level | inside an A ... B part ({}; it chooses within that part only, so check it was meant):",
            split.len()
        )?;
        for rule in split {
            writeln!(
                out,
                "  {}  {}:{}",
                rule.id, rule.source.file, rule.source.line
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_lines_discard_the_rest() {
        let data = b"abcdef\nxy\nlast";
        let mut r = io::BufReader::with_capacity(2, &data[..]);
        let mut buf = Vec::new();
        assert_eq!(
            read_line_bounded(&mut r, &mut buf, 3).unwrap(),
            (true, true)
        );
        assert_eq!(buf, b"abc");
        buf.clear();
        assert_eq!(
            read_line_bounded(&mut r, &mut buf, 3).unwrap(),
            (true, false)
        );
        assert_eq!(buf, b"xy\n");
        buf.clear();
        assert_eq!(
            read_line_bounded(&mut r, &mut buf, 10).unwrap(),
            (false, false)
        );
        assert_eq!(buf, b"last");
    }

    #[test]
    fn classifier_for_audience() {
        let c: esafety::Classifier = args::Audience::default().classifier();
        assert_eq!(c.age_band(), esafety::AgeBand::Ks2);
    }
}
