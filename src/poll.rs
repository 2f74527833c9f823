//! When a command that waits checks again: one adaptive schedule for the polls of every pack
//! (each pack's `pollUntilDone`).
//!
//! Rather than a fixed interval, the gap grows with the job's age: a finished job is noticed
//! within a quarter of its age (2 s while young), and a 3-minute job costs 19 checks instead
//! of the 61 a fixed 3 s interval needs.

use std::time::Duration;

/// When to check next: a pure function of the job's age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Schedule {
    /// The caller's cap on the gap (`intervalMs`).
    pub interval: Option<Duration>,
}

impl Schedule {
    /// The shortest adaptive gap.
    pub const MIN_GAP: Duration = Duration::from_secs(2);
    /// The longest gap.
    pub const MAX_GAP: Duration = Duration::from_secs(60);

    /// The gap before the next check of a job `age` old (since the first check), whose
    /// expected duration is `expected` when the request says.
    ///
    /// - `max(MIN_GAP, age / 4)`: a job that finishes at age `t` is noticed by `t + t/4`
    ///   (`t + 2 s` while young);
    /// - with `expected`: no later than the expected completion (one check lands on it), and
    ///   once past it, at most `max(MIN_GAP, expected / 8)`;
    /// - at most [`Self::MAX_GAP`], and at most the caller's `interval`.
    pub fn next_gap(&self, age: Duration, expected: Option<Duration>) -> Duration {
        let mut gap = Self::MIN_GAP.max(age / 4);
        if let Some(expected) = expected {
            if age < expected {
                gap = gap.min((expected - age).max(Self::MIN_GAP));
            } else {
                gap = gap.min(Self::MIN_GAP.max(expected / 8));
            }
        }
        gap = gap.min(Self::MAX_GAP);
        match self.interval {
            Some(interval) => gap.min(interval),
            None => gap,
        }
    }
}
