//! Redaction of everything the runtime prints (design §7).
//!
//! Two rules, applied to every response document, error and log line:
//! 1. every value of a secret this process has seen (resolved from the host or environment, or
//!    generated, e.g. deployment credentials) is replaced wherever it appears, whole or inside
//!    a longer string (a URL, an echoed header, an upstream error body), in its encoded forms
//!    too — the secrets and their forms are kept by [`super::known`];
//! 2. the value under a key that names a credential (`authorization`, `x-api-key`, `api_key`,
//!    `password`, `secret`, `token`, `…_token`, …) is masked whatever it is.
//!
//! The mask is `***`: the OpenClaw host masks what follows `Bearer ` again before the model
//! sees it, and turns any token shorter than 18 characters into `***`, so `Bearer ***` reaches
//! the model intact (a mask of `[REDACTED]` arrived as `Bearer ***]`).
//!
//! Token *counts* (`max_tokens`, `prompt_tokens`, `total_tokens`) and URLs are kept: the key
//! rule matches whole names and singular suffixes only, unlike the JavaScript skill's
//! substring match that turned `usage.total_tokens` and the API-key documentation link into
//! `"[redacted]"`.

use std::borrow::Cow;

use serde_json::Value;

pub use super::known::MASK;

/// Masks every known secret value and every `Bearer …`/`Basic …` credential inside `text`.
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    if let Some(masked) = super::known::mask(text) {
        out = Cow::Owned(masked);
    }
    match mask_auth_schemes(&out) {
        Some(masked) => Cow::Owned(masked),
        None => out,
    }
}

/// `Bearer abc…` / `Basic abc…` → `Bearer [REDACTED]`, for credentials that were never
/// resolved here (e.g. echoed back by an upstream in an error body).
fn mask_auth_schemes(text: &str) -> Option<String> {
    // Runs on every string of every response: decide without allocating in the common case.
    let bytes = text.as_bytes();
    let first = find_scheme(bytes, 0)?;
    // One pass: each byte is looked at a bounded number of times, so a text made of
    // thousands of `Bearer x` (a hostile argument) costs linear time, not quadratic.
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut changed = false;
    let mut next = Some(first);
    while let Some((at, scheme_len)) = next {
        let start = at + scheme_len;
        let tail = &text[start..];
        let token_len = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | '}' | ']'))
            .unwrap_or(tail.len());
        if token_len > 0 && tail[..token_len] != *MASK {
            out.push_str(&text[copied..start]);
            out.push_str(MASK);
            copied = start + token_len;
            changed = true;
        }
        next = find_scheme(bytes, start + token_len);
    }
    if !changed {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// The next `bearer `/`basic ` (any case) at or after `from`, as a standalone word: "Basic "
/// inside "OpenBasic " is not a scheme. Returns its position and length.
fn find_scheme(bytes: &[u8], from: usize) -> Option<(usize, usize)> {
    // memchr jumps from one `b`/`B` to the next: most strings hold none, or a few.
    memchr::memchr2_iter(b'b', b'B', bytes.get(from..)?).find_map(|found| {
        let at = from + found;
        let standalone = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        if !standalone {
            return None;
        }
        [&b"bearer "[..], b"basic "].iter().find_map(|scheme| {
            bytes
                .get(at..at + scheme.len())
                .filter(|window| window.eq_ignore_ascii_case(scheme))
                .map(|_| (at, scheme.len()))
        })
    })
}

/// Whether a JSON key names a credential. Keys are compared in snake case, so `apiKey`,
/// `api-key` and `API_KEY` are the same name.
pub fn is_credential_key(key: &str) -> bool {
    // Runs on every key of every response: normalise short ASCII keys on the stack.
    let mut buf = [0u8; 48];
    if key.is_ascii() && key.len() * 2 <= buf.len() {
        let len = snake_case_into(key.as_bytes(), &mut buf);
        return std::str::from_utf8(&buf[..len]).is_ok_and(is_credential_snake);
    }
    is_credential_snake(&snake_case(key))
}

/// [`snake_case`] of an ASCII key into `out` (at least twice the key's length); the length.
fn snake_case_into(key: &[u8], out: &mut [u8]) -> usize {
    let mut len = 0;
    let mut prev_lower = false;
    for &c in key {
        if c.is_ascii_uppercase() && prev_lower {
            out[len] = b'_';
            len += 1;
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out[len] = match c {
            b'-' | b' ' => b'_',
            c => c.to_ascii_lowercase(),
        };
        len += 1;
    }
    len
}

fn is_credential_snake(key: &str) -> bool {
    // A `match` on strings compiles to a length switch, then one comparison: this runs on every
    // key of every response.
    const SUFFIXES: [&str; 5] = ["_token", "_password", "_secret", "_api_key", "_apikey"];
    matches!(
        key,
        "authorization"
            | "proxy_authorization"
            | "x_api_key"
            | "api_key"
            | "apikey"
            | "x_tva_sa_id"
            | "x_tva_sa_secret"
            | "password"
            | "passwd"
            | "secret"
            | "client_secret"
            | "token"
            | "access_token"
            | "refresh_token"
            | "id_token"
            | "cookie"
            | "set_cookie"
            | "private_key"
    ) || SUFFIXES.iter().any(|s| key.ends_with(s))
}

fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        });
    }
    out
}

