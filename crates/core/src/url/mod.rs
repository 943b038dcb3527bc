//! The URL side of esafety: what a web address is, and what to do about it for a pupil.
//!
//! [`UrlClassifier::classify`] reads a URL the way the browser does ([`address`]), looks
//! its host and path up in list packs (the built-in list compiled from
//! `data/url/domains.tsv`, plus any the school loads: [`lists`]), applies the school's
//! [`overrides`], falls back to look-alike names and heuristics for unknown sites, judges
//! search terms with the text classifier, forces SafeSearch, follows translators and
//! caches to the page they carry, and returns a [`UrlDecision`] that names every reason
//! (list and line, heuristic, override) and the help routes that fit.
//!
//! Every step is bounded: URLs over [`MAX_URL_BYTES`] are refused, at most
//! [`lists::MAX_HOST_PROBES`] host suffixes and [`lists::MAX_PATH_PROBES`] path prefixes
//! are probed, queries are cut at [`search::MAX_QUERY_BYTES`], carriers are followed at
//! most [`MAX_CARRIER_DEPTH`] deep.

pub mod address;
mod bits;
mod carrier;
mod data;
mod decide;
mod few;
mod heuristics;
pub mod lists;
mod literals;
pub mod overrides;
mod psl;
pub mod search;

pub use address::{parse, Address, HostKind, Kind, UrlError, MAX_URL_BYTES};
pub use decide::{
    Header, Reason, ReasonKind, SearchQuery, UrlClassifier, UrlClassifierBuilder, UrlDecision,
    DEFAULT_SOCIAL_MEDIA_AGE, MAX_CARRIER_DEPTH,
};
pub use lists::{hash_forms, sha256, NamedPack};
pub use overrides::{
    normalise_target, Override, OverrideAction, OverrideError, Overrides, OVERRIDE_HEADER,
};

/// The built-in domain list as pack bytes (for `esafety lists info` and tests).
pub fn builtin_pack_bytes() -> &'static [u8] {
    data::DEFAULT_PACK
}
