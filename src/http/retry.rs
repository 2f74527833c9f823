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

use crate::vocab::{CapacitySignal, Effect, Service};

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

/// Whether `service`'s capacity rule matches an answer: its status, and its signal in the
/// body (the pack's reading of structured fields, or one of its phrases compared lower-case
/// with whitespace removed).
pub fn is_capacity_exhausted(service: Service, status: u16, body: &str) -> bool {
    let Some(rule) = service.capacity.filter(|rule| rule.status == status) else {
        return false;
    };
    let phrases = match rule.signal {
        CapacitySignal::Fields(read) => return read(body),
        CapacitySignal::Phrases(phrases) => phrases,
    };
    let squashed: String = body
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    phrases.iter().any(|phrase| {
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

/// What a `Retry-After` header asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RetryAfter {
    /// No header.
    #[default]
    Absent,
    /// A wait: delay-seconds, or an HTTP-date relative to now.
    Wait(Duration),
    /// A header that is neither (garbage, or more seconds than a `u64` holds): the server
    /// asked to wait, for an unknown time longer than the runtime will wait itself.
    Unusable(String),
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP-date (relative to `now`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> RetryAfter {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return match value.parse::<u64>() {
            Ok(seconds) => RetryAfter::Wait(Duration::from_secs(seconds)),
            Err(_) => RetryAfter::Unusable(crate::secrets::excerpt(value, 40)),
        };
    }
    match httpdate::parse_http_date(value) {
        Ok(when) => RetryAfter::Wait(when.duration_since(now).unwrap_or(Duration::ZERO)),
        Err(_) => RetryAfter::Unusable(crate::secrets::excerpt(value, 40)),
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the same call may succeed later (the error's `retriable`).
    pub retriable: bool,
    /// Retry now, after this wait; `None`: stop and report.
    pub retry_after: Option<Duration>,
}

/// The one decision after a failed attempt: whether it is retriable at all ([`retriable`]),
/// and whether the runtime retries it itself — only while attempts remain (`retry` of
/// `max_retries` used) and only when the server did not ask for a longer wait than
/// [`MAX_RETRY_AFTER`] (or for a wait it could not state). The wait is the backoff, or the
/// server's `Retry-After` when longer. The HTTP layer retries exactly when this says so and
/// reports `retriable` from the same value, so the two never disagree.
pub fn decide(
    outcome: Outcome,
    effect: Effect,
    retry_after: &RetryAfter,
    retry: u32,
    max_retries: u32,
    backoff_base: Duration,
) -> Decision {
    let retriable = retriable(outcome, effect);
    let backoff = backoff(backoff_base, retry);
    let wait = match retry_after {
        RetryAfter::Absent => Some(backoff),
        RetryAfter::Wait(wait) if *wait <= MAX_RETRY_AFTER => Some((*wait).max(backoff)),
        RetryAfter::Wait(_) | RetryAfter::Unusable(_) => None,
    };
    Decision {
        retriable,
        retry_after: wait.filter(|_| retriable && retry < max_retries),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_values_parse_or_are_marked_unusable() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            parse_retry_after(" 7 ", now),
            RetryAfter::Wait(Duration::from_secs(7))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(10));
        assert_eq!(
            parse_retry_after(&later, now),
            RetryAfter::Wait(Duration::from_secs(10))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(
            parse_retry_after(&earlier, now),
            RetryAfter::Wait(Duration::ZERO)
        );
        for garbage in ["99999999999999999999999", "soon", "-1", "1.5", ""] {
            assert!(
                matches!(parse_retry_after(garbage, now), RetryAfter::Unusable(_)),
                "{garbage}"
            );
        }
    }

    #[test]
    fn decisions_stop_at_long_or_unknown_waits_and_keep_retriable() {
        let base = Duration::from_millis(25);
        let paid_429 =
            |ra: RetryAfter, retry| decide(status(429), Effect::Paid, &ra, retry, 3, base);
        let short = paid_429(RetryAfter::Wait(Duration::from_secs(1)), 0);
        assert_eq!(
            short,
            Decision {
                retriable: true,
                retry_after: Some(Duration::from_secs(1))
            }
        );
        for stop in [
            RetryAfter::Wait(MAX_RETRY_AFTER + Duration::from_secs(1)),
            RetryAfter::Unusable("99999999999999999999999".into()),
        ] {
            assert_eq!(
                paid_429(stop, 0),
                Decision {
                    retriable: true,
                    retry_after: None
                }
            );
        }
        assert_eq!(
            paid_429(RetryAfter::Absent, 3).retry_after,
            None,
            "attempts used up"
        );
        let paid_502 = decide(status(502), Effect::Paid, &RetryAfter::Absent, 0, 3, base);
        assert_eq!(
            paid_502,
            Decision {
                retriable: false,
                retry_after: None
            }
        );
        let read_502 = decide(
            status(502),
            Effect::ReadOnly,
            &RetryAfter::Absent,
            0,
            3,
            base,
        );
        assert!(read_502.retriable && read_502.retry_after.is_some());
        let cut_read = decide(
            Outcome::Interrupted,
            Effect::ReadOnly,
            &RetryAfter::Absent,
            0,
            1,
            base,
        );
        assert!(
            cut_read.retriable && cut_read.retry_after.is_some(),
            "a read cut short is retried"
        );
    }

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

    /// A pack's field reader decides alone: no phrase of the body counts.
    #[test]
    fn a_field_signal_is_the_packs_reading() {
        use crate::code::ErrorCode;
        use crate::vocab::{CapacityRule, ServiceDef};
        fn coded(body: &str) -> bool {
            serde_json::from_str::<serde_json::Value>(body)
                .is_ok_and(|v| v["code"] == serde_json::json!("warming"))
        }
        static CODED: ServiceDef = ServiceDef {
            name: "coded",
            capacity: Some(CapacityRule {
                status: 503,
                signal: CapacitySignal::Fields(coded),
                code: ErrorCode::pack_failure("CODED_WARMING"),
                message: "warming",
                hint: "retry",
            }),
            ..ServiceDef::NONE
        };
        let service = Service::new(&CODED);
        assert!(is_capacity_exhausted(service, 503, r#"{"code":"warming"}"#));
        assert!(!is_capacity_exhausted(
            service,
            503,
            r#"{"message":"warming"}"#
        ));
        assert!(!is_capacity_exhausted(
            service,
            502,
            r#"{"code":"warming"}"#
        ));
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
}