/// Applies both rules to a JSON document in place.
pub fn redact_value(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Cow::Owned(masked) = redact_text(s) {
                *s = masked;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if is_credential_key(key) && !item.is_null() && !is_masked(item) {
                    *item = Value::String(MASK.to_owned());
                } else {
                    redact_value(item);
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A value already masked by this module: the mask, `Bearer ***`/`Basic ***`, or a preview's
/// `<missing NAME>` marker. Anything else under a credential key is masked whole.
fn is_masked(value: &Value) -> bool {
    value.as_str().is_some_and(|s| {
        s == MASK
            || s.starts_with("<missing")
            || s.strip_suffix(MASK).is_some_and(|scheme| {
                scheme.eq_ignore_ascii_case("bearer ") || scheme.eq_ignore_ascii_case("basic ")
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{remember, remember_basic};
    use secrecy::SecretString;
    use serde_json::json;

    #[test]
    fn known_values_are_masked_anywhere() {
        remember(&SecretString::from("sk-test-known-value-123"));
        let text = "GET https://x/?key=sk-test-known-value-123 failed: sk-test-known-value-123";
        let out = redact_text(text);
        assert!(!out.contains("sk-test-known-value-123"), "{out}");
        assert_eq!(out.matches(MASK).count(), 2);
    }

    #[test]
    fn masked_credentials_are_left_alone() {
        let masked = format!("Bearer {MASK}");
        assert_eq!(redact_text(&masked), masked.as_str());
        let mut doc = serde_json::json!({"headers": {"authorization": masked.clone()}, "note": format!("sent {masked}]")});
        redact_value(&mut doc);
        assert_eq!(doc["headers"]["authorization"], serde_json::json!(masked));
        assert_eq!(doc["note"], serde_json::json!(format!("sent {masked}]")));
        assert_eq!(redact_text("Bearer abc123]"), format!("Bearer {MASK}]"));
    }

    /// Issue 13, defect 8: a secret is masked in the encoded forms an upstream may echo.
    #[test]
    fn encoded_forms_of_a_secret_are_masked() {
        let secret = "sk/enc+test \"value\"-é9";
        remember(&SecretString::from(secret));
        for echoed in [
            "GET /v1/video/sk%2Fenc+test%20%22value%22-%C3%A99/list failed",
            "GET /v1/video/sk%2fenc+test%20%22value%22-%c3%a99/list failed",
            "?key=sk%2Fenc%2Btest+%22value%22-%C3%A99&x=1",
            "?key=sk%2Fenc%2Btest%20%22value%22-%C3%A99",
            r#"{"echo":"sk/enc+test \"value\"-é9"}"#,
            r#"{"echo":"sk\/enc+test \"value\"-\u00e99"}"#,
            r#"{"body":"{\"echo\":\"sk/enc+test \\\"value\\\"-é9\"}"}"#,
        ] {
            let out = redact_text(echoed);
            assert!(out.contains(MASK), "{echoed} -> {out}");
            for piece in ["enc+test", "enc%2Btest", "value"] {
                assert!(!out.contains(piece), "{echoed} -> {out}");
            }
        }
    }

    /// A Basic credential echoed as bare base64 (no `Basic ` prefix) is masked.
    #[test]
    fn basic_credentials_are_masked_as_base64() {
        remember_basic(
            &SecretString::from("basic-user-1"),
            &SecretString::from("basic-pass?>1"),
        );
        // base64("basic-user-1:basic-pass?>1") in its standard and URL-safe forms.
        let standard = "YmFzaWMtdXNlci0xOmJhc2ljLXBhc3M/PjE=";
        let url_safe = "YmFzaWMtdXNlci0xOmJhc2ljLXBhc3M_PjE";
        for echoed in [
            format!(r#"{{"credentials":"{standard}"}}"#),
            format!("token={url_safe}&x=1"),
        ] {
            let out = redact_text(&echoed);
            assert!(!out.contains("YmFzaWMtdXNlci0x"), "{out}");
            assert!(out.contains(MASK), "{out}");
        }
    }

    /// OpenClaw masks what follows `Bearer ` before the model sees a tool result: tokens under
    /// 18 characters become `***`. Our mask is a fixed point of that rule, so a preview's
    /// `Bearer ***` reaches the model as written; `[REDACTED]` arrived as `Bearer ***]`.
    #[test]
    fn the_mask_survives_the_hosts_bearer_masking() {
        fn host_masks(text: &str) -> String {
            let mut out = String::new();
            let mut rest = text;
            while let Some(at) = rest.find("Bearer ") {
                let (head, tail) = rest.split_at(at + "Bearer ".len());
                out.push_str(head);
                let len = tail
                    .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ']'))
                    .unwrap_or(tail.len());
                let token = &tail[..len];
                if token.chars().count() < 18 {
                    out.push_str("***");
                } else {
                    out.push_str(&token[..6]);
                    out.push('…');
                    out.push_str(&token[token.len() - 4..]);
                }
                rest = &tail[len..];
            }
            out.push_str(rest);
            out
        }
        let old = r#"{"authorization":"Bearer [REDACTED]"}"#;
        assert_eq!(host_masks(old), r#"{"authorization":"Bearer ***]"}"#);
        let preview = format!(r#"{{"authorization":"Bearer {MASK}"}}"#);
        assert_eq!(host_masks(&preview), preview);
        assert_eq!(host_masks(&host_masks(&preview)), preview);
        // And our own pass leaves it alone, in text and under a credential key.
        assert_eq!(redact_text(&preview), preview.as_str());
        let mut doc = json!({"authorization": format!("Bearer {MASK}")});
        redact_value(&mut doc);
        assert_eq!(doc["authorization"], json!("Bearer ***"));
    }

    /// Only the exact mask forms count as "already masked": a credential that merely ends
    /// in `***`, or a token that starts with it, is still masked whole.
    #[test]
    fn values_that_look_masked_are_still_masked() {
        let mut doc = json!({"password": "hunter2***", "authorization": "Bearer x***"});
        redact_value(&mut doc);
        assert_eq!(doc, json!({"password": MASK, "authorization": MASK}));
        assert_eq!(redact_text("Bearer ***leak"), format!("Bearer {MASK}"));
    }

    #[test]
    fn short_values_are_not_searched_but_keys_still_mask() {
        remember(&SecretString::from("ab"));
        assert_eq!(redact_text("a cab and a crab"), "a cab and a crab");
        let mut doc = json!({"password": "ab"});
        redact_value(&mut doc);
        assert_eq!(doc, json!({"password": MASK}));
    }

    #[test]
    fn credential_keys_are_masked_and_counts_and_links_kept() {
        let mut doc = json!({
            "Authorization": "Bearer abc",
            "x-api-key": "k",
            "apiKey": "k",
            "auth_password": "p",
            "access_token": "t",
            "refreshToken": "t",
            "nested": [{"token": {"deep": 1}}, {"secret": 42}],
            "usage": {"prompt_tokens": 10, "total_tokens": 12, "max_tokens": 5},
            "links": {"apiKeyDoc": "https://docs.example.com/docs/api-keys"},
            "tokenizer": "bpe",
            "empty_token": null
        });
        redact_value(&mut doc);
        assert_eq!(doc["Authorization"], MASK);
        assert_eq!(doc["x-api-key"], MASK);
        assert_eq!(doc["apiKey"], MASK);
        assert_eq!(doc["auth_password"], MASK);
        assert_eq!(doc["access_token"], MASK);
        assert_eq!(doc["refreshToken"], MASK);
        assert_eq!(doc["nested"][0]["token"], MASK);
        assert_eq!(doc["nested"][1]["secret"], MASK);
        assert_eq!(
            doc["usage"],
            json!({"prompt_tokens": 10, "total_tokens": 12, "max_tokens": 5})
        );
        assert_eq!(
            doc["links"]["apiKeyDoc"],
            "https://docs.example.com/docs/api-keys"
        );
        assert_eq!(doc["tokenizer"], "bpe");
        assert!(doc["empty_token"].is_null());
    }

    #[test]
    fn auth_schemes_in_free_text_are_masked() {
        let out = redact_text("upstream said: Authorization: Bearer abcdefghijklmnop, retry");
        assert_eq!(
            out,
            format!("upstream said: Authorization: Bearer {MASK}, retry")
        );
        let out = redact_text("basic dXNlcjpwYXNz");
        assert_eq!(out, format!("basic {MASK}"));
        assert_eq!(redact_text("OpenBasic stuff"), "OpenBasic stuff");
        let masked = format!("Bearer {MASK}");
        assert_eq!(
            redact_text(&masked),
            masked,
            "an existing mask is kept whole"
        );
        let mut doc = serde_json::json!({"headers": {"authorization": masked.clone()}});
        redact_value(&mut doc);
        assert_eq!(doc["headers"]["authorization"], masked);
        assert_eq!(redact_text("no credentials here"), "no credentials here");
    }

    /// A text made of many credentials is masked in linear time: the scheme search once
    /// lower-cased the rest of the text for every occurrence (0.7 s for 180 KB, hours for the
    /// megabytes an argument may hold).
    #[test]
    fn many_schemes_cost_linear_time() {
        let text = "Bearer x, basic y ".repeat(100_000);
        let started = std::time::Instant::now();
        let out = redact_text(&text);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(out.matches(MASK).count(), 200_000);
        assert!(!out.contains(" x,") && !out.contains(" y "));
        assert_eq!(
            redact_text("xBearer abc, OpenBasic def, (Basic ghi"),
            format!("xBearer abc, OpenBasic def, (Basic {MASK}")
        );
    }

    #[test]
    fn snake_case_normalises_key_spellings() {
        assert_eq!(snake_case("apiKey"), "api_key");
        assert_eq!(snake_case("X-Api-Key"), "x_api_key");
        assert_eq!(snake_case("APIKey"), "apikey");
        assert_eq!(snake_case("prompt_tokens"), "prompt_tokens");
        for key in ["apiKey", "X-Api-Key", "APIKey", "refreshToken", "a b-cD"] {
            let mut buf = [0u8; 48];
            let len = snake_case_into(key.as_bytes(), &mut buf);
            assert_eq!(&buf[..len], snake_case(key).as_bytes(), "{key}");
        }
        assert!(
            is_credential_key("ÅpiKey_token"),
            "non-ASCII keys take the allocating path"
        );
        assert!(
            is_credential_key(&format!("{}_token", "x".repeat(40))),
            "long keys too"
        );
    }
}
