//! The word model (`data/text/model.tsv`, written by `esafety model train`): read, checked
//! and turned into static tables for the core (`crates/core/src/learned.rs`).
//!
//! Each feature (a normalised word or word pair) is stored as the 32-bit hash of its text
//! (`esafety_pack::word_hash`, which the core computes the same way, a pair's from its
//! first word's), sorted, with a bucket table over the top [`BUCKET_BITS`] bits so that a
//! lookup reads one bucket of two or three hashes instead of a binary search's fourteen
//! steps; its twelve weights are quantised to `i8` against one scale per column: some
//! 10,000 features cost about 170 KB instead of the text's 700 KB. The weights take 127
//! levels (-63 to 63), not 255: the compressed module is 26 KB smaller (the levels'
//! entropy drops by a bit), and verdicts move on about 1 text in 850 of 54,559, as many
//! for the better as for the worse on the blind sets. Two features whose hashes collide
//! are refused when the file is read.

use crate::error::{DataError, ErrorKind};
use std::fmt::Write as _;

/// Columns after the feature: any risk, then the eleven categories in taxonomy order.
pub const OUTPUTS: usize = 12;

/// The largest quantised weight (a column's largest weight maps to it).
const WEIGHT_LEVELS: i8 = 63;

/// Top bits of a feature hash that pick its bucket (`MODEL_BUCKETS`).
pub const BUCKET_BITS: u32 = 12;
// A hash's bits below its bucket are stored as 16 + 4 (`generate_model_rust`).
const _: () = assert!(BUCKET_BITS == 12);

/// A parsed model.
#[derive(Clone, Debug, Default)]
pub struct LearnedModel {
    pub bias: [f32; OUTPUTS],
    pub features: Vec<(String, [f32; OUTPUTS])>,
}

/// Reads `model.tsv`; a missing file is an empty model (the classifier then never asks it).
pub fn load(path: &std::path::Path) -> Result<LearnedModel, Vec<DataError>> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(LearnedModel::default()),
        Err(e) => Err(vec![DataError::new(
            "model.tsv",
            0,
            ErrorKind::Io(e.to_string()),
        )]),
    }
}

/// Parses the text of `model.tsv`.
pub fn parse(text: &str) -> Result<LearnedModel, Vec<DataError>> {
    let mut model = LearnedModel::default();
    let mut errors = Vec::new();
    let mut bias = None;
    let mut hashes: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut header = false;
    for (i, line) in text.lines().enumerate() {
        let at = |kind| DataError::new("model.tsv", i + 1, kind);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != OUTPUTS + 1 {
            errors.push(at(ErrorKind::Columns {
                expected: OUTPUTS + 1,
                found: cols.len(),
            }));
            continue;
        }
        if !header {
            header = true;
            if cols[0] != "feature" {
                errors.push(at(ErrorKind::BadValue {
                    column: "feature",
                    value: cols[0].into(),
                    why: "the first line must be the header".into(),
                }));
            }
            continue;
        }
        let mut w = [0f32; OUTPUTS];
        let mut ok = true;
        for (k, c) in cols[1..].iter().enumerate() {
            match c.parse::<f32>() {
                Ok(v) if v.is_finite() && v.abs() <= 1000.0 => w[k] = v,
                _ => {
                    ok = false;
                    errors.push(at(ErrorKind::BadValue {
                        column: "weight",
                        value: (*c).into(),
                        why: "a weight is a finite number".into(),
                    }));
                }
            }
        }
        if !ok {
            continue;
        }
        if cols[0] == "(bias)" {
            bias = Some(w);
        } else if cols[0].is_empty()
            || !cols[0]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b' ')
        {
            errors.push(at(ErrorKind::BadValue {
                column: "feature",
                value: cols[0].into(),
                why: "a feature is one or two normalised words (a-z, 0-9, one space)".into(),
            }));
        } else if let Some(other) =
            hashes.insert(esafety_pack::word_hash(cols[0].as_bytes()), i + 1)
        {
            errors.push(at(ErrorKind::BadValue {
                column: "feature",
                value: cols[0].into(),
                why: format!(
                    "its 32-bit hash equals the feature's on line {other} (change \
                     esafety_pack::WORD_HASH_SEED)"
                ),
            }));
        } else {
            model.features.push((cols[0].to_string(), w));
        }
    }
    if model.features.len() > usize::from(u16::MAX) {
        errors.push(DataError::new(
            "model.tsv",
            0,
            ErrorKind::BadValue {
                column: "feature",
                value: model.features.len().to_string(),
                why: "at most 65,535 features (bucket indices are 16-bit)".into(),
            },
        ));
    }
    match bias {
        Some(b) => model.bias = b,
        None if model.features.is_empty() => {}
        None => errors.push(DataError::new(
            "model.tsv",
            0,
            ErrorKind::BadValue {
                column: "feature",
                value: String::new(),
                why: "no (bias) row".into(),
            },
        )),
    }
    if errors.is_empty() {
        Ok(model)
    } else {
        Err(errors)
    }
}

