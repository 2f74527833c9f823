//! `theta.gpu.deployments.create` (alias `create_gpu_deployment`): creates a GPU node
//! deployment from a template on a hosted or community GPU resource.
//!
//! `POST https://controller-beta.thetaedgecloud.com/v1/projects/<p>/gpu-deployments` with
//! `x-api-key` and a JSON body of the given fields (absent optional fields are omitted;
//! `confirm` and `projectId` are never sent). **Paid**: it starts billable capacity. Sent
//! once: a timeout or 5xx is reported, never retried (the deployment may exist; check
//! `theta.gpu.deployments.list`). Previewed in dry-run and when `confirm` is `false`, with
//! the price ceiling. Constraints are checked before anything is sent; a community resource
//! without `max_price_per_hour_usd` gets a warning (the controller is the authority).

use crate::command::prelude::*;
use crate::skills::theta;
use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorCode};
use crate::schema::PROJECT_ID_PATTERN;
use crate::skills::theta::controller_v1::{
    self, NO_CONTROL_PATTERN, check_id, confirm_note, project_request,
};

use super::COLLECTION;

/// The rule for `name`.
const NAME_PATTERN: &str = "^[A-Za-z0-9]{1,20}$";

/// Arguments (the official tool's names).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArgs {
    /// The GPU node template (`dplt_...`) from `theta.gpu.templates.list`.
    #[schemars(length(min = 1, max = 256), regex(pattern = NO_CONTROL_PATTERN))]
    pub deployment_template_id: String,
    /// The hosted or community GPU resource from `theta.gpu.resources.list` (e.g.
    /// `community_node/1`).
    #[schemars(length(min = 1, max = 256), regex(pattern = NO_CONTROL_PATTERN))]
    pub resource_id: String,
    /// A container image the chosen template allows (see `theta.gpu.templates.list`).
    #[schemars(length(min = 1, max = 1024), regex(pattern = NO_CONTROL_PATTERN))]
    pub container_image: String,
    /// The SSH public key installed on the node (one line, e.g. `ssh-ed25519 AAAA... me`).
    #[schemars(length(min = 1, max = 16384), regex(pattern = NO_CONTROL_PATTERN))]
    pub ssh_public_key: String,
    /// Short deployment name: 1 to 20 letters and digits.
    #[schemars(regex(pattern = NAME_PATTERN))]
    pub name: Option<String>,
    /// Human-readable name, at most 100 characters.
    #[schemars(length(max = 100), regex(pattern = NO_CONTROL_PATTERN))]
    pub display_name: Option<String>,
    /// Region of a hosted resource; needed when the same hosted resource id exists in several
    /// regions.
    #[schemars(length(min = 1, max = 128), regex(pattern = NO_CONTROL_PATTERN))]
    pub region: Option<String>,
    /// SSH port on the node (1 to 65535; the controller's default is 22).
    #[schemars(range(min = 1, max = 65535))]
    pub ssh_port: Option<u16>,
    /// Optional HTTP service port (0 to 65535).
    #[schemars(range(min = 0, max = 65535))]
    pub http_port: Option<u16>,
    /// Hourly price ceiling in USD, greater than 0. Needed for a community GPU resource.
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub max_price_per_hour_usd: Option<f64>,
    /// Optional, for callers of the official MCP tool: `false` turns this call into a dry-run
    /// preview (nothing is sent); `true` or absent changes nothing, and never turns a dry-run
    /// off. Show the preview to the user and get a yes before running it for real.
    pub confirm: Option<bool>,
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[serde(rename = "projectId")]
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// `theta.gpu.deployments.create`.
#[derive(Debug, Clone, Copy)]
pub struct Create;

impl Command for Create {
    const ID: &'static str = "theta.gpu.deployments.create";
    const ALIASES: &'static [&'static str] = &["create_gpu_deployment"];
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Creates a GPU node deployment from a template on a hosted or community GPU resource, which starts billable capacity.";
    const SERVICE: Service = theta::CONTROLLER_V1;
    const SECRETS: &'static [SecretNeed] = crate::skills::theta::gpu::SECRETS;
    type Args = CreateArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: CreateArgs) -> Result<Value, Error> {
        let request = create_request(ctx, &args)?;
        controller_v1::send(ctx, &request).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &CreateArgs) -> Result<Preview, Error> {
        let request = create_request(ctx, args)?;
        let mut preview = controller_v1::preview(ctx, &request)?
            .cost_hint(json!({
                "effect": "starts billable capacity",
                "maxPricePerHourUsd": args.max_price_per_hour_usd,
                "billing": "per hour of the GPU resource, from creation until the deployment is stopped or deleted",
                "prices": "theta.gpu.resources.list",
            }))
            .note(match args.max_price_per_hour_usd {
                Some(ceiling) => format!(
                    "Starts billable capacity, at most {ceiling} USD per hour (max_price_per_hour_usd)."
                ),
                None => "Starts billable capacity; no price ceiling is set (max_price_per_hour_usd).".to_owned(),
            })
            .note("Sent once: on a timeout or 5xx the deployment may exist; check theta.gpu.deployments.list before resending.");
        if args.confirm == Some(false) {
            preview = preview.note(confirm_note("create"));
        }
        Ok(preview)
    }

    fn requests_dry_run(args: &CreateArgs) -> bool {
        args.confirm == Some(false)
    }

    fn example() -> Value {
        json!({
            "projectId": "prj_example",
            "deployment_template_id": "dplt_example",
            "resource_id": "community_node/1",
            "container_image": "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
            "ssh_public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample user@example",
            "name": "gpunode1",
            "max_price_per_hour_usd": 0.5,
            "confirm": true
        })
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        controller_v1::field_code(field)
    }
}

