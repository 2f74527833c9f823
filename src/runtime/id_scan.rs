//! Reading the `id` of a JSON object from its text without parsing it: a byte-by-byte scan in
//! constant memory, for the requests that are refused before they are parsed (a line over the
//! length limit, a text over the value or depth bounds), so their answer can still name the
//! request it answers and the client waiting on that id is not left hanging.
//!
//! Only a top-level `"id"` member whose value is a string or a number is read; the first one
//! wins. Whatever is not a JSON object, or is cut before its id, reads as no id. A string key
//! with escapes is never taken for `id`.

use serde_json::Value;

/// The longest id text kept (quotes included). Real ids are a counter or a UUID.
const MAX_ID_BYTES: usize = 256;

/// Where the scan is.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first byte that is not white space.
    #[default]
    Start,
    /// Inside the top-level object.
    Object,
    /// Finished: an id was read, or there is none to read.
    Done,
}

/// What comes next among the top-level object's members.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Expect {
    #[default]
    Key,
    Colon,
    Value,
    /// After a value: a comma or the end of the object.
    Comma,
}

/// A streaming reader of the top-level `id` of a JSON object: feed it the text in pieces of
/// any size, then [`IdScan::finish`].
#[derive(Debug, Default)]
pub(crate) struct IdScan {
    state: State,
    depth: usize,
    in_string: bool,
    escaped: bool,
    expect: Expect,
    /// Reading a top-level key: its first bytes, and whether it is longer (or escaped).
    reading_key: bool,
    key: Vec<u8>,
    key_other: bool,
    /// The key just read is `id`.
    id_key: bool,
    /// The id's text while it is read.
    value: Option<Vec<u8>>,
    /// The id's whole text.
    found: Option<Vec<u8>>,
}

impl IdScan {
    /// The id of the JSON object `text`, read without parsing it.
    pub(crate) fn of(text: &[u8]) -> Option<Value> {
        let mut scan = Self::default();
        scan.feed(text);
        scan.finish()
    }

