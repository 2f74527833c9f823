//! The money-free checks `theta.auth.capabilities` runs for this family.
//!
//! - `ondemand.catalog`: `theta.ondemand.listServices`. Verified only when the live list
//!   answered; an answer from the embedded catalog is reported as an error naming the
//!   fallback reason, never as verified.
//! - `ondemand.inference`: `GET /infer_request/<id>` (`theta.ondemand.status`) for a
//!   well-formed request id that cannot exist. The server authenticates the token before it
//!   looks the id up, so **404 means the token was accepted** (the request simply does not
//!   exist), 401/403 mean it was rejected, and anything else is reported as an error. A
//!   status lookup is free and creates nothing, unlike the presigned-URL probe of the
//!   JavaScript skill 0.1.19, which created upload slots (and reported "verified" in
//!   dry-run without sending anything).
//!
//! In dry-run `theta.auth.capabilities` sends no probe at all, so neither runs.

use futures_util::future::BoxFuture;
use serde_json::json;

use super::{ListServices, ListServicesArgs, Status, StatusArgs};
use crate::command::{Ctx, Invoked};
use crate::error::{Error, ErrorCode};
use crate::pack::{CapabilityProbe, sample_of};

/// A request id that is well formed and cannot exist (real ids are random).
pub const PROBE_REQUEST_ID: &str = "infr_rqst_skill_runtime_capability_probe";

const NOT_IN_DRY_RUN: &str = "dry-run sends no probe requests.";

/// The `ondemand.catalog` probe.
pub fn catalog_probe<'a>(
    ctx: &'a Ctx<'a>,
    _args: &'a serde_json::Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    Box::pin(async move {
        let listing = match ctx
            .invoke(&ListServices, ListServicesArgs::default())
            .await?
        {
            Invoked::Ran(listing) => listing,
            Invoked::Previewed(_) => {
                return Ok(CapabilityProbe::NotSent {
                    reason: NOT_IN_DRY_RUN.to_owned(),
                });
            }
        };
        if !listing.is_live() {
            return Err(Error::new(
                ErrorCode::OperationFailed,
                format!(
                    "only the embedded catalog answered ({}): {}",
                    listing.fallback_reason().unwrap_or("fallback"),
                    listing.warning().unwrap_or_default()
                ),
            ));
        }
        Ok(CapabilityProbe::Verified {
            probe: "GET /service/list".to_owned(),
            sample: json!({"services": listing.services().len()}),
        })
    })
}

/// The `ondemand.inference` probe.
pub fn inference_probe<'a>(
    ctx: &'a Ctx<'a>,
    _args: &'a serde_json::Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    Box::pin(async move {
        let args = StatusArgs {
            request_id: PROBE_REQUEST_ID.to_owned(),
        };
        let probe = format!("GET /infer_request/{PROBE_REQUEST_ID}");
        match ctx.invoke(&Status, args).await {
            Ok(Invoked::Ran(answer)) => Ok(CapabilityProbe::Verified {
                probe,
                sample: sample_of(&answer),
            }),
            Ok(Invoked::Previewed(_)) => Ok(CapabilityProbe::NotSent {
                reason: NOT_IN_DRY_RUN.to_owned(),
            }),
            Err(error) if error.code() == ErrorCode::Http(404) => Ok(CapabilityProbe::Verified {
                probe: format!("{probe} (404 for an id that cannot exist: the token was accepted)"),
                sample: json!({"status": 404}),
            }),
            Err(error) => Err(error),
        }
    })
}
