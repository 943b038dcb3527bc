//! Command-line parsing: small, strict, and every mistake a one-line usage error.

use esafety::{AgeBand, Classifier};

pub const HELP: &str = "\
esafety: on-device online-safety classifier for schools

USAGE
  esafety text [--age-band B | --age N] [--format jsonl|human] [--color auto|always|never] [TEXT...]
      Classify each TEXT, or each line of stdin; one JSON object per line.
  esafety eval FILE.tsv [--age-band B | --age N] [--show N]
      Precision, recall and false-positive rate per category on a labelled file:
      a header line `labels<TAB>text`, then one case a line; labels is `none` or a
      comma list of categories.
  esafety lexicon check DIR
      Check and compile a lexicon folder (crates/core/data/text).
  esafety help | --help,  esafety --version

AGE BANDS
  eyfs (3-5), ks1 (5-7), ks2 (7-11, the default), ks3 (11-14), ks4 (14-16), ks5 (16-18), staff
";

/// A usage error, printed on one line with exit status 2.
#[derive(Debug, PartialEq, Eq)]
pub struct Usage(pub String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Human,
}

/// Who the text is judged for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Audience {
    pub band: Option<AgeBand>,
    pub age: Option<u8>,
}

impl Audience {
    pub fn classifier(&self) -> Classifier {
        let b = Classifier::builder();
        let b = match (self.age, self.band) {
            // The age was range-checked when parsed.
            (Some(a), _) => b
                .age(u32::from(a))
                .unwrap_or_else(|_| Classifier::builder()),
            (None, Some(band)) => b.age_band(band),
            (None, None) => b,
        };
        b.build()
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct TextArgs {
    pub audience: Audience,
    pub format: Format,
    pub color: bool,
    pub texts: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct EvalArgs {
    pub audience: Audience,
    pub file: String,
    /// How many misses and false alarms to list (`--show N`, default 20).
    pub show: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
    Text(TextArgs),
    Eval(EvalArgs),
    LexiconCheck(String),
}

fn value<'a>(it: &mut impl Iterator<Item = &'a String>, flag: &str) -> Result<&'a str, Usage> {
    it.next()
        .map(String::as_str)
        .ok_or_else(|| Usage(format!("{flag} needs a value")))
}

/// Splits `--flag=value` into its parts.
fn split_eq(arg: &str) -> (&str, Option<&str>) {
    match arg.split_once('=') {
        Some((f, v)) if f.starts_with("--") => (f, Some(v)),
        _ => (arg, None),
    }
}

fn audience_flag<'a>(
    flag: &str,
    inline: Option<&'a str>,
    it: &mut impl Iterator<Item = &'a String>,
    aud: &mut Audience,
) -> Result<bool, Usage> {
    match flag {
        "--age-band" => {
            let v = match inline {
                Some(v) => v,
                None => value(it, flag)?,
            };
            if aud.age.is_some() {
                return Err(Usage("give --age-band or --age, not both".into()));
            }
            aud.band = Some(v.parse().map_err(|_| {
                Usage(format!(
                    "unknown age band {v:?} (eyfs, ks1, ks2, ks3, ks4, ks5, staff)"
                ))
            })?);
            Ok(true)
        }
        "--age" => {
            let v = match inline {
                Some(v) => v,
                None => value(it, flag)?,
            };
            if aud.band.is_some() {
                return Err(Usage("give --age-band or --age, not both".into()));
            }
            let age: u8 = v
                .parse()
                .ok()
                .filter(|a| *a <= esafety::MAX_AGE)
                .ok_or_else(|| {
                    Usage(format!(
                        "--age takes a whole number of years from 0 to {}, not {v:?}",
                        esafety::MAX_AGE
                    ))
                })?;
            aud.age = Some(age);
            Ok(true)
        }
        _ => Ok(false),
    }
}