/// Rust source for the core: the features' hashes in order, each as its bucket (top
/// [`BUCKET_BITS`] bits) and the rest (`MODEL_LOW`: bits 0–15, `MODEL_NIBBLES`: bits 16–19,
/// two features to a byte); `MODEL_BUCKETS` (for each bucket, the index of its first
/// feature; one entry more at the end), `MODEL_WEIGHTS`, `MODEL_SCALE`, `MODEL_BIAS`.
pub fn generate_model_rust(m: &LearnedModel) -> String {
    let mut scale = [0f32; OUTPUTS];
    for (_, w) in &m.features {
        for k in 0..OUTPUTS {
            scale[k] = scale[k].max(w[k].abs() / f32::from(WEIGHT_LEVELS));
        }
    }
    let mut rows: Vec<(u32, [i8; OUTPUTS])> = m
        .features
        .iter()
        .map(|(f, w)| {
            let mut q = [0i8; OUTPUTS];
            for k in 0..OUTPUTS {
                if scale[k] > 0.0 {
                    let top = f32::from(WEIGHT_LEVELS);
                    q[k] = (w[k] / scale[k]).round().clamp(-top, top) as i8;
                }
            }
            (esafety_pack::word_hash(f.as_bytes()), q)
        })
        .collect();
    rows.sort_by_key(|r| r.0);
    rows.dedup_by_key(|r| r.0);
    let mut s =
        String::from("// @generated by esafety-lexicon from data/text/model.tsv. Do not edit.\n");
    let _ = writeln!(
        s,
        "pub(crate) static MODEL_BIAS: [f32; {OUTPUTS}] = {:?};",
        m.bias
    );
    let _ = writeln!(
        s,
        "pub(crate) static MODEL_SCALE: [f32; {OUTPUTS}] = {:?};",
        scale
    );
    // The top BUCKET_BITS bits of a hash are its bucket; only the other 20 are stored, as a
    // low half and a nibble (two to a byte): the same comparison as the whole hash, in 2.5
    // bytes a feature instead of 4.
    s.push_str("pub(crate) static MODEL_LOW: &[u16] = &[");
    for (h, _) in &rows {
        let _ = write!(s, "{},", h & 0xffff);
    }
    s.push_str("];\n");
    s.push_str("pub(crate) static MODEL_NIBBLES: &[u8] = &[");
    for pair in rows.chunks(2) {
        let nibble = |h: u32| ((h >> 16) & 0xf) as u8;
        let hi = pair.get(1).map_or(0, |r| nibble(r.0));
        let _ = write!(s, "{},", nibble(pair[0].0) | hi << 4);
    }
    s.push_str("];\n");
    let _ = writeln!(
        s,
        "pub(crate) const MODEL_BUCKET_BITS: u32 = {BUCKET_BITS};"
    );
    s.push_str("pub(crate) static MODEL_BUCKETS: &[u16] = &[");
    for b in 0..=(1u64 << BUCKET_BITS) {
        let first = rows.partition_point(|r| u64::from(r.0 >> (32 - BUCKET_BITS)) < b);
        let _ = write!(s, "{first},");
    }
    s.push_str("];\n");
    let _ = write!(
        s,
        "pub(crate) static MODEL_WEIGHTS: &[[i8; {OUTPUTS}]] = &["
    );
    for (_, q) in &rows {
        let _ = write!(s, "{q:?},");
    }
    s.push_str("];\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quantises_and_refuses_bad_rows() {
        let text = "# c\nfeature\tany\tb\tc\td\te\tf\tg\th\ti\tj\tk\tl\n(bias)\t-1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\nugly\t2.5\t3\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\nur ugly\t1\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t-0.5\n";
        let m = parse(text).unwrap();
        assert_eq!(m.bias[0], -1.0);
        assert_eq!(m.features.len(), 2);
        let rust = generate_model_rust(&m);
        assert!(rust.contains("MODEL_LOW") && rust.contains("[63, 63,"));
        let bad = "feature\tany\tb\tc\td\te\tf\tg\th\ti\tj\tk\tl\nUgly!\t1\t1\t1\t1\t1\t1\t1\t1\t1\t1\t1\t1\nx\tnan\t1\t1\t1\t1\t1\t1\t1\t1\t1\t1\t1\ny\t1\n";
        let errs = parse(bad).unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}"); // bad feature, bad weight, columns
        assert!(parse("").unwrap().features.is_empty());
    }
}
