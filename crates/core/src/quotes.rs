//! Quotations in a message, for allow rules that frame them.
//!
//! Online-safety lessons quote what a groomer or a bully might say so that pupils learn to
//! spot it: "a groomer might say 'delete our chats so nobody sees'", "people who say 'your
//! parents don't need to know' are not your friends". The quoted words are the very phrases
//! the grooming rules look for; the frame around them is what makes the message a warning,
//! and the frame can sit before, after or around the quotation, often more words away than
//! an allow rule's gap reaches. So an allow rule flagged `quote` (`rules/allow_quote.tsv`)
//! matches the frame alone, and the risks that lie wholly inside a quotation of the same
//! message are cancelled (for the rule's categories), as if the allow's span covered them.
//!
//! Two limits keep a real approach or a disclosure from hiding in quotation marks:
//! - the frame must lie outside the quotation it clears (`'… it's a trick'` quotes its own
//!   frame, and clears nothing);
//! - a message that speaks in the first person singular outside its quotations ("he said
//!   'don't tell anyone' and I'm scared, is that a red flag?") is a pupil telling what
//!   happened to them: nothing is cancelled, and the DSL still hears of it.
//!
//! Quotation marks (`"`, `'` and the curly ones) open at the start or after a space or an
//! opening bracket, before a non-space (a single mark: before a letter or digit), and close
//! after a non-space, before a space, punctuation or the end; a quotation ends at the first
//! closing mark of its kind. So the apostrophes of `don't`, `you'll` and `parents'` (and
//! `Trump"s`, typed with a double mark) open nothing. One pass, linear in the text.

/// Most quotations looked at in one message (a bound on the shields they add).
const MAX_QUOTATIONS: usize = 16;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Double,
    Single,
}

fn mark(c: char) -> Option<Mark> {
    match c {
        '"' | '\u{201c}' | '\u{201d}' | '\u{201e}' => Some(Mark::Double),
        '\'' | '\u{2018}' | '\u{2019}' => Some(Mark::Single),
        _ => None,
    }
}

/// An opening mark: at the start or after a space or an opening bracket (never inside a
/// word: `Trump"s` uses a double mark as an apostrophe), before a non-space (a single
/// mark: before a letter or digit).
fn opens(m: Mark, before: Option<char>, after: Option<char>) -> bool {
    let Some(after) = after else { return false };
    before.is_none_or(|b| b.is_whitespace() || matches!(b, '(' | '[' | ':'))
        && match m {
            Mark::Double => !after.is_whitespace() && mark(after).is_none(),
            Mark::Single => after.is_alphanumeric(),
        }
}

/// A closing mark: after a non-space, before the end, a space or punctuation.
fn closes(before: Option<char>, after: Option<char>) -> bool {
    before.is_some_and(|b| !b.is_whitespace()) && after.is_none_or(|a| !a.is_alphanumeric())
}

/// The byte spans of `text`'s quotations, marks included, in order, into `out`.
pub(crate) fn quotations(text: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut open: Option<(usize, Mark)> = None;
    for (i, c) in text.char_indices() {
        let Some(m) = mark(c) else { continue };
        let end = i + c.len_utf8();
        let before = text[..i].chars().next_back();
        let after = text[end..].chars().next();
        match open {
            Some((start, om)) if om == m && closes(before, after) => {
                out.push((start, end));
                open = None;
                if out.len() == MAX_QUOTATIONS {
                    return;
                }
            }
            // A second opening mark of the same kind restarts the quotation: quotations
            // do not nest in chat, and a message wrapped in marks (`"they called me
            // "retard" …"`) must not read its own words as quoted.
            Some((_, om)) if om == m && opens(m, before, after) => open = Some((i, m)),
            Some(_) => {}
            None if opens(m, before, after) => open = Some((i, m)),
            None => {}
        }
    }
}

