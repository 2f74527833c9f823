//! The Theta pack's error codes (the core's own are in [`crate::code::ErrorCode`]). Codes
//! inherited from the earlier JavaScript skill keep their spelling (`spec/theta-api.md` §3.9);
//! each says what to do next in its doc comment.

use crate::code::ErrorCode;

// ----- The request itself (exit status 2) -----

/// `args.endpoint` was given; the dedicated endpoint can only be configured.
/// Resolution: set THETA_INFERENCE_ENDPOINT instead of passing `endpoint`.
pub const INFERENCE_ENDPOINT_OVERRIDE_DISABLED: ErrorCode =
    ErrorCode::pack_request("INFERENCE_ENDPOINT_OVERRIDE_DISABLED");
/// The on-demand service slug is empty or malformed.
/// Resolution: use a slug from `theta.ondemand.listServices`, e.g. `flux`.
pub const INVALID_ONDEMAND_SERVICE: ErrorCode = ErrorCode::pack_request("INVALID_ONDEMAND_SERVICE");
/// The on-demand request id is empty or malformed.
/// Resolution: use the `id` returned by `theta.ondemand.infer`.
pub const INVALID_ONDEMAND_REQUEST_ID: ErrorCode =
    ErrorCode::pack_request("INVALID_ONDEMAND_REQUEST_ID");
/// The deployment id is malformed.
/// Resolution: use an id from `theta.deployments.list`.
pub const INVALID_DEPLOYMENT_ID: ErrorCode = ErrorCode::pack_request("INVALID_DEPLOYMENT_ID");
/// The shard is not a non-negative integer.
/// Resolution: use the `Shard` value from `theta.deployments.list`.
pub const INVALID_SHARD: ErrorCode = ErrorCode::pack_request("INVALID_SHARD");
/// The deployment suffix is malformed.
/// Resolution: use the `Suffix` value from `theta.deployments.list`.
pub const INVALID_SUFFIX: ErrorCode = ErrorCode::pack_request("INVALID_SUFFIX");
/// The deployment payload is not an object or is inconsistent.
/// Resolution: pass `payload` as a JSON object as the controller documents.
pub const INVALID_DEPLOYMENT_PAYLOAD: ErrorCode =
    ErrorCode::pack_request("INVALID_DEPLOYMENT_PAYLOAD");
/// The template category is malformed.
/// Resolution: use `prototyping` or `serving`.
pub const INVALID_TEMPLATE_CATEGORY: ErrorCode =
    ErrorCode::pack_request("INVALID_TEMPLATE_CATEGORY");
/// Neither a deployment id nor a shard and suffix were given.
/// Resolution: pass `deploymentId`, or both `shard` and `suffix`.
pub const MISSING_DEPLOYMENT_DELETE_TARGET: ErrorCode =
    ErrorCode::pack_request("MISSING_DEPLOYMENT_DELETE_TARGET");
/// The video service account id is malformed.
/// Resolution: use the id from the Theta Video API dashboard (`srvacc_…`).
pub const INVALID_SERVICE_ACCOUNT_ID: ErrorCode =
    ErrorCode::pack_request("INVALID_SERVICE_ACCOUNT_ID");
/// The video id is malformed.
/// Resolution: use an id from `theta.video.list`.
pub const INVALID_VIDEO_ID: ErrorCode = ErrorCode::pack_request("INVALID_VIDEO_ID");
/// The stream id is malformed.
/// Resolution: use the id returned by `theta.video.streamCreate`.
pub const INVALID_STREAM_ID: ErrorCode = ErrorCode::pack_request("INVALID_STREAM_ID");
/// The ingestor id is malformed.
/// Resolution: use an id from `theta.video.ingestor.list`.
pub const INVALID_INGESTOR_ID: ErrorCode = ErrorCode::pack_request("INVALID_INGESTOR_ID");
/// The video payload is not an object.
/// Resolution: pass `payload` as a JSON object.
pub const INVALID_VIDEO_PAYLOAD: ErrorCode = ErrorCode::pack_request("INVALID_VIDEO_PAYLOAD");
/// The stream payload is not an object.
/// Resolution: pass `payload` as a JSON object.
pub const INVALID_STREAM_PAYLOAD: ErrorCode = ErrorCode::pack_request("INVALID_STREAM_PAYLOAD");
/// The ingestor body is not an object.
/// Resolution: pass `body` as a JSON object or leave it out.
pub const INVALID_INGESTOR_BODY: ErrorCode = ErrorCode::pack_request("INVALID_INGESTOR_BODY");

