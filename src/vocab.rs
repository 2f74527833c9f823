//! The shared vocabulary: effects, error codes, services and secrets.
//!
//! This module is a leaf: it imports nothing from the rest of the crate, and every other
//! module may use it. The core defines the *kinds* of things here (what a service or a secret
//! declaration holds); a skill pack declares the actual services and secrets as constants in
//! its own folder (`src/skills/<pack>/`), and the core reads those declarations.
//!
//! [`Service`] and [`SecretName`] are small `Copy` handles to `'static` declarations, compared
//! by name, so a pack declares them as plain constants (`tests::a_pack_declares_constants`
//! below shows the shape; `docs/adding-a-skill.md` walks through a real pack).

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Serialize, Serializer};

/// What running a command does to the world. The dry-run gate stops everything that is not
/// [`Effect::ReadOnly`] before the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Reads only; safe to run and to retry.
    ReadOnly,
    /// Changes state (start, stop, delete, create an upload slot) without spending credits.
    Mutating,
    /// Spends credits (inference, deployments).
    Paid,
}

impl Effect {
    /// `read-only`, `mutating` or `paid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::ReadOnly => "read-only",
            Effect::Mutating => "mutating",
            Effect::Paid => "paid",
        }
    }
}

impl Serialize for Effect {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Stable error codes. Callers (agents, the OpenClaw plugin, scripts) match on them, so a code
/// is never renamed or reused. The core's codes are variants, each documented with a
/// `Resolution:` line; a pack declares its own with [`ErrorCode::pack_request`] and
/// [`ErrorCode::pack_failure`] (e.g. `MISSING_ACME_API_KEY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    // ----- The request itself (exit status 2) -----
    /// The request is not a JSON object, or its envelope is malformed.
    /// Resolution: send `{"command": "<id>", "args": {...}}`.
    InvalidCommandArgs,
    /// No command has this id or alias.
    /// Resolution: pick one of the suggested ids, or run `<binary> list`.
    UnknownCommand,
    /// The arguments do not match the command's schema; `problems` lists every mismatch.
    /// Resolution: fix each listed path; `<binary> schema <command>` shows the schema.
    InvalidArgs,
    /// A required argument is missing.
    /// Resolution: add the field named in `problems`.
    MissingRequiredField,
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
    /// A local file the arguments name does not exist, is not a regular file (a directory,
    /// device, FIFO or socket) or cannot be read.
    /// Resolution: pass the path of a regular, readable file (absolute, or relative to the
    /// binary's working directory).
    FileUnreadable,
    /// A local file the arguments name is empty.
    /// Resolution: pass a file with content.
    FileEmpty,
    /// A local file (or all of them together) is larger than the command accepts; the message
    /// names the limit.
    /// Resolution: shorten or compress the file, or send fewer files.
    FileTooLarge,
    /// A local file's extension is not one the command accepts; the message lists them.
    /// Resolution: convert the file to one of the accepted types.
    UnsupportedFileType,
    /// A local file's first bytes do not match the type its extension names.
    /// Resolution: check that the file is what its name says (e.g. a real `.wav`), or rename it.
    FileTypeMismatch,
    /// The request exceeds a size bound: its bytes, its number of JSON values or its nesting
    /// (`crate::bounds`).
    /// Resolution: send less in one request (fewer or smaller arguments); the message names
    /// the bound.
    RequestTooLarge,

    // ----- Configuration (exit status 1) -----
    /// A configuration value is unusable.
    /// Resolution: see the message; the variable it names must be fixed or unset.
    ConfigError,
    /// A secret value is longer than any real credential (`crate::bounds::MAX_SECRET_BYTES`).
    /// Resolution: set the variable (or the host's secret) named in the message to the key
    /// itself, with nothing around it.
    SecretTooLong,

