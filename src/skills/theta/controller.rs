//! Helpers shared by the controller families (`theta.deployments.*`, `theta.ai.*`,
//! `theta.billing.*`): the project a payload addresses, the deployment-route fallback, and a
//! forgiving walk through JSON answers whose exact shape the controller does not document.

use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use crate::skills::theta::codes;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::command::Ctx;
use crate::error::{Error, ErrorCode};
use crate::http::{ApiRequest, ApiResponse};
use crate::schema::PROJECT_ID_PATTERN;
use crate::skills::theta::is_project_id;

/// Arguments of the commands that only need a project.
#[derive(Debug, Default, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProjectArgs {
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// The singular deployment route (`/deployment/...`), the documented one.
pub(crate) const SINGULAR: &str = "deployment";
/// The plural deployment route (`/deployments/...`), which some controller versions serve
/// instead (`spec/theta-api.md` §6, route drift).
pub(crate) const PLURAL: &str = "deployments";

/// The project a payload-carrying command addresses, and a copy of the payload with
/// `project_id` set to it.
///
/// The project comes from `projectId`, else `payload.project_id`, else THETA_EC_PROJECT_ID,
/// and must look like `prj_…`. When `projectId` and `payload.project_id` are both given and
/// differ, the command is refused: for a paid or mutating call, guessing which project was
/// meant is worse than asking.
pub(crate) fn payload_with_project(
    ctx: &Ctx<'_>,
    payload: &Map<String, Value>,
    project_arg: Option<&str>,
    payload_code: ErrorCode,
) -> Result<(Map<String, Value>, String), Error> {
    let in_payload = match payload.get("project_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim()),
        Some(_) => {
            return Err(Error::invalid_field(
                payload_code,
                "payload/project_id",
                "payload.project_id must be a non-empty string (prj_...).",
            ));
        }
    };
    if let Some(id) = in_payload.filter(|id| !is_project_id(id)) {
        return Err(Error::invalid_field(
            codes::INVALID_THETA_EC_PROJECT_ID,
            "payload/project_id",
            format!(
                "payload.project_id `{id}` must look like prj_... (letters, digits and underscores)."
            ),
        ));
    }
    let arg = project_arg.map(str::trim).filter(|a| !a.is_empty());
    if let (Some(arg), Some(in_payload)) = (arg, in_payload)
        && arg != in_payload
    {
        return Err(Error::invalid_field(
            payload_code,
            "payload/project_id",
            format!(
                "projectId `{arg}` and payload.project_id `{in_payload}` name different projects."
            ),
        )
        .with_hint("Pass the project once: either projectId or payload.project_id."));
    }
    let project = ctx.config().project_id(arg.or(in_payload))?;
    let mut out = payload.clone();
    out.insert("project_id".into(), Value::String(project.clone()));
    Ok((out, project))
}

/// Whether a failed call proves the route does not exist there, so nothing was done and the
/// same call may be sent to the other route: 404 Not Found or 405 Method Not Allowed.
pub(crate) fn route_missing(error: &Error) -> bool {
    matches!(error.status(), Some(404 | 405))
}

/// Sends the request `build` makes for the singular route; when the controller answers 404
/// or 405 there, sends the same request once to the plural route.
///
/// Safe for mutating requests: a 404/405 proves the first request did nothing. When both
/// routes answer 404/405 the singular route's error is returned (it is the documented route,
/// and its 404 usually says what was not found); otherwise the plural route's answer is the
/// real one. A fallback that succeeds adds a warning naming the route that answered.
pub(crate) async fn send_with_route_fallback(
    ctx: &Ctx<'_>,
    build: impl Fn(&'static str) -> ApiRequest,
) -> Result<ApiResponse, Error> {
    let client = ctx.client(theta::CONTROLLER)?;
    let first = match client.send(&build(SINGULAR)).await {
        Ok(response) => return Ok(response),
        Err(error) if route_missing(&error) => error,
        Err(error) => return Err(error),
    };
    match client.send(&build(PLURAL)).await {
        Ok(response) => {
            ctx.warn(format!(
                "The controller answered HTTP {} on the /{SINGULAR}/ route; the /{PLURAL}/ route answered instead.",
                first.status().unwrap_or_default()
            ));
            Ok(response)
        }
        Err(second) if route_missing(&second) => Err(first.with_hint(format!(
            "Both /{SINGULAR}/ and /{PLURAL}/ routes answered HTTP {}: check the ids, and that the key belongs to this project.",
            second.status().unwrap_or_default()
        ))),
        Err(second) => Err(second),
    }
}

/// The first non-empty value under any of `names` (compared case-insensitively), searching
/// depth-first: an object's own keys before its children, arrays element by element.
pub(crate) fn find_value<'a>(value: &'a Value, names: &[&str]) -> Option<&'a Value> {
    let usable = |v: &Value| !(v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()));
    match value {
        Value::Object(map) => map
            .iter()
            .find(|(k, v)| names.iter().any(|n| k.eq_ignore_ascii_case(n)) && usable(v))
            .map(|(_, v)| v)
            .or_else(|| map.values().find_map(|v| find_value(v, names))),
        Value::Array(items) => items.iter().find_map(|v| find_value(v, names)),
        _ => None,
    }
}

