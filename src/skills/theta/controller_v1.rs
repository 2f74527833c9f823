//! Helpers shared by the commands of the project-scoped v1 controller (`theta.gpu.*` and the
//! project billing commands): the `/v1/projects/{project}/…` paths, id checks, the
//! `{status, body}` envelope, and the `confirm` argument of the lifecycle commands
//! (`spec/theta-gpu-api.md`).
//!
//! - **Origin**: [`theta::CONTROLLER_V1`], `https://controller-beta.thetaedgecloud.com` by
//!   default (the v1 APIs are beta-only), overridden by THETA_CONTROLLER_V1_BASE_URL through
//!   the same Theta-origin check as every base URL. THETA_CONTROLLER_BASE_URL keeps moving
//!   only the older controller.
//! - **Credentials**: `x-api-key: <THETA_EC_API_KEY>`; no `Authorization` header.
//! - **Project**: `projectId`, else THETA_EC_PROJECT_ID (`prj_…`), as one path segment.
//! - **Ids**: every id is one percent-encoded path segment (`community_node/1` →
//!   `community_node%2F1`), checked as non-empty without control characters — not with the
//!   older identifier pattern, which would refuse the `/` that resource ids may contain.
//! - **Answers**: 204 is success with a `null` result; otherwise the body must be a JSON
//!   object `{status: "success", body}` and the result is `body` (opaque JSON: the API does
//!   not document its shapes). Any other `status` on a 2xx is `UPSTREAM_ERROR`.

use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use crate::skills::theta::codes;
use serde_json::{Map, Value, json};

use crate::command::{Ctx, Effect, Preview};
use crate::error::{Error, ErrorCode};
use crate::http::{ApiRequest, ApiResponse};
use crate::skills::theta::default_field_code;

/// No control characters (C0, DEL); the schema form of [`check_id`]'s rule.
pub(crate) use crate::schema::NO_CONTROL_PATTERN;

/// A request to `/v1/projects/<project>/<suffix…>`, each part one encoded path segment.
pub(crate) fn project_request(
    method: &'static str,
    project: &str,
    suffix: &[&str],
    effect: Effect,
) -> ApiRequest {
    let mut path = vec!["v1", "projects", project];
    path.extend_from_slice(suffix);
    match method {
        "POST" => ApiRequest::post(&path, effect),
        "DELETE" => ApiRequest::delete(&path, effect),
        _ => ApiRequest::get(&path),
    }
}

/// The project of this call: `projectId`, else THETA_EC_PROJECT_ID; it must look like `prj_…`.
pub(crate) fn project(ctx: &Ctx<'_>, arg: Option<&str>) -> Result<String, Error> {
    ctx.config().project_id(arg)
}