pub fn parse(argv: &[String]) -> Result<Command, Usage> {
    let mut it = argv.iter();
    let Some(sub) = it.next() else {
        return Err(Usage("missing command: text, eval or lexicon".into()));
    };
    match sub.as_str() {
        "help" | "--help" | "-h" => Ok(Command::Help),
        "--version" | "-V" => Ok(Command::Version),
        "text" => {
            let mut a = TextArgs {
                audience: Audience::default(),
                format: Format::Jsonl,
                color: false,
                texts: Vec::new(),
            };
            let mut color = "auto";
            let mut rest_are_texts = false;
            while let Some(arg) = it.next() {
                if rest_are_texts || !arg.starts_with("--") {
                    a.texts.push(arg.clone());
                    continue;
                }
                if arg == "--" {
                    rest_are_texts = true;
                    continue;
                }
                let (flag, inline) = split_eq(arg);
                if audience_flag(flag, inline, &mut it, &mut a.audience)? {
                    continue;
                }
                let v = match inline {
                    Some(v) => v,
                    None => value(&mut it, flag)
                        .map_err(|_| Usage(format!("unknown option {arg:?}")))?,
                };
                match flag {
                    "--format" => {
                        a.format = match v {
                            "jsonl" | "json" => Format::Jsonl,
                            "human" => Format::Human,
                            _ => return Err(Usage(format!("unknown format {v:?} (jsonl, human)"))),
                        }
                    }
                    "--color" => {
                        if !matches!(v, "auto" | "always" | "never") {
                            return Err(Usage(format!(
                                "unknown --color {v:?} (auto, always, never)"
                            )));
                        }
                        color = v;
                    }
                    _ => return Err(Usage(format!("unknown option {flag:?}"))),
                }
            }
            use std::io::IsTerminal;
            a.color = match color {
                "always" => true,
                "never" => false,
                _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            Ok(Command::Text(a))
        }
        "eval" => {
            let mut audience = Audience::default();
            let mut file = None;
            let mut show = 20;
            while let Some(arg) = it.next() {
                let (flag, inline) = split_eq(arg);
                if audience_flag(flag, inline, &mut it, &mut audience)? {
                    continue;
                }
                if flag == "--show" {
                    let v = match inline {
                        Some(v) => v,
                        None => value(&mut it, flag)?,
                    };
                    show = v
                        .parse()
                        .map_err(|_| Usage(format!("--show takes a number, not {v:?}")))?;
                    continue;
                }
                if arg.starts_with("--") {
                    return Err(Usage(format!("unknown option {arg:?}")));
                }
                if file.replace(arg.clone()).is_some() {
                    return Err(Usage("eval takes one file".into()));
                }
            }
            let file = file.ok_or_else(|| Usage("eval needs a FILE.tsv".into()))?;
            Ok(Command::Eval(EvalArgs {
                audience,
                file,
                show,
            }))
        }
        "lexicon" => match (it.next().map(String::as_str), it.next(), it.next()) {
            (Some("check"), Some(dir), None) => Ok(Command::LexiconCheck(dir.clone())),
            _ => Err(Usage("usage: esafety lexicon check DIR".into())),
        },
        other => Err(Usage(format!("unknown command {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, Usage> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn text_options() {
        let Command::Text(a) = p(&[
            "text",
            "--age-band",
            "ks4",
            "--format=human",
            "hi",
            "--",
            "--x",
        ])
        .unwrap() else {
            panic!()
        };
        assert_eq!(a.audience.band, Some(AgeBand::Ks4));
        assert_eq!(a.format, Format::Human);
        assert_eq!(a.texts, vec!["hi", "--x"]);
    }

    #[test]
    fn usage_errors() {
        assert!(p(&[]).is_err());
        assert!(p(&["text", "--age-band", "ks9"]).is_err());
        assert!(p(&["text", "--age", "300"]).is_err());
        assert!(p(&["text", "--age", "9", "--age-band", "ks2"]).is_err());
        assert!(p(&["text", "--format"]).is_err());
        assert!(p(&["text", "--bogus", "x"]).is_err());
        assert!(p(&["eval"]).is_err());
        assert!(p(&["nope"]).is_err());
        assert_eq!(
            p(&["eval", "f.tsv", "--age=12", "--show", "5"]).unwrap(),
            Command::Eval(EvalArgs {
                audience: Audience {
                    band: None,
                    age: Some(12)
                },
                file: "f.tsv".into(),
                show: 5,
            })
        );
    }
}
