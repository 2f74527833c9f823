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
