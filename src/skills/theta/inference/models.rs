//! `theta.inference.models`: the models a dedicated endpoint serves.
//!
//! `GET <THETA_INFERENCE_ENDPOINT>/v1/models` with the endpoint's credentials; returns the
//! upstream JSON as is (`{"object": "list", "data": [{"id": …}, …]}` on vLLM-style servers).
//! Read-only and free: retried on 502/503 by the HTTP layer; a 404/502/503 that remains is
//! reported as `THETA_DEDICATED_ENDPOINT_UPSTREAM_UNREADY` (the deployment is warming up).

use crate::command::prelude::*;
use crate::skills::theta;

use super::{SECRETS, annotate_unready, client, openai_path, segments};
use crate::http::{ApiRequest, ServiceClient};

/// No arguments: the endpoint comes from THETA_INFERENCE_ENDPOINT.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelsArgs {}

/// `theta.inference.models`.
#[derive(Debug, Clone, Copy)]
pub struct Models;

impl Command for Models {
    const ID: &'static str = "theta.inference.models";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the models served by the dedicated inference endpoint in THETA_INFERENCE_ENDPOINT.";
    const SERVICE: Service = theta::DEDICATED;
    const SECRETS: &'static [SecretNeed] = SECRETS;
    type Args = ModelsArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: ModelsArgs) -> Result<Value, Error> {
        let client = client(ctx)?;
        client
            .send(&request(&client))
            .await
            .map_err(|e| annotate_unready(e, false))?
            .json_value()
    }
}

fn request(client: &ServiceClient<'_>) -> ApiRequest {
    ApiRequest::get(&segments(&openai_path(client, &["models"])))
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::schema;

    #[test]
    fn takes_no_arguments() {
        let validator = schema::compile(&schema::input_schema::<ModelsArgs>()).unwrap();
        assert!(validator.is_valid(&json!({})));
        assert!(!validator.is_valid(&json!({"model": "x"})));
    }
}