// ----- Configuration and credentials (exit status 1) -----

/// A base URL override is not an https Theta origin.
/// Resolution: unset the `THETA_*_BASE_URL` variable named in the message.
pub const INVALID_THETA_BASE_URL: ErrorCode = ErrorCode::pack_failure("INVALID_THETA_BASE_URL");
/// THETA_EC_API_KEY is not set.
/// Resolution: create a project API key on the Theta dashboard and set THETA_EC_API_KEY.
pub const MISSING_THETA_EC_API_KEY: ErrorCode = ErrorCode::pack_failure("MISSING_THETA_EC_API_KEY");
/// No project id was given or configured.
/// Resolution: set THETA_EC_PROJECT_ID or pass `projectId` (`prj_…`).
pub const MISSING_THETA_EC_PROJECT_ID: ErrorCode =
    ErrorCode::pack_failure("MISSING_THETA_EC_PROJECT_ID");
/// The project id does not look like `prj_…`.
/// Resolution: copy the id from Account → Projects on the Theta dashboard.
pub const INVALID_THETA_EC_PROJECT_ID: ErrorCode =
    ErrorCode::pack_failure("INVALID_THETA_EC_PROJECT_ID");
/// No organization id was given or configured.
/// Resolution: set THETA_ORG_ID or pass `orgId`.
pub const MISSING_THETA_ORG_ID: ErrorCode = ErrorCode::pack_failure("MISSING_THETA_ORG_ID");
/// The organization id is malformed.
/// Resolution: copy the id from the Theta dashboard.
pub const INVALID_THETA_ORG_ID: ErrorCode = ErrorCode::pack_failure("INVALID_THETA_ORG_ID");
/// No on-demand API token is available.
/// Resolution: set THETA_ONDEMAND_API_TOKEN (or THETA_ONDEMAND_API_KEY).
pub const MISSING_THETA_ONDEMAND_API_TOKEN: ErrorCode =
    ErrorCode::pack_failure("MISSING_THETA_ONDEMAND_API_TOKEN");
/// THETA_INFERENCE_ENDPOINT is not set.
/// Resolution: set it to the URL of your dedicated deployment.
pub const MISSING_THETA_INFERENCE_ENDPOINT: ErrorCode =
    ErrorCode::pack_failure("MISSING_THETA_INFERENCE_ENDPOINT");
/// THETA_INFERENCE_ENDPOINT is not an allowed https Theta URL.
/// Resolution: use the deployment URL shown on the Theta dashboard.
pub const INVALID_THETA_INFERENCE_ENDPOINT: ErrorCode =
    ErrorCode::pack_failure("INVALID_THETA_INFERENCE_ENDPOINT");
/// The video service account id or secret is not set.
/// Resolution: set THETA_VIDEO_SA_ID and THETA_VIDEO_SA_SECRET.
pub const MISSING_THETA_VIDEO_CREDENTIALS: ErrorCode =
    ErrorCode::pack_failure("MISSING_THETA_VIDEO_CREDENTIALS");

// ----- Upstream (exit status 1) -----

/// On-demand capacity is exhausted (HTTP 409 "No instances available").
/// Resolution: retry in a minute, or pick another service or variant.
pub const THETA_ONDEMAND_CAPACITY_EXHAUSTED: ErrorCode =
    ErrorCode::pack_failure("THETA_ONDEMAND_CAPACITY_EXHAUSTED");
/// A dedicated endpoint answered 404/502/503 while warming up.
/// Resolution: run `theta.inference.ready` and retry when it reports ready.
pub const THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY: ErrorCode =
    ErrorCode::pack_failure("THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY");

/// Codes for argument names that mean the same in every Theta command.
pub fn default_field_code(field: &str) -> Option<ErrorCode> {
    Some(match field {
        "requestId" | "request_id" => INVALID_ONDEMAND_REQUEST_ID,
        "deploymentId" => INVALID_DEPLOYMENT_ID,
        "shard" => INVALID_SHARD,
        "suffix" => INVALID_SUFFIX,
        "orgId" => INVALID_THETA_ORG_ID,
        "projectId" => INVALID_THETA_EC_PROJECT_ID,
        "page" => ErrorCode::InvalidPage,
        "number" => ErrorCode::InvalidPageSize,
        "serviceAccountId" => INVALID_SERVICE_ACCOUNT_ID,
        "videoId" => INVALID_VIDEO_ID,
        "streamId" => INVALID_STREAM_ID,
        "ingestorId" => INVALID_INGESTOR_ID,
        _ => return None,
    })
}
