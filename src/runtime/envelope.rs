//! The request and response envelopes (design §2).

use serde_json::{Map, Value, json};

use crate::bounds;
use crate::error::{Error, ErrorCode};
use crate::http::budget::Lease;
use crate::secrets::HostSecrets;
use crate::secrets::redact;

/// One parsed request: `{"id"?, "command", "args"?, "dryRun"?, "secrets"?}`.
#[derive(Debug)]
pub struct Request {
    /// Echoed back in the response, any JSON value.
    pub id: Option<Value>,
    /// Command id or alias.
    pub command: String,
    /// The command's arguments (an object).
    pub args: Value,
    /// The request asks for dry-run (it can turn dry-run on, never off).
    pub dry_run: bool,
    /// Secrets handed over by the host.
    pub secrets: HostSecrets,
    /// Notes about the envelope itself (e.g. ignored secret entries).
    pub warnings: Vec<String>,
}

const FIELDS: [&str; 5] = ["id", "command", "args", "dryRun", "secrets"];

impl Request {
    /// Parses an envelope. On failure the request id (when one could be read) is returned
    /// with the error so the response can still echo it.
    pub fn from_value(value: Value) -> Result<Self, (Option<Value>, Error)> {
        let Value::Object(mut map) = value else {
            return Err((
                None,
                invalid(
                    "The request must be a JSON object: {\"command\": \"<id>\", \"args\": {...}}.",
                ),
            ));
        };
        let id = map.remove("id");
        let fail = |error: Error| (id.clone(), error);
        if let Some(unknown) = map.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(fail(invalid(format!(
                "Unknown field `{unknown}` in the request envelope; command arguments go inside `args`."
            ))));
        }
        let command = match map.remove("command") {
            // A non-string is refused as a blank name is.
            Some(c) => command_name(c.as_str().unwrap_or_default()).map_err(fail)?,
            None => {
                return Err(fail(
                    Error::new(ErrorCode::MissingRequiredField, "Missing required field: command")
                        .with_hint("Send {\"command\": \"<id>\", \"args\": {...}}; the `list` subcommand shows every command."),
                ));
            }
        };
        let args = command_args(map.remove("args")).map_err(fail)?;
        let dry_run = match map.remove("dryRun") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => b,
            Some(_) => return Err(fail(invalid("`dryRun` must be true or false."))),
        };
        let mut warnings = Vec::new();
        let secrets = match map.remove("secrets") {
            None | Some(Value::Null) => HostSecrets::default(),
            Some(Value::Object(entries)) => {
                let mut pairs = Vec::new();
                for (name, value) in entries {
                    match value {
                        Value::String(s) => pairs.push((name, s)),
                        // An unresolved SecretRef arrives as an object: it counts as absent.
                        _ => warnings.push(format!(
                            "secrets.{name} is not a string (an unresolved SecretRef?) and was ignored"
                        )),
                    }
                }
                HostSecrets::from_pairs(pairs).map_err(fail)?
            }
            Some(_) => return Err(fail(invalid("`secrets` must be an object of strings."))),
        };
        Ok(Self {
            id,
            command,
            args,
            dry_run,
            secrets,
            warnings,
        })
    }

    /// A request without an envelope (the `run` subcommand): `command` with `args`, and
    /// dry-run as the caller asked for it; checked as an envelope's fields are.
    pub fn for_command(command: &str, args: Value, dry_run: bool) -> Result<Self, Error> {
        Ok(Self {
            id: None,
            command: command_name(command)?,
            args: command_args(Some(args))?,
            dry_run,
            secrets: HostSecrets::default(),
            warnings: Vec::new(),
        })
    }
}

/// A command name: trimmed, not empty.
fn command_name(name: &str) -> Result<String, Error> {
    match name.trim() {
        "" => Err(invalid("`command` must be a non-empty string.")),
        name => Ok(name.to_owned()),
    }
}

/// A command's arguments: an object (absent or `null` is `{}`).
fn command_args(args: Option<Value>) -> Result<Value, Error> {
    match args {
        None | Some(Value::Null) => Ok(Value::Object(Map::new())),
        Some(obj @ Value::Object(_)) => Ok(obj),
        Some(_) => Err(invalid("Command args must be an object.")),
    }
}

/// Parses request text (a `run` argument, a stdin envelope, a `serve` line) into JSON under
/// the request bounds ([`bounds::MAX_REQUEST_BYTES`], values, depth): a text over a bound is
/// refused with `REQUEST_TOO_LARGE` by a linear scan, before any value is built. `what` names
/// the text in messages ("request", "arguments", "request line").
pub fn parse_json(text: &str, what: &str) -> Result<Value, Error> {
    if text.trim().is_empty() {
        return Err(invalid(format!("No {what} was given (empty input).")));
    }
    if text.len() > bounds::MAX_REQUEST_BYTES {
        return Err(oversize(what));
    }
    if let Err(excess) = bounds::check_request(text.as_bytes()) {
        return Err(too_large(format!("The {what} {excess}.")));
    }
    serde_json::from_str(text).map_err(|e| invalid(format!("The {what} is not valid JSON: {e}.")))
}

