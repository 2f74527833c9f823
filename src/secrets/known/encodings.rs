//! The encoded forms a secret takes on its way out, so the redactor masks those too.
//!
//! A secret used as a path segment is percent-encoded by the URL builder before it is sent,
//! and an upstream that echoes the URL (in an error body, a `Location`, a log line) echoes
//! the encoded form; a secret inside a JSON body is escaped; a Basic credential travels as
//! base64. Each function returns the forms that differ from the plain value.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// The percent-encoded and JSON-escaped forms of `value` (never `value` itself), most
/// likely first (the redactor may keep only the first few of a long, hostile value). Hex
/// digits and `\uXXXX` escapes come in one case only: the redactor matches ASCII letters in
/// any case.
pub(super) fn of(value: &str) -> Vec<String> {
    let mut forms = Vec::new();
    let mut add = |form: String| {
        if form != value && !forms.contains(&form) {
            forms.push(form);
        }
    };
    // As the runtime sends it: a path segment built by the `url` crate.
    if let Ok(mut url) = url::Url::parse("https://redact.invalid/") {
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.push(value);
        }
        if let Some(segment) = url.path().strip_prefix('/') {
            add(segment.to_owned());
        }
    }
    // As a query value (`application/x-www-form-urlencoded`: space as `+`).
    add(url::form_urlencoded::byte_serialize(value.as_bytes()).collect());
    // JSON string escapes: serde's first.
    let once = json_escape(value);
    add(once.clone());
    // `encodeURIComponent`, and every byte outside the unreserved set.
    add(percent_encode(value, b"-_.!~*'()"));
    add(percent_encode(value, b"-_.~"));
    // More JSON: with `\/`, ASCII-only (`\uXXXX`), and escaped twice (a JSON document quoted
    // inside another).
    add(once.replace('/', "\\/"));
    add(ascii_only(&once));
    add(ascii_only(&once).replace('/', "\\/"));
    add(json_escape(&once));
    forms
}

/// The base64 forms of the Basic credential `user:pass`.
pub(super) fn basic(user: &str, pass: &str) -> Vec<String> {
    let pair = format!("{user}:{pass}");
    let mut forms: Vec<String> = Vec::new();
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        let form = engine.encode(pair.as_bytes());
        if !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

fn percent_encode(value: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || keep.contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The inside of the JSON string literal of `value`.
fn json_escape(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or_default()
        .to_owned()
}

/// Non-ASCII characters as `\uXXXX` escapes (surrogate pairs above the BMP).
fn ascii_only(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_have_no_other_form() {
        assert!(of("abcDEF123").is_empty());
    }

    #[test]
    fn encoded_forms() {
        let forms = of("a/b c+d\"é");
        for expected in [
            "a%2Fb%20c+d%22%C3%A9",   // path segment, as sent
            "a%2Fb+c%2Bd%22%C3%A9",   // query value
            "a%2Fb%20c%2Bd%22%C3%A9", // encodeURIComponent
            "a/b c+d\\\"é",           // JSON
            "a\\/b c+d\\\"é",         // JSON with \/
            "a/b c+d\\\"\\u00e9",     // JSON, ASCII only
            "a/b c+d\\\\\\\"é",       // JSON twice
        ] {
            assert!(
                forms.contains(&expected.to_owned()),
                "{expected} not in {forms:#?}"
            );
        }
        assert!(!forms.contains(&"a/b c+d\"é".to_owned()));
    }

    #[test]
    fn basic_forms() {
        let forms = basic("user", "pa?ss>");
        assert!(forms.contains(&"dXNlcjpwYT9zcz4=".to_owned()), "{forms:?}");
        assert!(forms.contains(&"dXNlcjpwYT9zcz4".to_owned()), "{forms:?}");
        assert!(forms.contains(&"dXNlcjpwYT9zcz4=".replace('/', "_").replace('+', "-")));
    }
}
