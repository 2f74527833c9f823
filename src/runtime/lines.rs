//! The line reader of `serve`: JSON Lines from any byte stream, read in large chunks, where a
//! bad line is one bad line and never the end of the input.
//!
//! `tokio_util`'s `LinesCodec` stops for good after its first decode error (a line that is not
//! UTF-8, or one over the length limit), which ended `serve` on one bad line (issue 13, defect
//! 1). Here every line, good or bad, comes out as one [`Line`], and reading goes on:
//! - a line over the limit is skipped up to its newline without being kept in memory, and
//!   reported once as [`Line::TooLong`];
//! - a line that is not UTF-8 is reported as [`Line::NotUtf8`].
//!
//! Reads fill a buffer of [`READ_CHUNK`] bytes, so a burst of small lines costs one read (one
//! hand-off to tokio's blocking pool for stdin) rather than one per line.
//!
//! [`LineReader::next`] is cancel-safe: every state change happens before or after its only
//! await point (the read, itself cancel-safe), so `serve` can drop it inside `select!`.
//!
//! A reader made [`LineReader::scanning_ids`] also reads the top-level `id` of each over-long
//! line as its bytes go by ([`IdScan`], constant memory), so that the answer to a line too long
//! to keep can still name the request it answers (`mcp`).

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::id_scan::IdScan;

/// Bytes asked for per read.
pub(crate) const READ_CHUNK: usize = 256 * 1024;

/// One input line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Line {
    /// A complete line (without its `\n` or `\r\n`), valid UTF-8.
    Text(String),
    /// A line longer than the limit; its bytes were dropped.
    TooLong,
    /// A line that is not valid UTF-8.
    NotUtf8,
}

/// Splits a byte stream into [`Line`]s.
#[derive(Debug)]
pub(crate) struct LineReader<R> {
    input: R,
    max_line_bytes: usize,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    /// The start of a line that spans reads.
    partial: Vec<u8>,
    /// Inside an over-long line: drop bytes until its newline.
    discarding: bool,
    eof: bool,
    /// Whether the id of an over-long line is read as it is dropped.
    scan_ids: bool,
    /// The id scan of the over-long line being dropped.
    scan: Option<IdScan>,
    /// The id of the last over-long line, until taken.
    scanned: Option<Value>,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    /// A reader of lines of at most `max_line_bytes` bytes.
    pub(crate) fn new(input: R, max_line_bytes: usize) -> Self {
        Self {
            input,
            max_line_bytes,
            buf: vec![0; READ_CHUNK].into_boxed_slice(),
            start: 0,
            end: 0,
            partial: Vec::new(),
            discarding: false,
            eof: false,
            scan_ids: false,
            scan: None,
            scanned: None,
        }
    }

    /// Also reads the top-level `id` of every over-long line while dropping it; take it with
    /// [`LineReader::take_scanned_id`] after a [`Line::TooLong`].
    pub(crate) fn scanning_ids(mut self) -> Self {
        self.scan_ids = true;
        self
    }

    /// The `id` read from the last [`Line::TooLong`], if it had one (and ids are scanned).
    pub(crate) fn take_scanned_id(&mut self) -> Option<Value> {
        self.scanned.take()
    }

    /// The next line; `None` at end of input.
    pub(crate) async fn next(&mut self) -> std::io::Result<Option<Line>> {
        loop {
            if let Some(line) = self.take_buffered() {
                return Ok(Some(line));
            }
            if self.eof {
                return Ok(self.take_last());
            }
            // Everything buffered was consumed (kept in `partial` or discarded).
            self.start = 0;
            self.end = 0;
            let n = self.input.read(&mut self.buf).await?;
            if n == 0 {
                self.eof = true;
            } else {
                self.end = n;
            }
        }
    }

    /// A complete line from the buffer, or `None` after keeping (or dropping) the rest.
    fn take_buffered(&mut self) -> Option<Line> {
        let window = &self.buf[self.start..self.end];
        let Some(newline) = window.iter().position(|b| *b == b'\n') else {
            let (start, end) = (self.start, self.end);
            if self.discarding {
                self.scan_dropped(&[], start, end);
            } else if self.partial.len() + window.len() > self.max_line_bytes {
                self.discarding = true;
                let partial = std::mem::take(&mut self.partial);
                self.scan_dropped(&partial, start, end);
            } else {
                self.partial.extend_from_slice(window);
            }
            self.start = self.end;
            return None;
        };
        let (start, end) = (self.start, self.start + newline);
        self.start += newline + 1;
        if std::mem::take(&mut self.discarding) {
            self.scan_last(&[], start, end);
            return Some(Line::TooLong);
        }
        let piece = &self.buf[start..end];
        if self.partial.len() + piece.len() > self.max_line_bytes {
            let partial = std::mem::take(&mut self.partial);
            self.scan_last(&partial, start, end);
            return Some(Line::TooLong);
        }
        Some(if self.partial.is_empty() {
            decode(strip_cr(piece).to_vec())
        } else {
            self.partial.extend_from_slice(piece);
            let mut bytes = std::mem::take(&mut self.partial);
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
            decode(bytes)
        })
    }

    /// The unterminated last line, if any.
    fn take_last(&mut self) -> Option<Line> {
        if std::mem::take(&mut self.discarding) {
            self.scan_last(&[], 0, 0);
            return Some(Line::TooLong);
        }
        if self.partial.is_empty() {
            return None;
        }
        let mut bytes = std::mem::take(&mut self.partial);
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        Some(decode(bytes))
    }
}

