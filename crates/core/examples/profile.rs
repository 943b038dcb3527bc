//! Times the stages of classification on chat-like text (a development aid).
use esafety::normalize::normalize;
use esafety::Classifier;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let msgs: Vec<String> = (0..20000)
        .map(|i| {
            [
                "hey are you coming to football after school",
                "did u finish the maths homework its so hard",
                "you're such a loser nobody likes you",
                "dont tell ur mum we talk ok its our secret",
                "my dog ate my sandwich again",
                "I got 9/10 on the science quiz!!",
            ][i % 6]
                .to_string()
        })
        .collect();
    let bytes: usize = msgs.iter().map(|m| m.len()).sum();
    let t = Instant::now();
    for m in &msgs {
        black_box(normalize(m));
    }
    let n = t.elapsed();
    let c = Classifier::new();
    let t = Instant::now();
    for m in &msgs {
        black_box(c.classify(m));
    }
    let all = t.elapsed();
    println!(
        "normalize {:.1} MB/s, classify {:.1} MB/s",
        bytes as f64 / n.as_secs_f64() / 1e6,
        bytes as f64 / all.as_secs_f64() / 1e6
    );
}
