//! The elizaOS Cloud pack's error codes (the core's own are in [`crate::vocab::ErrorCode`]).
//! The server's own `code` (`insufficient_credits`, `agent_image_not_allowed`, …) is kept in
//! the error's `details.serverCode`; these codes are what callers match on.

use crate::vocab::ErrorCode;

// ----- The request itself (exit status 2) -----

/// `offset + limit` is above the server's window of 1000.
/// Resolution: lower `offset` or `limit`.
pub const INVALID_PAGE_WINDOW: ErrorCode =
    ErrorCode::pack_request("INVALID_ELIZACLOUD_PAGE_WINDOW");
/// A body that needs at least one field was empty.
/// Resolution: pass at least one of the fields the message names.
pub const EMPTY_UPDATE: ErrorCode = ErrorCode::pack_request("ELIZACLOUD_EMPTY_UPDATE");
/// A voice clone without `speakerConsent: true`: the caller did not state that the speaker
/// agreed to having their voice cloned. Nothing was read or sent.
/// Resolution: clone only a voice whose speaker agreed (the user's own, or with the
/// speaker's permission), and then pass `speakerConsent: true`.
pub const SPEAKER_CONSENT_REQUIRED: ErrorCode =
    ErrorCode::pack_request("ELIZACLOUD_SPEAKER_CONSENT_REQUIRED");

// ----- Configuration and credentials (exit status 1) -----

/// ELIZACLOUD_BASE_URL is not an https elizaOS Cloud origin.
/// Resolution: unset ELIZACLOUD_BASE_URL, or point it at https://api.eliza.app.
pub const INVALID_BASE_URL: ErrorCode = ErrorCode::pack_failure("INVALID_ELIZACLOUD_BASE_URL");
/// ELIZACLOUD_API_KEY is not set.
/// Resolution: create an API key in the elizaOS Cloud dashboard and set ELIZACLOUD_API_KEY.
pub const MISSING_API_KEY: ErrorCode = ErrorCode::pack_failure("MISSING_ELIZACLOUD_API_KEY");

// ----- Upstream answers (exit status 1) -----

/// The organization's USD balance is below what the request needs (HTTP 402). Never retried.
/// Resolution: add credits (`elizacloud.credits.checkout` gives a payment URL for a human),
/// then call again.
pub const INSUFFICIENT_CREDITS: ErrorCode =
    ErrorCode::pack_failure("ELIZACLOUD_INSUFFICIENT_CREDITS");
/// The container or agent image is not on the platform's allow-list (HTTP 403).
/// Resolution: use an allow-listed image.
pub const IMAGE_NOT_ALLOWED: ErrorCode = ErrorCode::pack_failure("ELIZACLOUD_IMAGE_NOT_ALLOWED");
/// The image must be pinned by digest (`repo@sha256:<64 hex>`) (HTTP 403).
/// Resolution: pass the image as `repo@sha256:…`.
pub const IMAGE_NOT_DIGEST_PINNED: ErrorCode =
    ErrorCode::pack_failure("ELIZACLOUD_IMAGE_NOT_DIGEST_PINNED");
/// Dedicated compute needs the caller to accept its hourly price (HTTP 428).
/// Resolution: show the price in `details.pricing` to the user; if they accept, call again
/// with `acceptDedicatedPrice` set to `details.pricing.acceptanceValue`.
pub const PRICE_CONFIRMATION_REQUIRED: ErrorCode =
    ErrorCode::pack_failure("ELIZACLOUD_PRICE_CONFIRMATION_REQUIRED");