impl<R> LineReader<R> {
    /// Feeds bytes of an over-long line (`partial`, then `buf[start..end]`) to its id scan
    /// (when ids are scanned).
    fn scan_dropped(&mut self, partial: &[u8], start: usize, end: usize) {
        if !self.scan_ids {
            return;
        }
        let scan = self.scan.get_or_insert_with(IdScan::default);
        if !scan.is_done() {
            scan.feed(partial);
            scan.feed(&self.buf[start..end]);
        }
    }

    /// Feeds the end of an over-long line (`partial`, then `buf[start..end]`) and keeps the
    /// id it had.
    fn scan_last(&mut self, partial: &[u8], start: usize, end: usize) {
        if !self.scan_ids {
            return;
        }
        let mut scan = self.scan.take().unwrap_or_default();
        if !scan.is_done() {
            scan.feed(partial);
            scan.feed(&self.buf[start..end]);
        }
        self.scanned = scan.finish();
    }
}

fn strip_cr(piece: &[u8]) -> &[u8] {
    piece.strip_suffix(b"\r").unwrap_or(piece)
}

fn decode(bytes: Vec<u8>) -> Line {
    match String::from_utf8(bytes) {
        Ok(text) => Line::Text(text),
        Err(_) => Line::NotUtf8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines_of(input: &[u8], max: usize) -> Vec<Line> {
        let mut reader = LineReader::new(input, max);
        let mut out = Vec::new();
        while let Some(line) = reader.next().await.unwrap() {
            out.push(line);
        }
        out
    }

    fn text(s: &str) -> Line {
        Line::Text(s.to_owned())
    }

    #[tokio::test]
    async fn bad_lines_do_not_end_the_input() {
        let input = b"one\n\xff\xfe\ntwo\r\nxxxxxxxxxxxxxxxxxxxx\nthree";
        assert_eq!(
            lines_of(input, 10).await,
            vec![
                text("one"),
                Line::NotUtf8,
                text("two"),
                Line::TooLong,
                text("three")
            ]
        );
    }

    #[tokio::test]
    async fn empty_and_final_lines() {
        assert_eq!(lines_of(b"", 10).await, vec![]);
        assert_eq!(lines_of(b"\n\n", 10).await, vec![text(""), text("")]);
        assert_eq!(lines_of(b"a\n", 10).await, vec![text("a")]);
        assert_eq!(
            lines_of(b"xxxxxxxxxxxxxxx", 10).await,
            vec![Line::TooLong],
            "an over-long unterminated last line is still answered"
        );
        assert_eq!(
            lines_of(b"exactly10!\n", 10).await,
            vec![text("exactly10!")]
        );
    }

    /// A reader scanning ids reads the id of each over-long line, whether it comes before or
    /// after the limit and across reads, and keeps none of the line.
    #[tokio::test]
    async fn the_ids_of_over_long_lines() {
        let pad = "p".repeat(READ_CHUNK * 2 + 5);
        let mut input = Vec::new();
        for line in [
            format!(r#"{{"id":1,"x":"{pad}"}}"#),
            format!(r#"{{"x":"{pad}","id":"last"}}"#),
            r#"{"id":3}"#.to_owned(),
            format!(r#"{{"x":"{pad}"}}"#),
            format!(r#"{{"x":"{pad}","id":5}}"#),
        ] {
            input.extend_from_slice(line.as_bytes());
            input.push(b'\n');
        }
        input.truncate(input.len() - 1); // the last line is unterminated
        let (mut tx, rx) = tokio::io::duplex(4096);
        let feeder = tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            for piece in input.chunks(3000) {
                tx.write_all(piece).await.unwrap();
            }
        });
        let mut reader = LineReader::new(rx, READ_CHUNK).scanning_ids();
        let mut out = Vec::new();
        while let Some(line) = reader.next().await.unwrap() {
            assert!(reader.partial.capacity() <= READ_CHUNK * 2);
            out.push((line, reader.take_scanned_id()));
        }
        feeder.await.unwrap();
        assert_eq!(
            out,
            vec![
                (Line::TooLong, Some(serde_json::json!(1))),
                (Line::TooLong, Some(serde_json::json!("last"))),
                (text(r#"{"id":3}"#), None),
                (Line::TooLong, None),
                (Line::TooLong, Some(serde_json::json!(5))),
            ]
        );
        // Without scanning, nothing is read.
        let line = format!("{{\"id\":1,\"x\":\"{pad}\"}}\n");
        let mut plain = LineReader::new(line.as_bytes(), 100);
        assert_eq!(plain.next().await.unwrap(), Some(Line::TooLong));
        assert_eq!(plain.take_scanned_id(), None);
    }

    /// Lines that span reads, and an over-long line far bigger than one read, are handled
    /// without keeping the long line.
    #[tokio::test]
    async fn lines_across_reads() {
        let long = vec![b'x'; READ_CHUNK * 3 + 17];
        let mid = "y".repeat(READ_CHUNK - 3);
        let mut input = Vec::new();
        input.extend_from_slice(b"first\n");
        input.extend_from_slice(&long);
        input.extend_from_slice(b"\n");
        input.extend_from_slice(mid.as_bytes());
        input.extend_from_slice("é\n".as_bytes());
        input.extend_from_slice(b"last");
        let (mut tx, rx) = tokio::io::duplex(4096);
        let feeder = tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            for piece in input.chunks(1000) {
                tx.write_all(piece).await.unwrap();
            }
        });
        let mut reader = LineReader::new(rx, READ_CHUNK);
        let mut out = Vec::new();
        while let Some(line) = reader.next().await.unwrap() {
            assert!(reader.partial.capacity() <= READ_CHUNK * 2);
            out.push(line);
        }
        feeder.await.unwrap();
        assert_eq!(
            out,
            vec![
                text("first"),
                Line::TooLong,
                Line::Text(format!("{mid}é")),
                text("last")
            ]
        );
    }
}
