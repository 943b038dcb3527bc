//! Timing: per-call latency percentiles, throughput, medians, and the units they are
//! printed in.
//!
//! Latency is measured per call, with an [`Instant`] read before and after each call,
//! so p99 shows the slow calls (cache misses, long hosts, search terms) that an average
//! hides; it therefore includes one clock read (see [`timer_overhead`]). Throughput is
//! measured separately, with one clock read around a whole pass.

use std::hint::black_box;
use std::time::{Duration, Instant};

use crate::alloc;

/// Throughput and latency of one operation.
#[derive(Clone, Copy, Debug, Default)]
pub struct Speed {
    /// Calls per second over a whole pass.
    pub per_sec: f64,
    /// Median latency per call, nanoseconds.
    pub p50_ns: f64,
    /// 99th-percentile latency per call, nanoseconds.
    pub p99_ns: f64,
}

/// Per-call latencies (in input order) and the speed they add up to.
#[derive(Clone, Debug, Default)]
pub struct Timing {
    pub speed: Speed,
    /// Nanoseconds per call, in the order of the inputs.
    pub samples: Vec<u64>,
}

impl Timing {
    /// p50 and p99 (ns) of the calls whose input index passes `keep`.
    pub fn percentiles_where(&self, keep: impl Fn(usize) -> bool) -> (f64, f64) {
        let mut s: Vec<u64> = (0..self.samples.len())
            .filter(|&i| keep(i))
            .map(|i| self.samples[i])
            .collect();
        s.sort_unstable();
        (percentile(&s, 0.50), percentile(&s, 0.99))
    }
}

/// Times `f` on every input: a pass with a clock read around each call (latency), then
/// a pass with one clock read around all of them (throughput). In the latency pass each
/// input is cloned just before its call, so it is in cache as a request just built by
/// the browser would be, and the figure is the decision's cost, not a cache miss on a
/// test string. Allocation counting is paused meanwhile; `f` should return what it
/// computed so it cannot be optimised away.
pub fn time<T: Clone, R>(inputs: &[T], mut f: impl FnMut(&T) -> R) -> Timing {
    if inputs.is_empty() {
        return Timing::default();
    }
    let mut samples = Vec::with_capacity(inputs.len());
    let total = alloc::paused(|| {
        for x in inputs {
            let hot = black_box(x.clone());
            let t = Instant::now();
            black_box(f(black_box(&hot)));
            samples.push(t.elapsed().as_nanos() as u64);
        }
        let t = Instant::now();
        for x in inputs {
            black_box(f(black_box(x)));
        }
        t.elapsed()
    });
    let mut sorted = samples.clone();
    sorted.sort_unstable();
    Timing {
        speed: Speed {
            per_sec: inputs.len() as f64 / total.as_secs_f64(),
            p50_ns: percentile(&sorted, 0.50),
            p99_ns: percentile(&sorted, 0.99),
        },
        samples,
    }
}

/// [`time`], without the samples.
pub fn speed<T: Clone, R>(inputs: &[T], f: impl FnMut(&T) -> R) -> Speed {
    time(inputs, f).speed
}

/// The `p`-quantile (0–1) of sorted nanosecond samples.
pub fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i] as f64
}

/// Median duration of `runs` calls of `timed`, each given a fresh input from `prepare`
/// (prepared outside the timed region).
pub fn median_of<I, R>(
    runs: usize,
    mut prepare: impl FnMut() -> I,
    mut timed: impl FnMut(I) -> R,
) -> Duration {
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let input = prepare();
            let t = Instant::now();
            let r = timed(input);
            let d = t.elapsed();
            drop(black_box(r));
            d
        })
        .collect();
    times.sort_unstable();
    times[times.len() / 2]
}

/// Median cost of one `Instant::now()` + `elapsed()` pair, nanoseconds: the floor under
/// every per-call latency.
pub fn timer_overhead() -> f64 {
    let mut lat: Vec<u64> = (0..100_000)
        .map(|_| {
            let t = Instant::now();
            black_box(());
            t.elapsed().as_nanos() as u64
        })
        .collect();
    lat.sort_unstable();
    percentile(&lat, 0.5)
}

/// `1,234,567`.
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes in decimal units: `512 B`, `3.4 MB`, `1.20 GB`.
pub fn bytes(n: usize) -> String {
    let f = n as f64;
    if f >= 1e9 {
        format!("{:.2} GB", f / 1e9)
    } else if f >= 1e6 {
        format!("{:.1} MB", f / 1e6)
    } else if f >= 1e3 {
        format!("{:.1} kB", f / 1e3)
    } else {
        format!("{n} B")
    }
}

/// A duration in a readable unit: `85 ns`, `1.27 µs`, `3.41 ms`, `12.3 s`.
pub fn duration(d: Duration) -> String {
    nanos(d.as_nanos() as f64)
}

/// Nanoseconds in a readable unit.
pub fn nanos(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.1} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// A rate: `12.3 M/s`, `850 k/s`.
pub fn rate(per_sec: f64) -> String {
    if per_sec >= 1e6 {
        format!("{:.2} M/s", per_sec / 1e6)
    } else if per_sec >= 1e3 {
        format!("{:.0} k/s", per_sec / 1e3)
    } else {
        format!("{per_sec:.0}/s")
    }
}

/// `p50 / p99` of a speed.
pub fn p50_p99(s: &Speed) -> String {
    format!("{} / {}", nanos(s.p50_ns), nanos(s.p99_ns))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(count(5_000_000), "5,000,000");
        assert_eq!(count(999), "999");
        assert_eq!(bytes(3_400_000), "3.4 MB");
        assert_eq!(nanos(850.0), "850 ns");
        assert_eq!(nanos(1270.0), "1.27 µs");
        assert_eq!(rate(12_300_000.0), "12.30 M/s");
        assert_eq!(percentile(&[1, 2, 3, 4, 5], 0.5), 3.0);
    }
}
