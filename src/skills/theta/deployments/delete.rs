//! `theta.deployments.delete`: deletes a deployment, which stops its billing.
//!
//! By id: `DELETE https://controller.thetaedgecloud.com/deployment/base/<deploymentId>?project_id=<p>`;
//! by shard and suffix: `DELETE .../deployment/<shard>/<suffix>?project_id=<p>`; with
//! `x-api-key`. On 404/405 the same request is sent once on `/deployments/...` (route drift;
//! a 404/405 proves nothing was done). Mutating and destructive. The answer is the parsed
//! body (`{"status":"success"}` when the controller sends none).

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use crate::skills::theta::codes;

use crate::error::{Error, ErrorCode};
use crate::schema::{IDENTIFIER_PATTERN, PROJECT_ID_PATTERN};
use crate::skills::theta::controller::{PLURAL, SINGULAR, send_with_route_fallback};

/// Arguments: `deploymentId`, or `shard` and `suffix`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeleteArgs {
    /// The deployment's id (the base deployment id from `theta.deployments.list`). Give this,
    /// or `shard` and `suffix`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub deployment_id: Option<String>,
    /// The deployment's shard (`Shard` in `theta.deployments.list`), with `suffix`.
    #[schemars(range(max = 1_000_000))]
    pub shard: Option<u32>,
    /// The deployment's suffix (`Suffix` in `theta.deployments.list`), with `shard`.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub suffix: Option<String>,
    /// Project id (`prj_...`); defaults to THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
}

/// Which deployment to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeleteTarget {
    /// `/deployment/base/<id>`.
    Base(String),
    /// `/deployment/<shard>/<suffix>`.
    ShardSuffix {
        /// The shard, as text.
        shard: String,
        /// The suffix.
        suffix: String,
    },
}

impl DeleteTarget {
    /// The request on `route` (`deployment` or `deployments`).
    pub(crate) fn request(&self, route: &str, project: &str) -> ApiRequest {
        let request = match self {
            DeleteTarget::Base(id) => ApiRequest::delete(&[route, "base", id], Effect::Mutating),
            DeleteTarget::ShardSuffix { shard, suffix } => {
                ApiRequest::delete(&[route, shard, suffix], Effect::Mutating)
            }
        };
        request.query("project_id", project)
    }

    /// The arguments of `theta.deployments.delete` that delete this target by hand.
    pub(crate) fn as_args(&self, project: &str) -> Value {
        match self {
            DeleteTarget::Base(id) => json!({"deploymentId": id, "projectId": project}),
            DeleteTarget::ShardSuffix { shard, suffix } => {
                let shard = shard
                    .parse::<u64>()
                    .map_or_else(|_| json!(shard), |n| json!(n));
                json!({"shard": shard, "suffix": suffix, "projectId": project})
            }
        }
    }
}

/// `theta.deployments.delete`.
#[derive(Debug, Clone, Copy)]
pub struct Delete;

impl Command for Delete {
    const ID: &'static str = "theta.deployments.delete";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Destructive: deletes a deployment by id, or by shard and suffix, ending its billing; this cannot be undone.";
    const SERVICE: Service = theta::CONTROLLER;
    const DESTRUCTIVE: bool = true;
    const IDEMPOTENT: bool = true;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = DeleteArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: DeleteArgs) -> Result<Value, Error> {
        let target = target(&args)?;
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        send_with_route_fallback(ctx, |route| target.request(route, &project))
            .await?
            .json_or_status()
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &DeleteArgs) -> Result<Preview, Error> {
        let target = target(args)?;
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        let client = ctx.client(theta::CONTROLLER)?;
        let fallback = client.url(&target.request(PLURAL, &project))?;
        Ok(
            Preview::request(client.preview(&target.request(SINGULAR, &project))?).note(format!(
                "If the controller answers 404 or 405 (nothing was done), the same DELETE is sent once to {fallback}."
            )),
        )
    }

    fn example() -> Value {
        json!({"projectId": "prj_example", "shard": 0, "suffix": "a1b2c3"})
    }
}

/// The target the arguments name: exactly one of `deploymentId` or `shard` + `suffix`.
fn target(args: &DeleteArgs) -> Result<DeleteTarget, Error> {
    match (&args.deployment_id, args.shard, &args.suffix) {
        (Some(id), None, None) => Ok(DeleteTarget::Base(id.trim().to_owned())),
        (None, Some(shard), Some(suffix)) => Ok(DeleteTarget::ShardSuffix {
            shard: shard.to_string(),
            suffix: suffix.trim().to_owned(),
        }),
        (Some(_), _, _) => Err(Error::invalid_field(
            ErrorCode::InvalidField,
            "deploymentId",
            "Pass either deploymentId, or shard and suffix, not both.",
        )),
        (None, None, None) => Err(Error::new(
            codes::MISSING_DEPLOYMENT_DELETE_TARGET,
            "Say which deployment to delete: pass deploymentId, or shard and suffix.",
        )
        .with_hint("theta.deployments.list shows each deployment's Shard and Suffix.")
        .bad_request()),
        (None, Some(_), None) | (None, None, Some(_)) => Err(Error::new(
            codes::MISSING_DEPLOYMENT_DELETE_TARGET,
            "shard and suffix go together: pass both, or deploymentId instead.",
        )
        .with_hint("theta.deployments.list shows each deployment's Shard and Suffix.")
        .bad_request()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::theta::controller::testing::controller_url;

    fn args(value: Value) -> DeleteArgs {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn exactly_one_target_is_accepted() {
        assert_eq!(
            target(&args(json!({"deploymentId": "dpl_1"}))).unwrap(),
            DeleteTarget::Base("dpl_1".into())
        );
        assert_eq!(
            target(&args(json!({"shard": 2, "suffix": "abc"}))).unwrap(),
            DeleteTarget::ShardSuffix {
                shard: "2".into(),
                suffix: "abc".into()
            }
        );
        for (bad, code) in [
            (json!({}), codes::MISSING_DEPLOYMENT_DELETE_TARGET),
            (json!({"shard": 1}), codes::MISSING_DEPLOYMENT_DELETE_TARGET),
            (
                json!({"suffix": "x"}),
                codes::MISSING_DEPLOYMENT_DELETE_TARGET,
            ),
            (
                json!({"deploymentId": "d", "shard": 1, "suffix": "x"}),
                ErrorCode::InvalidField,
            ),
        ] {
            let error = target(&args(bad.clone())).unwrap_err();
            assert_eq!(error.code(), code, "{bad}");
            assert_eq!(error.exit_status(), 2, "{bad}");
        }
    }

    #[test]
    fn routes_by_id_and_by_shard_and_suffix() {
        let base = DeleteTarget::Base("dpl_1".into());
        assert_eq!(
            controller_url(&base.request("deployment", "prj_a")),
            "https://controller.thetaedgecloud.com/deployment/base/dpl_1?project_id=prj_a"
        );
        let pair = DeleteTarget::ShardSuffix {
            shard: "3".into(),
            suffix: "x/../y".into(),
        };
        assert_eq!(
            controller_url(&pair.request("deployments", "prj_a")),
            "https://controller.thetaedgecloud.com/deployments/3/x%2F..%2Fy?project_id=prj_a"
        );
        assert_eq!(
            pair.as_args("prj_a"),
            json!({"shard": 3, "suffix": "x/../y", "projectId": "prj_a"})
        );
    }
}
