//! One error type for every failure, with stable codes.
//!
//! [`ErrorCode`] is the contract: callers (agents, the OpenClaw plugin, scripts) match on it,
//! so a code is never renamed or reused. The message is one sentence for people; details go
//! into typed fields (`status`, `endpoint`, `problems`) and the `hint` says what to do next.
//! Codes inherited from the earlier JavaScript skill keep their spelling
//! (`spec/theta-api.md` §3.9).

use std::borrow::Cow;
use std::fmt;

use serde::{Serialize, Serializer};

use crate::command::Service;

/// Stable error codes. Each variant's doc ends with a `Resolution:` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    // ----- The request itself (exit status 2) -----
    /// The request is not a JSON object, or its envelope is malformed.
    /// Resolution: send `{"command": "<id>", "args": {...}}`.
    InvalidCommandArgs,
    /// No command has this id or alias.
    /// Resolution: pick one of the suggested ids, or run `theta-skill list`.
    UnknownCommand,
    /// The arguments do not match the command's schema; `problems` lists every mismatch.
    /// Resolution: fix each listed path; `theta-skill schema <command>` shows the schema.
    InvalidArgs,
    /// A required argument is missing.
    /// Resolution: add the field named in `problems`.
    MissingRequiredField,
    /// `args.endpoint` was given; the dedicated endpoint can only be configured.
    /// Resolution: set THETA_INFERENCE_ENDPOINT instead of passing `endpoint`.
    InferenceEndpointOverrideDisabled,
    /// A field has the wrong value.
    /// Resolution: see the message and the command's schema.
    InvalidField,
    /// A field has the wrong JSON type.
    /// Resolution: see the command's schema.
    InvalidFieldType,
    /// An identifier contains characters outside `[A-Za-z0-9._:-]`.
    /// Resolution: pass the id exactly as the API returned it.
    InvalidIdentifier,
    /// A number is not a valid integer for this field.
    /// Resolution: pass a whole number within the documented range.
    InvalidInteger,
    /// The on-demand service slug is empty or malformed.
    /// Resolution: use a slug from `theta.ondemand.listServices`, e.g. `flux`.
    InvalidOndemandService,
    /// The on-demand request id is empty or malformed.
    /// Resolution: use the `id` returned by `theta.ondemand.infer`.
    InvalidOndemandRequestId,
    /// The deployment id is malformed.
    /// Resolution: use an id from `theta.deployments.list`.
    InvalidDeploymentId,
    /// The shard is not a non-negative integer.
    /// Resolution: use the `Shard` value from `theta.deployments.list`.
    InvalidShard,
    /// The deployment suffix is malformed.
    /// Resolution: use the `Suffix` value from `theta.deployments.list`.
    InvalidSuffix,
    /// The deployment payload is not an object or is inconsistent.
    /// Resolution: pass `payload` as a JSON object as the controller documents.
    InvalidDeploymentPayload,
    /// The template category is malformed.
    /// Resolution: use `prototyping` or `serving`.
    InvalidTemplateCategory,
    /// The page number is out of range.
    /// Resolution: pass a non-negative page number.
    InvalidPage,
    /// The page size is out of range.
    /// Resolution: pass a positive page size.
    InvalidPageSize,
    /// The chat body is not an object, or its messages are malformed.
    /// Resolution: pass an OpenAI-style body with a non-empty `messages` array.
    InvalidChatBody,
    /// The polling options are out of range.
    /// Resolution: see the command's schema for the allowed ranges.
    InvalidPollOptions,
    /// Neither a deployment id nor a shard and suffix were given.
    /// Resolution: pass `deploymentId`, or both `shard` and `suffix`.
    MissingDeploymentDeleteTarget,
    /// The video service account id is malformed.
    /// Resolution: use the id from the Theta Video API dashboard (`srvacc_…`).
    InvalidServiceAccountId,
    /// The video id is malformed.
    /// Resolution: use an id from `theta.video.list`.
    InvalidVideoId,
    /// The stream id is malformed.
    /// Resolution: use the id returned by `theta.video.streamCreate`.
    InvalidStreamId,
    /// The ingestor id is malformed.
    /// Resolution: use an id from `theta.video.ingestor.list`.
    InvalidIngestorId,
    /// The video payload is not an object.
    /// Resolution: pass `payload` as a JSON object.
    InvalidVideoPayload,
    /// The stream payload is not an object.
    /// Resolution: pass `payload` as a JSON object.
    InvalidStreamPayload,
    /// The ingestor body is not an object.
    /// Resolution: pass `body` as a JSON object or leave it out.
    InvalidIngestorBody,

    // ----- Configuration and credentials (exit status 1) -----
    /// A configuration value is unusable.
    /// Resolution: see the message; the variable it names must be fixed or unset.
    ConfigError,
    /// A base URL override is not an https Theta origin.
    /// Resolution: unset the `THETA_*_BASE_URL` variable named in the message.
    InvalidThetaBaseUrl,
    /// THETA_EC_API_KEY is not set.
    /// Resolution: create a project API key on the Theta dashboard and set THETA_EC_API_KEY.
    MissingThetaEcApiKey,
    /// No project id was given or configured.
    /// Resolution: set THETA_EC_PROJECT_ID or pass `projectId` (`prj_…`).
    MissingThetaEcProjectId,
    /// The project id does not look like `prj_…`.
    /// Resolution: copy the id from Account → Projects on the Theta dashboard.
    InvalidThetaEcProjectId,
    /// No organization id was given or configured.
    /// Resolution: set THETA_ORG_ID or pass `orgId`.
    MissingThetaOrgId,
    /// The organization id is malformed.
    /// Resolution: copy the id from the Theta dashboard.
    InvalidThetaOrgId,
    /// No on-demand API token is available.
    /// Resolution: set THETA_ONDEMAND_API_TOKEN (or THETA_ONDEMAND_API_KEY).
    MissingThetaOndemandApiToken,
    /// THETA_INFERENCE_ENDPOINT is not set.
    /// Resolution: set it to the URL of your dedicated deployment.
    MissingThetaInferenceEndpoint,
    /// THETA_INFERENCE_ENDPOINT is not an allowed https Theta URL.
    /// Resolution: use the deployment URL shown on the Theta dashboard.
    InvalidThetaInferenceEndpoint,
    /// Kept from the JavaScript skill, which accepted per-call endpoint overrides.
    /// Resolution: set THETA_INFERENCE_ENDPOINT instead.
    InvalidThetaInferenceEndpointOverride,
    /// Kept from the JavaScript skill, which accepted per-call endpoint overrides.
    /// Resolution: set THETA_INFERENCE_ENDPOINT instead.
    UnsafeThetaInferenceEndpointOverride,
    /// The video service account id or secret is not set.
    /// Resolution: set THETA_VIDEO_SA_ID and THETA_VIDEO_SA_SECRET.
    MissingThetaVideoCredentials,

    // ----- Upstream and transport (exit status 1) -----
    /// The upstream answered with a non-success HTTP status (`HTTP_<status>`).
    /// Resolution: see `status` and the message; `retriable` says whether a retry can help.
    Http(u16),
    /// On-demand capacity is exhausted (HTTP 409 "No instances available").
    /// Resolution: retry in a minute, or pick another service or variant.
    ThetaOndemandCapacityExhausted,
    /// A dedicated endpoint answered 404/502/503 while warming up.
    /// Resolution: run `theta.inference.ready` and retry when it reports ready.
    ThetaDedicatedEndpointUpstreamUnready,
    /// The connection failed (DNS, refused, reset, TLS).
    /// Resolution: check the network, proxy (HTTPS_PROXY) and CA settings (SSL_CERT_FILE).
    NetworkError,
    /// The upstream did not answer in time.
    /// Resolution: retry, or raise THETA_HTTP_TIMEOUT_MS.
    Timeout,
    /// The upstream answered with a redirect, which is refused.
    /// Resolution: check the base URL; Theta APIs do not redirect.
    RedirectRefused,
    /// The upstream response exceeded the size cap.
    /// Resolution: narrow the request (page size, filters).
    ResponseTooLarge,
    /// The upstream response could not be decoded.
    /// Resolution: the upstream API may have changed; report the path in the message.
    InvalidResponse,
    /// A streamed answer ended before the server said it was complete (no `finish_reason`,
    /// no `[DONE]`).
    /// Resolution: the request may have been billed; retry only if a partial answer is not enough.
    IncompleteStream,
    /// A line or event of a streamed answer exceeded the size bound (1 MiB).
    /// Resolution: the upstream sent a malformed stream; the request may have been billed.
    StreamEventTooLarge,
    /// The server reported an error in the middle of a streamed answer.
    /// Resolution: see the message; retry later or with another model.
    StreamError,
    /// A host resolved to a loopback, private or otherwise forbidden address.
    /// Resolution: only public Theta endpoints are reachable; check DNS and the URL.
    UnsafeEndpoint,
    /// A step of a multi-step command failed; see the message and the report.
    /// Resolution: see the message.
    OperationFailed,

    // ----- Bugs -----
    /// An internal error; this is a bug.
    /// Resolution: report it with the request that caused it.
    Internal,
}