    // ----- Upstream and transport (exit status 1) -----
    /// The upstream answered with a non-success HTTP status (`HTTP_<status>`).
    /// Resolution: see `status` and the message; `retriable` says whether a retry can help.
    Http(u16),
    /// The connection failed (DNS, refused, reset, TLS).
    /// Resolution: check the network, proxy (HTTPS_PROXY) and CA settings (SSL_CERT_FILE).
    NetworkError,
    /// The upstream did not answer in time.
    /// Resolution: retry, or raise the `<PREFIX>HTTP_TIMEOUT_MS` variable.
    Timeout,
    /// The upstream answered with a redirect, which is refused.
    /// Resolution: check the base URL; the APIs a skill calls do not redirect.
    RedirectRefused,
    /// The upstream response exceeded the size cap.
    /// Resolution: narrow the request (page size, filters).
    ResponseTooLarge,
    /// A generated output (an image, a video, audio) is larger than OpenClaw stores for its
    /// kind (image 6 MiB, video and audio 16 MiB), or a recording to transcribe is larger
    /// than the command accepts; the message names the size and the cap. Nothing more was
    /// downloaded; the generation itself ran (and was charged).
    /// Resolution: ask for a smaller output (resolution, duration, format), or send a shorter
    /// recording.
    MediaTooLarge,
    /// The upstream answered with a success HTTP status, but its own envelope reports a
    /// failure (e.g. a `{status, body}` envelope whose `status` is not `"success"`).
    /// Resolution: see the message; for a paid or mutating call, check the resource's state
    /// before sending it again.
    UpstreamError,
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
    /// Resolution: only the skill's public endpoints are reachable; check DNS and the URL.
    UnsafeEndpoint,
    /// The process received a shutdown signal (SIGINT/SIGTERM) before it ran the request.
    /// Resolution: send the request again to a running process; it was not run.
    ShuttingDown,
    /// A step of a multi-step command failed; see the message and the report.
    /// Resolution: see the message.
    OperationFailed,

    // ----- Bugs -----
    /// An internal error; this is a bug.
    /// Resolution: report it with the request that caused it.
    Internal,

    // ----- Declared by a skill pack -----
    /// A code a skill pack declares (see [`ErrorCode::pack_request`]).
    Pack(PackCode),
}

/// A code declared by a skill pack: its wire spelling and whether it means a bad request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PackCode {
    code: &'static str,
    request: bool,
}

impl ErrorCode {
    /// A pack code meaning the request itself was bad (exit status 2), e.g.
    /// `INVALID_ONDEMAND_SERVICE`.
    pub const fn pack_request(code: &'static str) -> Self {
        ErrorCode::Pack(PackCode {
            code,
            request: true,
        })
    }

    /// A pack code meaning the command failed (exit status 1), e.g. a missing credential.
    pub const fn pack_failure(code: &'static str) -> Self {
        ErrorCode::Pack(PackCode {
            code,
            request: false,
        })
    }

    /// The code as it appears on the wire. This is the only place core codes are spelled.
    pub fn as_str(self) -> Cow<'static, str> {
        use ErrorCode::*;
        Cow::Borrowed(match self {
            Http(status) => return Cow::Owned(format!("HTTP_{status}")),
            Pack(code) => code.code,
            InvalidCommandArgs => "INVALID_COMMAND_ARGS",
            UnknownCommand => "UNKNOWN_COMMAND",
            InvalidArgs => "INVALID_ARGS",
            MissingRequiredField => "MISSING_REQUIRED_FIELD",
            InvalidField => "INVALID_FIELD",
            InvalidFieldType => "INVALID_FIELD_TYPE",
            InvalidIdentifier => "INVALID_IDENTIFIER",
            InvalidInteger => "INVALID_INTEGER",
            InvalidPage => "INVALID_PAGE",
            InvalidPageSize => "INVALID_PAGE_SIZE",
            InvalidChatBody => "INVALID_CHAT_BODY",
            InvalidPollOptions => "INVALID_POLL_OPTIONS",
            FileUnreadable => "FILE_UNREADABLE",
            FileEmpty => "FILE_EMPTY",
            FileTooLarge => "FILE_TOO_LARGE",
            UnsupportedFileType => "UNSUPPORTED_FILE_TYPE",
            FileTypeMismatch => "FILE_TYPE_MISMATCH",
            RequestTooLarge => "REQUEST_TOO_LARGE",
            SecretTooLong => "SECRET_TOO_LONG",
            ConfigError => "CONFIG_ERROR",
            NetworkError => "NETWORK_ERROR",
            Timeout => "TIMEOUT",
            RedirectRefused => "REDIRECT_REFUSED",
            ResponseTooLarge => "RESPONSE_TOO_LARGE",
            MediaTooLarge => "MEDIA_TOO_LARGE",
            UpstreamError => "UPSTREAM_ERROR",
            InvalidResponse => "INVALID_RESPONSE",
            UnsafeEndpoint => "UNSAFE_ENDPOINT",
            IncompleteStream => "INCOMPLETE_STREAM",
            StreamError => "STREAM_ERROR",
            StreamEventTooLarge => "STREAM_EVENT_TOO_LARGE",
            OperationFailed => "OPERATION_FAILED",
            ShuttingDown => "SHUTTING_DOWN",
            Internal => "INTERNAL",
        })
    }

    /// Whether this code means the request itself was bad (exit status 2) rather than that
    /// the command failed (exit status 1).
    pub fn is_request_error(self) -> bool {
        use ErrorCode::*;
        match self {
            Pack(code) => code.request,
            InvalidCommandArgs | UnknownCommand | InvalidArgs | MissingRequiredField
            | InvalidField | InvalidFieldType | InvalidIdentifier | InvalidInteger
            | InvalidPage | InvalidPageSize | InvalidChatBody | InvalidPollOptions
            | FileUnreadable | FileEmpty | FileTooLarge | UnsupportedFileType
            | FileTypeMismatch | RequestTooLarge => true,
            _ => false,
        }
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

/// The hosts a base URL may name: each domain itself, or any name under it. Checked by
/// parsing (`crate::http::endpoint::check_url`), never by string prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostRule {
    /// Registrable domains, e.g. `acme.example`.
    pub domains: &'static [&'static str],
}