/// The `REQUEST_TOO_LARGE` error for a `what` over [`bounds::MAX_REQUEST_BYTES`].
pub fn oversize(what: &str) -> Error {
    too_large(format!(
        "The {what} exceeds {} MiB.",
        bounds::MAX_REQUEST_BYTES / (1024 * 1024)
    ))
}

/// The `REQUEST_TOO_LARGE` error for a `serve` line over `max` bytes.
pub(crate) fn line_too_long(max: usize) -> Error {
    too_large(format!("The request line exceeds {max} bytes."))
}

fn too_large(message: String) -> Error {
    Error::new(ErrorCode::RequestTooLarge, message).with_hint(
        "Send less in one request: fewer or smaller arguments (large content goes through the upload commands).",
    )
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidCommandArgs, message)
}

/// A successful result.
#[derive(Debug, Clone)]
pub struct Success {
    /// Whether dry-run was on for this request.
    pub dry_run: bool,
    /// The command's result (or its preview).
    pub result: Value,
    /// Warnings for the caller.
    pub warnings: Vec<String>,
}

/// One response: exactly what is printed.
#[derive(Debug, Clone)]
pub struct Response {
    /// The request id, echoed.
    pub id: Option<Value>,
    /// The canonical command id, when the command was found.
    pub command: Option<&'static str>,
    /// Result or error.
    pub outcome: Result<Success, Error>,
    /// What the request holds until this is printed.
    pub(crate) _held: Held,
}

/// What a request holds until its answer is printed: the secrets it used, in the redactor's
/// memory (so the answer is masked with them), and its claim on the memory budget (so a large
/// body's parsed result is counted while it lives).
#[derive(Debug, Clone, Default)]
pub(crate) struct Held {
    pub(crate) pins: Vec<crate::secrets::Pin>,
    pub(crate) lease: Option<Lease>,
}

impl Response {
    /// A failure response.
    pub fn failure(id: Option<Value>, command: Option<&'static str>, error: Error) -> Self {
        Self {
            id,
            command,
            outcome: Err(error),
            _held: Held::default(),
        }
    }

    /// Process exit status: 0 success, 1 the command failed, 2 the request was bad.
    pub fn exit_status(&self) -> u8 {
        match &self.outcome {
            Ok(_) => 0,
            Err(e) => e.exit_status(),
        }
    }

    /// Whether the command succeeded.
    pub fn is_ok(&self) -> bool {
        self.outcome.is_ok()
    }

    /// The JSON document, redacted. Redaction happens here, once, for every response.
    pub fn to_json(&self) -> Value {
        let result = self.outcome.as_ref().ok().map(|s| s.result.clone());
        self.document(result)
    }

    /// Like [`Response::to_json`], moving the result instead of copying it: a large answer is
    /// held once, not twice, while it is redacted and printed.
    pub fn into_json(self) -> Value {
        self.into_parts().0
    }

    /// The document (as [`Response::into_json`]) and what the request holds until it is
    /// printed, for a writer that prints it later.
    pub(crate) fn into_parts(mut self) -> (Value, Held) {
        let result = self
            .outcome
            .as_mut()
            .ok()
            .map(|s| std::mem::take(&mut s.result));
        let document = self.document(result);
        (document, std::mem::take(&mut self._held))
    }