impl ErrorCode {
    /// The code as it appears on the wire. This is the only place codes are spelled.
    pub fn as_str(self) -> Cow<'static, str> {
        use ErrorCode::*;
        Cow::Borrowed(match self {
            Http(status) => return Cow::Owned(format!("HTTP_{status}")),
            InvalidCommandArgs => "INVALID_COMMAND_ARGS",
            UnknownCommand => "UNKNOWN_COMMAND",
            InvalidArgs => "INVALID_ARGS",
            MissingRequiredField => "MISSING_REQUIRED_FIELD",
            InferenceEndpointOverrideDisabled => "INFERENCE_ENDPOINT_OVERRIDE_DISABLED",
            InvalidField => "INVALID_FIELD",
            InvalidFieldType => "INVALID_FIELD_TYPE",
            InvalidIdentifier => "INVALID_IDENTIFIER",
            InvalidInteger => "INVALID_INTEGER",
            InvalidOndemandService => "INVALID_ONDEMAND_SERVICE",
            InvalidOndemandRequestId => "INVALID_ONDEMAND_REQUEST_ID",
            InvalidDeploymentId => "INVALID_DEPLOYMENT_ID",
            InvalidShard => "INVALID_SHARD",
            InvalidSuffix => "INVALID_SUFFIX",
            InvalidDeploymentPayload => "INVALID_DEPLOYMENT_PAYLOAD",
            InvalidTemplateCategory => "INVALID_TEMPLATE_CATEGORY",
            InvalidPage => "INVALID_PAGE",
            InvalidPageSize => "INVALID_PAGE_SIZE",
            InvalidChatBody => "INVALID_CHAT_BODY",
            InvalidPollOptions => "INVALID_POLL_OPTIONS",
            MissingDeploymentDeleteTarget => "MISSING_DEPLOYMENT_DELETE_TARGET",
            InvalidServiceAccountId => "INVALID_SERVICE_ACCOUNT_ID",
            InvalidVideoId => "INVALID_VIDEO_ID",
            InvalidStreamId => "INVALID_STREAM_ID",
            InvalidIngestorId => "INVALID_INGESTOR_ID",
            InvalidVideoPayload => "INVALID_VIDEO_PAYLOAD",
            InvalidStreamPayload => "INVALID_STREAM_PAYLOAD",
            InvalidIngestorBody => "INVALID_INGESTOR_BODY",
            ConfigError => "CONFIG_ERROR",
            InvalidThetaBaseUrl => "INVALID_THETA_BASE_URL",
            MissingThetaEcApiKey => "MISSING_THETA_EC_API_KEY",
            MissingThetaEcProjectId => "MISSING_THETA_EC_PROJECT_ID",
            InvalidThetaEcProjectId => "INVALID_THETA_EC_PROJECT_ID",
            MissingThetaOrgId => "MISSING_THETA_ORG_ID",
            InvalidThetaOrgId => "INVALID_THETA_ORG_ID",
            MissingThetaOndemandApiToken => "MISSING_THETA_ONDEMAND_API_TOKEN",
            MissingThetaInferenceEndpoint => "MISSING_THETA_INFERENCE_ENDPOINT",
            InvalidThetaInferenceEndpoint => "INVALID_THETA_INFERENCE_ENDPOINT",
            InvalidThetaInferenceEndpointOverride => "INVALID_THETA_INFERENCE_ENDPOINT_OVERRIDE",
            UnsafeThetaInferenceEndpointOverride => "UNSAFE_THETA_INFERENCE_ENDPOINT_OVERRIDE",
            MissingThetaVideoCredentials => "MISSING_THETA_VIDEO_CREDENTIALS",
            ThetaOndemandCapacityExhausted => "THETA_ONDEMAND_CAPACITY_EXHAUSTED",
            ThetaDedicatedEndpointUpstreamUnready => "THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY",
            NetworkError => "NETWORK_ERROR",
            Timeout => "TIMEOUT",
            RedirectRefused => "REDIRECT_REFUSED",
            ResponseTooLarge => "RESPONSE_TOO_LARGE",
            InvalidResponse => "INVALID_RESPONSE",
            UnsafeEndpoint => "UNSAFE_ENDPOINT",
            IncompleteStream => "INCOMPLETE_STREAM",
            StreamError => "STREAM_ERROR",
            StreamEventTooLarge => "STREAM_EVENT_TOO_LARGE",
            OperationFailed => "OPERATION_FAILED",
            Internal => "INTERNAL",
        })
    }

    /// Whether this code means the request itself was bad (exit status 2) rather than that
    /// the command failed (exit status 1).
    pub fn is_request_error(self) -> bool {
        use ErrorCode::*;
        matches!(
            self,
            InvalidCommandArgs
                | UnknownCommand
                | InvalidArgs
                | MissingRequiredField
                | InferenceEndpointOverrideDisabled
                | InvalidField
                | InvalidFieldType
                | InvalidIdentifier
                | InvalidInteger
                | InvalidOndemandService
                | InvalidOndemandRequestId
                | InvalidDeploymentId
                | InvalidShard
                | InvalidSuffix
                | InvalidDeploymentPayload
                | InvalidTemplateCategory
                | InvalidPage
                | InvalidPageSize
                | InvalidChatBody
                | InvalidPollOptions
                | MissingDeploymentDeleteTarget
                | InvalidServiceAccountId
                | InvalidVideoId
                | InvalidStreamId
                | InvalidIngestorId
                | InvalidVideoPayload
                | InvalidStreamPayload
                | InvalidIngestorBody
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_str())
    }
}

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
            .with_hint(
                "Run `theta-skill schema <command>` to see the arguments this command accepts.",
            )
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

    /// A one-line summary (`CODE: message`), at most `max` characters, for reports that
    /// embed an error inside a successful result.
    pub fn summary(&self, max: usize) -> String {
        let text = format!("{}: {}", self.0.code, self.0.message);
        truncate_chars(&text, max)
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
    fn http_codes_carry_the_status() {
        assert_eq!(ErrorCode::Http(503).as_str(), "HTTP_503");
        assert_eq!(
            serde_json::to_value(ErrorCode::MissingThetaOndemandApiToken).ok(),
            Some(serde_json::json!("MISSING_THETA_ONDEMAND_API_TOKEN"))
        );
    }

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
    fn truncation_counts_characters() {
        assert_eq!(truncate_chars("héllo", 10), "héllo");
        assert_eq!(truncate_chars("héllo wörld", 5), "héll…");
    }
}