/// The value under `name` in an object, compared case-insensitively (`Shard` / `shard`).
pub(crate) fn get_ci<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// A scalar as text: strings trimmed, numbers and booleans printed; anything else is `None`.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The list inside a controller answer: `body` when it is an array, else the first array
/// under `body.<key>` for one of `keys`, else the answer itself when it is an array.
pub(crate) fn listed_items<'a>(response: &'a Value, keys: &[&str]) -> Option<&'a Vec<Value>> {
    let body = response.get("body").unwrap_or(response);
    if let Value::Array(items) = body {
        return Some(items);
    }
    keys.iter()
        .find_map(|k| body.get(*k).and_then(Value::as_array))
}

/// Test helpers: what a request looks like on the wire.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::LazyLock;

    use crate::command::Service;
    use crate::config::Config;
    use crate::http::{ApiRequest, Auth, RequestPreview, ServiceClient, Transport};
    use crate::skills::theta::{self, PACK};

    static TRANSPORT: LazyLock<Transport> = LazyLock::new(Transport::new);

    /// The preview of `request` sent to `service` at its default origin, without credentials.
    pub(crate) fn preview(service: Service, request: &ApiRequest) -> RequestPreview {
        let config = Config::from_lookup(&PACK, |_| None);
        let base = config.base_url(service).unwrap_or_else(|e| panic!("{e}"));
        ServiceClient::new(service, base, &TRANSPORT, Auth::None, config.http)
            .preview(request)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The full URL of `request` on the controller.
    pub(crate) fn controller_url(request: &ApiRequest) -> String {
        preview(theta::CONTROLLER, request).url
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn find_value_prefers_own_keys_and_skips_empty_values() {
        let doc = json!({
            "body": {"nested": {"Endpoint": "https://deep"}, "endpoint": ""},
            "list": [{"url": null}, {"URL": "https://second"}]
        });
        assert_eq!(
            find_value(&doc, &["endpoint", "url"]),
            Some(&json!("https://deep"))
        );
        let doc = json!({"a": {"x": 1}, "endpoint": "https://top"});
        assert_eq!(find_value(&doc, &["endpoint"]), Some(&json!("https://top")));
        assert_eq!(find_value(&json!([1, "a"]), &["endpoint"]), None);
    }

    #[test]
    fn scalars_and_lists() {
        assert_eq!(scalar_text(&json!(3)).as_deref(), Some("3"));
        assert_eq!(scalar_text(&json!(" ab ")).as_deref(), Some("ab"));
        assert_eq!(scalar_text(&json!({})), None);
        assert_eq!(scalar_text(&json!("")), None);
        let answer = json!({"status": "success", "body": {"templates": [1, 2]}});
        assert_eq!(listed_items(&answer, &["templates"]).map(Vec::len), Some(2));
        let answer = json!({"body": [1]});
        assert_eq!(listed_items(&answer, &["templates"]).map(Vec::len), Some(1));
        assert!(listed_items(&json!({"body": {}}), &["templates"]).is_none());
    }

    #[test]
    fn route_missing_is_only_404_and_405() {
        let http = |s| Error::new(ErrorCode::Http(s), "x").with_status(s);
        assert!(route_missing(&http(404)));
        assert!(route_missing(&http(405)));
        for s in [400, 401, 403, 409, 500, 502] {
            assert!(!route_missing(&http(s)), "{s}");
        }
    }
}
