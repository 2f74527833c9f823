//! One memory budget for the response bodies of every request in flight (issue 17, defect 5).
//!
//! Each request may read a body of up to [`super::MAX_BODY_BYTES`] with up to
//! [`super::MAX_JSON_VALUES`] values, which costs up to ~60 MiB once parsed, redacted and
//! printed (`bench/memory.py`); with 64 requests in flight that multiplied to 1.1–1.8 GB in
//! `serve` and `mcp`. So the process holds a fixed number of *large-body slots*
//! ([`LARGE_BODIES_AT_ONCE`]):
//!
//! - a body is *small* while it stays within [`SMALL_BODY_BYTES`] and, once read, holds at most
//!   [`SMALL_BODY_VALUES`] JSON values: small bodies need no slot (64 of them cost a few tens
//!   of MiB);
//! - a request whose body grows past that takes a slot before it reads on (or parses), and
//!   keeps it until its answer is printed — the parsed result lives until then. Further
//!   bodies of the same request use the same slot;
//! - when every slot is taken, that request waits (its upstream read pauses, and the upstream
//!   sees TCP backpressure) until an answer holding one is printed. Its timeout keeps
//!   running, so a request that waits too long ends in `TIMEOUT` like a slow upstream.
//!
//! No deadlock: a request waits for a slot only while it holds none, and a request holding
//! one never waits for another.

use std::sync::Arc;

use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};

/// Bytes a body may reach before its request needs a large-body slot.
pub const SMALL_BODY_BYTES: usize = 256 * 1024;

/// JSON values a body may hold (as [`crate::bounds::check`] counts) before its request needs
/// a large-body slot: parsed, a value costs ~150 bytes, so a small body costs well under
/// 1 MiB whatever its shape.
pub const SMALL_BODY_VALUES: usize = 4_096;

/// Requests that may hold a large body at once, per process: at ~60 MiB each at worst, plus
/// the small ones and the requests themselves, `serve` and `mcp` stay under 512 MiB.
pub const LARGE_BODIES_AT_ONCE: usize = 3;

/// The process's large-body slots, shared by every request of a [`super::Transport`].
#[derive(Debug, Clone)]
pub struct MemoryBudget {
    slots: Arc<Semaphore>,
}

impl Default for MemoryBudget {
    fn default() -> Self {
        Self::new(LARGE_BODIES_AT_ONCE)
    }
}

impl MemoryBudget {
    /// A budget of `large_at_once` slots (at least one).
    pub fn new(large_at_once: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(large_at_once.max(1))),
        }
    }

    /// A lease for one request: it takes a slot the first time one of the request's bodies
    /// turns out large, and gives it back when dropped (after the answer is printed).
    pub fn lease(&self) -> Lease {
        Lease(Arc::new(LeaseInner {
            slots: Arc::clone(&self.slots),
            held: OnceCell::new(),
        }))
    }

    /// Slots free right now.
    pub fn available(&self) -> usize {
        self.slots.available_permits()
    }
}

/// One request's claim on the [`MemoryBudget`]; clones share the claim.
#[derive(Debug, Clone)]
pub struct Lease(Arc<LeaseInner>);

#[derive(Debug)]
struct LeaseInner {
    slots: Arc<Semaphore>,
    held: OnceCell<Option<OwnedSemaphorePermit>>,
}

impl Lease {
    /// Waits, if this request holds no slot yet, until it holds one. Concurrent reads of the
    /// same request share one wait and one slot.
    pub async fn hold_large(&self) {
        self.0
            .held
            .get_or_init(|| async {
                // The semaphore is never closed; were it, the read would go on unmetered.
                Arc::clone(&self.0.slots).acquire_owned().await.ok()
            })
            .await;
    }

    /// Whether this request holds a slot.
    pub fn holds_large(&self) -> bool {
        self.0.held.get().is_some_and(Option::is_some)
    }
}

/// Whether a body read so far (`len` bytes) or, when `complete`, its JSON values make it
/// large.
pub(crate) fn is_large(body: &[u8], complete: bool) -> bool {
    body.len() > SMALL_BODY_BYTES
        || (complete && crate::bounds::check(body, SMALL_BODY_VALUES, usize::MAX).is_err())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_request_waits_for_a_slot_only_while_it_holds_none() {
        let budget = MemoryBudget::new(1);
        let first = budget.lease();
        first.hold_large().await;
        first.hold_large().await; // the same request again: no second slot, no wait
        assert!(first.holds_large());
        assert_eq!(budget.available(), 0);
        let second = budget.lease();
        let waiting = second.clone();
        let waiter = tokio::spawn(async move { waiting.hold_large().await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiter.is_finished(), "every slot is held");
        drop(first);
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("the slot came free")
            .unwrap();
        assert!(second.holds_large());
        drop(second);
        assert_eq!(budget.available(), 1);
    }

    #[test]
    fn large_is_bytes_or_values() {
        assert!(!is_large(b"[1,2,3]", true));
        assert!(is_large(&vec![b' '; SMALL_BODY_BYTES + 1], false));
        let dense = format!("[{}0]", "0,".repeat(SMALL_BODY_VALUES));
        assert!(dense.len() < SMALL_BODY_BYTES);
        assert!(
            !is_large(dense.as_bytes(), false),
            "values count once complete"
        );
        assert!(is_large(dense.as_bytes(), true));
    }
}
