//! Measures the words rules read a token at a time ([`esafety_lexicon::tokens`]) against
//! today's byte-level table, and checks that both find the same matches.
//!
//! `cargo run --release -p esafety-lexicon --example token_size -- [DIR] [TEXT FILES…]`
//!
//! Every line of the text files (the last tab-separated field; `tests/eval/*.tsv` by
//! default) is lower-cased and its separators folded to one space (close to the words
//! stream), read once as written and once with every `l` as `i` (the hardened spelling).
//! For each, the converted parts' matches by the byte-level DFA (walked from the start and
//! after every non-word byte, as the core does) and by the token reference matcher must be
//! the same `(part, start, end)` sets. Prints the sizes (raw and `gzip -9`) of a plain
//! serialisation of the dictionary, the sets and the nodes, of the residual table, and of
//! the table as the core embeds it (`TokenLexicon::serialise`).
use esafety_lexicon::tokens::{is_word, TokenLexicon};
use esafety_lexicon::{build_pattern, load_dir, parts, Flags};
use regex_automata::dfa::{dense, Automaton};
use regex_automata::util::start;
use regex_automata::Anchored;
use regex_syntax::hir::Hir;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .first()
        .cloned()
        .unwrap_or_else(|| "crates/core/data/text".into());
    let mut files: Vec<String> = args.iter().skip(1).cloned().collect();
    if files.is_empty() {
        let mut all: Vec<String> = std::fs::read_dir("tests/eval")
            .expect("run from the repository root")
            .flatten()
            .map(|e| e.path().display().to_string())
            .filter(|p| p.ends_with(".tsv") && !p.contains("urls"))
            .collect();
        all.sort();
        files = all;
    }
    let lex = load_dir(std::path::Path::new(&dir)).unwrap_or_else(|e| panic!("{e:?}"));
    let macros = lex.macro_map();
    // Words-stream parts in the compiler's order: the pattern id is the index.
    let mut words_parts: Vec<(u32, String, Flags)> = Vec::new();
    for rule in lex.rules.iter().filter(|r| !r.flags.plain) {
        for part in parts(&rule.pattern) {
            let pid = words_parts.len() as u32;
            words_parts.push((pid, part.to_string(), rule.flags));
        }
    }
    let t = std::time::Instant::now();
    let tl = TokenLexicon::build(
        words_parts.iter().map(|(p, s, f)| (*p, s.as_str(), *f)),
        &macros,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    println!(
        "{} parts: {} as tokens, {} residual; {} dictionary entries; converted in {:.1} s",
        words_parts.len(),
        tl.parts.len(),
        tl.residual.len(),
        tl.dictionary.len(),
        t.elapsed().as_secs_f64()
    );
    let mut why: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, w) in &tl.residual {
        *why.entry(w.as_str()).or_default() += 1;
    }
    for (w, n) in &why {
        println!("  residual: {n:5} {w}");
    }
    if std::env::var_os("ESAFETY_LIST_RESIDUAL").is_some() {
        for (pid, w) in &tl.residual {
            println!("    {w}: {}", words_parts[*pid as usize].1);
        }
    }

    // Sizes of a straightforward serialisation.
    let mut dict = Vec::new();
    for e in &tl.dictionary {
        dict.push(e.word.len() as u8 | if e.hardened { 0x80 } else { 0 });
        dict.extend_from_slice(&e.word);
    }
    let mut set_ids: BTreeMap<&[u32], u32> = BTreeMap::new();
    let mut nodes = Vec::new();
    for p in &tl.parts {
        nodes.extend_from_slice(&(p.nodes.len() as u16).to_le_bytes());
        for n in &p.nodes {
            nodes.push(n.edges.len() as u8 | if n.accept { 0x80 } else { 0 });
            for (set, to) in &n.edges {
                let k = set_ids.len() as u32;
                let id = *set_ids.entry(set.as_slice()).or_insert(k);
                nodes.extend_from_slice(&id.to_le_bytes()[..3]);
                nodes.push(*to as u8);
            }
        }
    }
    let mut sets_by_id: Vec<&[u32]> = vec![&[]; set_ids.len()];
    for (s, &i) in &set_ids {
        sets_by_id[i as usize] = s;
    }
    let mut sets = Vec::new();
    for s in &sets_by_id {
        sets.extend_from_slice(&(s.len() as u16).to_le_bytes());
        for &e in *s {
            sets.extend_from_slice(&(e as u16).to_le_bytes());
        }
    }
    let edges: Vec<&(Vec<u32>, u32)> = tl
        .parts
        .iter()
        .flat_map(|p| p.nodes.iter().flat_map(|n| n.edges.iter()))
        .collect();
    let singles = edges.iter().filter(|e| e.0.len() == 1).count();
    let space = edges
        .iter()
        .filter(|e| e.0.len() == 1 && tl.dictionary[e.0[0] as usize].word == b" ")
        .count();
    let nnodes: usize = tl.parts.iter().map(|p| p.nodes.len()).sum();
    let fwd = tl
        .parts
        .iter()
        .flat_map(|p| {
            p.nodes
                .iter()
                .enumerate()
                .flat_map(|(i, n)| n.edges.iter().map(move |e| e.1 as usize == i + 1))
        })
        .filter(|&x| x)
        .count();
    println!(
        "  {} nodes, {} edges: {} one entry ({} a space), {} to the next node",
        nnodes,
        edges.len(),
        singles,
        space,
        fwd
    );
    let members: usize = sets_by_id.iter().map(|s| s.len()).sum();
    println!("  {} distinct sets ({} members)", sets_by_id.len(), members);
    let show =
        |name: &str, b: &[u8]| println!("  {name:<12} {:>9} bytes, {:>8} gzipped", b.len(), gz(b));
    show("dictionary", &dict);
    show("sets", &sets);
    show("nodes", &nodes);
    let residual: HashSet<u32> = tl.residual.iter().map(|r| r.0).collect();
    let hir = |(_, s, f): &(u32, String, Flags)| build_pattern(s, *f, &macros).expect("built");
    let residual_hirs: Vec<Hir> = words_parts
        .iter()
        .filter(|p| residual.contains(&p.0))
        .map(hir)
        .collect();
    let residual_table = if residual_hirs.is_empty() {
        Vec::new()
    } else {
        esafety_lexicon::table::flatten(&dense_dfa(&residual_hirs)).expect("flatten")
    };
    show("residual", &residual_table);
    // What ships: the compact encoding of all of the above (`TokenLexicon::serialise`).
    show(
        "as shipped",
        &tl.serialise(&residual_table).expect("serialise"),
    );

    // The byte-level DFA of every words part, as the core's table holds it.
    let all: Vec<Hir> = words_parts.iter().map(hir).collect();
    let dfa = dense_dfa(&all);
    show(
        "byte-level",
        &esafety_lexicon::table::flatten(&dfa).expect("flatten"),
    );
    let index = tl.index();
    // How many parts a walk from one token would have to try: those whose start node
    // reads the token (what a run-time index by first token gives).
    let mut starting: std::collections::HashMap<u32, usize> = Default::default();
    for p in &tl.parts {
        let mut firsts: Vec<u32> = p.nodes[0]
            .edges
            .iter()
            .flat_map(|e| e.0.iter().copied())
            .collect();
        firsts.sort_unstable();
        firsts.dedup();
        for e in firsts {
            *starting.entry(e).or_default() += 1;
        }
    }
    let (mut starts, mut tried, mut most) = (0usize, 0usize, 0usize);
    let (mut texts, mut differ) = (0, 0);
    for f in &files {
        let Ok(body) = std::fs::read_to_string(f) else {
            continue;
        };
        for line in body.lines().filter(|l| !l.starts_with('#')) {
            let raw = line.rsplit('\t').next().unwrap_or("");
            let stream = words_like(raw);
            for text in [stream.clone(), stream.replace('l', "i")] {
                texts += 1;
                let want: Vec<(u32, usize, usize)> = byte_hits(&dfa, text.as_bytes())
                    .into_iter()
                    .filter(|h| !residual.contains(&h.0))
                    .collect();
                let got = tl.find(&index, text.as_bytes());
                let b = text.as_bytes();
                for r in esafety_lexicon::tokens::tokenize(b) {
                    if r.start > 0 && is_word(b[r.start - 1]) {
                        continue;
                    }
                    let t = &b[r];
                    let n: usize = index.get(&esafety_lexicon::tokens::key(t)).map_or(0, |c| {
                        c.iter()
                            .filter(|&&e| {
                                let d = &tl.dictionary[e as usize];
                                esafety_lexicon::tokens::spells(&d.word, d.hardened, t)
                            })
                            .map(|e| starting.get(e).copied().unwrap_or(0))
                            .sum()
                    });
                    starts += 1;
                    tried += n;
                    most = most.max(n);
                }
                if want != got {
                    differ += 1;
                    if differ <= 10 {
                        println!("DIFFER {text:?}\n  bytes  {want:?}\n  tokens {got:?}");
                    }
                }
            }
        }
    }
    println!("{texts} texts, {differ} with different matches");
    println!(
        "{starts} walk starts: {:.1} parts to try a start on average (at most {most})",
        tried as f64 / starts.max(1) as f64
    );
}

