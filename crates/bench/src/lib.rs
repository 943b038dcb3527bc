//! Shared pieces of the esafety benchmarks (`src/main.rs`: text; `src/bin/url.rs`: URLs;
//! `src/bin/url_profile.rs`: a fixed run of URL decisions for callgrind):
//! a counting allocator for memory figures, latency and throughput measurement, and
//! deterministic generation of realistic domain names.

pub mod alloc;
pub mod domains;
pub mod measure;
