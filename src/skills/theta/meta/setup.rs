//! `theta.setup`: the first-run checklist.
//!
//! No network and no credentials needed. Each step says whether it is already done, judged
//! from what the host sent and the environment (values are never shown, only whether they are
//! set), so a new user sees exactly what is left to do.

use crate::skills::theta;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::command::{Command, Ctx, Effect, SecretNeed, Service};
use crate::error::Error;
use crate::skills::theta::is_project_id;

/// No arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupArgs {}

/// The checklist.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupOutput {
    mode: &'static str,
    /// Whether the baseline (project key and id) is configured.
    ready: bool,
    checklist: Vec<Step>,
    env: Value,
    links: Value,
    next: &'static str,
}

/// One step of the checklist.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Step {
    step: usize,
    title: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    /// Variables this step sets.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    env: &'static [&'static str],
    optional: bool,
    /// `done`, `todo`, `invalid`, `manual` (cannot be checked from here) or `host` (not in
    /// the environment; the OpenClaw host may hold it and is asked when a command needs it).
    status: &'static str,
}

/// `theta.setup`.
#[derive(Debug, Clone, Copy)]
pub struct Setup;

impl Command for Setup {
    const ID: &'static str = "theta.setup";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the first-run checklist: which Theta credentials are set and where to get the missing ones.";
    const SERVICE: Service = theta::RUNTIME;
    // A checklist reports presence only: no secret value is ever asked of the host.
    const SECRETS: &'static [SecretNeed] = theta::ALL_PRESENCE;
    type Args = SetupArgs;
    type Output = SetupOutput;

