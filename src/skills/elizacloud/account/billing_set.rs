//! `elizacloud.billing.set`: Changes the auto top-up settings (enabled, amount, threshold).

use crate::command::prelude::*;
use crate::skills::elizacloud::{API, KEY_REQUIRED, codes, preview, send_json};
use serde::{Deserialize, Serialize};

/// Arguments of `elizacloud.billing.set`: at least one field.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BillingSetArgs {
    /// Auto top-up: charge the saved payment method when the balance falls below a threshold.
    pub auto_top_up: Option<AutoTopUp>,
    /// Pay usage from creator earnings first.
    pub pay_as_you_go_from_earnings: Option<bool>,
}

/// The nested auto top-up settings (the server refuses flat fields).
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoTopUp {
    /// Turn auto top-up on or off (on needs a saved payment method).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// USD added each time (1-1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1.0, max = 1000.0))]
    pub amount: Option<f64>,
    /// Top up when the balance falls below this many USD (0-1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1000.0))]
    pub threshold: Option<f64>,
}

fn set_request(args: &BillingSetArgs) -> Result<ApiRequest, Error> {
    let mut body = json!({});
    if let Some(auto) = &args.auto_top_up {
        body["autoTopUp"] = json!(auto);
    }
    if let Some(pay) = args.pay_as_you_go_from_earnings {
        body["payAsYouGoFromEarnings"] = json!(pay);
    }
    if body.as_object().is_some_and(serde_json::Map::is_empty) {
        return Err(Error::new(
            codes::EMPTY_UPDATE,
            "Pass autoTopUp and/or payAsYouGoFromEarnings.",
        ));
    }
    Ok(ApiRequest::put(&["api", "v1", "billing", "settings"], Effect::Mutating).json(body))
}

/// `elizacloud.billing.set`: `PUT /api/v1/billing/settings` with the nested `autoTopUp`.
/// Mutating (enabling auto top-up lets the platform charge the saved card later).
#[derive(Debug, Clone, Copy)]
pub struct BillingSet;

impl Command for BillingSet {
    const ID: &'static str = "elizacloud.billing.set";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Changes the auto top-up settings (enabled, amount, threshold).";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = BillingSetArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: BillingSetArgs) -> Result<Value, Error> {
        send_json(ctx, &set_request(&args)?).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &BillingSetArgs) -> Result<Preview, Error> {
        Ok(preview(ctx, &set_request(args)?)?
            .note("With auto top-up enabled, the saved payment method is charged whenever the balance falls below the threshold."))
    }

    fn example() -> Value {
        json!({"autoTopUp": {"enabled": true, "amount": 20, "threshold": 5}})
    }
}
