//! `theta.ondemand.status` (alias `get_request_status`): the state of an on-demand request.
//!
//! `GET https://ondemand.thetaedgecloud.com/infer_request/<requestId>` with the Bearer
//! token; the answer `{status, body: {infer_requests: [{id, state, output?, error?, …}]}}` is
//! returned as is. States: `pending`, `processing`, `success`, `error`. Read-only and free.

use crate::command::prelude::*;
use crate::skills::theta;

use crate::error::{Error, ErrorCode};
use crate::schema::IDENTIFIER_PATTERN;

/// Arguments of `theta.ondemand.status`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StatusArgs {
    /// The request id returned by `theta.ondemand.infer` (`body.infer_requests[0].id`, e.g.
    /// `infr_rqst_…`).
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub request_id: String,
}

/// `theta.ondemand.status`.
#[derive(Debug, Clone, Copy)]
pub struct Status;

impl Command for Status {
    const ID: &'static str = "theta.ondemand.status";
    const ALIASES: &'static [&'static str] = &["get_request_status"];
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Shows the state and, when finished, the output of an on-demand inference request.";
    const SERVICE: Service = theta::ONDEMAND;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::ONDEMAND_TOKEN)];
    type Args = StatusArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: StatusArgs) -> Result<Value, Error> {
        ctx.client(theta::ONDEMAND)?
            .send(&request(&args.request_id))
            .await?
            .json_value()
    }

    /// MCP parity: `get_request_status` takes `request_id`.
    fn alias_args(_alias: &str, args: Value) -> Value {
        rename_request_id(args)
    }

    fn example() -> Value {
        json!({"requestId": "infr_rqst_a1b2c3d4e5"})
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        super::field_code(field)
    }
}

/// `GET /infer_request/<id>`.
pub(crate) fn request(request_id: &str) -> ApiRequest {
    ApiRequest::get(&["infer_request", request_id])
}

/// `request_id` → `requestId`, unless `requestId` is given too (then both stay, and the
/// schema names `request_id` as the unexpected one).
pub(super) fn rename_request_id(mut args: Value) -> Value {
    if let Some(map) = args.as_object_mut()
        && !map.contains_key("requestId")
        && let Some(id) = map.remove("request_id")
    {
        map.insert("requestId".into(), id);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alias_renames_request_id() {
        assert_eq!(
            rename_request_id(json!({"request_id": "r1"})),
            json!({"requestId": "r1"})
        );
        assert_eq!(
            rename_request_id(json!({"request_id": "r1", "requestId": "r2"})),
            json!({"request_id": "r1", "requestId": "r2"})
        );
        assert_eq!(
            rename_request_id(json!({"requestId": "r2"})),
            json!({"requestId": "r2"})
        );
    }

    #[test]
    fn args_are_checked_by_the_schema() {
        let schema = crate::schema::input_schema::<StatusArgs>();
        let validator = crate::schema::compile(&schema).unwrap();
        assert!(validator.is_valid(&json!({"requestId": "infr_rqst_1"})));
        for bad in [
            json!({}),
            json!({"requestId": ""}),
            json!({"requestId": "../x"}),
            json!({"requestId": "a/b"}),
            json!({"requestId": "r", "extra": 1}),
        ] {
            assert!(!validator.is_valid(&bad), "{bad}");
        }
        assert_eq!(request("r1").effect(), Effect::ReadOnly);
    }
}
