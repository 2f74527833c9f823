//! `elizacloud.credits.checkout`: Creates a Stripe checkout session to add USD credits and returns its URL for a human to pay.
//!
//! Every failure carries the `Idempotency-Key` it was sent with in `details.idempotencyKey`:
//! a retry with that key gets the session the first attempt may have created, not a second.

use crate::command::prelude::*;
use crate::skills::elizacloud::{
    API, IDEMPOTENCY_KEY_PATTERN, KEY_REQUIRED, client, idempotency_key, keep_key, preview,
};
use serde::{Deserialize, Serialize};

/// Arguments of `elizacloud.credits.checkout`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CheckoutArgs {
    /// Amount to add, in USD (1-1000, whole cents).
    #[schemars(range(min = 1.0, max = 1000.0))]
    pub amount_usd: f64,
    /// Where the payer lands after paying (an elizaOS Cloud page; the server checks the origin).
    #[schemars(regex(pattern = "^https://[^\\s]+$"), length(max = 2048))]
    pub success_url: Option<String>,
    /// Where the payer lands after cancelling (an elizaOS Cloud page).
    #[schemars(regex(pattern = "^https://[^\\s]+$"), length(max = 2048))]
    pub cancel_url: Option<String>,
    /// Reuse this key to get the same session again (after a failure, the one in the error's
    /// `details.idempotencyKey`); generated when absent.
    #[schemars(regex(pattern = IDEMPOTENCY_KEY_PATTERN))]
    pub idempotency_key: Option<String>,
}

/// What `checkout` returns.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutOutput {
    /// The Stripe checkout page: give it to a human to pay.
    pub url: Value,
    /// The session id.
    pub session_id: Value,
    /// The key this session was created under; pass it again to get the same session.
    pub idempotency_key: String,
    /// What to do with the URL.
    pub next: &'static str,
}

const CHECKOUT_NEXT: &str = "Give the URL to a human to pay; credits arrive after payment. Check with elizacloud.credits.balance.";

fn checkout_body(args: &CheckoutArgs) -> Result<Value, Error> {
    let cents = (args.amount_usd * 100.0).round();
    if (args.amount_usd * 100.0 - cents).abs() > 1e-6 {
        return Err(Error::invalid_field(
            crate::error::ErrorCode::InvalidField,
            "amountUsd",
            "amountUsd must be a whole number of cents",
        ));
    }
    let mut body = json!({ "amountUsd": args.amount_usd });
    if let Some(url) = &args.success_url {
        body["success_url"] = json!(url);
    }
    if let Some(url) = &args.cancel_url {
        body["cancel_url"] = json!(url);
    }
    Ok(body)
}

fn checkout_request(body: Value, key: &str) -> ApiRequest {
    ApiRequest::post(&["api", "v1", "credits", "checkout"], Effect::Mutating)
        .header("idempotency-key", key)
        .json(body)
}

/// `elizacloud.credits.checkout`: `POST /api/v1/credits/checkout` with an `Idempotency-Key`
/// (generated when absent) and `{amountUsd, success_url?, cancel_url?}`. Mutating: it creates
/// a Stripe session; money moves only when a human pays at the returned URL.
#[derive(Debug, Clone, Copy)]
pub struct Checkout;

impl Command for Checkout {
    const ID: &'static str = "elizacloud.credits.checkout";
    const EFFECT: Effect = Effect::Mutating;
    const SUMMARY: &'static str = "Creates a Stripe checkout session to add USD credits and returns its URL for a human to pay.";
    const SERVICE: Service = API;
    const SECRETS: &'static [SecretNeed] = KEY_REQUIRED;
    type Args = CheckoutArgs;
    type Output = CheckoutOutput;

    async fn run(&self, ctx: &Ctx<'_>, args: CheckoutArgs) -> Result<CheckoutOutput, Error> {
        let body = checkout_body(&args)?;
        let key = args.idempotency_key.unwrap_or_else(idempotency_key);
        let client = client(ctx)?;
        let answer = client
            .send(&checkout_request(body, &key))
            .await
            .and_then(|response| response.json_or_status())
            .map_err(|error| keep_key(error, &key))?;
        Ok(CheckoutOutput {
            url: answer.get("url").cloned().unwrap_or(Value::Null),
            session_id: answer.get("sessionId").cloned().unwrap_or(Value::Null),
            idempotency_key: key,
            next: CHECKOUT_NEXT,
        })
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &CheckoutArgs) -> Result<Preview, Error> {
        let body = checkout_body(args)?;
        let key = args
            .idempotency_key
            .clone()
            .unwrap_or_else(|| "<generated at run time>".to_owned());
        Ok(preview(ctx, &checkout_request(body, &key))?
            .note("Creates a payment session only; no money moves until a human pays at the returned URL.")
            .cost_hint(json!({"addsUsd": args.amount_usd})))
    }

    fn example() -> Value {
        json!({"amountUsd": 10})
    }
}
