//! `theta.billing.balanceSnapshot`: the balance as one number, never failing.
//!
//! The same `GET https://api.thetaedgecloud.com/balance?orgID=<org>` as `theta.billing.balance`,
//! but a missing organization or key, or a failed lookup, is reported in the result
//! (`skipped: true` with a `reason`) instead of raised, so a paid flow can always record a
//! before/after pair. `value` is the first finite number found depth-first under `balance`,
//! `amount`, `available`, `credit`, `credits`, `remaining` or `total` (keys compared
//! case-insensitively; an object's own keys before its children; numeric strings count, `null`,
//! booleans and empty strings do not). Read-only and free.

use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use crate::skills::theta::codes;
use serde::Serialize;
use serde_json::{Number, Value, json};

use crate::command::prelude::*;

use super::balance::{BalanceArgs, fetch_balance};

/// The keys a balance figure may sit under, in priority order within one object.
const VALUE_KEYS: [&str; 7] = [
    "balance",
    "amount",
    "available",
    "credit",
    "credits",
    "remaining",
    "total",
];

/// A balance reading.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// True when no reading was taken (see `reason`).
    pub skipped: bool,
    /// Why no reading was taken: `missing_org_id`, `invalid_org_id`,
    /// `missing_THETA_EC_API_KEY` or `balance_lookup_failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// The organization read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// The balance figure; `null` when skipped or when the answer holds no number.
    pub value: Option<Number>,
    /// The raw answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
    /// What went wrong, in one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Snapshot {
    fn skipped(reason: &'static str, error: Option<String>) -> Self {
        Self {
            skipped: true,
            reason: Some(reason),
            org_id: None,
            value: None,
            response: None,
            error,
        }
    }

    /// The figure as a float, for arithmetic.
    pub fn number(&self) -> Option<f64> {
        self.value.as_ref().and_then(Number::as_f64)
    }
}

/// `theta.billing.balanceSnapshot`.
#[derive(Debug, Clone, Copy)]
pub struct BalanceSnapshot;

impl Command for BalanceSnapshot {
    const ID: &'static str = "theta.billing.balanceSnapshot";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Reads the organization's balance as one number, reporting instead of failing when it cannot.";
    const SERVICE: Service = theta::PLATFORM;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::optional(theta::EC_API_KEY)];
    type Args = BalanceArgs;
    type Output = Snapshot;

    async fn run(&self, ctx: &Ctx<'_>, args: BalanceArgs) -> Result<Snapshot, Error> {
        Ok(snapshot(ctx, args.org_id.as_deref()).await)
    }

    fn example() -> Value {
        json!({"orgId": "org_example"})
    }
}

/// Takes a reading; never fails.
pub(crate) async fn snapshot(ctx: &Ctx<'_>, org_arg: Option<&str>) -> Snapshot {
    let org = match ctx.config().org_id(org_arg) {
        Ok(org) => org,
        Err(error) if error.code() == codes::MISSING_THETA_ORG_ID => {
            return Snapshot::skipped("missing_org_id", None);
        }
        Err(error) => {
            return Snapshot::skipped("invalid_org_id", Some(crate::secrets::summary(&error, 220)));
        }
    };
    if !ctx.secrets().contains(theta::EC_API_KEY) {
        return Snapshot::skipped("missing_THETA_EC_API_KEY", None);
    }
    match fetch_balance(ctx, &org).await {
        Ok(response) => Snapshot {
            skipped: false,
            reason: None,
            value: balance_value(&response),
            org_id: Some(org),
            response: Some(response),
            error: None,
        },
        Err(error) => Snapshot {
            org_id: Some(org),
            ..Snapshot::skipped(
                "balance_lookup_failed",
                Some(crate::secrets::summary(&error, 220)),
            )
        },
    }
}

/// The first finite balance figure in `response` (see the module docs).
pub(crate) fn balance_value(response: &Value) -> Option<Number> {
    match response {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| VALUE_KEYS.iter().any(|name| k.eq_ignore_ascii_case(name)))
            .find_map(|(_, v)| numeric(v))
            .or_else(|| map.values().find_map(balance_value)),
        Value::Array(items) => items.iter().find_map(balance_value),
        _ => None,
    }
}

fn numeric(value: &Value) -> Option<Number> {
    match value {
        Value::Number(n) if n.as_f64().is_some_and(f64::is_finite) => Some(n.clone()),
        Value::String(s) => {
            let parsed = s.trim().parse::<f64>().ok().filter(|f| f.is_finite())?;
            Number::from_f64(parsed)
        }
        _ => None,
    }
}

/// `{before, after, delta}` where `delta` is `after − before` when both are numbers (rounded
/// to nine decimals, so float noise does not show), else `null`.
pub(crate) fn balance_delta(before: &Snapshot, after: &Snapshot) -> Value {
    let delta = before
        .number()
        .zip(after.number())
        .map(|(b, a)| ((a - b) * 1e9).round() / 1e9)
        .and_then(Number::from_f64);
    json!({
        "before": before.value,
        "after": after.value,
        "delta": delta,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_found_depth_first_with_own_keys_first() {
        let answer = json!({
            "status": "success",
            "body": {"balances": [{"org_id": "org_1", "balance": 42.5}]}
        });
        assert_eq!(
            balance_value(&answer),
            Some(Number::from_f64(42.5).unwrap())
        );
        let answer = json!({"nested": {"balance": 1}, "Credits": "7.25"});
        assert_eq!(balance_value(&answer), Number::from_f64(7.25));
        let answer = json!([{"balance": null}, {"amount": ""}, {"total": true}, {"remaining": 3}]);
        assert_eq!(balance_value(&answer), Some(Number::from(3)));
        assert_eq!(balance_value(&json!({"balance": "n/a"})), None);
        assert_eq!(balance_value(&json!({"org_id": "x"})), None);
    }

    #[test]
    fn delta_needs_both_numbers_and_hides_float_noise() {
        let reading = |v: Option<f64>| Snapshot {
            skipped: v.is_none(),
            reason: None,
            org_id: None,
            value: v.and_then(Number::from_f64),
            response: None,
            error: None,
        };
        let delta = balance_delta(&reading(Some(42.5)), &reading(Some(40.1)));
        assert_eq!(delta["delta"], json!(-2.4));
        assert_eq!(
            balance_delta(&reading(None), &reading(Some(1.0)))["delta"],
            Value::Null
        );
    }
}
