//! `elizacloud.containers.deploy`: Deploys a container from an allow-listed image (idempotent per project); billed daily while running.

use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, preview, send};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Arguments of `elizacloud.containers.deploy`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeployArgs {
    /// Display name.
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
    /// An allow-listed image (maybe required as `repo@sha256:<64 hex>`).
    #[schemars(regex(pattern = "^[A-Za-z0-9._/:@-]+$"), length(min = 1, max = 512))]
    pub image: String,
    /// Project name (default: a slug of `name`); a live container with the same project is
    /// returned instead of creating another.
    #[schemars(regex(pattern = "^[a-z0-9][a-z0-9-]{0,59}$"))]
    pub project_name: Option<String>,
    /// The port the app listens on (default 3000).
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u32>,
    /// CPU units (default 1792).
    #[schemars(range(min = 128, max = 16384))]
    pub cpu: Option<u32>,
    /// Memory in MB (default 1792).
    #[schemars(range(min = 128, max = 65536))]
    pub memory_mb: Option<u32>,
    /// Environment variables (string values; platform-reserved keys are refused).
    pub environment_vars: Option<Map<String, Value>>,
    /// Health check path, e.g. `/health`.
    #[schemars(regex(pattern = "^/[^\\s]*$"), length(max = 256))]
    pub health_check_path: Option<String>,
}

fn deploy_request(args: &DeployArgs) -> Result<ApiRequest, Error> {
    crate::skills::elizacloud::string_values(args.environment_vars.as_ref(), "environmentVars")?;
    let mut body = json!({ "name": args.name, "image": args.image });
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            body[key] = value;
        }
    };
    put("projectName", args.project_name.as_ref().map(|v| json!(v)));
    put("port", args.port.map(|v| json!(v)));
    put("cpu", args.cpu.map(|v| json!(v)));
    put("memoryMb", args.memory_mb.map(|v| json!(v)));
    put(
        "environmentVars",
        args.environment_vars.as_ref().map(|v| json!(v)),
    );
    put(
        "healthCheckPath",
        args.health_check_path.as_ref().map(|v| json!(v)),
    );
    Ok(ApiRequest::post(&["api", "v1", "containers"], Effect::Paid).json(body))
}

/// What a deploy did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployOutput {
    /// True when a new container was created (201); false when the project's live container
    /// was returned (200).
    pub created: bool,
    /// The container.
    pub container: Value,
}

/// `elizacloud.containers.deploy`: `POST /api/v1/containers`. Paid: billed daily while
/// running.
#[derive(Debug, Clone, Copy)]
pub struct Deploy;

impl Command for Deploy {
    const ID: &'static str = "elizacloud.containers.deploy";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Deploys a container from an allow-listed image (idempotent per project); billed daily while running.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = DeployArgs;
    type Output = DeployOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: DeployArgs) -> Result<DeployOutput, Error> {
        let response = send(ctx, &deploy_request(&args)?).await?;
        let answer = response.json_value()?;
        Ok(DeployOutput {
            created: response.status() == 201,
            container: answer.get("data").cloned().unwrap_or(answer),
        })
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &DeployArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &deploy_request(args)?)?
            .note("Billed daily while running; a live container of the same projectName is returned instead of a new one."))
    }

    fn example() -> Value {
        json!({"name": "hello", "image": "nginx:1.27", "port": 80})
    }
}
