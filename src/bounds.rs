//! What one input may cost: the size bounds of requests, secrets and JSON documents, and the
//! linear scan that enforces them before anything is parsed.
//!
//! Parsed JSON costs far more memory than its text when it is made of many small values
//! (`[[],[],…]`: about 70 times), so bytes alone bound nothing. Every JSON text the runtime
//! accepts — a request (`run` arguments, a stdin envelope, a `serve` line, an MCP message) or
//! an upstream answer — is scanned first: its values are counted and its nesting measured,
//! and a text over either bound is refused before a [`serde_json::Value`] is built. A leaf
//! module: it imports nothing of the crate. Upstream answers have their own bounds here too
//! ([`MAX_BODY_BYTES`], [`MAX_JSON_VALUES`]).

/// Largest request accepted, in bytes: a `run` argument or stdin envelope, a `serve` line, an
/// MCP message. Requests carry arguments, not content (uploads go through presigned URLs or
/// local files), so 16 MiB leaves room for any real one.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// Most JSON values a request may hold (counted as [`scan`] counts). A chat with hundreds of
/// messages and tool schemas holds a few thousand; 100,000 parsed values cost about 20 MiB.
pub const MAX_REQUEST_VALUES: usize = 100_000;

/// Deepest nesting of arrays and objects a request may have. Real arguments nest a dozen
/// levels (a tool's JSON Schema inside a chat body); `serde_json` stops at 128 with a less
/// helpful message, and MCP adds three levels of its own around the arguments.
pub const MAX_REQUEST_DEPTH: usize = 64;

/// Longest secret value accepted, in bytes. Real API keys, tokens and passwords are well under
/// 1 KiB; a longer value is refused with a named error rather than remembered for redaction
/// (a 1 M-character secret cost 1.25 GB and 43 s to prepare its masked forms).
pub const MAX_SECRET_BYTES: usize = 4 * 1024;

/// Largest response body the runtime reads.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Most JSON values a body may hold before it is parsed. Parsed, a value costs far more than
/// its text: a 16 MiB body of empty objects (`[{},{},…]`, 5.6 million values) took 846 MiB of
/// peak RSS in one `run` (the parsed value, the redacted copy and the printed document), and
/// 900,000 values about 160 MiB. Refusing bodies with more values than this, by a linear scan
/// of the bytes before any parse, bounds what an accepted response costs: the 16 MiB body and
/// at most 250,000 values through parse, redaction and output stay under 160 MiB peak for one
/// request (`bench/memory.py` measures the worst shapes). Listings are paginated well below
/// this.
pub const MAX_JSON_VALUES: usize = 250_000;

/// Whether `text` (JSON, or something that may be JSON) holds more than [`MAX_JSON_VALUES`]
/// values, counted as [`check`] counts them (it stops as soon as the bound is
/// passed). Nesting is left to the parser, which stops at 128 levels.
pub fn too_many_json_values(text: &[u8]) -> bool {
    check(text, MAX_JSON_VALUES, usize::MAX).is_err()
}

/// Most entries a request envelope's `secrets` map may hold: a pack reads a handful of
/// secrets, and each value is remembered for redaction.
pub const MAX_HOST_SECRETS: usize = 64;

/// Which bound a JSON text exceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Excess {
    /// More values than the bound.
    Values(usize),
    /// Nested deeper than the bound.
    Depth(usize),
}

impl std::fmt::Display for Excess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Excess::Values(max) => write!(f, "holds more than {max} JSON values"),
            Excess::Depth(max) => write!(f, "is nested deeper than {max} levels"),
        }
    }
}

/// Checks `text` (JSON, or something that may be JSON) against both bounds in one linear pass
/// that stops at the first excess. Values are counted as the `{`, `[` and `,` outside strings
/// (between one and two per value, so the count errs on the safe side); depth is the deepest
/// open `{`/`[`. Text that is not JSON is not judged here: the parser that follows reports it.
pub fn check(text: &[u8], max_values: usize, max_depth: usize) -> Result<(), Excess> {
    let mut count = 0usize;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max_depth {
                    return Err(Excess::Depth(max_depth));
                }
                count += 1;
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => count += 1,
            _ => continue,
        }
        if count > max_values {
            return Err(Excess::Values(max_values));
        }
    }
    Ok(())
}

/// [`check`] with the request bounds.
pub fn check_request(text: &[u8]) -> Result<(), Excess> {
    check(text, MAX_REQUEST_VALUES, MAX_REQUEST_DEPTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_counted_outside_strings_only() {
        let many = format!("[{}{{}}]", "{},".repeat(1000));
        assert_eq!(check(many.as_bytes(), 999, 8), Err(Excess::Values(999)));
        assert_eq!(check(many.as_bytes(), 3000, 8), Ok(()));
        let in_string = format!("{{\"a\": \"{}\"}}", ",".repeat(5000));
        assert_eq!(
            check(in_string.as_bytes(), 10, 8),
            Ok(()),
            "commas in a string are text"
        );
        let escaped = format!("[\"\\\"{}\"]", ",".repeat(5000));
        assert_eq!(
            check(escaped.as_bytes(), 10, 8),
            Ok(()),
            "an escaped quote does not end the string"
        );
    }

    #[test]
    fn depth_is_the_deepest_open_bracket() {
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(check(deep.as_bytes(), 1000, 64), Err(Excess::Depth(64)));
        let wide = "[[[]],[[]],[[]]]";
        assert_eq!(check(wide.as_bytes(), 1000, 3), Ok(()));
        assert_eq!(check(wide.as_bytes(), 1000, 2), Err(Excess::Depth(2)));
        let quoted = format!("{{\"a\":\"{}\"}}", "[".repeat(500));
        assert_eq!(
            check(quoted.as_bytes(), 10, 2),
            Ok(()),
            "brackets in a string"
        );
        // Closing more than was opened (not JSON) never underflows.
        assert_eq!(check(b"]]]][", 10, 1), Ok(()));
    }

    #[test]
    fn the_request_bounds_admit_real_requests_and_refuse_tiny_value_floods() {
        let chat = serde_json::json!({
            "command": "x.chat",
            "args": {"messages": (0..500).map(|i| serde_json::json!({"role": "user", "content": format!("m{i}")})).collect::<Vec<_>>()}
        })
        .to_string();
        assert_eq!(check_request(chat.as_bytes()), Ok(()));
        let flood = format!("{{\"args\":[{}[]]}}", "[],".repeat(MAX_REQUEST_VALUES));
        assert_eq!(
            check_request(flood.as_bytes()),
            Err(Excess::Values(MAX_REQUEST_VALUES))
        );
    }

    #[test]
    fn response_bodies_are_counted_at_their_bound() {
        let many = format!("[{}{{}}]", "{},".repeat(MAX_JSON_VALUES));
        assert!(too_many_json_values(many.as_bytes()));
        let few = format!("[{}{{}}]", "{},".repeat(1000));
        assert!(!too_many_json_values(few.as_bytes()));
        let in_string = format!("{{\"a\": \"{}\"}}", ",".repeat(MAX_JSON_VALUES + 5));
        assert!(
            !too_many_json_values(in_string.as_bytes()),
            "commas in a string are text"
        );
        let escaped = format!("[\"\\\"{}\"]", ",".repeat(MAX_JSON_VALUES + 5));
        assert!(
            !too_many_json_values(escaped.as_bytes()),
            "an escaped quote does not end the string"
        );
    }
}