    /// Whether the scan has its answer: nothing fed later can change it.
    pub(crate) fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Reads the next piece of the text.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if self.state == State::Done {
                return;
            }
            self.step(byte);
        }
    }

    /// The id read: a string or a number, or `None`.
    pub(crate) fn finish(self) -> Option<Value> {
        let text = self.found?;
        serde_json::from_slice::<Value>(&text)
            .ok()
            .filter(|id| id.is_string() || id.is_number())
    }

    fn step(&mut self, byte: u8) {
        if self.state == State::Start {
            match byte {
                b'{' => {
                    self.state = State::Object;
                    self.depth = 1;
                }
                b if b.is_ascii_whitespace() => {}
                _ => self.state = State::Done,
            }
            return;
        }
        if self.in_string {
            self.string_byte(byte);
            return;
        }
        if let Some(value) = &mut self.value {
            // A number (or a literal) ends where the next token starts.
            if matches!(byte, b',' | b'}' | b']') || byte.is_ascii_whitespace() {
                self.found = self.value.take();
                self.state = State::Done;
            } else {
                value.push(byte);
                if value.len() > MAX_ID_BYTES {
                    self.state = State::Done;
                    self.value = None;
                }
            }
            return;
        }
        let top = self.depth == 1;
        match byte {
            b'"' => {
                self.in_string = true;
                if top {
                    match self.expect {
                        Expect::Key => {
                            self.reading_key = true;
                            self.key.clear();
                            self.key_other = false;
                        }
                        Expect::Value => {
                            if self.id_key {
                                self.value = Some(vec![b'"']);
                            }
                            self.expect = Expect::Comma;
                        }
                        Expect::Colon | Expect::Comma => {}
                    }
                }
            }
            b'{' | b'[' => {
                if top && self.expect == Expect::Value {
                    if self.id_key {
                        // An object or an array is no id.
                        self.state = State::Done;
                        return;
                    }
                    self.expect = Expect::Comma;
                }
                self.depth += 1;
            }
            b'}' | b']' => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    self.state = State::Done;
                }
            }
            b':' if top => self.expect = Expect::Value,
            b',' if top => {
                self.expect = Expect::Key;
                self.id_key = false;
            }
            b if b.is_ascii_whitespace() => {}
            _ => {
                if top && self.expect == Expect::Value {
                    if self.id_key {
                        self.value = Some(vec![byte]);
                    }
                    self.expect = Expect::Comma;
                }
            }
        }
    }

    fn string_byte(&mut self, byte: u8) {
        if let Some(value) = &mut self.value {
            value.push(byte);
            if value.len() > MAX_ID_BYTES {
                self.state = State::Done;
                self.value = None;
                return;
            }
        }
        if self.escaped {
            self.escaped = false;
            self.key_other |= self.reading_key;
            return;
        }
        match byte {
            b'\\' => {
                self.escaped = true;
                self.key_other |= self.reading_key;
            }
            b'"' => {
                self.in_string = false;
                if self.reading_key {
                    self.reading_key = false;
                    self.id_key = !self.key_other && self.key == b"id";
                    self.expect = Expect::Colon;
                } else if self.value.is_some() {
                    self.found = self.value.take();
                    self.state = State::Done;
                }
            }
            _ if self.reading_key => {
                if self.key.len() < 2 {
                    self.key.push(byte);
                } else {
                    self.key_other = true;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(text: &str) -> Option<Value> {
        IdScan::of(text.as_bytes())
    }

    #[test]
    fn reads_the_top_level_id_wherever_it_is() {
        assert_eq!(
            id(r#"{"jsonrpc":"2.0","id":7,"method":"x"}"#),
            Some(json!(7))
        );
        assert_eq!(
            id(r#"{"method":"tools/call","params":{"id":1,"a":[{"id":2}]},"id":"req-9"}"#),
            Some(json!("req-9")),
            "ids inside params are not the request's; the TypeScript SDK puts `id` last"
        );
        assert_eq!(id(r#" { "id" : -12 } "#), Some(json!(-12)));
        assert_eq!(id(r#"{"id":"a\"b\\"}"#), Some(json!("a\"b\\")));
        assert_eq!(id(r#"{"x":"\"id\":5","id":6}"#), Some(json!(6)));
        assert_eq!(
            id(r#"{"id":1,"id":2}"#),
            Some(json!(1)),
            "the first one wins"
        );
    }

    #[test]
    fn no_id_when_there_is_none_to_read() {
        for text in [
            r#"{"method":"x"}"#,
            r#"{"id":null}"#,
            r#"{"id":{"a":1}}"#,
            r#"{"id":[1]}"#,
            r#"{"id":true}"#,
            r#"[{"id":1}]"#,
            r#""id""#,
            r#"{"i\u0064":3}"#,
            r#"{"idx":3,"xid":4}"#,
            r#"{"id":"#,
            "",
        ] {
            assert_eq!(id(text), None, "{text}");
        }
        let long = format!(r#"{{"id":"{}"}}"#, "x".repeat(MAX_ID_BYTES));
        assert_eq!(id(&long), None, "an id too long to be real");
    }

    /// Fed in pieces of any size, as a discarded line arrives, the answer is the same; the
    /// scan keeps nothing of what it passes.
    #[test]
    fn pieces_of_any_size() {
        let text = format!(
            r#"{{"method":"tools/call","params":{{"arguments":{{"x":"{}"}}}},"jsonrpc":"2.0","id":41}}"#,
            "y".repeat(100_000)
        );
        for size in [1, 2, 3, 7, 64, 4096] {
            let mut scan = IdScan::default();
            for piece in text.as_bytes().chunks(size) {
                scan.feed(piece);
            }
            assert!(scan.is_done());
            assert_eq!(scan.finish(), Some(json!(41)), "pieces of {size}");
        }
        // Cut before the id: none.
        assert_eq!(IdScan::of(&text.as_bytes()[..50_000]), None);
    }
}
