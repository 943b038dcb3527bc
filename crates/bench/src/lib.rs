//! Shared pieces of the esafety benchmarks (`src/main.rs`: text; `src/bin/url.rs`: URLs):
//! a counting allocator for memory figures, latency and throughput measurement, and
//! deterministic generation of realistic domain names.

pub mod alloc;
pub mod domains;
pub mod measure;