    fn document(&self, result: Option<Value>) -> Value {
        let mut doc = Map::new();
        if let Some(id) = &self.id {
            doc.insert("id".into(), id.clone());
        }
        doc.insert("ok".into(), json!(self.outcome.is_ok()));
        if let Some(command) = self.command {
            doc.insert("command".into(), json!(command));
        }
        match &self.outcome {
            Ok(success) => {
                doc.insert("dryRun".into(), json!(success.dry_run));
                doc.insert("result".into(), result.unwrap_or_default());
                if !success.warnings.is_empty() {
                    doc.insert("warnings".into(), json!(success.warnings));
                }
            }
            Err(error) => {
                let body = serde_json::to_value(error.to_body())
                    .unwrap_or_else(|_| json!({"code": "INTERNAL", "message": "error not serializable", "retriable": false}));
                doc.insert("error".into(), body);
            }
        }
        let mut doc = Value::Object(doc);
        redact::redact_value(&mut doc);
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_request_is_checked_as_an_envelope_is() {
        let request = Request::for_command(" demo.setup ", Value::Null, true).unwrap();
        assert_eq!(request.command, "demo.setup");
        assert_eq!(request.args, json!({}));
        assert!(request.dry_run);
        assert!(request.id.is_none());
        for (command, args) in [("  ", json!({})), ("demo.setup", json!([1]))] {
            let error = Request::for_command(command, args, false).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidCommandArgs, "{command}");
        }
        // In an envelope, a command that is not a string is refused as a blank one is.
        for command in [json!(5), json!("  "), json!(["demo.setup"])] {
            let (_, error) = Request::from_value(json!({"command": command})).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidCommandArgs, "{command}");
            assert_eq!(error.message(), "`command` must be a non-empty string.");
        }
    }

    #[test]
    fn a_full_envelope_parses() {
        let request = Request::from_value(json!({
            "id": 7,
            "command": " demo.setup ",
            "args": {"a": 1},
            "dryRun": true,
            "secrets": {"DEMO_KEY": "k-123456", "DEMO_ORG": {"source": "env"}}
        }))
        .unwrap();
        assert_eq!(request.id, Some(json!(7)));
        assert_eq!(request.command, "demo.setup");
        assert_eq!(request.args, json!({"a": 1}));
        assert!(request.dry_run);
        assert_eq!(request.warnings.len(), 1);
        assert!(!request.secrets.is_empty());
    }

    #[test]
    fn malformed_envelopes_are_request_errors_that_keep_the_id() {
        for bad in [
            json!([1]),
            json!({"id": "x", "command": 3}),
            json!({"id": "x", "command": "a", "args": []}),
            json!({"id": "x", "command": "a", "dryRun": "yes"}),
            json!({"id": "x", "command": "a", "service": "flux"}),
            json!({"id": "x", "command": "a", "secrets": ["k"]}),
        ] {
            let (id, error) = Request::from_value(bad.clone()).unwrap_err();
            assert_eq!(error.exit_status(), 2, "{bad}");
            if bad.is_object() {
                assert_eq!(id, Some(json!("x")));
            }
        }
        let (_, missing) = Request::from_value(json!({"args": {}})).unwrap_err();
        assert_eq!(missing.code(), ErrorCode::MissingRequiredField);
    }

    /// Issue 17, defect 3: a request made of many tiny values is refused before it is parsed
    /// (a 60 MiB `[[],[],…]` envelope peaked at 4.4 GB), as are deep nesting and oversize text.
    #[test]
    fn request_text_over_a_bound_is_refused_before_parsing() {
        let flood = format!(
            "{{\"command\":\"a\",\"args\":{{\"x\":[{}[]]}}}}",
            "[],".repeat(bounds::MAX_REQUEST_VALUES)
        );
        let error = parse_json(&flood, "request").unwrap_err();
        assert_eq!(error.code(), ErrorCode::RequestTooLarge);
        assert!(
            error.message().contains("100000 JSON values"),
            "{}",
            error.message()
        );
        assert_eq!(error.exit_status(), 2);
        let deep = format!("{{\"args\":{}{}}}", "[".repeat(70), "]".repeat(70));
        let error = parse_json(&deep, "request line").unwrap_err();
        assert_eq!(error.code(), ErrorCode::RequestTooLarge);
        assert!(
            error.message().contains("deeper than 64"),
            "{}",
            error.message()
        );
        let big = format!("\"{}\"", "x".repeat(bounds::MAX_REQUEST_BYTES));
        assert_eq!(
            parse_json(&big, "arguments").unwrap_err().code(),
            ErrorCode::RequestTooLarge
        );
        assert_eq!(
            parse_json("{\"args\": [1, 2", "request")
                .unwrap_err()
                .code(),
            ErrorCode::InvalidCommandArgs
        );
        assert_eq!(
            parse_json(" {\"a\": 1} ", "request").unwrap(),
            json!({"a": 1})
        );
    }

    #[test]
    fn responses_have_the_documented_shape() {
        let ok = Response {
            id: Some(json!("r1")),
            command: Some("demo.setup"),
            outcome: Ok(Success {
                dry_run: false,
                result: json!({"x": 1}),
                warnings: vec![],
            }),
            _held: Held::default(),
        };
        assert_eq!(
            ok.to_json(),
            json!({"id": "r1", "ok": true, "command": "demo.setup", "dryRun": false, "result": {"x": 1}})
        );
        let failed = Response::failure(None, None, Error::new(ErrorCode::UnknownCommand, "nope"));
        assert_eq!(
            failed.to_json(),
            json!({"ok": false, "error": {"code": "UNKNOWN_COMMAND", "message": "nope", "retriable": false}})
        );
        assert_eq!(failed.exit_status(), 2);
    }
}
