//! Redaction of everything the runtime prints (design §7).
//!
//! Two rules, applied to every response document, error and log line:
//! 1. every value of a secret this process has seen (resolved from the host or environment, or
//!    generated, e.g. deployment credentials) is replaced wherever it appears, whole or inside
//!    a longer string (a URL, an echoed header, an upstream error body);
//! 2. the value under a key that names a credential (`authorization`, `x-api-key`, `api_key`,
//!    `password`, `secret`, `token`, `…_token`, …) is masked whatever it is.
//!
//! Token *counts* (`max_tokens`, `prompt_tokens`, `total_tokens`) and URLs are kept: the key
//! rule matches whole names and singular suffixes only, unlike the JavaScript skill's
//! substring match that turned `usage.total_tokens` and the API-key documentation link into
//! `"[redacted]"`.

use std::borrow::Cow;
use std::sync::RwLock;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// What replaces a secret.
pub const MASK: &str = "[REDACTED]";

/// Values shorter than this are not searched for inside other strings (a one-letter "secret"
/// would otherwise mask every occurrence of that letter); they are still masked by key.
const MIN_VALUE_LEN: usize = 4;

static KNOWN: RwLock<Vec<SecretString>> = RwLock::new(Vec::new());

/// Remembers a secret value so that it is masked wherever it appears from now on.
pub fn remember(secret: &SecretString) {
    let value = secret.expose_secret();
    if value.chars().count() < MIN_VALUE_LEN {
        return;
    }
    let Ok(mut known) = KNOWN.write() else {
        return;
    };
    if known.iter().all(|k| k.expose_secret() != value) {
        known.push(secret.clone());
        // Longest first, so a secret that contains another is masked whole.
        known.sort_by_key(|k| std::cmp::Reverse(k.expose_secret().len()));
    }
}

/// Masks every known secret value and every `Bearer …`/`Basic …` credential inside `text`.
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    if let Ok(known) = KNOWN.read() {
        for secret in known.iter() {
            let value = secret.expose_secret();
            if out.contains(value) {
                out = Cow::Owned(out.replace(value, MASK));
            }
        }
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
    let mentions = |scheme: &[u8]| {
        text.as_bytes()
            .windows(scheme.len())
            .any(|w| w.eq_ignore_ascii_case(scheme))
    };
    if !mentions(b"bearer ") && !mentions(b"basic ") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some((at, scheme_len)) = find_scheme(rest) {
        let (head, tail) = rest.split_at(at + scheme_len);
        out.push_str(head);
        // An already-masked credential stays as it is: the mask itself ends in `]`, which
        // would otherwise end the token early and leave a stray bracket behind.
        let token_len = if tail.starts_with(MASK) {
            MASK.len()
        } else {
            tail.find(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | '}' | ']')
            })
            .unwrap_or(tail.len())
        };
        if token_len > 0 && tail[..token_len] != *MASK {
            out.push_str(MASK);
            changed = true;
        } else {
            out.push_str(&tail[..token_len]);
        }
        rest = &tail[token_len..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

fn find_scheme(text: &str) -> Option<(usize, usize)> {
    let lower = text.to_ascii_lowercase();
    ["bearer ", "basic "]
        .iter()
        .filter_map(|scheme| {
            lower.match_indices(scheme).find_map(|(at, _)| {
                // Only a standalone word: "Basic " inside "OpenBasic " is not a scheme.
                let standalone = lower[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_ascii_alphanumeric());
                standalone.then_some((at, scheme.len()))
            })
        })
        .min()
}

/// Whether a JSON key names a credential. Keys are compared in snake case, so `apiKey`,
/// `api-key` and `API_KEY` are the same name.
pub fn is_credential_key(key: &str) -> bool {
    let key = snake_case(key);
    const EXACT: &[&str] = &[
        "authorization",
        "proxy_authorization",
        "x_api_key",
        "api_key",
        "apikey",
        "x_tva_sa_id",
        "x_tva_sa_secret",
        "password",
        "passwd",
        "secret",
        "client_secret",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "cookie",
        "set_cookie",
        "private_key",
    ];
    const SUFFIXES: &[&str] = &["_token", "_password", "_secret", "_api_key", "_apikey"];
    EXACT.contains(&key.as_str()) || SUFFIXES.iter().any(|s| key.ends_with(s))
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

fn is_masked(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s == MASK || s.ends_with(MASK) || s.starts_with("<missing"))
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn snake_case_normalises_key_spellings() {
        assert_eq!(snake_case("apiKey"), "api_key");
        assert_eq!(snake_case("X-Api-Key"), "x_api_key");
        assert_eq!(snake_case("APIKey"), "apikey");
        assert_eq!(snake_case("prompt_tokens"), "prompt_tokens");
    }
}
