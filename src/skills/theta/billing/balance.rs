//! `theta.billing.balance`: the organization's credit balance.
//!
//! `GET https://api.thetaedgecloud.com/balance?orgID=<org>` with `x-api-key`. Read-only and
//! free. The answer is returned as is: `body.balances` lists `{org_id, balance, …}`.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use futures_util::future::BoxFuture;

use crate::command::{Command, Ctx, Effect, Invoked, SecretNeed, Service};
use crate::pack::{CapabilityProbe, sample_of};
use crate::schema::IDENTIFIER_PATTERN;

/// Arguments.
#[derive(Debug, Default, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BalanceArgs {
    /// Organization id; defaults to THETA_ORG_ID.
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub org_id: Option<String>,
}

/// `theta.billing.balance`.
#[derive(Debug, Clone, Copy)]
pub struct Balance;

impl Command for Balance {
    const ID: &'static str = "theta.billing.balance";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Shows the organization's Theta EdgeCloud credit balance.";
    const SERVICE: Service = theta::PLATFORM;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = BalanceArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: BalanceArgs) -> Result<Value, Error> {
        let org = ctx.config().org_id(args.org_id.as_deref())?;
        fetch_balance(ctx, &org).await
    }

    fn example() -> Value {
        json!({"orgId": "org_example"})
    }
}

/// `GET /balance?orgID=<org>`.
pub(crate) fn balance_request(org: &str) -> ApiRequest {
    ApiRequest::get(&["balance"]).query("orgID", org)
}

/// The raw balance answer.
pub(crate) async fn fetch_balance(ctx: &Ctx<'_>, org: &str) -> Result<Value, Error> {
    ctx.client(theta::PLATFORM)?
        .send(&balance_request(org))
        .await?
        .json_value()
}

/// The `billing.balance` capability probe: `theta.billing.balance` for the organization of
/// `theta.auth.capabilities` (or THETA_ORG_ID), through the dry-run gate. Read-only and free.
pub fn capability_probe<'a>(
    ctx: &'a Ctx<'a>,
    args: &'a serde_json::Value,
) -> BoxFuture<'a, Result<CapabilityProbe, Error>> {
    Box::pin(async move {
        let args = BalanceArgs {
            org_id: args
                .get("orgId")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned),
        };
        Ok(match ctx.invoke(&Balance, args).await? {
            Invoked::Ran(answer) => CapabilityProbe::Verified {
                probe: "GET /balance".to_owned(),
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
    use crate::skills::theta::controller::testing::preview;

    #[test]
    fn the_org_goes_in_the_query() {
        let shown = preview(theta::PLATFORM, &balance_request("org_1"));
        assert_eq!(
            shown.url,
            "https://api.thetaedgecloud.com/balance?orgID=org_1"
        );
    }
}