    async fn run(&self, ctx: &Ctx<'_>, _args: SetupArgs) -> Result<SetupOutput, Error> {
        let secrets = ctx.secrets();
        let config = ctx.config();
        let has = |name| secrets.contains(name);
        let status = |done: bool| if done { "done" } else { "todo" };
        // Present → done; every missing one held back for the host (serve mode, which is
        // asked only when a command needs the value) → host; otherwise todo.
        let secret_status = |names: &[crate::secrets::SecretName]| {
            let missing: Vec<_> = names.iter().filter(|n| !has(**n)).collect();
            if missing.is_empty() {
                "done"
            } else if missing.iter().all(|n| ctx.is_deferred(**n)) {
                "host"
            } else {
                "todo"
            }
        };

        let project_status = match config.setting(theta::PROJECT_ID_VAR) {
            None => "todo",
            Some(id) if is_project_id(id) => "done",
            Some(_) => "invalid",
        };
        let inference_done = config.setting(theta::INFERENCE_ENDPOINT_VAR).is_some()
            && (has(theta::INFERENCE_TOKEN)
                || (has(theta::INFERENCE_USER) && has(theta::INFERENCE_PASS)));
        let ready = has(theta::EC_API_KEY) && project_status == "done";

        let checklist = vec![
            Step {
                step: 1,
                title: "Log in at https://www.thetaedgecloud.com/ (create an account if needed).",
                detail: None,
                env: &[],
                optional: false,
                status: "manual",
            },
            Step {
                step: 2,
                title: "Open Account -> Projects, select (or create) a project and copy its id (prj_...) into THETA_EC_PROJECT_ID.",
                detail: (project_status == "invalid").then(|| {
                    "THETA_EC_PROJECT_ID is set but does not look like prj_...".to_owned()
                }),
                env: &["THETA_EC_PROJECT_ID"],
                optional: false,
                status: project_status,
            },
            Step {
                step: 3,
                title: "In that project, Create API Key and set it as THETA_EC_API_KEY (in OpenClaw: skills.entries.theta-edgecloud.apiKey, or the plugin's ecApiKey).",
                detail: None,
                env: &["THETA_EC_API_KEY"],
                optional: false,
                status: secret_status(&[theta::EC_API_KEY]),
            },
            Step {
                step: 4,
                title: "Optional, for billing: set THETA_ORG_ID to your organization id.",
                detail: None,
                env: &["THETA_ORG_ID"],
                optional: true,
                status: status(config.setting(theta::ORG_ID_VAR).is_some()),
            },
            Step {
                step: 5,
                title: "Optional, for GPU nodes and project billing (theta.gpu.*, theta.billing.projectBalance/usage/topUps.list/pricing): nothing more to set; they use THETA_EC_API_KEY and THETA_EC_PROJECT_ID on Theta's v1 controller, which is beta (https://controller-beta.thetaedgecloud.com; THETA_CONTROLLER_V1_BASE_URL overrides it, THETA_CONTROLLER_BASE_URL does not).",
                detail: None,
                env: &[],
                optional: true,
                status: if project_status == "done" {
                    secret_status(&[theta::EC_API_KEY])
                } else {
                    "todo"
                },
            },
            Step {
                step: 6,
                title: "Optional, for on-demand models: create a key under On-demand Model APIs -> API Key (https://www.thetaedgecloud.com/dashboard/api-keys) and set THETA_ONDEMAND_API_KEY (or THETA_ONDEMAND_API_TOKEN).",
                detail: None,
                env: &["THETA_ONDEMAND_API_KEY", "THETA_ONDEMAND_API_TOKEN"],
                optional: true,
                status: secret_status(&[theta::ONDEMAND_TOKEN]),
            },
            Step {
                step: 7,
                title: "Optional, for a dedicated inference endpoint: set THETA_INFERENCE_ENDPOINT and THETA_INFERENCE_AUTH_TOKEN (or THETA_INFERENCE_AUTH_USER and THETA_INFERENCE_AUTH_PASS).",
                detail: None,
                env: &[
                    "THETA_INFERENCE_ENDPOINT",
                    "THETA_INFERENCE_AUTH_TOKEN",
                    "THETA_INFERENCE_AUTH_USER",
                    "THETA_INFERENCE_AUTH_PASS",
                ],
                optional: true,
                status: status(inference_done),
            },
            Step {
                step: 8,
                title: "Optional, for the Video API: set THETA_VIDEO_SA_ID and THETA_VIDEO_SA_SECRET from your service account at https://www.thetavideoapi.com/.",
                detail: None,
                env: &["THETA_VIDEO_SA_ID", "THETA_VIDEO_SA_SECRET"],
                optional: true,
                status: secret_status(&[theta::VIDEO_SA_ID, theta::VIDEO_SA_SECRET]),
            },
            Step {
                step: 9,
                title: "Run theta.auth.capabilities to verify which command families your credentials unlock.",
                detail: None,
                env: &[],
                optional: false,
                status: "manual",
            },
        ];

        Ok(SetupOutput {
            mode: "api-key-first",
            ready,
            checklist,
            env: json!({
                "baselineRequired": ["THETA_EC_API_KEY", "THETA_EC_PROJECT_ID"],
                "optionalByFeature": {
                    "billing": ["THETA_ORG_ID"],
                    "ondemand": ["THETA_ONDEMAND_API_KEY or THETA_ONDEMAND_API_TOKEN"],
                    "dedicatedInference": [
                        "THETA_INFERENCE_ENDPOINT",
                        "THETA_INFERENCE_AUTH_TOKEN or THETA_INFERENCE_AUTH_USER/PASS"
                    ],
                    "video": ["THETA_VIDEO_SA_ID", "THETA_VIDEO_SA_SECRET"],
                    "gpuNodesAndProjectBilling": [
                        "THETA_EC_API_KEY",
                        "THETA_EC_PROJECT_ID",
                        "THETA_CONTROLLER_V1_BASE_URL (optional override of the beta host)"
                    ]
                },
                "safety": [
                    "THETA_DRY_RUN=1 previews every paid or mutating command without sending it",
                    "confirm: false on theta.gpu.deployments.create/start/stop/delete previews that call without sending it"
                ]
            }),
            links: json!({
                "thetaDashboard": "https://www.thetaedgecloud.com/",
                "apiKeyDoc": "https://docs.thetatoken.org/docs/edgecloud-api-keys",
                "ondemandApiKeys": "https://www.thetaedgecloud.com/dashboard/api-keys",
                "videoApi": "https://www.thetavideoapi.com/"
            }),
            next: "theta.auth.capabilities",
        })
    }
}