/// Lower case, apostrophes out, other non-alphanumerics kept, separators one space.
fn words_like(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c == '\'' {
            continue;
        }
        let c = if c.is_ascii() && !c.is_ascii_control() {
            c
        } else {
            ' '
        };
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

fn byte_hits(dfa: &dense::DFA<Vec<u32>>, text: &[u8]) -> Vec<(u32, usize, usize)> {
    let mut hits = Vec::new();
    for start in 0..text.len() {
        if start > 0 && is_word(text[start - 1]) {
            continue;
        }
        let cfg = start::Config::new().anchored(Anchored::Yes);
        let cfg = if start == 0 {
            cfg
        } else {
            cfg.look_behind(Some(text[start - 1]))
        };
        let mut s = dfa.start_state(&cfg).expect("start");
        let record = |s, end: usize, hits: &mut Vec<_>| {
            if dfa.is_match_state(s) {
                for k in 0..dfa.match_len(s) {
                    hits.push((dfa.match_pattern(s, k).as_u32(), start, end));
                }
            }
        };
        let mut alive = true;
        for (i, &b) in text.iter().enumerate().skip(start) {
            s = dfa.next_state(s, b);
            record(s, i, &mut hits);
            if dfa.is_dead_state(s) {
                alive = false;
                break;
            }
        }
        if alive {
            let e = dfa.next_eoi_state(s);
            record(e, text.len(), &mut hits);
        }
    }
    hits.sort_unstable();
    hits.dedup();
    hits
}

fn dense_dfa(hirs: &[Hir]) -> dense::DFA<Vec<u32>> {
    esafety_lexicon::build_dfa(hirs, &esafety_lexicon::CompileOptions::default()).expect("dfa")
}

fn gz(b: &[u8]) -> usize {
    let mut c = std::process::Command::new("gzip")
        .arg("-9c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip");
    let mut stdin = c.stdin.take().expect("stdin");
    let data = b.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data).expect("write"));
    let n = c.wait_with_output().expect("gzip output").stdout.len();
    writer.join().expect("writer");
    n
}