impl HostRule {
    /// Whether `domain` (a host name, already lower-cased by URL parsing) is allowed.
    pub fn allows(self, domain: &str) -> bool {
        let domain = domain.strip_suffix('.').unwrap_or(domain);
        self.domains.iter().any(|allowed| {
            domain == *allowed
                || domain
                    .strip_suffix(allowed)
                    .is_some_and(|prefix| prefix.ends_with('.') && prefix.len() > 1)
        })
    }
}

/// Where a service lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// No upstream: the runtime itself.
    None,
    /// A fixed https origin that `override_var` may replace with another allowed origin.
    Fixed {
        /// The default origin.
        default: &'static str,
        /// The variable that overrides it (`ACME_BASE_URL`).
        override_var: &'static str,
        /// Hosts an override may name.
        hosts: HostRule,
        /// The code when the override is unusable (`INVALID_ACME_BASE_URL`).
        invalid_code: ErrorCode,
    },
    /// An origin only the user can configure (a dedicated endpoint). Its errors are named:
    /// `missing_code` when the variable is unset, `invalid_code` when it is not allowed.
    Configured {
        /// The variable holding the URL (`ACME_ENDPOINT`).
        var: &'static str,
        /// Hosts it may name.
        hosts: HostRule,
        /// Code when the variable is unset.
        missing_code: ErrorCode,
        /// Hint when the variable is unset.
        missing_hint: &'static str,
        /// Code when the URL is not usable.
        invalid_code: ErrorCode,
        /// Hint when the URL is not usable.
        invalid_hint: &'static str,
    },
}

/// How a service authenticates, in terms of the pack's secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// No credentials.
    None,
    /// `Authorization: Bearer <secret>`.
    Bearer(SecretName),
    /// One header per secret (`x-api-key: <secret>`); sent only when all are present.
    Headers(&'static [(&'static str, SecretName)]),
    /// A bearer token when present, else Basic `user:pass` when both are present, else none
    /// (a dedicated endpoint may run without credentials).
    BearerOrBasic {
        /// The token.
        token: SecretName,
        /// The Basic user.
        user: SecretName,
        /// The Basic password.
        pass: SecretName,
    },
}

/// The `User-Agent` a service is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAgent {
    /// `<binary>/<version>`.
    Own,
    /// A fixed string (e.g. what a CDN in front of the API accepts).
    Fixed(&'static str),
}

/// A rule that turns one upstream answer into a pack code, e.g. on-demand's
/// `409 "No instances available"` → `ACME_CAPACITY_EXHAUSTED`. A matching answer
/// was provably not processed, so it is retried even for a paid request.
#[derive(Debug, Clone, Copy)]
pub struct CapacityRule {
    /// The status it applies to.
    pub status: u16,
    /// What in the body marks the answer.
    pub signal: CapacitySignal,
    /// The code reported.
    pub code: ErrorCode,
    /// The message, followed by the upstream's own excerpt.
    pub message: &'static str,
    /// The hint.
    pub hint: &'static str,
}

