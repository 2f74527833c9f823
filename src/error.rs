//! One error type for every failure, with stable codes.
//!
//! [`ErrorCode`] is the contract: callers (agents, the OpenClaw plugin, scripts) match on it,
//! so a code is never renamed or reused. The message is one sentence for people; details go
//! into typed fields (`status`, `endpoint`, `problems`) and the `hint` says what to do next.
//! The codes themselves are part of the shared vocabulary ([`crate::code::ErrorCode`]); a
//! skill pack declares its own next to its services.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

pub use crate::code::ErrorCode;
use crate::vocab::Service;

/// One problem found in a request's arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON Pointer to the offending value inside `args` (`""` is `args` itself).
    pub path: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// A field-specific code when one exists (e.g. `INVALID_ONDEMAND_SERVICE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
}

/// The error every fallible operation returns.
///
/// Build it with the constructors (`Error::invalid_field`, `Error::http`, …); the dispatcher
/// adds `service` when the handler left it empty and turns it into the response's `error`
/// object. Boxed, so `Result<T, Error>` stays one pointer wide on the error side.
#[derive(Debug, Clone)]
pub struct Error(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    code: ErrorCode,
    message: String,
    retriable: bool,
    status: Option<u16>,
    service: Option<Service>,
    endpoint: Option<String>,
    hint: Option<Cow<'static, str>>,
    problems: Vec<Problem>,
    /// Extra structured detail (e.g. a cleanup report), already safe to print.
    details: Option<serde_json::Value>,
    /// The request itself was bad (exit status 2), whatever the code.
    bad_request: bool,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// A new, non-retriable error with the given code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(Box::new(Inner {
            code,
            message: message.into(),
            retriable: false,
            status: None,
            service: None,
            endpoint: None,
            hint: None,
            problems: Vec::new(),
            details: None,
            bad_request: code.is_request_error(),
        }))
    }

    /// A bad value in one argument field, with a field-specific code.
    pub fn invalid_field(code: ErrorCode, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let path = format!("/{field}");
        Self::new(code, message.clone())
            .with_problems(vec![Problem {
                path,
                message,
                code: Some(code),
            }])
            .bad_request()
    }

    /// The arguments failed validation; the code is derived from the problems.
    pub fn invalid_args(problems: Vec<Problem>) -> Self {
        let code = if !problems.is_empty()
            && problems
                .iter()
                .all(|p| p.code == Some(ErrorCode::MissingRequiredField))
        {
            ErrorCode::MissingRequiredField
        } else {
            match problems.first().and_then(|p| p.code) {
                Some(first) if problems.iter().all(|p| p.code == Some(first)) => first,
                _ => ErrorCode::InvalidArgs,
            }
        };
        let message = match problems.as_slice() {
            [one] if one.path.is_empty() => format!("Invalid arguments: {}", one.message),
            [one] => format!("Invalid argument at {}: {}", one.path, one.message),
            many => format!("{} problems in the arguments; see `problems`", many.len()),
        };
        Self::new(code, message)
            .with_hint("The command's JSON Schema (the `schema <command>` subcommand) shows the arguments it accepts.")
            .with_problems(problems)
            .bad_request()
    }

    /// An internal error (a bug).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// Marks the error as caused by the request's arguments (exit status 2), e.g. an invalid
    /// id passed as an argument rather than read from the environment.
    #[must_use]
    pub fn bad_request(mut self) -> Self {
        self.0.bad_request = true;
        self
    }

    /// Adds a hint telling the user what to do.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.0.hint = Some(hint.into());
        self
    }

    /// Sets whether retrying the same call later can succeed.
    #[must_use]
    pub fn with_retriable(mut self, retriable: bool) -> Self {
        self.0.retriable = retriable;
        self
    }

    /// Sets the upstream HTTP status.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    /// Sets the upstream URL the error came from.
    #[must_use]
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.0.endpoint = Some(endpoint.into());
        self
    }

    /// Sets the service the error came from.
    #[must_use]
    pub fn with_service(mut self, service: Service) -> Self {
        self.0.service = Some(service);
        self
    }

    /// Sets the service only if none was set yet (what the dispatcher does).
    #[must_use]
    pub fn or_service(mut self, service: Service) -> Self {
        self.0.service.get_or_insert(service);
        self
    }

    /// Replaces the problem list.
    #[must_use]
    pub fn with_problems(mut self, problems: Vec<Problem>) -> Self {
        self.0.problems = problems;
        self
    }

    /// Attaches structured detail (e.g. what a multi-step command did before failing).
    #[must_use]
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.0.details = Some(details);
        self
    }

    /// Adds one named field to the structured detail, keeping the others (a `details` that is
    /// not an object is kept under `detail`).
    #[must_use]
    pub fn with_detail(mut self, name: &str, value: serde_json::Value) -> Self {
        let mut details = match self.0.details.take() {
            Some(serde_json::Value::Object(map)) => map,
            None => serde_json::Map::new(),
            Some(other) => serde_json::Map::from_iter([("detail".to_owned(), other)]),
        };
        details.insert(name.to_owned(), value);
        self.0.details = Some(serde_json::Value::Object(details));
        self
    }

    /// The structured detail, when there is some.
    pub fn details(&self) -> Option<&serde_json::Value> {
        self.0.details.as_ref()
    }

    /// Changes the code and message, keeping every other field (status, endpoint, …).
    #[must_use]
    pub fn recode(mut self, code: ErrorCode, message: impl Into<String>) -> Self {
        self.0.code = code;
        self.0.message = message.into();
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }
    /// The human message.
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// Whether the same call may succeed later.
    pub fn retriable(&self) -> bool {
        self.0.retriable
    }
    /// The upstream HTTP status, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }
    /// The upstream URL, when there was one.
    pub fn endpoint(&self) -> Option<&str> {
        self.0.endpoint.as_deref()
    }
    /// The service, when known.
    pub fn service(&self) -> Option<Service> {
        self.0.service
    }
    /// The hint, when there is one.
    pub fn hint(&self) -> Option<&str> {
        self.0.hint.as_deref()
    }
    /// The argument problems.
    pub fn problems(&self) -> &[Problem] {
        &self.0.problems
    }

    /// The process exit status this error maps to: 2 for a bad request, 1 otherwise.
    pub fn exit_status(&self) -> u8 {
        if self.0.bad_request { 2 } else { 1 }
    }

    /// The error as the response's `error` object.
    pub fn to_body(&self) -> ErrorBody<'_> {
        ErrorBody {
            code: self.0.code,
            message: &self.0.message,
            retriable: self.0.retriable,
            service: self.0.service.map(Service::as_str),
            endpoint: self.0.endpoint.as_deref(),
            status: self.0.status,
            hint: self.0.hint.as_deref(),
            problems: &self.0.problems,
            details: self.0.details.as_ref(),
        }
    }
}

