//! Dedicated inference endpoints: `theta.inference.models`, `theta.inference.chat` and
//! `theta.inference.ready`.
//!
//! **Base URL**: `THETA_INFERENCE_ENDPOINT`, the URL of one dedicated deployment. It must be
//! `https://`, carry no userinfo, and name a host that is, or ends with, `.thetaedgecloud.com`
//! or `.onthetaedgecloud.com` (`spec/theta-api.md` §3.8); it is checked when parsed and again
//! at connect time, where a name resolving to a private or loopback address is refused.
//! `args.endpoint` is refused for every command (`INFERENCE_ENDPOINT_OVERRIDE_DISABLED`). The
//! OpenAI routes are `<endpoint>/v1/…`; an endpoint configured as its OpenAI base URL (ending
//! in `/v1`) is accepted too, without doubling the `/v1`.
//!
//! **Credentials**: `Authorization: Bearer THETA_INFERENCE_AUTH_TOKEN` when set, else Basic
//! `THETA_INFERENCE_AUTH_USER` / `THETA_INFERENCE_AUTH_PASS` when both are set, else none; all
//! three come through the secret chain (OpenClaw host first, then the environment).
//!
//! **Warm-up**: a fresh deployment answers 404, then 502/503, for a minute or more before it
//! serves (observed: 404 once, 502 twice, then 200). `theta.inference.ready` rides that out
//! by probing until its deadline; `models` and `chat` report those statuses as
//! `THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY` (retriable) with a hint to run `ready`.

mod chat;
mod models;
mod ready;

use crate::skills::theta;
use crate::skills::theta::codes;
use futures_util::future::BoxFuture;

use crate::command::{Ctx, Invoked, SecretNeed};
use crate::error::{Error, ErrorCode};
use crate::http::ServiceClient;
use crate::pack::{CapabilityProbe, sample_of};

pub use chat::{Chat, ChatArgs};
pub use models::{Models, ModelsArgs};
pub use ready::{
    Attempt, Polled, Probe, Ready, ReadyArgs, ReadyOutput, Schedule, Stopped, poll_until_ready,
};

/// The credentials every command of the family may use; none is required, since an endpoint
/// may be deployed without authentication.
const SECRETS: &[SecretNeed] = &[
    SecretNeed::optional(theta::INFERENCE_TOKEN),
    SecretNeed::optional(theta::INFERENCE_USER),
    SecretNeed::optional(theta::INFERENCE_PASS),
];

/// The dedicated endpoint's client. Warns when only half of the Basic pair is set, since the
/// request then goes out without credentials.
fn client<'c>(ctx: &'c Ctx<'_>) -> Result<ServiceClient<'c>, Error> {
    let client = ctx.client(theta::DEDICATED)?;
    let secrets = ctx.secrets();
    if !secrets.contains(theta::INFERENCE_TOKEN) {
        match (
            secrets.contains(theta::INFERENCE_USER),
            secrets.contains(theta::INFERENCE_PASS),
        ) {
            (true, false) => ctx.warn(
                "THETA_INFERENCE_AUTH_USER is set without THETA_INFERENCE_AUTH_PASS: the request is sent without credentials.",
            ),
            (false, true) => ctx.warn(
                "THETA_INFERENCE_AUTH_PASS is set without THETA_INFERENCE_AUTH_USER: the request is sent without credentials.",
            ),
            _ => {}
        }
    }
    Ok(client)
}

/// The path of an OpenAI route under the endpoint (`["models"]` → `v1/models`). When the
/// endpoint itself ends in `/v1`, the segment is not added twice.
fn openai_path(client: &ServiceClient<'_>, route: &[&str]) -> Vec<String> {
    let base_is_v1 = client
        .base_url()
        .path_segments()
        .and_then(|mut segments| segments.rfind(|s| !s.is_empty()))
        .is_some_and(|last| last.eq_ignore_ascii_case("v1"));
    let mut path = Vec::with_capacity(route.len() + 1);
    if !base_is_v1 {
        path.push("v1".to_owned());
    }
    path.extend(route.iter().map(|s| (*s).to_owned()));
    path
}

/// Borrowed segments of an owned path, for the `ApiRequest` constructors.
fn segments(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}

/// Re-labels the statuses a warming deployment answers with (404, 502, 503) as
/// `THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY`, keeping status and endpoint. A read, and a
/// 404 (no route: nothing was processed), is retriable once the endpoint is ready; a paid
/// request answered 502/503 may have reached the model, so it keeps the HTTP layer's
/// verdict (not retriable) — the same rule that kept the runtime from resending it.
fn annotate_unready(error: Error, paid: bool) -> Error {
    let (ErrorCode::Http(_), Some(status @ (404 | 502 | 503))) = (error.code(), error.status())
    else {
        return error;
    };
    let upstream = error.message().to_owned();
    let retriable = !paid || status == 404 || error.retriable();
    let mut hint = String::from(
        "Fresh deployments answer 404, then 502/503, for a minute or more while the model loads: run theta.inference.ready to wait until the endpoint serves, then retry.",
    );
    if status == 404 {
        hint.push_str(
            " If the deployment is a Gradio app rather than an OpenAI-compatible server, /v1 routes do not exist: check it with theta.inference.ready and probe \"gradio\".",
        );
    }
    if paid {
        hint.push_str(
            " The chat was not resent automatically: a paid request is sent once unless it provably was not received.",
        );
    }
    error
        .recode(
            codes::THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY,
            format!(
                "Dedicated inference endpoint is not ready upstream (HTTP {status}); it may still be warming up. Upstream: {upstream}"
            ),
        )
        .with_retriable(retriable)
        .with_hint(hint)
}

/// The `inference.endpoint` capability probe: `theta.inference.models` (read-only, free).
pub fn probe<'a>(
    ctx: &'a Ctx<'a>,
    _args: &'a serde_json::Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    Box::pin(async move {
        match ctx.invoke(&Models, ModelsArgs {}).await? {
            Invoked::Ran(value) => Ok(CapabilityProbe::Verified {
                probe: "GET /v1/models".to_owned(),
                sample: sample_of(&value),
            }),
            Invoked::Previewed(_) => Ok(CapabilityProbe::NotSent {
                reason: "dry-run stopped the probe".to_owned(),
            }),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warm_up_statuses_are_annotated_and_others_kept() {
        for status in [404, 502, 503] {
            let error = Error::new(ErrorCode::Http(status), "edgecloud-inference answered")
                .with_status(status)
                .with_endpoint("https://x.thetaedgecloud.com/v1/models");
            let annotated = annotate_unready(error, true);
            assert_eq!(
                annotated.code(),
                codes::THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY
            );
            // A paid request answered 502/503 may have reached the model: not retriable.
            assert_eq!(annotated.retriable(), status == 404, "{status}");
            assert_eq!(annotated.status(), Some(status));
            assert_eq!(
                annotated.endpoint(),
                Some("https://x.thetaedgecloud.com/v1/models")
            );
            let hint = annotated.hint().unwrap_or_default();
            assert!(hint.contains("theta.inference.ready"), "{hint}");
            assert!(hint.contains("not resent"), "{hint}");
            assert!(annotated.message().contains(&format!("HTTP {status}")));
        }
        for (code, status) in [
            (ErrorCode::Http(401), Some(401)),
            (ErrorCode::Http(500), Some(500)),
            (ErrorCode::Timeout, None),
        ] {
            let mut error = Error::new(code, "x");
            if let Some(status) = status {
                error = error.with_status(status);
            }
            assert_eq!(annotate_unready(error, false).code(), code);
        }
    }
}
