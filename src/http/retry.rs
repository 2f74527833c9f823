//! The retry policy: one function decides both whether the runtime retries an outcome and
//! what the error's `retriable` field says, so the two can never disagree.
//!
//! | outcome | read-only | paid / mutating |
//! |---|---|---|
//! | connect failure (the request never left) | retry | retry |
//! | 429 Too Many Requests (refused before processing) | retry | retry |
//! | an answer the service's capacity rule matches (e.g. a 409 "No instances available") | retry | retry |
//! | timeout, connection lost mid-request | retry | **no**: it may have been processed |
//! | 408, 425, 500–599 | retry | **no**: it may have been processed |
//! | any other status, redirects, refused endpoints | no | no |
//!
//! Backoff is exponential with jitter from `<PREFIX>HTTP_RETRY_BACKOFF_MS`, capped at
//! [`MAX_BACKOFF`]. A `Retry-After` header is honoured up to [`MAX_RETRY_AFTER`]; when the
//! server asks for a longer wait the runtime stops and reports the wait instead of sleeping.

use std::time::{Duration, SystemTime};

use crate::vocab::{Effect, Service};

/// Longest backoff between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Longest `Retry-After` the runtime waits out itself.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// What happened to one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The connection could not be established; nothing was sent.
    ConnectFailed,
    /// No answer in time after the request may have been sent.
    TimedOut,
    /// The connection broke after the request may have been sent.
    Interrupted,
    /// The server answered with a non-success status.
    Status {
        /// The HTTP status.
        status: u16,
        /// The service's capacity rule matched: the request was provably not processed.
        capacity_exhausted: bool,
    },
    /// The request was refused locally (unsafe endpoint, redirect, oversized body).
    Refused,
}

/// Whether `outcome` may succeed when tried again, for a request with `effect`. This is the
/// single retry predicate: the HTTP layer retries exactly when it returns true (and attempts
/// remain), and errors report it as `retriable`.
pub fn retriable(outcome: Outcome, effect: Effect) -> bool {
    let read_only = effect == Effect::ReadOnly;
    match outcome {
        // Never processed: safe whatever the request does.
        Outcome::ConnectFailed
        | Outcome::Status { status: 429, .. }
        | Outcome::Status {
            capacity_exhausted: true,
            ..
        } => true,
        // May have been processed: only idempotent requests.
        Outcome::TimedOut | Outcome::Interrupted => read_only,
        Outcome::Status { status, .. } => {
            read_only && (status == 408 || status == 425 || (500..=599).contains(&status))
        }
        Outcome::Refused => false,
    }
}

/// Whether `service`'s capacity rule matches an answer: its status, and one of its phrases in
/// the body (compared lower-case with whitespace removed).
pub fn is_capacity_exhausted(service: Service, status: u16, body: &str) -> bool {
    let Some(rule) = service.capacity.filter(|rule| rule.status == status) else {
        return false;
    };
    let squashed: String = body
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    rule.phrases.iter().any(|phrase| {
        let phrase: String = phrase.chars().filter(|c| !c.is_whitespace()).collect();
        squashed.contains(&phrase)
    })
}

/// The wait before retry number `retry` (0-based): `base × 2^retry` with "equal jitter"
/// (half fixed, half random), capped at [`MAX_BACKOFF`].
pub fn backoff(base: Duration, retry: u32) -> Duration {
    let exp = base
        .saturating_mul(2u32.saturating_pow(retry.min(16)))
        .min(MAX_BACKOFF);
    let half = exp / 2;
    let jitter = Duration::from_nanos(fastrand::u64(0..=duration_nanos(half)));
    half + jitter
}

fn duration_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP-date (relative to `now`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_EFFECTS: [Effect; 3] = [Effect::ReadOnly, Effect::Mutating, Effect::Paid];

    fn status(status: u16) -> Outcome {
        Outcome::Status {
            status,
            capacity_exhausted: false,
        }
    }

    #[test]
    fn unprocessed_outcomes_are_retriable_for_every_effect() {
        for effect in ALL_EFFECTS {
            assert!(retriable(Outcome::ConnectFailed, effect));
            assert!(retriable(status(429), effect));
            assert!(retriable(
                Outcome::Status {
                    status: 409,
                    capacity_exhausted: true
                },
                effect
            ));
        }
    }

    #[test]
    fn possibly_processed_outcomes_are_retriable_only_when_read_only() {
        for outcome in [
            Outcome::TimedOut,
            Outcome::Interrupted,
            status(408),
            status(425),
            status(500),
            status(502),
            status(503),
            status(504),
        ] {
            assert!(retriable(outcome, Effect::ReadOnly), "{outcome:?}");
            assert!(!retriable(outcome, Effect::Paid), "{outcome:?}");
            assert!(!retriable(outcome, Effect::Mutating), "{outcome:?}");
        }
    }

    #[test]
    fn final_outcomes_are_never_retriable() {
        for effect in ALL_EFFECTS {
            for outcome in [
                status(400),
                status(401),
                status(402),
                status(403),
                status(404),
                status(409),
                status(422),
                Outcome::Refused,
            ] {
                assert!(!retriable(outcome, effect), "{outcome:?} {effect:?}");
            }
        }
    }

    #[test]
    fn capacity_bodies_are_recognised() {
        use crate::testing::{DEMO_API, DEMO_DEDICATED};
        assert!(is_capacity_exhausted(
            DEMO_API,
            409,
            r#"{"message":"No instances available"}"#
        ));
        assert!(is_capacity_exhausted(
            DEMO_API,
            409,
            "no   instances\navailable for qwen3"
        ));
        assert!(!is_capacity_exhausted(
            DEMO_API,
            409,
            "conflict: request already exists"
        ));
        assert!(!is_capacity_exhausted(
            DEMO_API,
            503,
            "No instances available"
        ));
        assert!(
            !is_capacity_exhausted(DEMO_DEDICATED, 409, "No instances available"),
            "the rule belongs to the service that declares it"
        );
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let base = Duration::from_millis(250);
        for retry in 0..20 {
            let d = backoff(base, retry);
            let full = base
                .saturating_mul(2u32.saturating_pow(retry.min(16)))
                .min(MAX_BACKOFF);
            assert!(d >= full / 2 && d <= full, "retry {retry}: {d:?}");
        }
        assert!(backoff(base, 30) <= MAX_BACKOFF);
    }

    #[test]
    fn retry_after_accepts_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }
}
