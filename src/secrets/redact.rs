//! Redaction of everything the runtime prints (design §7).
//!
//! Two rules, applied to every response document, error and log line:
//! 1. every value of a secret this process has seen (resolved from the host or environment, or
//!    generated, e.g. deployment credentials) is replaced wherever it appears, whole or inside
//!    a longer string (a URL, an echoed header, an upstream error body). Every secret of a
//!    request in flight is kept, and the [`MAX_REMEMBERED`] most recently used others: a host
//!    that rotates its token on every line cannot grow the memory or the cost of redaction;
//! 2. the value under a key that names a credential (`authorization`, `x-api-key`, `api_key`,
//!    `password`, `secret`, `token`, `…_token`, …) is masked whatever it is.
//!
//! A secret is also masked in the encoded forms it takes on its way out (issue 13, defect 8):
//! percent-encoded as a path segment or a query value (the form the runtime itself sends, and
//! the usual `encodeURIComponent` form, in upper- and lower-case hex), JSON-escaped (once and
//! twice, `\/` and `\uXXXX` variants), and — for a user and password sent as Basic
//! credentials — the base64 of `user:pass` (standard, unpadded and URL-safe).
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
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

mod encodings;

/// What replaces a secret. A fixed point of OpenClaw's own masking of what follows `Bearer `
/// (see the module docs), so a preview's `Bearer ***` reads the same after the host.
pub const MASK: &str = "***";

/// Values shorter than this are not searched for inside other strings (a one-letter "secret"
/// would otherwise mask every occurrence of that letter); they are still masked by key.
const MIN_VALUE_LEN: usize = 4;

/// Most distinct secrets remembered at once, beyond those pinned by requests in flight.
///
/// Without a bound, a `serve` session whose host sends a different token on every line
/// remembers every one of them, and every answer is searched for all of them: 2,000 such
/// lines took 13 s where 2,000 with one token took 1.8 s, and 4,000 took 50 s. With the
/// bound (and one automaton for all forms), 20,000 such lines take 29 s, at a flat 700 per
/// second against the same fake (`bench/serve_load.py`, rotating case). The least recently
/// used unpinned secret is forgotten first; a request pins the secrets it resolved until its
/// answer is printed, so an answer is always redacted with every secret its request used.
pub const MAX_REMEMBERED: usize = 256;

/// Most bytes the masked forms of the remembered, unpinned secrets may take together.
///
/// Every new secret rebuilds the one matcher over every form, at a cost that grows with
/// their bytes: without a bound, 256 distinct 64 KiB secrets held about 1 GB and `serve`
/// managed one line a second. Ordinary keys take a few hundred bytes of forms each, so all
/// [`MAX_REMEMBERED`] of them fit; long, hostile values push each other out instead.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Most bytes of forms kept for one secret, the plain value first, then its encodings, most
/// likely first. An ordinary key's forms take a few hundred bytes and are all kept; a 4 KiB
/// value made of characters that every encoding expands would take ~100 KiB, and 64
/// requests in flight pin theirs (outside [`MAX_FORM_BYTES`]).
pub const MAX_FORM_BYTES_PER_SECRET: usize = 8 * 1024;

static KNOWN: RwLock<Known> = RwLock::new(Known::new(MAX_REMEMBERED, MAX_FORM_BYTES));

/// The remembered secrets. Were a thread to panic while holding the lock, redaction must not
/// stop: a poisoned lock is used as it is.
fn read_known() -> std::sync::RwLockReadGuard<'static, Known> {
    KNOWN.read().unwrap_or_else(PoisonError::into_inner)
}

fn write_known() -> std::sync::RwLockWriteGuard<'static, Known> {
    KNOWN.write().unwrap_or_else(PoisonError::into_inner)
}

/// Orders uses: a larger stamp is a more recent use.
static CLOCK: AtomicU64 = AtomicU64::new(0);

/// One remembered secret and the forms it is masked in.
struct Entry {
    /// What identifies it: the value, or `user:pass` for a Basic pair.
    key: SecretString,
    /// The plain value and its encodings, each at least [`MIN_VALUE_LEN`] long.
    forms: Vec<SecretString>,
    /// The [`CLOCK`] stamp of its last use.
    last_used: AtomicU64,
}

impl Entry {
    /// The bytes its forms take.
    fn form_bytes(&self) -> usize {
        self.forms.iter().map(|f| f.expose_secret().len()).sum()
    }

    fn touch(&self) {
        self.last_used
            .store(CLOCK.fetch_add(1, Ordering::Relaxed), Ordering::Relaxed);
    }
}

/// Keeps a remembered secret from being forgotten while it is held: the runtime holds one for
/// every secret a request resolved until the request's answer is printed.
#[derive(Clone)]
pub struct Pin {
    /// Counted, never read: an entry with a pin is never forgotten ([`Known::make_room`]).
    _entry: Arc<Entry>,
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(***)")
    }
}