/// What marks an answer as refused before processing (a [`CapacityRule`]). It decides whether
/// a paid request is sent again, so it reads what the upstream states, never what a message
/// happens to contain.
#[derive(Debug, Clone, Copy)]
pub enum CapacitySignal {
    /// A function of the body that reads its structured fields (error codes, retry fields),
    /// e.g. a `*_warming` error code. The preferred signal.
    Fields(fn(&str) -> bool),
    /// One of these lower-case phrases in the body, whitespace ignored: only for an upstream
    /// whose refusal carries nothing structured (a 409 "No instances available" without a
    /// code), at a status that never means "processed".
    Phrases(&'static [&'static str]),
}

/// A non-success answer, as a pack's [`StatusReader`] sees it: the status, the (capped) body
/// text and a header lookup (case-insensitive names).
pub struct UpstreamAnswer<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The body, as text.
    pub body: &'a str,
    /// The value of a response header, when sent.
    pub header: &'a dyn Fn(&str) -> Option<String>,
}

impl fmt::Debug for UpstreamAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpstreamAnswer")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// What a pack reads from an answer whose meaning depends on its body or headers (a 402 that
/// names the balance it needs, a 429 with rate-limit headers). Each field that is `Some`
/// replaces the core's own; `retriable` is never changed (the retry policy decides it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusReading {
    /// The code reported instead of `HTTP_<status>`.
    pub code: Option<ErrorCode>,
    /// The message.
    pub message: Option<String>,
    /// The upstream's own words, in place of the core's excerpt of the body when the core
    /// writes the message (`<service> answered HTTP <status>: <detail>`, or the capacity
    /// rule's message): for a service whose answers put them in fields the core does not
    /// read first.
    pub detail: Option<String>,
    /// The hint.
    pub hint: Option<String>,
    /// Structured detail taken from the answer (never a credential).
    pub details: Option<serde_json::Value>,
}

/// A pack's reading of non-success answers (see [`StatusReading`]); `None` keeps the core's.
pub type StatusReader = fn(&UpstreamAnswer<'_>) -> Option<StatusReading>;

/// Everything the core needs to know about one upstream service.
#[derive(Debug)]
pub struct ServiceDef {
    /// The name used in errors and logs (`edgecloud-controller`).
    pub name: &'static str,
    /// Where it lives.
    pub origin: Origin,
    /// How it authenticates.
    pub auth: AuthScheme,
    /// The `User-Agent` header.
    pub user_agent: UserAgent,
    /// The `Accept` header.
    pub accept: &'static str,
    /// Names the credentials in a 401/403 hint ("check …").
    pub credential_hint: &'static str,
    /// Hints that replace the generic one for a status (e.g. 402 → where to top up).
    pub status_hints: &'static [(u16, &'static str)],
    /// An answer that means "not processed, try again shortly".
    pub capacity: Option<CapacityRule>,
    /// Reads codes, hints and details out of non-success answers.
    pub read_status: Option<StatusReader>,
}

impl ServiceDef {
    /// A declaration with every optional part empty, for `..ServiceDef::NONE`.
    pub const NONE: ServiceDef = ServiceDef {
        name: "",
        origin: Origin::None,
        auth: AuthScheme::None,
        user_agent: UserAgent::Own,
        accept: "application/json, text/event-stream;q=0.9, */*;q=0.8",
        credential_hint: "the credentials",
        status_hints: &[],
        capacity: None,
        read_status: None,
    };
}

/// A handle to a pack's [`ServiceDef`]; compared by name.
#[derive(Clone, Copy)]
pub struct Service(&'static ServiceDef);

impl Service {
    /// A handle to `def`.
    pub const fn new(def: &'static ServiceDef) -> Self {
        Self(def)
    }
    /// The service name used in errors.
    pub fn as_str(self) -> &'static str {
        self.0.name
    }
    /// The service name used in errors.
    pub fn name(self) -> &'static str {
        self.0.name
    }
    /// The declaration.
    pub fn def(self) -> &'static ServiceDef {
        self.0
    }
}

impl Deref for Service {
    type Target = ServiceDef;
    fn deref(&self) -> &ServiceDef {
        self.0
    }
}

impl PartialEq for Service {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}
impl Eq for Service {}
impl Hash for Service {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}
impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Service").field(&self.0.name).finish()
    }
}

