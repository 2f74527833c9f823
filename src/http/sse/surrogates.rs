//! Lone UTF-16 surrogate escapes, as JavaScript servers send them in event streams.
//!
//! A JavaScript string is UTF-16, and a server that streams a string piece by piece may cut
//! it between the two halves of a surrogate pair: `JSON.stringify` then writes the halves as
//! lone escapes in two frames (`"arguments":"\ud83d"`, then `"\ude80"`), which `JSON.parse`
//! accepts and string concatenation joins back into 🚀. serde_json refuses a lone surrogate
//! escape (a Rust string cannot hold one), so the frame would be lost.
//!
//! [`mark`] rewrites each lone surrogate escape of a frame into a marker serde_json accepts:
//! three escaped *noncharacters* (U+FDD0–U+FDEF, which Unicode reserves for a program's
//! internal use and which text does not carry), `LEAD + bits 10..8`, `TAIL + bits 7..4`,
//! `TAIL + bits 3..0` of the unit's offset from U+D800. The pieces are joined as strings, as
//! JavaScript joins them, and [`join`] then turns each high marker directly followed by a low
//! marker into the one character they encode; a half that found no partner becomes U+FFFD,
//! the replacement character (what a UTF-16 decoder writes for it). A well-formed pair inside
//! one frame is left to serde_json.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// First marker character: U+FDD0 plus the top three bits of the unit's offset.
const LEAD: u32 = 0xFDD0;
/// Second and third marker characters: U+FDE0 plus four bits each.
const TAIL: u32 = 0xFDE0;
/// The replacement character for a half without its partner.
const REPLACEMENT: char = '\u{FFFD}';

/// The frame with every lone surrogate escape replaced by its marker, and whether there was
/// one. Escapes are read left to right (so `\\ud83d` is a backslash and text, not an
/// escape); anything that is not a well-formed `\uXXXX` is left for serde_json to refuse.
pub(super) fn mark(text: &str) -> (Cow<'_, str>, bool) {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    // Everything before `copied` is already in `out`.
    let mut copied = 0;
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&b| b == b'\\') {
        let slash = at + offset;
        let Some(unit) = unicode_escape(bytes, slash) else {
            // Another escape (or a broken one): skip the backslash and the byte after it.
            at = (slash + 2).min(bytes.len());
            continue;
        };
        let paired = (0xD800..=0xDBFF).contains(&unit)
            && unicode_escape(bytes, slash + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low));
        if paired {
            at = slash + 12;
            continue;
        }
        at = slash + 6;
        if !(0xD800..=0xDFFF).contains(&unit) {
            continue;
        }
        let out = out.get_or_insert_with(|| String::with_capacity(text.len() + 32));
        // `slash` and `at` sit on ASCII bytes, so both slices are whole characters.
        out.push_str(&text[copied..slash]);
        let offset = unit - 0xD800;
        for marker in [
            LEAD + (offset >> 8),
            TAIL + ((offset >> 4) & 0xF),
            TAIL + (offset & 0xF),
        ] {
            out.push_str(&format!("\\u{marker:04X}"));
        }
        copied = at;
    }
    match out {
        Some(mut out) => {
            out.push_str(&text[copied..]);
            (Cow::Owned(out), true)
        }
        None => (Cow::Borrowed(text), false),
    }
}