/// Bytes of each form the automaton knows: a match of this prefix is then checked against
/// the whole form. Building the automaton costs time in proportion to its patterns' bytes
/// (about half a microsecond a byte), and a new secret rebuilds it: with whole forms, a `serve`
/// host sending a new 4 KiB secret on every line took 0.6 s a line; with prefixes the cost no
/// longer depends on the secrets' length.
const PREFIX_BYTES: usize = 24;

/// The remembered secrets, and one automaton over the prefixes of all their forms: a text is
/// scanned once, however many secrets there are.
struct Known {
    capacity: usize,
    max_bytes: usize,
    entries: Vec<Arc<Entry>>,
    matcher: Option<Matcher>,
}

/// The automaton and, per pattern, the forms that begin with it (`(entry, form)` indexes into
/// [`Known::entries`] as they were when it was built), longest first.
struct Matcher {
    prefixes: AhoCorasick,
    forms: Vec<Vec<(usize, usize)>>,
}

impl Known {
    const fn new(capacity: usize, max_bytes: usize) -> Self {
        Self {
            capacity,
            max_bytes,
            entries: Vec::new(),
            matcher: None,
        }
    }

    fn find(&self, key: &str) -> Option<&Arc<Entry>> {
        self.entries.iter().find(|e| e.key.expose_secret() == key)
    }

    /// The entry for `key` (touched), added with `forms` when new.
    fn remember(&mut self, key: &str, forms: impl FnOnce() -> Vec<String>) -> Pin {
        if let Some(entry) = self.find(key) {
            entry.touch();
            return Pin {
                _entry: Arc::clone(entry),
            };
        }
        let mut kept: Vec<String> = Vec::new();
        let mut bytes = 0;
        for form in forms() {
            // Forms come most likely first; a long, hostile value keeps only the first ones.
            if bytes > 0 && bytes + form.len() > MAX_FORM_BYTES_PER_SECRET {
                break;
            }
            if form.chars().count() >= MIN_VALUE_LEN && !kept.contains(&form) {
                bytes += form.len();
                kept.push(form);
            }
        }
        let entry = Arc::new(Entry {
            key: SecretString::from(key),
            forms: kept.into_iter().map(SecretString::from).collect(),
            last_used: AtomicU64::new(0),
        });
        entry.touch();
        self.make_room(entry.form_bytes());
        self.entries.push(Arc::clone(&entry));
        self.rebuild();
        Pin { _entry: entry }
    }

    /// Forgets the least recently used unpinned entries so that one more, whose forms take
    /// `incoming` bytes, fits in the capacity and the byte budget. Pinned ones stay and do
    /// not count (they are bounded by the requests in flight).
    fn make_room(&mut self, incoming: usize) {
        let unpinned = |e: &&Arc<Entry>| Arc::strong_count(e) == 1;
        let mut count = self.entries.iter().filter(unpinned).count();
        let mut bytes: usize = self
            .entries
            .iter()
            .filter(unpinned)
            .map(|e| e.form_bytes())
            .sum();
        while count + 1 > self.capacity || bytes + incoming > self.max_bytes {
            let Some(oldest) = self
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| unpinned(e))
                .min_by_key(|(_, e)| e.last_used.load(Ordering::Relaxed))
                .map(|(at, _)| at)
            else {
                break;
            };
            let gone = self.entries.swap_remove(oldest);
            count -= 1;
            bytes -= gone.form_bytes();
        }
    }

    fn rebuild(&mut self) {
        let mut patterns: Vec<&[u8]> = Vec::new();
        let mut forms: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut index: std::collections::HashMap<Vec<u8>, usize> = std::collections::HashMap::new();
        for (at, entry) in self.entries.iter().enumerate() {
            for (which, form) in entry.forms.iter().enumerate() {
                let bytes = form.expose_secret().as_bytes();
                let prefix = &bytes[..bytes.len().min(PREFIX_BYTES)];
                // Prefixes that differ only in ASCII case are one pattern (matching ignores it).
                let id = *index.entry(prefix.to_ascii_lowercase()).or_insert_with(|| {
                    patterns.push(prefix);
                    forms.push(Vec::new());
                    forms.len() - 1
                });
                forms[id].push((at, which));
            }
        }
        let length =
            |&(at, which): &(usize, usize)| self.entries[at].forms[which].expose_secret().len();
        for candidates in &mut forms {
            candidates.sort_by_key(|c| std::cmp::Reverse(length(c)));
        }
        // Case-insensitive (ASCII): an upstream that echoes a request upper- or lower-cased
        // (`BEARER SK-AB…`) would otherwise print every run of the key that has no letter in
        // the other case. The patterns are bounded (`MAX_FORM_BYTES`, `PREFIX_BYTES`), so the
        // build cannot fail for size; were it to fail, every text would be masked whole
        // rather than printed unmasked.
        self.matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(patterns)
            .map_err(|e| tracing::error!(error = %e, "the redaction matcher could not be built"))
            .ok()
            .map(|prefixes| Matcher { prefixes, forms });
    }

    /// `text` with every form masked, when it holds one. Every place a whole form matches is
    /// masked; overlapping matches (a secret inside another) are masked as one.
    fn mask(&self, text: &str) -> Option<String> {
        let Some(matcher) = self.matcher.as_ref() else {
            // Fail closed: no matcher over remembered secrets means nothing can be checked.
            return (!self.entries.is_empty()).then(|| MASK.to_owned());
        };
        let bytes = text.as_bytes();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for found in matcher.prefixes.find_overlapping_iter(bytes) {
            let start = found.start();
            let whole = matcher.forms[found.pattern().as_usize()]
                .iter()
                .map(|&(at, which)| self.entries[at].forms[which].expose_secret().as_bytes())
                .find(|form| {
                    bytes
                        .get(start..start + form.len())
                        .is_some_and(|piece| piece.eq_ignore_ascii_case(form))
                });
            if let Some(form) = whole {
                spans.push((start, start + form.len()));
            }
        }
        if spans.is_empty() {
            return None;
        }
        spans.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut spans = spans.into_iter().peekable();
        while let Some((start, mut end)) = spans.next() {
            while let Some(&(next, next_end)) = spans.peek() {
                if next >= end {
                    break;
                }
                end = end.max(next_end);
                spans.next();
            }
            // A form is whole UTF-8 and matched byte for byte (ASCII case aside), so both
            // ends are character boundaries.
            out.push_str(&text[copied..start]);
            out.push_str(MASK);
            copied = end;
        }
        out.push_str(&text[copied..]);
        Some(out)
    }
}

