//! `esafety-bench`: throughput, latency and cold start of the text classifier, with
//! rustrict (the best-known open Rust filter) on the same input in the same run.
//!
//! Run with `cargo run --release -p esafety-bench` (or `scripts/bench.sh`). It prints a
//! Markdown table for the README. Timings are wall-clock on whatever machine runs it;
//! nothing here is asserted, so a slow or busy machine cannot fail a build.

use esafety::{AgeBand, Classifier};
use rustrict::CensorStr;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Chat-like messages: mostly ordinary class chat, some risky, some evasive.
const CHAT: &[&str] = &[
    "hey are you coming to football after school",
    "did u finish the maths homework its so hard",
    "lol that video was so funny i nearly died laughing",
    "can i borrow your rubber pls",
    "whats the answer to question 4",
    "my nan is taking me to the seaside on saturday",
    "omg the new minecraft update is sick",
    "we're doing the romans in history its actually fun",
    "anyone want to play fortnite later",
    "miss said we have a spelling test on friday",
    "you're such a loser nobody likes you",
    "dont tell ur mum we talk ok its our secret",
    "how old r u? do u have snap",
    "send me a pic of u",
    "i want to kill myself",
    "what the f*ck is this",
    "i'm going to stab you tomorrow",
    "my number is 07700 900123 text me",
    "that's so sh!t lol",
    "happy birthday!! hope you have the best day 🎂🎉",
    "the Scunthorpe game was class last night",
    "we learned about the Holocaust in RE today",
    "sex education lesson was so awkward haha",
    "ｆｕｃｋ this homework",
    "k y s",
    "is anyone going to the park later? bring a ball",
    "I got 9/10 on the science quiz!!",
    "can you send me the worksheet for english",
    "this homework is killing me",
    "my dog ate my sandwich again 😂",
];

/// Long benign text, like a reading book or a web page.
const BOOK: &str = "Once upon a time, in a small village by the sea, there lived a girl called Poppy \
who loved to collect shells. Every morning she walked along the beach with her grandad, who told her \
stories about the ships that sailed past long ago. One day they found a glass bottle with a message \
inside. \"Help! I am stuck on the island with the tall lighthouse,\" it said. Poppy and her grandad \
rowed out in his little red boat, and there on the rocks was a seal pup, tangled in a fishing net. \
They cut the net carefully, and the pup swam off, splashing happily. That night Poppy wrote in her \
diary: the best adventures start with a question. ";

fn corpus(bytes: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut total = 0;
    let mut i = 0usize;
    while total < bytes {
        let base = CHAT[i % CHAT.len()];
        // Vary messages so nothing is trivially repeated.
        let m = if i.is_multiple_of(3) {
            format!("{base} {}", i % 97)
        } else {
            base.to_string()
        };
        total += m.len();
        out.push(m);
        i += 1;
    }
    out
}

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / d.as_secs_f64() / 1e6
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

struct Row {
    what: String,
    esafety: String,
    rustrict: String,
    ratio: String,
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let chat_bytes = if quick { 2_000_000 } else { 20_000_000 };

    // Cold start: the first classifier and first verdict in this process.
    let t = Instant::now();
    let c = Classifier::builder().age_band(AgeBand::Ks2).build();
    let built = t.elapsed();
    black_box(c.classify("hello there"));
    let cold = t.elapsed();
    let t = Instant::now();
    black_box("hello there".is_inappropriate());
    let rr_cold = t.elapsed();
    // Building again (what a woken service worker does) without first-call effects.
    let t = Instant::now();
    let n = 1000;
    for _ in 0..n {
        black_box(Classifier::builder().build());
    }
    let rebuild = t.elapsed() / n;

    let msgs = corpus(chat_bytes);
    let bytes: usize = msgs.iter().map(String::len).sum();

