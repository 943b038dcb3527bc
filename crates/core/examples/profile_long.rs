//! Profiles classification of long benign text (a development aid).
use std::hint::black_box;
fn main() {
    let book = "Once upon a time, in a small village by the sea, there lived a girl called Poppy who loved to collect shells. Every morning she walked along the beach with her grandad, who told her stories about the ships that sailed past long ago. ";
    let piece = book.repeat(300);
    let c = esafety::Classifier::new();
    let t = std::time::Instant::now();
    for _ in 0..50 {
        black_box(c.classify(&piece));
    }
    let e = t.elapsed();
    println!(
        "{:.1} MB/s",
        (piece.len() * 50) as f64 / e.as_secs_f64() / 1e6
    );
}