/// Remembers a secret value so that it is masked wherever it appears, in its plain and its
/// encoded forms, for as long as the returned [`Pin`] is held, and afterwards until
/// [`MAX_REMEMBERED`] more recently used secrets push it out. `None` for a value too short to
/// search for.
pub fn remember(secret: &SecretString) -> Option<Pin> {
    let value = secret.expose_secret();
    if value.chars().count() < MIN_VALUE_LEN {
        return None;
    }
    Some(remember_key(value, || {
        let mut forms = vec![value.to_owned()];
        forms.extend(encodings::of(value));
        forms
    }))
}

/// Remembers the base64 forms of a Basic credential (`user:pass`), so an upstream that
/// echoes the header value without its `Basic ` prefix is masked too. The user and the
/// password are remembered one by one already. Called each time the header is built, which
/// also marks the pair as in use.
pub fn remember_basic(user: &SecretString, pass: &SecretString) {
    let key = format!("{}:{}", user.expose_secret(), pass.expose_secret());
    remember_key(&key, || {
        encodings::basic(user.expose_secret(), pass.expose_secret())
    });
}

/// The pinned entry for `key`. Every request of a `serve` session resolves its secrets again,
/// so a known key is only touched, under the read lock; `forms` are computed for a new one.
fn remember_key(key: &str, forms: impl FnOnce() -> Vec<String>) -> Pin {
    if let Some(entry) = read_known().find(key) {
        entry.touch();
        return Pin {
            _entry: Arc::clone(entry),
        };
    }
    write_known().remember(key, forms)
}

