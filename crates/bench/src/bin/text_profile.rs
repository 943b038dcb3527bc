//! `text_profile`: the text classifier on a file of messages, one a line, for profilers
//! (callgrind, perf) and for finding the slow messages behind the npm benchmark's p99.
//!
//! ```text
//! node npm/bench/bench.mjs --dump-corpus /tmp/corpus.txt      # the npm benchmark's messages
//! cargo run --release -p esafety-bench --bin text_profile -- run /tmp/corpus.txt [PASSES]
//! cargo run --release -p esafety-bench --bin text_profile -- slowest /tmp/corpus.txt [N]
//! ```
//!
//! `run` classifies every message PASSES times (default 1) and prints messages, bytes,
//! flagged and the wall-clock rate; under `valgrind --tool=callgrind` its instruction count
//! divided by the messages is the steady figure a busy machine cannot blur. `slowest`
//! times each message once in order (as the npm benchmark does) and best of 20, prints
//! both sets of percentiles and the N slowest, with
//! their length, so a tail can be told apart from long input.

use esafety::{AgeBand, Classifier};
use std::hint::black_box;
use std::io::Write as _;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: text_profile run|slowest FILE [PASSES|N]");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let messages: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let n: usize = match args.get(2).map(|s| s.parse()) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("{}: not a count", args[2]);
            return ExitCode::from(2);
        }
    };
    let c = Classifier::builder().age_band(AgeBand::Ks2).build();
    match mode.as_str() {
        "run" => run(&c, &messages, n.max(1)),
        "slowest" => slowest(&c, &messages, if n == 0 { 20 } else { n }),
        _ => {
            eprintln!("unknown mode {mode}: run or slowest");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

fn run(c: &Classifier, messages: &[&str], passes: usize) {
    let bytes: usize = messages.iter().map(|m| m.len()).sum();
    let started = Instant::now();
    let mut flagged = 0usize;
    for _ in 0..passes {
        flagged = 0;
        for m in messages {
            flagged += usize::from(black_box(c.classify(black_box(m))).flagged);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} messages, {bytes} bytes, {flagged} flagged; {passes} passes in {secs:.3} s: {:.1} MB/s",
        messages.len(),
        (bytes * passes) as f64 / 1e6 / secs
    );
}

fn slowest(c: &Classifier, messages: &[&str], show: usize) {
    // Once each, in order, as the npm benchmark's latency run times them (caches as they are).
    let mut once: Vec<f64> = messages
        .iter()
        .map(|m| {
            let t = Instant::now();
            black_box(c.classify(black_box(m)));
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    once.sort_by(f64::total_cmp);
    let at = |v: &[f64], p: f64| v[((v.len() - 1) as f64 * p / 100.0).round() as usize];
    println!(
        "once each: p50 {:.1} µs, p90 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        at(&once, 50.0),
        at(&once, 90.0),
        at(&once, 99.0),
        at(&once, 100.0)
    );
    let mut timed: Vec<(f64, usize)> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let best = (0..20)
                .map(|_| {
                    let t = Instant::now();
                    black_box(c.classify(black_box(m)));
                    t.elapsed().as_secs_f64() * 1e6
                })
                .fold(f64::INFINITY, f64::min);
            (best, i)
        })
        .collect();
    timed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let best: Vec<f64> = timed.iter().map(|t| t.0).collect();
    let pct = |p: f64| at(&best, p);
    println!(
        "{} messages (best of 20 each): p50 {:.1} µs, p90 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        timed.len(),
        pct(50.0),
        pct(90.0),
        pct(99.0),
        pct(100.0)
    );
    let bytes_at_p99: Vec<usize> = timed[timed.len() * 99 / 100..]
        .iter()
        .map(|&(_, i)| messages[i].len())
        .collect();
    let mean = bytes_at_p99.iter().sum::<usize>() as f64 / bytes_at_p99.len().max(1) as f64;
    println!("the slowest 1 %: {mean:.0} bytes on average");
    // Written, not printed: `| head` closing the pipe ends the listing quietly.
    let mut out = std::io::stdout().lock();
    for &(us, i) in timed.iter().rev().take(show) {
        let m = messages[i];
        let shown: String = m.chars().take(100).collect();
        let line = writeln!(
            out,
            "{us:8.1} µs {:6} B {:6.1} ns/B  {shown}",
            m.len(),
            us * 1e3 / m.len() as f64
        );
        if line.is_err() {
            break;
        }
    }
}