/// Everything the core needs to know about one credential.
#[derive(Debug)]
pub struct SecretDef {
    /// The names it is looked up under, in order, in the host map and then in the
    /// environment. The first is the canonical name.
    pub names: &'static [&'static str],
    /// What it is, for generated documentation.
    pub description: &'static str,
    /// The OpenClaw plugin config key holding it (`ecApiKey`).
    pub plugin_key: &'static str,
    /// The code when a command that requires it runs without it.
    pub missing_code: ErrorCode,
    /// The message then.
    pub missing_message: &'static str,
    /// The hint then: which variable, and where to create the value.
    pub missing_hint: &'static str,
}

/// A handle to a pack's [`SecretDef`]; compared by canonical name.
#[derive(Clone, Copy)]
pub struct SecretName(&'static SecretDef);

impl SecretName {
    /// A handle to `def`.
    pub const fn new(def: &'static SecretDef) -> Self {
        Self(def)
    }
    /// The names this secret is looked up under; the first is canonical.
    pub fn env_names(self) -> &'static [&'static str] {
        self.0.names
    }
    /// The canonical variable name.
    pub fn canonical(self) -> &'static str {
        self.0.names.first().copied().unwrap_or_default()
    }
    /// What the secret is.
    pub fn description(self) -> &'static str {
        self.0.description
    }
    /// The declaration.
    pub fn def(self) -> &'static SecretDef {
        self.0
    }
}

impl PartialEq for SecretName {
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical()
    }
}
impl Eq for SecretName {}
impl Hash for SecretName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.canonical().hash(state);
    }
}
impl PartialOrd for SecretName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for SecretName {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.canonical().cmp(other.canonical())
    }
}
impl fmt::Debug for SecretName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.canonical())
    }
}
impl fmt::Display for SecretName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.canonical())
    }
}
impl Serialize for SecretName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.canonical())
    }
}

/// A non-secret variable a pack reads (a project id, an endpoint URL).
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The variable (`ACME_PROJECT_ID`).
    pub name: &'static str,
    /// What it does.
    pub description: &'static str,
    /// The OpenClaw plugin config key that fills it, when the plugin offers one.
    pub plugin_key: Option<&'static str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const API_KEY: SecretName = SecretName::new(&SecretDef {
        names: &["ACME_API_KEY"],
        description: "Acme API key.",
        plugin_key: "apiKey",
        missing_code: ErrorCode::pack_failure("MISSING_ACME_API_KEY"),
        missing_message: "ACME_API_KEY is missing.",
        missing_hint: "Create a key in the Acme console and set ACME_API_KEY.",
    });
    const API: Service = Service::new(&ServiceDef {
        name: "acme-api",
        origin: Origin::Fixed {
            default: "https://api.acme.example",
            override_var: "ACME_BASE_URL",
            hosts: HostRule {
                domains: &["acme.example"],
            },
            invalid_code: ErrorCode::pack_failure("INVALID_ACME_BASE_URL"),
        },
        auth: AuthScheme::Bearer(API_KEY),
        ..ServiceDef::NONE
    });

    #[test]
    fn a_pack_declares_constants() {
        assert_eq!(API.name(), "acme-api");
        assert_eq!(API_KEY.canonical(), "ACME_API_KEY");
    }

    #[test]
    fn codes_are_spelled_once_and_pack_codes_keep_their_kind() {
        assert_eq!(ErrorCode::Http(503).as_str(), "HTTP_503");
        let bad = ErrorCode::pack_request("INVALID_WIDGET");
        let missing = ErrorCode::pack_failure("MISSING_WIDGET_KEY");
        assert_eq!(bad.as_str(), "INVALID_WIDGET");
        assert!(bad.is_request_error());
        assert!(!missing.is_request_error());
        assert!(ErrorCode::InvalidPage.is_request_error());
        assert!(!ErrorCode::Timeout.is_request_error());
        assert_eq!(
            serde_json::to_value(missing).ok(),
            Some(serde_json::json!("MISSING_WIDGET_KEY"))
        );
    }

    #[test]
    fn host_rules_match_whole_labels() {
        let rule = HostRule {
            domains: &["example.com"],
        };
        assert!(rule.allows("example.com"));
        assert!(rule.allows("api.example.com"));
        assert!(rule.allows("api.example.com."));
        assert!(!rule.allows("evilexample.com"));
        assert!(!rule.allows(".example.com"));
        assert!(!rule.allows("example.com.evil.net"));
    }
}
