//! `theta.deployments.list`: the project's deployments.
//!
//! `GET https://controller.thetaedgecloud.com/deployment/list?project_id=<p>` with
//! `x-api-key`; when the controller answers 404/405 there, the same request on
//! `/deployments/list` (route drift, `spec/theta-api.md` §2.6). Read-only and free. The answer
//! is returned as is: `body` is the array of deployments (`TemplateName`, `Shard`, `Suffix`,
//! `Endpoint`, …).

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use futures_util::future::BoxFuture;

use crate::command::{Command, Ctx, Effect, Invoked, SecretNeed, Service};
use crate::pack::{CapabilityProbe, sample_of};
use crate::skills::theta::controller::{ProjectArgs, send_with_route_fallback};

/// `theta.deployments.list`.
#[derive(Debug, Clone, Copy)]
pub struct List;

impl Command for List {
    const ID: &'static str = "theta.deployments.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str =
        "Lists the project's deployments (template, shard, suffix, endpoint, status).";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = ProjectArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ProjectArgs) -> Result<Value, Error> {
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        list_deployments(ctx, &project, &[]).await
    }

    fn example() -> Value {
        json!({"projectId": "prj_example"})
    }
}

/// `GET /<route>/list?project_id=<project>` plus `filters` (e.g. `template_name`).
pub(crate) fn list_request(route: &str, project: &str, filters: &[(&str, &str)]) -> ApiRequest {
    filters.iter().fold(
        ApiRequest::get(&[route, "list"]).query("project_id", project),
        |request, (key, value)| request.query(key, value),
    )
}

/// The project's deployments, with the singular/plural route fallback.
pub(crate) async fn list_deployments(
    ctx: &Ctx<'_>,
    project: &str,
    filters: &[(&str, &str)],
) -> Result<Value, Error> {
    send_with_route_fallback(ctx, |route| list_request(route, project, filters))
        .await?
        .json_value()
}

/// The `controller.project` capability probe: `theta.deployments.list` for the configured
/// project, through the dry-run gate. Read-only and free.
pub fn capability_probe<'a>(
    ctx: &'a Ctx<'a>,
    _args: &'a serde_json::Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    Box::pin(async move {
        Ok(match ctx.invoke(&List, ProjectArgs::default()).await? {
            Invoked::Ran(answer) => CapabilityProbe::Verified {
                probe: "GET /deployment/list".to_owned(),
                sample: sample_of(&answer),
            },
            Invoked::Previewed(_) => CapabilityProbe::NotSent {
                reason: "dry-run stopped the probe".to_owned(),
            },
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::theta::controller::testing::controller_url;

    #[test]
    fn filters_are_form_encoded() {
        let request = list_request(
            "deployment",
            "prj_a",
            &[("template_name", "Jupyter Notebook")],
        );
        let url = controller_url(&request);
        assert_eq!(
            url,
            "https://controller.thetaedgecloud.com/deployment/list?project_id=prj_a&template_name=Jupyter+Notebook"
        );
    }
}
