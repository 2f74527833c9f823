//! `theta.deployments.routeProbe`: which deployment route the controller serves.
//!
//! `GET /deployment/list?project_id=<p>`, and when that fails `GET /deployments/list?...`, on
//! the controller with `x-api-key` (route drift, `spec/theta-api.md` §2.6). Read-only and free.
//! HTTP and network failures are reported in `attempts`, never raised: the probe's answer is
//! the report. Missing credentials or project are still errors.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use serde::Serialize;

use crate::skills::theta::controller::{PLURAL, ProjectArgs, SINGULAR};

use super::list::list_request;

/// The probe report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteProbeOutput {
    /// Whether one of the routes answered.
    ok: bool,
    /// The route that answered (`/deployment/list` or `/deployments/list`).
    #[serde(skip_serializing_if = "Option::is_none")]
    selected_route: Option<String>,
    /// Each route tried, in order.
    attempts: Vec<RouteAttempt>,
    /// The answer of the selected route.
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<Value>,
}

/// One route tried.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteAttempt {
    route: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

/// `theta.deployments.routeProbe`.
#[derive(Debug, Clone, Copy)]
pub struct RouteProbe;

impl Command for RouteProbe {
    const ID: &'static str = "theta.deployments.routeProbe";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Reports which deployment list route (/deployment or /deployments) the controller answers, without failing on HTTP errors.";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = ProjectArgs;
    type Output = RouteProbeOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: ProjectArgs) -> Result<RouteProbeOutput, Error> {
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        let client = ctx.client(theta::CONTROLLER)?;
        let mut attempts = Vec::new();
        for route in [SINGULAR, PLURAL] {
            let path = format!("/{route}/list");
            let answer = match client.send(&list_request(route, &project, &[])).await {
                Ok(response) => response.json_value(),
                Err(error) => Err(error),
            };
            match answer {
                Ok(response) => {
                    attempts.push(RouteAttempt {
                        route: path.clone(),
                        ok: true,
                        status: None,
                        code: None,
                        message: None,
                    });
                    return Ok(RouteProbeOutput {
                        ok: true,
                        selected_route: Some(path),
                        attempts,
                        response: Some(response),
                    });
                }
                Err(error) => attempts.push(RouteAttempt {
                    route: path,
                    ok: false,
                    status: error.status(),
                    code: Some(error.code().to_string()),
                    message: Some(error.message().to_owned()),
                }),
            }
        }
        Ok(RouteProbeOutput {
            ok: false,
            selected_route: None,
            attempts,
            response: None,
        })
    }

    fn example() -> Value {
        json!({"projectId": "prj_example"})
    }
}