/// Truncates to at most `max` characters, ending with "…" when something was cut.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The wire form of an [`Error`].
#[derive(Debug, Serialize)]
pub struct ErrorBody<'a> {
    code: ErrorCode,
    message: &'a str,
    retriable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
    #[serde(skip_serializing_if = "<[Problem]>::is_empty")]
    problems: &'a [Problem],
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<&'a serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_args_code_follows_the_problems() {
        let missing = |path: &str| Problem {
            path: path.into(),
            message: "required".into(),
            code: Some(ErrorCode::MissingRequiredField),
        };
        assert_eq!(
            Error::invalid_args(vec![missing("/a"), missing("/b")]).code(),
            ErrorCode::MissingRequiredField
        );
        let other = Problem {
            path: "/c".into(),
            message: "bad".into(),
            code: None,
        };
        let mixed = Error::invalid_args(vec![missing("/a"), other]);
        assert_eq!(mixed.code(), ErrorCode::InvalidArgs);
        assert_eq!(mixed.exit_status(), 2);
        assert_eq!(mixed.problems().len(), 2);
    }

    #[test]
    fn named_details_are_added_to_the_others() {
        let error = Error::new(ErrorCode::Internal, "x")
            .with_details(serde_json::json!({"serverCode": "c"}))
            .with_detail("idempotencyKey", "k-1".into());
        assert_eq!(
            error.details(),
            Some(&serde_json::json!({"serverCode": "c", "idempotencyKey": "k-1"}))
        );
        let odd = Error::new(ErrorCode::Internal, "x")
            .with_details(serde_json::json!([1]))
            .with_detail("a", 2.into());
        assert_eq!(
            odd.details(),
            Some(&serde_json::json!({"detail": [1], "a": 2}))
        );
        let fresh = Error::new(ErrorCode::Internal, "x").with_detail("a", 1.into());
        assert_eq!(fresh.details(), Some(&serde_json::json!({"a": 1})));
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate_chars("héllo", 10), "héllo");
        assert_eq!(truncate_chars("héllo wörld", 5), "héll…");
    }
}