/// The code unit of a `\uXXXX` escape starting at `at`, if there is one.
fn unicode_escape(bytes: &[u8], at: usize) -> Option<u32> {
    let escape = bytes.get(at..at + 6)?;
    if escape[0] != b'\\' || escape[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&escape[2..]).ok()?;
    u32::from_str_radix(hex, 16)
        .ok()
        .filter(|_| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The unit the marker at the start of `text` encodes, if it starts with one. A marker is
/// three characters of three UTF-8 bytes each.
fn marker_at(text: &str) -> Option<u32> {
    let mut chars = text.chars();
    let (lead, high, low) = (chars.next()?, chars.next()?, chars.next()?);
    let lead = u32::from(lead).checked_sub(LEAD).filter(|v| *v < 8)?;
    let high = u32::from(high).checked_sub(TAIL).filter(|v| *v < 16)?;
    let low = u32::from(low).checked_sub(TAIL).filter(|v| *v < 16)?;
    Some(0xD800 + (lead << 8) + (high << 4) + low)
}

/// The length of a marker in bytes.
const MARKER_BYTES: usize = 9;

fn is_lead(c: char) -> bool {
    (LEAD..LEAD + 8).contains(&u32::from(c))
}

/// `text` with its markers turned back into characters: a high half directly followed by a
/// low half is one character, any other half U+FFFD.
pub(super) fn join(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_lead) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut high: Option<u32> = None;
    let mut rest = text;
    while let Some(next) = rest.chars().next() {
        let Some(unit) = marker_at(rest) else {
            if high.take().is_some() {
                out.push(REPLACEMENT);
            }
            out.push(next);
            rest = &rest[next.len_utf8()..];
            continue;
        };
        rest = &rest[MARKER_BYTES..];
        if unit <= 0xDBFF {
            if high.replace(unit).is_some() {
                out.push(REPLACEMENT);
            }
            continue;
        }
        let joined = high
            .take()
            .map(|h| 0x10000 + ((h - 0xD800) << 10) + (unit - 0xDC00))
            .and_then(char::from_u32);
        out.push(joined.unwrap_or(REPLACEMENT));
    }
    if high.is_some() {
        out.push(REPLACEMENT);
    }
    Cow::Owned(out)
}

/// [`join`] in place.
pub(super) fn join_string(text: &mut String) {
    if let Cow::Owned(joined) = join(text) {
        *text = joined;
    }
}

/// [`join`] on every string (and key) inside `value`.
pub(super) fn join_value(value: &mut Value) {
    match value {
        Value::String(text) => join_string(text),
        Value::Array(items) => items.iter_mut().for_each(join_value),
        Value::Object(map) => {
            if map.keys().any(|k| k.chars().any(is_lead)) {
                let entries = std::mem::take(map);
                *map = entries
                    .into_iter()
                    .map(|(k, v)| (join(&k).into_owned(), v))
                    .collect::<Map<String, Value>>();
            }
            map.values_mut().for_each(join_value);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(frame: &str) -> Value {
        serde_json::from_str(&mark(frame).0).unwrap()
    }

    #[test]
    fn a_pair_split_across_frames_is_joined() {
        let first = parse(r#"{"a":"\ud83d"}"#);
        let second = parse(r#"{"a":"\ude80"}"#);
        let joined = format!(
            "{}{}",
            first["a"].as_str().unwrap(),
            second["a"].as_str().unwrap()
        );
        assert_eq!(join(&joined), "🚀");
        // With text around the halves, and upper-case hex.
        let first = parse(r#"{"a":"{\"emoji\":\"\uD83D"}"#);
        let second = parse(r#"{"a":"\uDE80\"}"}"#);
        let joined = format!(
            "{}{}",
            first["a"].as_str().unwrap(),
            second["a"].as_str().unwrap()
        );
        assert_eq!(join(&joined), r#"{"emoji":"🚀"}"#);
    }

    #[test]
    fn well_formed_text_is_not_touched() {
        for frame in [
            r#"{"a":"plain"}"#,
            r#"{"a":"\ud83d\ude80 \u00e9 \n"}"#,
            r#"{"a":"\\ud83d is text"}"#,
            "{\"a\":\"h\u{e9}llo \u{1F680}\"}",
        ] {
            let (text, marked) = mark(frame);
            assert!(!marked, "{frame}");
            assert!(matches!(text, Cow::Borrowed(_)));
        }
        assert_eq!(parse(r#"{"a":"\\ud83d"}"#)["a"], Value::from("\\ud83d"));
    }

    #[test]
    fn halves_without_a_partner_become_replacement_characters() {
        let frame = r#"{"a":"x\ude80y\ud83d", "b":"\ud83d\ud83d\ude80", "c":"é\udbff"}"#;
        let mut value = parse(frame);
        join_value(&mut value);
        assert_eq!(value["a"], Value::from("x\u{FFFD}y\u{FFFD}"));
        assert_eq!(value["b"], Value::from("\u{FFFD}🚀"));
        assert_eq!(value["c"], Value::from("é\u{FFFD}"));
    }

    #[test]
    fn every_surrogate_round_trips() {
        for high in (0xD800..=0xDBFF).step_by(37) {
            for low in (0xDC00..=0xDFFF).step_by(41) {
                let first = parse(&format!(r#"["\u{high:04x}"]"#));
                let second = parse(&format!(r#"["\u{low:04X}"]"#));
                let joined = format!(
                    "{}{}",
                    first[0].as_str().unwrap(),
                    second[0].as_str().unwrap()
                );
                let want = String::from_utf16(&[high as u16, low as u16]).unwrap();
                assert_eq!(join(&joined), want, "{high:x} {low:x}");
            }
        }
    }

    #[test]
    fn broken_escapes_are_left_for_the_parser() {
        for frame in [r#"{"a":"\ud8"}"#, r#"{"a":"\uzzzz"}"#, r#"{"a":"\"#, "\\"] {
            let (text, _) = mark(frame);
            assert!(serde_json::from_str::<Value>(&text).is_err(), "{frame}");
        }
    }
}
