//! Byte offsets (what the core reports, into UTF-8) to UTF-16 offsets (what JavaScript's
//! `String.prototype.slice` takes).
//!
//! wasm-bindgen hands Rust the JS string encoded by `TextEncoder`, which turns each lone
//! surrogate into U+FFFD. U+FFFD is one UTF-16 unit, like the lone surrogate it replaced,
//! so counting `char::len_utf16` over the Rust string gives offsets that are exact in the
//! caller's original string too — for accents, emoji (two units) and broken surrogates
//! alike.

/// Converts sorted-or-not byte offsets into UTF-16 offsets in one pass over `text`.
///
/// Offsets that fall inside a UTF-8 sequence (the core never reports those) round down to
/// the start of the character; offsets past the end map to the string's UTF-16 length.
pub fn to_utf16(text: &str, offsets: &[usize]) -> Vec<u32> {
    if text.is_ascii() {
        return offsets.iter().map(|&o| o.min(text.len()) as u32).collect();
    }
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_unstable_by_key(|&i| offsets[i]);
    let mut out = vec![0u32; offsets.len()];
    let mut units = 0u32;
    let mut chars = text.char_indices().peekable();
    for i in order {
        let want = offsets[i];
        while let Some(&(at, c)) = chars.peek() {
            if at + c.len_utf8() > want {
                break;
            }
            units += c.len_utf16() as u32;
            chars.next();
        }
        out[i] = units;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slow, obviously right answer.
    fn naive(text: &str, o: usize) -> u32 {
        let mut o = o.min(text.len());
        while !text.is_char_boundary(o) {
            o -= 1;
        }
        text[..o].encode_utf16().count() as u32
    }

    #[test]
    fn ascii_is_identity() {
        assert_eq!(to_utf16("hello you", &[0, 6, 9, 50]), vec![0, 6, 9, 9]);
    }

    #[test]
    fn emoji_count_two_units_accents_one() {
        let t = "😀 café 🔪 stab";
        let start = t.find("stab").unwrap();
        let got = to_utf16(t, &[start, t.len(), t.find("café").unwrap()]);
        let js: Vec<u16> = t.encode_utf16().collect();
        let s = got[0] as usize;
        assert_eq!(String::from_utf16(&js[s..got[1] as usize]).unwrap(), "stab");
        assert_eq!(got[2], 3);
    }

    #[test]
    fn replacement_char_is_one_unit_like_the_lone_surrogate_it_replaced() {
        // JS "\uD800 kill" reaches Rust as "\u{FFFD} kill".
        let t = "\u{FFFD} kill";
        assert_eq!(to_utf16(t, &[t.find("kill").unwrap()]), vec![2]);
    }

    #[test]
    fn matches_naive_on_mixed_text_in_any_order() {
        let t = "Ａｂ😀é\u{200b}x 👩‍👩‍👧 ok ß";
        let offsets: Vec<usize> = (0..=t.len() + 2).rev().collect();
        let got = to_utf16(t, &offsets);
        for (o, g) in offsets.iter().zip(got) {
            assert_eq!(g, naive(t, *o), "offset {o}");
        }
    }
}