/// The service is warming up or its rate limiter is unavailable (HTTP 503); nothing was
/// processed, so it is retried even for paid requests.
/// Resolution: wait a few seconds and call again.
pub const SERVICE_WARMING: ErrorCode = ErrorCode::pack_failure("ELIZACLOUD_SERVICE_WARMING");
/// The `Idempotency-Key` was already used with another payload (HTTP 409
/// `idempotency_conflict`); nothing new was done or charged.
/// Resolution: to make a new request, call again without `idempotencyKey` (a fresh key is
/// generated); to get the earlier answer, send the same payload with the same key.
pub const IDEMPOTENCY_CONFLICT: ErrorCode =
    ErrorCode::pack_failure("ELIZACLOUD_IDEMPOTENCY_CONFLICT");
/// A request under this `Idempotency-Key` is recorded but has not finished (HTTP 202
/// `idempotency_replay`); nothing was charged again.
/// Resolution: follow it (`elizacloud.voice.jobs`), then re-run with the same key for the
/// answer; never re-send it under a new key.
pub const REQUEST_IN_PROGRESS: ErrorCode =
    ErrorCode::pack_failure("ELIZACLOUD_REQUEST_IN_PROGRESS");
/// The provider may have accepted the work before the request failed (HTTP 500 with
/// `details.outcome` `provider_submission_unknown` or `provider_work_reconciliation_required`):
/// it was charged and kept for reconciliation. Never retried.
/// Resolution: do not send it again; follow `details.jobId` with `elizacloud.voice.jobs`.
pub const RECONCILIATION_REQUIRED: ErrorCode =
    ErrorCode::pack_failure("ELIZACLOUD_RECONCILIATION_REQUIRED");

/// The video route answered 202 instead of a video: still rendering (`pending`: credits stay
/// reserved and are settled later) or `submission_unknown` (charged). Never re-sent.
/// Resolution: do not generate it again; the video lands in the organization's gallery when
/// done; `details.id` and `details.requestId` name it.
pub const VIDEO_NOT_DELIVERED: ErrorCode =
    ErrorCode::pack_failure("ELIZACLOUD_VIDEO_NOT_DELIVERED");

// ----- A2A JSON-RPC errors (exit status 1; `details.rpcCode` keeps the agent's code) -----

/// The task or agent is unknown to this organization (−32001, or −32000 "Task not found").
/// Resolution: use a task id from `elizacloud.a2a.send`, or a public agent's id from
/// `elizacloud.discovery`.
pub const A2A_NOT_FOUND: ErrorCode = ErrorCode::pack_failure("ELIZACLOUD_A2A_NOT_FOUND");
/// The task has already ended, so it cannot be canceled (−32000 "… already in terminal state").
/// Resolution: read it with `elizacloud.a2a.tasks.get`; nothing to cancel.
pub const A2A_TASK_TERMINAL: ErrorCode = ErrorCode::pack_failure("ELIZACLOUD_A2A_TASK_TERMINAL");
/// The agent did not accept the key for this call (−32002, −32010, or −32000 "Authentication
/// required" / "Invalid or expired API key").
/// Resolution: check ELIZACLOUD_API_KEY (`elizacloud.whoami`); create a new key if needed.
pub const A2A_UNAUTHORIZED: ErrorCode = ErrorCode::pack_failure("ELIZACLOUD_A2A_UNAUTHORIZED");
/// The agent does not support the method (−32601).
/// Resolution: use the methods the agent's card lists.
pub const A2A_METHOD_UNSUPPORTED: ErrorCode =
    ErrorCode::pack_failure("ELIZACLOUD_A2A_METHOD_UNSUPPORTED");
/// The agent refused the request's shape (−32600, −32602, −32700).
/// Resolution: see the message; check the arguments against the command's schema.
pub const A2A_INVALID_REQUEST: ErrorCode =
    ErrorCode::pack_failure("ELIZACLOUD_A2A_INVALID_REQUEST");
/// Any other A2A error (−32000 from a failing skill or generation, −32603). A paid call may
/// have been billed.
/// Resolution: see the message; for a paid call, check `elizacloud.credits.transactions`
/// before sending it again.
pub const A2A_ERROR: ErrorCode = ErrorCode::pack_failure("ELIZACLOUD_A2A_ERROR");
