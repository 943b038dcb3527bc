//! The fold table: every non-ASCII character that reads as ASCII letters or digits.
//!
//! Most of it is derived, not written: Unicode compatibility decomposition (NFKD) turns
//! fullwidth `ｆ`, mathematical `𝐟`, circled `ⓕ`, accented `é` and ligatures `ﬁ` into
//! ASCII once combining marks are dropped. Look-alikes from other scripts (Cyrillic `а`,
//! Greek `ο`) have no decomposition; they come from `confusables.tsv`, which wins.

use crate::model::Fold;
use std::collections::BTreeMap;
use unicode_normalization::char::decompose_compatible;

/// Combining marks dropped after decomposition (accents, zalgo).
pub fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// `(char, lower-case ASCII)` sorted by char, for binary search at run time.
pub fn fold_table(confusables: &[Fold]) -> Vec<(char, String)> {
    let mut table = BTreeMap::new();
    for cp in 0x80u32..0x2_0000 {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let mut out = String::new();
        let mut ok = true;
        decompose_compatible(c, |d| {
            if is_combining(d) {
                return;
            }
            // Letters and digits, and the symbols leetspeak and self-censoring use
            // (fullwidth `＊`, `＄`, `＠`, `！`).
            if d.is_ascii_alphanumeric() || "*@$!#|+".contains(d) {
                out.push(d.to_ascii_lowercase());
            } else {
                ok = false;
            }
        });
        let symbols_only = out.bytes().all(|b| !b.is_ascii_alphanumeric());
        if ok && !out.is_empty() && out.len() <= 3 && (!symbols_only || out.len() == 1) {
            table.insert(c, out);
        }
        // Upper-case letters of other scripts that lower-case to a known fold.
    }
    for f in confusables {
        table.insert(f.ch, f.ascii.clone());
    }
    // Letters whose lower-case form folds (e.g. Cyrillic upper-case from the confusables).
    let lowered: Vec<(char, String)> = (0x80u32..0x2_0000)
        .filter_map(char::from_u32)
        .filter(|c| !table.contains_key(c))
        .filter_map(|c| {
            let mut low = c.to_lowercase();
            let l = low.next()?;
            if low.next().is_some() || l == c {
                return None;
            }
            table.get(&l).map(|v| (c, v.clone()))
        })
        .collect();
    table.extend(lowered);
    table.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_folds() {
        let t: BTreeMap<char, String> = fold_table(&[Fold {
            ch: 'а',
            ascii: "a".into(),
        }])
        .into_iter()
        .collect();
        assert_eq!(t[&'ｆ'], "f");
        assert_eq!(t[&'𝐟'], "f");
        assert_eq!(t[&'ⓕ'], "f");
        assert_eq!(t[&'é'], "e");
        assert_eq!(t[&'ﬁ'], "fi");
        assert_eq!(t[&'Ｆ'], "f");
        assert_eq!(t[&'а'], "a");
        assert_eq!(t[&'А'], "a", "upper case of a confusable");
        assert!(!t.contains_key(&'中'));
        assert_eq!(t[&'＊'], "*");
        assert_eq!(t[&'＠'], "@");
    }
}
