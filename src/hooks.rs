//! What a mode hands a running command besides its arguments: where progress goes, and a
//! cancellation signal.
//!
//! **Progress** of commands that wait (design §9): a sink the mode provides and
//! [`crate::command::Ctx::progress`] feeds. `serve` turns each report into a `{"type":"progress","requestId":…,"message":…}` line; `mcp`
//! into a `notifications/progress` when the call carried a progress token; `run` into a
//! `{"type":"progress","message":…}` line on stderr (a plain sentence when stderr is a
//! terminal). A report is one human sentence and never carries arguments or secrets; it is
//! redacted here all the same, and cut to [`MAX_PROGRESS_CHARS`] (after redaction) so an
//! upstream's state string cannot make it large.
//!
//! **Cancellation** (MCP `notifications/cancelled`): the mode drops a cancelled command's
//! future, which aborts its HTTP request — unless the command listens
//! ([`crate::command::Ctx::cancelled`]) because it owns a resource: then the mode signals it
//! and lets it finish its cleanup, as it does on SIGINT/SIGTERM.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_util::sync::CancellationToken;

use crate::secrets::excerpt;

/// Longest progress message, in characters.
pub const MAX_PROGRESS_CHARS: usize = 400;

/// Where one request's progress reports go.
#[derive(Clone)]
pub struct ProgressSink(Arc<dyn Fn(&str) + Send + Sync>);

impl ProgressSink {
    /// A sink calling `report` with each (redacted) message. `report` must not block: hand the
    /// message to a channel.
    pub fn new(report: impl Fn(&str) + Send + Sync + 'static) -> Self {
        Self(Arc::new(report))
    }

    /// Reports one message, redacted and then cut to [`MAX_PROGRESS_CHARS`].
    pub fn report(&self, message: &str) {
        (self.0)(&excerpt(message, MAX_PROGRESS_CHARS));
    }
}

impl fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressSink")
    }
}

/// Cancellation of one call, shared by the mode (which cancels) and the command (which may
/// listen).
#[derive(Debug, Clone, Default)]
pub struct CancelSignal {
    token: CancellationToken,
    listened: Arc<AtomicBool>,
}

impl CancelSignal {
    /// A signal nobody has cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels the call.
    pub fn cancel(&self) {
        self.token.cancel();
    }

    /// Whether the command took charge of its own cancellation: it must then be awaited after
    /// [`CancelSignal::cancel`], not dropped.
    pub fn is_listened(&self) -> bool {
        self.listened.load(Ordering::SeqCst)
    }

    /// Resolves when the call is cancelled; counts as listening from the moment it is called.
    pub(crate) fn cancelled(&self) -> impl Future<Output = ()> + Send + 'static {
        self.listened.store(true, Ordering::SeqCst);
        self.token.clone().cancelled_owned()
    }
}

/// The hooks of one call; the default has neither progress nor cancellation (`run`).
#[derive(Debug, Clone, Default)]
pub struct Hooks {
    /// Where progress reports go.
    pub progress: Option<ProgressSink>,
    /// The call's cancellation signal.
    pub cancel: Option<CancelSignal>,
}

/// `1.5 s`, `2 min 05 s`: elapsed and waiting times in progress messages.
pub fn seconds(duration: std::time::Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 120.0 {
        format!("{secs:.1} s")
    } else {
        let whole = duration.as_secs();
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;

    #[test]
    fn reports_are_redacted_and_reach_the_sink() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = {
            let seen = Arc::clone(&seen);
            ProgressSink::new(move |m| seen.lock().unwrap().push(m.to_owned()))
        };
        sink.report("state running; Authorization: Bearer abcdefghijklmnop1234");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert!(seen[0].starts_with("state running"));
        assert!(!seen[0].contains("abcdefghijklmnop1234"), "{}", seen[0]);
    }

    #[tokio::test]
    async fn a_listener_is_known_and_woken() {
        let signal = CancelSignal::new();
        assert!(!signal.is_listened());
        let cancelled = signal.cancelled();
        assert!(
            signal.is_listened(),
            "listening starts when asked, not when polled"
        );
        signal.cancel();
        tokio::time::timeout(Duration::from_secs(1), cancelled)
            .await
            .unwrap();
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(seconds(Duration::from_millis(1_500)), "1.5 s");
        assert_eq!(seconds(Duration::from_secs(125)), "2 min 05 s");
    }
}
