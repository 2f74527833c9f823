//! The secrets this process has seen, remembered so that the redactor masks them
//! ([`super::redact`]): the store, its bounds, and the matcher over their forms.
//!
//! Every secret resolved (from the host or the environment) or generated (deployment
//! credentials) is remembered with the forms it takes on its way out (issue 13, defect 8):
//! percent-encoded as a path segment or a query value (the form the runtime itself sends, and
//! the usual `encodeURIComponent` form), JSON-escaped (once and twice, `\/` and `\uXXXX`
//! variants), and — for a user and password sent as Basic credentials — the base64 of
//! `user:pass` (standard, unpadded and URL-safe). Letters match in any ASCII case.
//!
//! Every secret of a request in flight is kept ([`Pin`]), and the [`MAX_REMEMBERED`] most
//! recently used others, within [`MAX_FORM_BYTES`]: a host that rotates its token on every line
//! cannot grow the memory or the cost of redaction.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use secrecy::{ExposeSecret, SecretString};

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

/// `text` with every remembered secret masked, when it holds one.
pub(super) fn mask(text: &str) -> Option<String> {
    read_known().mask(text)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
