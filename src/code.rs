//! Stable error codes: the core's, as variants of [`ErrorCode`], and those a skill pack
//! declares ([`PackCode`]). A leaf module: it imports nothing from the rest of the crate.

use std::borrow::Cow;
use std::fmt;

use serde::{Serialize, Serializer};

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