    // Chat-like throughput.
    let mut flagged = 0usize;
    let t = Instant::now();
    for m in &msgs {
        flagged += usize::from(black_box(c.classify(m)).flagged);
    }
    let es = t.elapsed();
    let mut rr_flagged = 0usize;
    let t = Instant::now();
    for m in &msgs {
        rr_flagged += usize::from(black_box(m.as_str().is_inappropriate()));
    }
    let rr = t.elapsed();

    // Per-message latency.
    let mut lat: Vec<u64> = msgs
        .iter()
        .take(50_000)
        .map(|m| {
            let t = Instant::now();
            black_box(c.classify(m));
            t.elapsed().as_nanos() as u64
        })
        .collect();
    lat.sort_unstable();

    // Long benign text, classified in 64 KiB pieces.
    let piece: String = BOOK.repeat(64 * 1024 / BOOK.len());
    let pieces = if quick { 30 } else { 200 };
    let t = Instant::now();
    for _ in 0..pieces {
        black_box(c.classify(&piece));
    }
    let es_long = t.elapsed();
    let t = Instant::now();
    for _ in 0..pieces {
        black_box(piece.as_str().is_inappropriate());
    }
    let rr_long = t.elapsed();
    let long_bytes = piece.len() * pieces;

    let rows = [
        Row {
            what: format!(
                "chat-like messages ({:.0} MB, {} msgs), MB/s",
                bytes as f64 / 1e6,
                msgs.len()
            ),
            esafety: format!("{:.1}", mbps(bytes, es)),
            rustrict: format!("{:.1}", mbps(bytes, rr)),
            ratio: format!("{:.1}x", rr.as_secs_f64() / es.as_secs_f64()),
        },
        Row {
            what: "chat-like messages, messages/s".into(),
            esafety: format!("{:.0}", msgs.len() as f64 / es.as_secs_f64()),
            rustrict: format!("{:.0}", msgs.len() as f64 / rr.as_secs_f64()),
            ratio: String::new(),
        },
        Row {
            what: "long benign text (64 KiB pieces), MB/s".into(),
            esafety: format!("{:.1}", mbps(long_bytes, es_long)),
            rustrict: format!("{:.1}", mbps(long_bytes, rr_long)),
            ratio: format!("{:.1}x", rr_long.as_secs_f64() / es_long.as_secs_f64()),
        },
        Row {
            what: "latency per chat message p50 / p99, µs".into(),
            esafety: format!(
                "{:.2} / {:.2}",
                percentile(&lat, 0.5),
                percentile(&lat, 0.99)
            ),
            rustrict: String::new(),
            ratio: String::new(),
        },
        Row {
            what: "cold start: build + first verdict, µs".into(),
            esafety: format!(
                "{:.1} (build {:.1})",
                cold.as_secs_f64() * 1e6,
                built.as_secs_f64() * 1e6
            ),
            rustrict: format!("{:.1}", rr_cold.as_secs_f64() * 1e6),
            ratio: String::new(),
        },
        Row {
            what: "classifier build when warm, µs".into(),
            esafety: format!("{:.2}", rebuild.as_secs_f64() * 1e6),
            rustrict: String::new(),
            ratio: String::new(),
        },
        Row {
            what: "messages flagged (same input)".into(),
            esafety: format!("{:.1}%", 100.0 * flagged as f64 / msgs.len() as f64),
            rustrict: format!("{:.1}%", 100.0 * rr_flagged as f64 / msgs.len() as f64),
            ratio: String::new(),
        },
    ];
    println!("| measure | esafety | rustrict | esafety speed-up |");
    println!("|---|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} |",
            r.what, r.esafety, r.rustrict, r.ratio
        );
    }
    println!(
        "\nembedded automata: {} KiB, {} rules; {} cores; built with {}",
        esafety::automata_size() / 1024,
        esafety::rule_count(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        if cfg!(debug_assertions) {
            "debug (use --release!)"
        } else {
            "release"
        }
    );
}