/// Whether a word of the first person singular (`i`, `me`, `my`, `i'm` …) appears outside
/// the `quotes` of `text`.
pub(crate) fn first_person_outside(text: &str, quotes: &[(usize, usize)]) -> bool {
    let mut word = [0u8; 8];
    let mut len = 0usize;
    let mut too_long = false;
    let mut q = quotes.iter().peekable();
    let check = |word: &[u8], too_long: bool| {
        !too_long
            && matches!(
                word,
                b"i" | b"me"
                    | b"my"
                    | b"mine"
                    | b"myself"
                    | b"im"
                    | b"i'm"
                    | b"ive"
                    | b"i've"
                    | b"id"
                    | b"i'd"
                    | b"i'll"
            )
    };
    for (i, c) in text.char_indices() {
        while q.peek().is_some_and(|&&(_, e)| e <= i) {
            q.next();
        }
        let inside = q.peek().is_some_and(|&&(s, _)| s <= i);
        let c = if c == '\u{2019}' { '\'' } else { c };
        if !inside && (c.is_alphanumeric() || (c == '\'' && len > 0)) {
            if len < word.len() && c.is_ascii() {
                word[len] = c.to_ascii_lowercase() as u8;
                len += 1;
            } else {
                too_long = true;
            }
            continue;
        }
        if len > 0 && check(&word[..len], too_long) {
            return true;
        }
        len = 0;
        too_long = false;
    }
    len > 0 && check(&word[..len], too_long)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        quotations(text, &mut out);
        out.iter().map(|&(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn finds_quotations_and_skips_apostrophes() {
        assert_eq!(
            quoted("if someone says 'you'll get in trouble if you tell', that's a lie"),
            vec!["'you'll get in trouble if you tell'"]
        );
        assert_eq!(
            quoted("the video said \u{201c}delete our chats\u{201d} and \"don't tell\""),
            vec!["\u{201c}delete our chats\u{201d}", "\"don't tell\""]
        );
        assert_eq!(
            quoted("a groomer might say \u{2018}you can trust me\u{2019}."),
            vec!["\u{2018}you can trust me\u{2019}"]
        );
        assert!(quoted("don't tell anyone it's our secret, you're my friend").is_empty());
        assert!(quoted("my parents' house, the boys' toilets").is_empty());
        // An opening mark never closed quotes nothing.
        assert!(quoted("he said 'meet me at the park").is_empty());
        assert!(quoted("").is_empty());
        assert!(quoted("'").is_empty());
        assert!(quoted("\"\"").is_empty());
        // A second opening mark restarts: the inner quotation is the one.
        assert_eq!(
            quoted("\"they called me \"retard\" and it was hurtful\""),
            vec!["\"retard\""]
        );
        // A double mark typed as an apostrophe inside a word opens nothing.
        assert!(quoted("Trump\"s lies, who\"ll hang on").is_empty());
    }

    #[test]
    fn first_person_counts_only_outside_quotations() {
        let t = "he said 'send me a pic' and I'm scared";
        let mut q = Vec::new();
        quotations(t, &mut q);
        assert!(first_person_outside(t, &q));
        let t = "if a stranger says 'send me a photo and I'll give you robux' it's a trick";
        quotations(t, &mut q);
        assert!(!first_person_outside(t, &q));
        assert!(first_person_outside("my mum said 'no'", &[]));
        assert!(first_person_outside("I\u{2019}m fine", &[]));
        assert!(!first_person_outside(
            "we learned it, miss said it is a warning sign",
            &[]
        ));
        // "ill" (not "i'll"), "idea" and "imac" are not the first person.
        assert!(!first_person_outside(
            "ill be there with an idea and the imac",
            &[]
        ));
        assert!(first_person_outside("that one is mine", &[]));
    }

    #[test]
    fn bounded_and_linear_on_hostile_input() {
        let t = "'a' ".repeat(10_000);
        let mut q = Vec::new();
        quotations(&t, &mut q);
        assert_eq!(q.len(), MAX_QUOTATIONS);
        let t = "\u{2019}".repeat(10_000) + &"x'".repeat(10_000);
        quotations(&t, &mut q);
        assert!(q.len() <= MAX_QUOTATIONS);
        assert!(!first_person_outside(&"x'".repeat(10_000), &[]));
    }
}