/// An id argument, trimmed: non-empty and free of control characters. Anything else
/// (including `/`) is allowed: the id becomes one percent-encoded path segment.
pub(crate) fn check_id(field: &str, value: &str) -> Result<String, Error> {
    let code = field_code(field).unwrap_or(ErrorCode::InvalidField);
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid_field(
            code,
            field,
            format!("{field} must not be empty."),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::invalid_field(
            code,
            field,
            format!("{field} must not contain control characters."),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Codes for the v1 argument names (snake_case, as upstream spells them).
pub(crate) fn field_code(field: &str) -> Option<ErrorCode> {
    match field {
        "deployment_id" => Some(codes::INVALID_DEPLOYMENT_ID),
        "resource_id"
        | "deployment_template_id"
        | "region"
        | "start_date"
        | "end_date"
        | "name"
        | "display_name"
        | "container_image"
        | "ssh_public_key"
        | "ssh_port"
        | "http_port"
        | "max_price_per_hour_usd"
        | "confirm" => Some(ErrorCode::InvalidField),
        other => default_field_code(other),
    }
}

/// Sends `request` to the v1 controller and unwraps its answer.
pub(crate) async fn send(ctx: &Ctx<'_>, request: &ApiRequest) -> Result<Value, Error> {
    let response = ctx.client(theta::CONTROLLER_V1)?.send(request).await?;
    unwrap_envelope(&response)
}

/// The preview of `request` on the v1 controller.
pub(crate) fn preview(ctx: &Ctx<'_>, request: &ApiRequest) -> Result<Preview, Error> {
    Ok(Preview::request(
        ctx.client(theta::CONTROLLER_V1)?.preview(request)?,
    ))
}

/// The result of a 2xx answer (`spec/theta-gpu-api.md` §2): 204 → `null`; otherwise the
/// `body` of a `{status: "success", body}` object. An empty body counts as `{}` (so it is an
/// error: no `status`), text that is not a JSON object is `INVALID_RESPONSE`, another
/// `status` is `UPSTREAM_ERROR` with the envelope's `message` or `error`.
pub(crate) fn unwrap_envelope(response: &ApiResponse) -> Result<Value, Error> {
    if response.status() == 204 {
        return Ok(Value::Null);
    }
    let invalid = |why: &str| {
        Error::new(
            ErrorCode::InvalidResponse,
            format!("the v1 controller returned an invalid response: {why}"),
        )
        .with_status(response.status())
        .with_service(theta::CONTROLLER_V1)
        .with_endpoint(response.url())
        .with_hint("The v1 controller API is beta and may have changed; report the message.")
    };
    let text = response.text();
    if crate::http::too_many_json_values(text.as_bytes()) {
        return Err(Error::new(
            crate::code::ErrorCode::ResponseTooLarge,
            format!(
                "the response holds more than {} JSON values",
                crate::http::MAX_JSON_VALUES
            ),
        )
        .with_endpoint(response.url().to_owned()));
    }
    let parsed = if text.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_str(&text).map_err(|_| invalid("the body is not JSON"))?
    };
    let Value::Object(mut envelope) = parsed else {
        return Err(invalid("the body is not a JSON object"));
    };
    if envelope.get("status").and_then(Value::as_str) != Some("success") {
        let detail = ["message", "error"]
            .iter()
            .find_map(|key| match envelope.get(*key) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) if s.trim().is_empty() => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => Some(other.to_string()),
            })
            .unwrap_or_else(|| "unknown error".to_owned());
        let detail = crate::secrets::excerpt(
            &detail.split_whitespace().collect::<Vec<_>>().join(" "),
            300,
        );
        return Err(Error::new(
            ErrorCode::UpstreamError,
            format!(
                "{} answered HTTP {} with an error: {detail}",
                theta::CONTROLLER_V1.as_str(),
                response.status()
            ),
        )
        .with_status(response.status())
        .with_service(theta::CONTROLLER_V1)
        .with_endpoint(response.url())
        .with_hint(
            "The controller reported a failure: see the message. For create, start, stop or delete, check the deployment's state (theta.gpu.deployments.list) before sending it again.",
        ));
    }
    envelope
        .remove("body")
        .ok_or_else(|| invalid("a success answer without a body"))
}

/// What the lifecycle previews say when `confirm: false` stopped the call.
pub(crate) fn confirm_note(action: &str) -> String {
    format!(
        "confirm=false: nothing was sent. Show this to the user, and resend with confirm=true (or without confirm) only after they agree to {action} this deployment."
    )
}

/// Adds the lifecycle notes to a preview: what the action does, and the `confirm` hint when
/// `confirm: false` asked for it.
pub(crate) fn lifecycle_preview(
    mut preview: Preview,
    confirm: Option<bool>,
    action: &str,
    effect_note: &str,
    deployment_id: &str,
) -> Preview {
    preview.details = Some(json!({"deploymentId": deployment_id, "action": action}));
    preview = preview.note(effect_note.to_owned());
    if confirm == Some(false) {
        preview = preview.note(confirm_note(action));
    }
    preview
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::theta::controller::testing::preview as shown;

    #[test]
    fn ids_are_one_encoded_segment_under_the_project() {
        let request = project_request(
            "GET",
            "prj_a",
            &["gpu-resources", "community_node/1"],
            Effect::ReadOnly,
        )
        .query("region", "us east");
        let preview = shown(theta::CONTROLLER_V1, &request);
        assert_eq!(preview.method, "GET");
        assert_eq!(
            preview.url,
            "https://controller-beta.thetaedgecloud.com/v1/projects/prj_a/gpu-resources/community_node%2F1?region=us+east"
        );
        assert_eq!(preview.headers["x-api-key"], "<missing THETA_EC_API_KEY>");
        assert!(!preview.headers.contains_key("authorization"));
    }

    #[test]
    fn ids_must_be_non_empty_without_control_characters() {
        assert_eq!(check_id("resource_id", " a/b ").unwrap(), "a/b");
        for bad in ["", "   ", "a\nb", "a\u{7f}"] {
            let error = check_id("deployment_id", bad).unwrap_err();
            assert_eq!(error.code(), codes::INVALID_DEPLOYMENT_ID, "{bad:?}");
            assert_eq!(error.exit_status(), 2);
            assert_eq!(error.problems()[0].path, "/deployment_id");
        }
        assert_eq!(
            check_id("resource_id", "").unwrap_err().code(),
            ErrorCode::InvalidField
        );
    }
}
