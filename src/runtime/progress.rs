//! Progress of commands that wait (design §9): a sink the mode provides and
//! [`crate::command::Ctx::progress`] feeds.
//!
//! `serve` turns each report into a `{"type":"progress","requestId":…,"message":…}` line; `mcp`
//! into a `notifications/progress` when the call carried a progress token; `run` has no sink
//! (`theta.ondemand.pollUntilDone` writes its own lines to stderr there). A report is one human
//! sentence and never carries arguments or secrets; it is redacted here all the same.

use std::fmt;
use std::sync::Arc;

use crate::secrets::redact::redact_text;

/// Where one request's progress reports go.
#[derive(Clone)]
pub struct ProgressSink(Arc<dyn Fn(&str) + Send + Sync>);

impl ProgressSink {
    /// A sink calling `report` with each (redacted) message. `report` must not block: hand the
    /// message to a channel.
    pub fn new(report: impl Fn(&str) + Send + Sync + 'static) -> Self {
        Self(Arc::new(report))
    }

    /// Reports one message.
    pub fn report(&self, message: &str) {
        (self.0)(&redact_text(message));
    }
}

impl fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressSink")
    }
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

    #[test]
    fn durations_read_well() {
        assert_eq!(seconds(Duration::from_millis(1_500)), "1.5 s");
        assert_eq!(seconds(Duration::from_secs(125)), "2 min 05 s");
    }
}
