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
      comma list of categories. A URL file has the header `ks2<TAB>staff<TAB>url<TAB>note`
      (expected actions allow, warn, block, or warn+ for warn-or-block).
  esafety url [--age-band B | --age N] [--pack PACK]... [--overrides LOG] [--no-builtin]
              [--format jsonl|human] [URL...]
      Decide each URL, or each line of stdin: action, categories, min_age, reasons,
      safe_search_url, search_query, alert, help. The built-in list is always consulted
      unless --no-builtin; packs from `esafety lists compile` add to it.
  esafety lists compile SRC... -o PACK [--lines]
      Build a list pack. SRC is a UT1 folder (all categories, or one category folder)
      or CATEGORY=FILE for a plain, hosts or AdGuard/ABP list (format detected);
      illegal=FILE for a hashed list (SHA-256 per line). --lines keeps line numbers.
  esafety lists info PACK
      Check a pack (magic, version, checksum) and print its counts.
  esafety overrides add|remove|list --file LOG [--allow|--deny] [TARGET --by WHO --reason WHY]
      Record a school allow / deny change in an append-only log (who, when, why).
  esafety lexicon check DIR
      Check and compile a lexicon folder (crates/core/data/text).
  esafety model train -o FILE INPUT...
      Learn the word model (crates/core/data/text/model.tsv) from labelled corpus (.toml)
      and evaluation (.tsv) files or folders of them.
  esafety lexicon compile DIR -o FILE
      Write the folder's main table, for builds that load it at run time (the extension).
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
    /// Sets the band or exact age on a classifier builder (text or URL).
    pub fn apply<B: Clone>(
        &self,
        b: B,
        band: impl Fn(B, AgeBand) -> B,
        age: impl Fn(B, u32) -> Result<B, esafety::ConfigError>,
    ) -> B {
        match (self.age, self.band) {
            // The age was range-checked when parsed.
            (Some(a), _) => age(b.clone(), u32::from(a)).unwrap_or(b),
            (None, Some(x)) => band(b, x),
            (None, None) => b,
        }
    }

    pub fn classifier(&self) -> Classifier {
        self.apply(
            Classifier::builder(),
            esafety::ClassifierBuilder::age_band,
            esafety::ClassifierBuilder::age,
        )
        .build()
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
pub struct UrlArgs {
    pub audience: Audience,
    pub packs: Vec<String>,
    pub overrides: Option<String>,
    pub builtin: bool,
    pub format: Format,
    pub urls: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum OverridesCmd {
    Add {
        allow: bool,
        target: String,
        by: String,
        reason: String,
    },
    Remove {
        target: String,
        by: String,
        reason: String,
    },
    List,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
    Text(TextArgs),
    Eval(EvalArgs),
    Url(UrlArgs),
    ListsCompile {
        sources: Vec<String>,
        out: String,
        lines: bool,
    },
    ListsInfo(String),
    Overrides {
        file: String,
        cmd: OverridesCmd,
    },
    LexiconCheck(String),
    /// Learn the word model from labelled messages.
    ModelTrain {
        out: String,
        inputs: Vec<String>,
    },
    /// Compile a lexicon folder and write its main table (for `external-lexicon` builds).
    LexiconCompile {
        dir: String,
        out: String,
    },
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
        return Err(Usage(
            "missing command: text, url, lists, overrides, eval, lexicon or model".into(),
        ));
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
        "url" => {
            let mut a = UrlArgs {
                audience: Audience::default(),
                packs: Vec::new(),
                overrides: None,
                builtin: true,
                format: Format::Jsonl,
                urls: Vec::new(),
            };
            let mut rest_are_urls = false;
            while let Some(arg) = it.next() {
                if rest_are_urls || !arg.starts_with("--") {
                    a.urls.push(arg.clone());
                    continue;
                }
                if arg == "--" {
                    rest_are_urls = true;
                    continue;
                }
                let (flag, inline) = split_eq(arg);
                if audience_flag(flag, inline, &mut it, &mut a.audience)? {
                    continue;
                }
                if flag == "--no-builtin" {
                    a.builtin = false;
                    continue;
                }
                let v = match inline {
                    Some(v) => v,
                    None => value(&mut it, flag)?,
                };
                match flag {
                    "--pack" => a.packs.push(v.to_string()),
                    "--overrides" => a.overrides = Some(v.to_string()),
                    "--format" => {
                        a.format = match v {
                            "jsonl" | "json" => Format::Jsonl,
                            "human" => Format::Human,
                            _ => return Err(Usage(format!("unknown format {v:?} (jsonl, human)"))),
                        }
                    }
                    _ => return Err(Usage(format!("unknown option {flag:?}"))),
                }
            }
            Ok(Command::Url(a))
        }
        "lists" => match it.next().map(String::as_str) {
            Some("compile") => {
                let (mut sources, mut out, mut lines) = (Vec::new(), None, false);
                while let Some(arg) = it.next() {
                    match arg.as_str() {
                        "-o" | "--out" => out = Some(value(&mut it, "-o")?.to_string()),
                        "--lines" => lines = true,
                        a if a.starts_with("--") => {
                            return Err(Usage(format!("unknown option {a:?}")))
                        }
                        a => sources.push(a.to_string()),
                    }
                }
                let out = out.ok_or_else(|| Usage("lists compile needs -o PACK".into()))?;
                if sources.is_empty() {
                    return Err(Usage("lists compile needs at least one source".into()));
                }
                Ok(Command::ListsCompile {
                    sources,
                    out,
                    lines,
                })
            }
            Some("info") => match (it.next(), it.next()) {
                (Some(p), None) => Ok(Command::ListsInfo(p.clone())),
                _ => Err(Usage("usage: esafety lists info PACK".into())),
            },
            _ => Err(Usage("usage: esafety lists compile|info …".into())),
        },
        "overrides" => {
            let sub = it.next().map(String::as_str).unwrap_or("");
            let (mut file, mut target, mut by, mut reason) = (None, None, None, None);
            let mut allow = None;
            while let Some(arg) = it.next() {
                match arg.as_str() {
                    "--file" => file = Some(value(&mut it, "--file")?.to_string()),
                    "--by" => by = Some(value(&mut it, "--by")?.to_string()),
                    "--reason" => reason = Some(value(&mut it, "--reason")?.to_string()),
                    "--allow" => allow = Some(true),
                    "--deny" => allow = Some(false),
                    a if a.starts_with("--") => return Err(Usage(format!("unknown option {a:?}"))),
                    a => {
                        if target.replace(a.to_string()).is_some() {
                            return Err(Usage("one TARGET at a time".into()));
                        }
                    }
                }
            }
            let file = file.ok_or_else(|| Usage("overrides needs --file LOG".into()))?;
            let need = |v: Option<String>, what: &str| {
                v.filter(|s| !s.trim().is_empty())
                    .ok_or_else(|| Usage(format!("overrides {sub} needs {what}")))
            };
            let cmd = match sub {
                "list" => OverridesCmd::List,
                "add" => OverridesCmd::Add {
                    allow: allow
                        .ok_or_else(|| Usage("overrides add needs --allow or --deny".into()))?,
                    target: need(target, "a TARGET")?,
                    by: need(by, "--by WHO")?,
                    reason: need(reason, "--reason WHY")?,
                },
                "remove" => OverridesCmd::Remove {
                    target: need(target, "a TARGET")?,
                    by: need(by, "--by WHO")?,
                    reason: need(reason, "--reason WHY")?,
                },
                _ => {
                    return Err(Usage(
                        "usage: esafety overrides add|remove|list --file LOG …".into(),
                    ))
                }
            };
            Ok(Command::Overrides { file, cmd })
        }
        "lexicon" => match (it.next().map(String::as_str), it.next(), it.next()) {
            (Some("check"), Some(dir), None) => Ok(Command::LexiconCheck(dir.clone())),
            (Some("compile"), Some(dir), Some(flag)) if flag == "-o" => match it.next() {
                Some(out) if it.next().is_none() => Ok(Command::LexiconCompile {
                    dir: dir.clone(),
                    out: out.clone(),
                }),
                _ => Err(Usage("usage: esafety lexicon compile DIR -o FILE".into())),
            },
            _ => Err(Usage(
                "usage: esafety lexicon check DIR | esafety lexicon compile DIR -o FILE".into(),
            )),
        },
        "model" => {
            let usage = || Usage("usage: esafety model train -o FILE INPUT...".into());
            if it.next().map(String::as_str) != Some("train") {
                return Err(usage());
            }
            let (mut out, mut inputs) = (None, Vec::new());
            while let Some(a) = it.next() {
                if a == "-o" {
                    out = Some(it.next().ok_or_else(usage)?.clone());
                } else {
                    inputs.push(a.clone());
                }
            }
            match out {
                Some(out) if !inputs.is_empty() => Ok(Command::ModelTrain { out, inputs }),
                _ => Err(usage()),
            }
        }
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
        assert!(p(&["lists", "compile", "x"]).is_err());
        assert!(p(&["lists", "compile", "-o", "p"]).is_err());
        assert!(p(&["overrides", "add", "--file", "f", "x.com", "--by", "me"]).is_err());
        assert!(p(&[
            "overrides",
            "add",
            "--file",
            "f",
            "--allow",
            "x.com",
            "--by",
            "me",
            "--reason",
            " "
        ])
        .is_err());
        assert!(p(&["url", "--pack"]).is_err());
        assert_eq!(
            p(&[
                "overrides",
                "remove",
                "--file",
                "f",
                "x.com",
                "--by",
                "me",
                "--reason",
                "done"
            ])
            .unwrap(),
            Command::Overrides {
                file: "f".into(),
                cmd: OverridesCmd::Remove {
                    target: "x.com".into(),
                    by: "me".into(),
                    reason: "done".into()
                }
            }
        );
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
