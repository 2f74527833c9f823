//! Logs: JSON lines on stderr, redacted, only when `<PREFIX>LOG` or `RUST_LOG` asks.

use std::io::Write;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

use crate::pack::Pack;
use crate::secrets::redact;

/// Logs (JSON lines, redacted) go to stderr, and only when `<PREFIX>LOG` or `RUST_LOG` asks.
pub(super) fn init_logging(pack: &Pack) {
    let Some(filter) = [pack.var("LOG"), "RUST_LOG".to_owned()]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
    else {
        return;
    };
    // rmcp logs whole requests (tool arguments included) at debug and info: keep it at warn
    // unless asked for by name.
    let filter = if filter.contains("rmcp") {
        filter
    } else {
        format!("{filter},rmcp=warn")
    };
    // `level` or `target=level` pairs, comma-separated: the form `RUST_LOG` takes for
    // anything but span and field filters (which a skill's logs do not need).
    let filter: Targets = filter.parse().unwrap_or_else(|_| {
        Targets::new().with_default(tracing_subscriber::filter::LevelFilter::WARN)
    });
    let logs = tracing_subscriber::fmt::layer()
        .json()
        .with_current_span(false)
        .with_span_list(false)
        .with_writer(|| RedactingStderr);
    let _ = tracing_subscriber::registry()
        .with(logs.with_filter(filter))
        .try_init();
}

/// stderr, with every known secret masked in each log line.
struct RedactingStderr;

impl Write for RedactingStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        std::io::stderr().write_all(redact::redact_text(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
