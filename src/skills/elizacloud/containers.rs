//! Containers on the Hetzner-Docker pool: `/api/v1/containers` (`spec/elizacloud.md` §6.7).
//! Images must be on the platform's allow-list (403 `ELIZACLOUD_IMAGE_NOT_ALLOWED` /
//! `ELIZACLOUD_IMAGE_NOT_DIGEST_PINNED`); a deploy is idempotent per `projectName` (200 with
//! the live container, 201 when created); a running container is billed daily; stop and
//! delete stop billing.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::meta::NoArgs;
use super::{API, ID_PATTERN, KEY_REQUIRED, preview, send, send_json};
use crate::command::{Command, Ctx, Effect, Preview, SecretNeed, Service};
use crate::error::Error;
use crate::http::ApiRequest;

fn containers() -> ApiRequest {
    ApiRequest::get(&["api", "v1", "containers"])
}

/// `elizacloud.containers.list`.
#[derive(Debug, Clone, Copy)]
pub struct List;

impl Command for List {
    const ID: &'static str = "elizacloud.containers.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the organization's containers with status, URL and billing.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        send_json(ctx, &containers()).await
    }
}

/// Arguments naming one container.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContainerArgs {
    /// The container id (from elizacloud.containers.list).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub container_id: String,
}

/// `elizacloud.containers.get`.
#[derive(Debug, Clone, Copy)]
pub struct Get;

impl Command for Get {
    const ID: &'static str = "elizacloud.containers.get";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows one container: status, image, URL, health and billing.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = ContainerArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ContainerArgs) -> Result<Value, Error> {
        send_json(ctx, &containers().segment(&args.container_id)).await
    }

    fn example() -> Value {
        json!({"containerId": "ctr_123"})
    }
}

/// `elizacloud.containers.quota`: `GET /api/v1/containers/quota` (under `quota`).
#[derive(Debug, Clone, Copy)]
pub struct Quota;

impl Command for Quota {
    const ID: &'static str = "elizacloud.containers.quota";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows whether the organization may deploy another container.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = NoArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, _args: NoArgs) -> Result<Value, Error> {
        send_json(ctx, &containers().segment("quota")).await
    }
}

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
    super::string_values(args.environment_vars.as_ref(), "environmentVars")?;
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

fn item(id: &str, effect: Effect) -> (ApiRequest, ApiRequest) {
    (
        ApiRequest::delete(&["api", "v1", "containers"], effect).segment(id),
        ApiRequest::patch(&["api", "v1", "containers"], effect).segment(id),
    )
}

/// `elizacloud.containers.stop`: `DELETE /{id}?mode=stop` → `{success, container}`.
#[derive(Debug, Clone, Copy)]
pub struct Stop;

fn stop_request(id: &str) -> ApiRequest {
    item(id, Effect::Mutating).0.query("mode", "stop")
}

impl Command for Stop {
    const ID: &'static str = "elizacloud.containers.stop";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Stops a container (and its daily billing) without deleting it.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = ContainerArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ContainerArgs) -> Result<Value, Error> {
        send_json(ctx, &stop_request(&args.container_id)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &ContainerArgs) -> Result<Preview, Error> {
        preview(ctx, &stop_request(&args.container_id))
    }

    fn example() -> Value {
        json!({"containerId": "ctr_123"})
    }
}

/// `elizacloud.containers.restart`: `PATCH /{id}` `{action:"restart"}`.
#[derive(Debug, Clone, Copy)]
pub struct Restart;

fn restart_request(id: &str) -> ApiRequest {
    item(id, Effect::Mutating)
        .1
        .json(json!({"action": "restart"}))
}

impl Command for Restart {
    const ID: &'static str = "elizacloud.containers.restart";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Restarts a container (billing pauses while it redeploys).";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = ContainerArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ContainerArgs) -> Result<Value, Error> {
        send_json(ctx, &restart_request(&args.container_id)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &ContainerArgs) -> Result<Preview, Error> {
        preview(ctx, &restart_request(&args.container_id))
    }

    fn example() -> Value {
        json!({"containerId": "ctr_123"})
    }
}

/// Arguments of `elizacloud.containers.delete`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeleteArgs {
    /// The container id.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub container_id: String,
    /// Also delete its volume (its data).
    pub purge_volume: Option<bool>,
}

fn delete_request(args: &DeleteArgs) -> ApiRequest {
    item(&args.container_id, Effect::Mutating)
        .0
        .query("mode", "delete")
        .query_opt("purgeVolume", args.purge_volume.filter(|p| *p))
}

/// `elizacloud.containers.delete`: `DELETE /{id}?mode=delete` → `{success, deleted:true}`.
/// Destructive.
#[derive(Debug, Clone, Copy)]
pub struct Delete;

impl Command for Delete {
    const ID: &'static str = "elizacloud.containers.delete";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str =
        "Destructive: deletes a container (with purgeVolume, its data too); this cannot be undone.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = DeleteArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: DeleteArgs) -> Result<Value, Error> {
        send_json(ctx, &delete_request(&args)).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &DeleteArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &delete_request(args))?.note("Destructive: the container is deleted."))
    }

    fn example() -> Value {
        json!({"containerId": "ctr_123"})
    }
}