/// Masks every known secret value and every `Bearer …`/`Basic …` credential inside `text`.
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    if let Some(masked) = read_known().mask(text) {
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
    let mentions = |scheme: &[u8]| {
        text.as_bytes()
            .windows(scheme.len())
            .any(|w| w.eq_ignore_ascii_case(scheme))
    };
    if !mentions(b"bearer ") && !mentions(b"basic ") {
        return None;
    }
    // One pass: each byte is looked at a bounded number of times, so a text made of
    // thousands of `Bearer x` (a hostile argument) costs linear time, not quadratic.
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    let mut changed = false;
    while let Some((at, scheme_len)) = find_scheme(bytes, from) {
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
        from = start + token_len;
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
    (from..bytes.len()).find_map(|at| {
        if !matches!(bytes[at], b'b' | b'B') {
            return None;
        }
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
    EXACT.contains(&key) || SUFFIXES.iter().any(|s| key.ends_with(s))
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
    use serde_json::json;

    fn plain(value: &str) -> impl FnOnce() -> Vec<String> + '_ {
        move || vec![value.to_owned()]
    }

    fn masks(known: &Known, value: &str) -> bool {
        known.mask(&format!("<{value}>")).as_deref() == Some(&format!("<{MASK}>"))
    }

    /// The memory is bounded: past the capacity the least recently used secret goes first,
    /// and a secret used again counts as recent.
    #[test]
    fn the_least_recently_used_secret_is_forgotten_first() {
        let mut known = Known::new(3, usize::MAX);
        for value in ["alpha-1111", "bravo-2222", "charlie-3333"] {
            drop(known.remember(value, plain(value)));
        }
        drop(known.remember("alpha-1111", plain("alpha-1111")));
        for value in ["delta-4444", "echo-5555"] {
            drop(known.remember(value, plain(value)));
        }
        assert_eq!(known.entries.len(), 3);
        for kept in ["alpha-1111", "delta-4444", "echo-5555"] {
            assert!(masks(&known, kept), "{kept} forgotten");
        }
        for gone in ["bravo-2222", "charlie-3333"] {
            assert!(!masks(&known, gone), "{gone} kept");
        }
        // 1,000 distinct secrets (a host rotating its token on every line) leave 3.
        for i in 0..1_000 {
            let value = format!("rotating-{i:05}");
            drop(known.remember(&value, plain(&value)));
        }
        assert_eq!(known.entries.len(), 3);
    }

    /// A pinned secret (one a request in flight resolved) is never forgotten, however many
    /// secrets come after it; its pin dropped, it is the first to go.
    #[test]
    fn a_pinned_secret_is_kept_until_its_pin_is_dropped() {
        let mut known = Known::new(2, usize::MAX);
        let pin = known.remember("in-flight-secret", plain("in-flight-secret"));
        for i in 0..100 {
            let value = format!("other-secret-{i:03}");
            drop(known.remember(&value, plain(&value)));
        }
        assert!(masks(&known, "in-flight-secret"));
        assert_eq!(known.entries.len(), 3, "two unpinned, one pinned");
        drop(pin);
        drop(known.remember("one-more-secret", plain("one-more-secret")));
        assert!(!masks(&known, "in-flight-secret"));
        assert_eq!(known.entries.len(), 2);
    }

    /// Issue 17, defect 1: the forms of the remembered secrets stay within the byte budget,
    /// however long and hostile the secrets; the most recent one is always kept.
    #[test]
    fn remembered_forms_stay_within_the_byte_budget() {
        let budget = 32 * 1024;
        let mut known = Known::new(MAX_REMEMBERED, budget);
        for i in 0..24 {
            let value = format!("{i:04}{}", "é/ +\"\u{1}".repeat(600));
            drop(known.remember(&value, || {
                let mut forms = vec![value.clone()];
                forms.extend(encodings::of(&value));
                forms
            }));
            let held: usize = known.entries.iter().map(|e| e.form_bytes()).sum();
            assert!(held <= budget, "{held} bytes held after {i}");
            assert!(
                known
                    .entries
                    .iter()
                    .all(|e| e.form_bytes() <= MAX_FORM_BYTES_PER_SECRET),
                "one secret's forms are bounded too"
            );
            assert!(masks(&known, &value), "the newest secret is masked");
        }
        assert!(known.entries.len() < 24, "old secrets were pushed out");
        // Ordinary keys all fit: the budget is not what bounds them.
        let mut known = Known::new(MAX_REMEMBERED, MAX_FORM_BYTES);
        for i in 0..MAX_REMEMBERED {
            let value = format!("sk-live-{i:04}-{}", "a1b2c3d4".repeat(8));
            drop(known.remember(&value, || {
                let mut forms = vec![value.clone()];
                forms.extend(encodings::of(&value));
                forms
            }));
        }
        assert_eq!(known.entries.len(), MAX_REMEMBERED);
    }

    /// Issue 17, defect 17: an upstream that echoes a key in another case does not print it.
    #[test]
    fn a_secret_echoed_in_another_case_is_masked() {
        let mut known = Known::new(8, usize::MAX);
        drop(known.remember("sk-AbCd1234EfGh5678", plain("sk-AbCd1234EfGh5678")));
        assert_eq!(
            known
                .mask("AUTHORIZATION: BEARER SK-ABCD1234EFGH5678; x-api-key: sk-abcd1234efgh5678")
                .as_deref(),
            Some("AUTHORIZATION: BEARER ***; x-api-key: ***")
        );
    }

    /// A secret that contains another is masked whole, not around the shorter one.
    #[test]
    fn the_longest_form_wins() {
        let mut known = Known::new(8, usize::MAX);
        drop(known.remember("inner-secret", plain("inner-secret")));
        drop(known.remember("outer-inner-secret-tail", plain("outer-inner-secret-tail")));
        assert_eq!(
            known
                .mask("x outer-inner-secret-tail y inner-secret z")
                .as_deref(),
            Some("x *** y *** z")
        );
    }

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
