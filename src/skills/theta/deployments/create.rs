//! `theta.deployments.create`: creates a deployment (paid).
//!
//! `POST https://controller.thetaedgecloud.com/deployment` with `x-api-key` and the JSON
//! payload, `project_id` set from `projectId`, `payload.project_id` or THETA_EC_PROJECT_ID.
//! **Paid**: the VM type is billed for as long as the deployment exists. Sent once: a timeout
//! or 5xx is reported, never retried (the deployment may exist; check
//! `theta.deployments.list`). The answer is returned as is.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::codes;
use crate::skills::theta::default_field_code;
use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorCode};
use crate::schema::PROJECT_ID_PATTERN;
use crate::skills::theta::controller::payload_with_project;

use crate::secrets;

/// Arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateArgs {
    /// The deployment, as the controller's `POST /deployment` takes it: the template
    /// (`deployment_template_id`, from `theta.deployments.listStandard` or `listCustom`), the
    /// VM type (from `theta.deployments.listVm`), and for serving templates optionally
    /// `auth_username`/`auth_password` for the endpoint. `project_id` is filled in.
    pub payload: Map<String, Value>,
    /// Project id (`prj_...`); defaults to `payload.project_id`, then THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// `theta.deployments.create`.
#[derive(Debug, Clone, Copy)]
pub struct Create;

impl Command for Create {
    const ID: &'static str = "theta.deployments.create";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str =
        "Creates a deployment from a template on a VM type; billed until it is deleted.";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = CreateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: CreateArgs) -> Result<Value, Error> {
        let request = create_request(ctx, &args)?;
        ctx.client(theta::CONTROLLER)?
            .send(&request)
            .await?
            .json_or_status()
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &CreateArgs) -> Result<Preview, Error> {
        let request = create_request(ctx, args)?;
        Ok(
            Preview::request(ctx.client(theta::CONTROLLER)?.preview(&request)?)
                .cost_hint(billing_hint())
                .note("Sent once: on a timeout or 5xx the deployment may exist; check theta.deployments.list before retrying."),
        )
    }

    fn example() -> Value {
        json!({
            "projectId": "prj_example",
            "payload": {
                "deployment_template_id": "tpl_example",
                "vm_id": "vm_gt1",
                "replicas": 1
            }
        })
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        match field {
            "payload" => Some(codes::INVALID_DEPLOYMENT_PAYLOAD),
            other => default_field_code(other),
        }
    }
}

fn create_request(ctx: &Ctx<'_>, args: &CreateArgs) -> Result<ApiRequest, Error> {
    let (payload, _project) = payload_with_project(
        ctx,
        &args.payload,
        args.project_id.as_deref(),
        codes::INVALID_DEPLOYMENT_PAYLOAD,
    )?;
    remember_endpoint_password(&payload);
    Ok(deployment_create_request(payload))
}

/// `POST /deployment` with `payload` (which already carries `project_id`).
pub(crate) fn deployment_create_request(payload: Map<String, Value>) -> ApiRequest {
    ApiRequest::post(&["deployment"], Effect::Paid).json(Value::Object(payload))
}

/// A password chosen for the deployment's endpoint is a credential: it is masked wherever it
/// appears in output from now on (the key rule already masks `auth_password` itself).
pub(crate) fn remember_endpoint_password(payload: &Map<String, Value>) {
    if let Some(Value::String(password)) = payload.get("auth_password") {
        secrets::remember(&password.as_str().into());
    }
}

/// What a deployment costs, for previews.
pub(crate) fn billing_hint() -> Value {
    json!({
        "billing": "per hour of the VM type in the payload, from creation until the deployment is deleted",
        "prices": "theta.deployments.listVm"
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::theta::controller::testing::preview;

    #[test]
    fn the_payload_is_posted_as_json() {
        let mut payload = Map::new();
        payload.insert("vm_id".into(), json!("vm_gt1"));
        payload.insert("project_id".into(), json!("prj_a"));
        let shown = preview(theta::CONTROLLER, &deployment_create_request(payload));
        assert_eq!(shown.method, "POST");
        assert_eq!(
            shown.url,
            "https://controller.thetaedgecloud.com/deployment"
        );
        assert_eq!(
            shown.body,
            Some(json!({"vm_id": "vm_gt1", "project_id": "prj_a"}))
        );
    }

    #[test]
    fn payload_problems_have_the_payload_code() {
        assert_eq!(
            Create::field_code("payload"),
            Some(codes::INVALID_DEPLOYMENT_PAYLOAD)
        );
    }
}