/// Checks every constraint (again, after the schema) and builds the request; warns when a
/// community resource has no price ceiling.
fn create_request(ctx: &Ctx<'_>, args: &CreateArgs) -> Result<ApiRequest, Error> {
    let body = create_body(args)?;
    if is_community(&args.resource_id) && args.max_price_per_hour_usd.is_none() {
        ctx.warn(
            "resource_id names a community GPU resource but max_price_per_hour_usd is not set: the controller may refuse it, or bill whatever the node asks. Set a price ceiling.",
        );
    }
    let project = controller_v1::project(ctx, args.project_id.as_deref())?;
    Ok(project_request("POST", &project, &[COLLECTION], Effect::Paid).json(Value::Object(body)))
}

/// Whether `resource_id` names a community resource (`community…`).
fn is_community(resource_id: &str) -> bool {
    resource_id
        .trim()
        .get(..9)
        .is_some_and(|p| p.eq_ignore_ascii_case("community"))
}

/// The JSON body: required fields, then the optional ones that were given.
fn create_body(args: &CreateArgs) -> Result<Map<String, Value>, Error> {
    let mut body = Map::new();
    if let Some(name) = &args.name {
        let ok = (1..=20).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric());
        if !ok {
            return Err(Error::invalid_field(
                ErrorCode::InvalidField,
                "name",
                "name must be 1 to 20 letters or digits.",
            ));
        }
        body.insert("name".into(), json!(name));
    }
    if let Some(display_name) = &args.display_name {
        if display_name.chars().count() > 100 || display_name.chars().any(char::is_control) {
            return Err(Error::invalid_field(
                ErrorCode::InvalidField,
                "display_name",
                "display_name must be at most 100 characters, without control characters.",
            ));
        }
        body.insert("display_name".into(), json!(display_name));
    }
    body.insert(
        "deployment_template_id".into(),
        json!(check_id(
            "deployment_template_id",
            &args.deployment_template_id
        )?),
    );
    body.insert(
        "resource_id".into(),
        json!(check_id("resource_id", &args.resource_id)?),
    );
    if let Some(region) = &args.region {
        body.insert("region".into(), json!(check_id("region", region)?));
    }
    body.insert(
        "container_image".into(),
        json!(check_id("container_image", &args.container_image)?),
    );
    body.insert(
        "ssh_public_key".into(),
        json!(check_id("ssh_public_key", &args.ssh_public_key)?),
    );
    if let Some(port) = args.ssh_port {
        if port == 0 {
            return Err(Error::invalid_field(
                ErrorCode::InvalidField,
                "ssh_port",
                "ssh_port must be between 1 and 65535.",
            ));
        }
        body.insert("ssh_port".into(), json!(port));
    }
    if let Some(port) = args.http_port {
        body.insert("http_port".into(), json!(port));
    }
    if let Some(price) = args.max_price_per_hour_usd {
        if !(price.is_finite() && price > 0.0) {
            return Err(Error::invalid_field(
                ErrorCode::InvalidField,
                "max_price_per_hour_usd",
                "max_price_per_hour_usd must be a number greater than 0.",
            ));
        }
        body.insert("max_price_per_hour_usd".into(), json!(price));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(value: Value) -> CreateArgs {
        serde_json::from_value(value).unwrap()
    }

    fn minimal() -> Value {
        json!({
            "deployment_template_id": "dplt_1",
            "resource_id": "community_node/1",
            "container_image": "img:1",
            "ssh_public_key": "ssh-ed25519 AAAA me\n"
        })
    }

    #[test]
    fn the_body_has_only_the_given_fields_and_never_confirm() {
        let mut full = minimal();
        full["confirm"] = json!(true);
        full["projectId"] = json!("prj_a");
        full["ssh_port"] = json!(2222);
        full["http_port"] = json!(0);
        full["max_price_per_hour_usd"] = json!(0.25);
        let body = create_body(&args(full)).unwrap();
        assert_eq!(
            Value::Object(body),
            json!({
                "deployment_template_id": "dplt_1",
                "resource_id": "community_node/1",
                "container_image": "img:1",
                "ssh_public_key": "ssh-ed25519 AAAA me",
                "ssh_port": 2222,
                "http_port": 0,
                "max_price_per_hour_usd": 0.25
            })
        );
    }

    #[test]
    fn typed_checks_back_the_schema() {
        for (field, value) in [
            ("name", json!("has space")),
            ("name", json!("a".repeat(21))),
            ("display_name", json!("x".repeat(101))),
            ("ssh_port", json!(0)),
            ("max_price_per_hour_usd", json!(0.0)),
            ("max_price_per_hour_usd", json!(-1.0)),
            ("ssh_public_key", json!("ssh-ed25519 A\nB")),
            ("resource_id", json!("  ")),
        ] {
            let mut bad = minimal();
            bad[field] = value;
            let error = create_body(&args(bad)).unwrap_err();
            assert_eq!(error.problems()[0].path, format!("/{field}"), "{error:?}");
            assert_eq!(error.exit_status(), 2);
        }
    }

    #[test]
    fn community_resources_are_recognised() {
        assert!(is_community("community_node/1"));
        assert!(is_community(" Community-x"));
        assert!(!is_community("h100_us_east"));
        assert!(!is_community("comm"));
    }
}
