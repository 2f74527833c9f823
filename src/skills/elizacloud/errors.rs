//! How elizaOS Cloud's error answers (`spec/elizacloud.md` §3) map onto the runtime's codes.
//!
//! The server speaks several shapes: E1 `{success:false,error,code,details?}`, OpenAI-style
//! E2 `{error:{message,type,code}}` on chat and embeddings, E3/E4 `{error, …extra}`, the
//! rate-limit E6 and the agent credit gate E9. The status decides; the body adds detail:
//!
//! | status | code | hint |
//! |---|---|---|
//! | 401 | `HTTP_401` | the key is unknown, revoked or expired (or the route needs a browser session) |
//! | 402 | `ELIZACLOUD_INSUFFICIENT_CREDITS` | the required balance when the server gives it; how to top up; never retried |
//! | 403 image rules | `ELIZACLOUD_IMAGE_NOT_ALLOWED` / `ELIZACLOUD_IMAGE_NOT_DIGEST_PINNED` | use an allowed / digest-pinned image |
//! | 428 | `ELIZACLOUD_PRICE_CONFIRMATION_REQUIRED` | the hourly price and how to accept it |
//! | 429 | `HTTP_429` | `Retry-After` and the `X-RateLimit-*` headers |
//! | 503 with a `*_warming` or `rate_limit_unavailable` code, or `retryAfterSeconds` | `ELIZACLOUD_SERVICE_WARMING` (the service's capacity rule, [`not_processed`]) | retry shortly |
//! | 409 `idempotency_conflict`, 500 with `details.outcome` (voice clone) | `ELIZACLOUD_IDEMPOTENCY_CONFLICT` / `ELIZACLOUD_RECONCILIATION_REQUIRED` ([`super::voice::read_outcome`]) | a fresh key / follow the job, never re-send |
//!
//! A JSON-RPC error body (the per-agent A2A route) adds its integer code as `details.rpcCode`.
//!
//! Every reading keeps the server's `code` and the amounts it names in `details`, and gives
//! the server's words as the SDK reads them (`server_text`): the `error` string first, then
//! the `message` that details it.

use serde_json::{Map, Value, json};

use super::codes;
use crate::vocab::{StatusReading, UpstreamAnswer};

/// The service's [`crate::vocab::StatusReader`].
pub fn read_status(answer: &UpstreamAnswer<'_>) -> Option<StatusReading> {
    let body: Value = if crate::http::too_many_json_values(answer.body.as_bytes()) {
        Value::Null
    } else {
        serde_json::from_str(answer.body).unwrap_or(Value::Null)
    };
    let message = server_message(&body);
    let server_code = server_code(&body);
    let mut details = Map::new();
    if let Some(code) = &server_code {
        details.insert("serverCode".into(), json!(code));
    }
    if let Some(code) = body.pointer("/error/code").and_then(Value::as_i64) {
        details.insert("rpcCode".into(), json!(code));
    }
    let reading = match answer.status {
        401 => unauthorized(server_code.as_deref()),
        402 => insufficient(&body, message.as_deref(), &mut details),
        403 => forbidden(server_code.as_deref(), server_text(&body).as_deref()),
        428 => price_confirmation(&body, &mut details),
        429 => rate_limited(answer, &body, message.as_deref(), &mut details),
        400 | 422 => bad_request(&body, &mut details),
        409 | 500 => {
            super::voice::read_outcome(answer.status, server_code.as_deref(), &body, &mut details)
        }
        _ => StatusReading::default(),
    };
    let details = merge(reading.details.clone(), details);
    Some(StatusReading {
        details,
        detail: server_text(&body),
        ..reading
    })
}

/// Whether a 503 says elizaOS Cloud did not process the request (spec §3–§4): a `*_warming`
/// code (`auth_cache_warming`, `rate_limit_cache_warming`,
/// `inference_admission_cache_warming`), `rate_limit_unavailable` (its limiter's store is
/// down), or a `retryAfterSeconds` field (the image, video and TTS routes'
/// `service_unavailable`), or the JSON-RPC code −32004 of the per-agent A2A route (its agent
/// or authorization cache is not ready: spec §6.12). Decided from these fields only, never from the message, which may
/// quote the user ("the user asked about global warming"): a paid request is sent again only
/// on the server's word that it was not processed.
pub fn not_processed(body: &str) -> bool {
    if crate::http::too_many_json_values(body.as_bytes()) {
        return false;
    }
    let Ok(body) = serde_json::from_str::<Value>(body) else {
        return false;
    };
    let code_says = server_code(&body).is_some_and(|code| {
        let code = code.to_ascii_lowercase();
        code.ends_with("_warming") || code == "rate_limit_unavailable"
    });
    let wait_given = ["/retryAfterSeconds", "/details/retryAfterSeconds"]
        .iter()
        .filter_map(|pointer| body.pointer(pointer))
        .any(|wait| match wait {
            Value::Number(_) => true,
            Value::String(text) => text.trim().parse::<f64>().is_ok(),
            _ => false,
        });
    let rpc_unavailable = body.pointer("/error/code").and_then(Value::as_i64) == Some(-32004);
    code_says || wait_given || rpc_unavailable
}

/// The server's words as the cloud SDK reads them (spec §3): the `error` string, else
/// `error.message`, else `message`; a `message` that details a string `error` follows it in
/// parentheses (`{"error":"Invalid activeOnly","message":"activeOnly must be true or
/// false"}` → "Invalid activeOnly (activeOnly must be true or false)").
fn server_text(body: &Value) -> Option<String> {
    let lead = server_message(body)?;
    let more = body
        .get("error")
        .filter(|e| e.is_string())
        .and(body.get("message"))
        .and_then(Value::as_str)
        .filter(|m| !m.trim().is_empty() && *m != lead);
    Some(match more {
        Some(more) => format!("{lead} ({more})"),
        None => lead,
    })
}

fn merge(own: Option<Value>, common: Map<String, Value>) -> Option<Value> {
    let mut all = common;
    if let Some(Value::Object(own)) = own {
        all.extend(own);
    }
    (!all.is_empty()).then_some(Value::Object(all))
}

/// `error` when a string, else `error.message`, else `message` (the SDK's order); empty
/// strings say nothing.
fn server_message(body: &Value) -> Option<String> {
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    text(body.get("error"))
        .or_else(|| text(body.pointer("/error/message")))
        .or_else(|| text(body.get("message")))
}

/// The server's `code`, top level or inside an OpenAI-style `error` (strings only: the SSE
/// error chunk's integer code is an HTTP status, not a code).
fn server_code(body: &Value) -> Option<String> {
    body.get("code")
        .or_else(|| body.pointer("/error/code"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn unauthorized(code: Option<&str>) -> StatusReading {
    let hint = if code == Some("session_auth_required") {
        "This route needs a signed-in browser session; an API key cannot use it."
    } else {
        "elizaOS Cloud rejected ELIZACLOUD_API_KEY: it is unknown, revoked or expired. Keys look like eliza_ followed by 64 hex characters; create a new one in the elizaOS Cloud dashboard (https://cloud.eliza.app) and set ELIZACLOUD_API_KEY."
    };
    StatusReading {
        hint: Some(hint.to_owned()),
        ..StatusReading::default()
    }
}

fn number(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().trim_start_matches('$').parse().ok(),
        _ => None,
    }
}

/// The amount after `Required: $` in a message ("Insufficient credits. Required: $0.0123").
fn required_from_message(message: &str) -> Option<f64> {
    let rest = &message[message.find("Required: $")? + "Required: $".len()..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    rest[..end].trim_end_matches('.').parse().ok()
}

fn insufficient(
    body: &Value,
    message: Option<&str>,
    details: &mut Map<String, Value>,
) -> StatusReading {
    let required = number(body.get("requiredBalance"))
        .or_else(|| number(body.get("required")))
        .or_else(|| number(body.get("requiredCredits")))
        .or_else(|| number(body.pointer("/details/required")))
        .or_else(|| message.and_then(required_from_message));
    let current = number(body.get("currentBalance"));
    if let Some(required) = required {
        details.insert("requiredBalanceUsd".into(), json!(required));
    }
    if let Some(current) = current {
        details.insert("currentBalanceUsd".into(), json!(current));
    }
    for key in ["outstandingUsd", "welcomeBonusWithheld", "quota"] {
        if let Some(value) = body.get(key) {
            details.insert(key.into(), value.clone());
        }
    }
    // Containers answer 402 when their quota or credit pre-check fails, with the quota.
    let quota = body.get("quota").is_some();
    let mut text = if quota {
        "elizaOS Cloud refused the deployment: the container quota or credit check failed"
    } else {
        "Insufficient elizaOS Cloud credits"
    }
    .to_owned();
    if let Some(required) = required {
        text.push_str(&format!(": the request needs a balance of ${required}"));
        if let Some(current) = current {
            text.push_str(&format!(" and the organization has ${current}"));
        }
    }
    if let Some(message) = message {
        text.push_str(&format!(" ({message})"));
    }
    StatusReading {
        code: Some(codes::INSUFFICIENT_CREDITS),
        message: Some(text),
        hint: Some(if quota {
            "See details.quota (elizacloud.containers.quota); stop or delete a container, or add credits with elizacloud.credits.checkout (a URL for a human to pay). Do not retry unchanged.".to_owned()
        } else {
            "The balance is in USD. Check it with elizacloud.credits.balance; to add credits, run elizacloud.credits.checkout and give the returned URL to a human to pay. Do not retry until credits were added.".to_owned()
        }),
        detail: None,
        details: None,
    }
}

fn forbidden(code: Option<&str>, message: Option<&str>) -> StatusReading {
    let lower = code.map(str::to_ascii_lowercase).unwrap_or_default();
    let (code, hint) = if lower.ends_with("image_not_digest_pinned") {
        (
            Some(codes::IMAGE_NOT_DIGEST_PINNED),
            "The platform only runs digest-pinned images: pass the image as repo@sha256:<64 hex>.",
        )
    } else if lower.ends_with("image_not_allowed") {
        (
            Some(codes::IMAGE_NOT_ALLOWED),
            "The image is not on the platform's allow-list; use an allowed image.",
        )
    } else if lower == "moderation_violation" {
        (
            None,
            "The account is suspended by moderation; contact elizaOS Cloud support.",
        )
    } else {
        (
            None,
            "elizaOS Cloud refused the request: the key, user or organization may be inactive, or the account lacks access. Check the account in the dashboard.",
        )
    };
    StatusReading {
        code,
        message: message.map(|m| format!("elizaOS Cloud refused the request: {m}")),
        hint: Some(hint.to_owned()),
        detail: None,
        details: None,
    }
}

fn price_confirmation(body: &Value, details: &mut Map<String, Value>) -> StatusReading {
    let pricing = body.get("pricing").cloned().unwrap_or(Value::Null);
    let rate = pricing.get("hourlyRateUsd").map(Value::to_string);
    let minimum = pricing
        .get("minimumActivationChargeUsd")
        .map(Value::to_string);
    let value = pricing.get("acceptanceValue").and_then(Value::as_str);
    if !pricing.is_null() {
        details.insert("pricing".into(), pricing.clone());
    }
    let price = match (rate, minimum) {
        (Some(rate), Some(minimum)) => {
            format!("Dedicated compute costs ${rate}/hour (minimum activation ${minimum}). ")
        }
        _ => String::new(),
    };
    let accept = match value {
        Some(value) => format!(
            "If the user accepts the price, call again with acceptDedicatedPrice: \"{value}\"."
        ),
        None => "If the user accepts the price, call again with acceptDedicatedPrice set to details.pricing.acceptanceValue.".to_owned(),
    };
    StatusReading {
        code: Some(codes::PRICE_CONFIRMATION_REQUIRED),
        message: Some("elizaOS Cloud needs the dedicated compute price to be accepted before it starts billing".to_owned()),
        hint: Some(format!("{price}{accept}")),
        detail: None,
        details: None,
    }
}

fn rate_limited(
    answer: &UpstreamAnswer<'_>,
    body: &Value,
    message: Option<&str>,
    details: &mut Map<String, Value>,
) -> StatusReading {
    if body.get("code").and_then(Value::as_str) == Some("agent_quota_exceeded") {
        if let Some(d) = body.get("details") {
            details.insert("quota".into(), d.clone());
        }
        return StatusReading {
            hint: Some("The organization has reached its agent quota: delete an agent (elizacloud.agents.delete) or upgrade the plan.".to_owned()),
            ..StatusReading::default()
        };
    }
    let retry_after = (answer.header)("retry-after").or_else(|| {
        body.get("retryAfter")
            .map(|v| v.to_string().trim_matches('"').to_owned())
    });
    let mut limits = Map::new();
    for (header, key) in [
        ("x-ratelimit-limit", "limit"),
        ("x-ratelimit-remaining", "remaining"),
        ("x-ratelimit-reset", "reset"),
        ("x-ratelimit-policy", "policy"),
    ] {
        if let Some(value) = (answer.header)(header) {
            limits.insert(key.into(), json!(value));
        }
    }
    let mut hint = "Rate limited by elizaOS Cloud".to_owned();
    if let Some(text) = body.get("message").and_then(Value::as_str).or(message) {
        hint.push_str(&format!(" ({text})"));
    }
    hint.push('.');
    if let Some(ra) = &retry_after {
        hint.push_str(&format!(" Retry-After: {ra} s."));
        details.insert("retryAfterSeconds".into(), json!(ra));
    }
    if !limits.is_empty() {
        let shown: Vec<String> = limits
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
            .collect();
        hint.push_str(&format!(" X-RateLimit: {}.", shown.join(", ")));
        details.insert("rateLimit".into(), Value::Object(limits));
    }
    hint.push_str(" Wait that long, then call again.");
    StatusReading {
        hint: Some(hint),
        ..StatusReading::default()
    }
}

fn bad_request(body: &Value, details: &mut Map<String, Value>) -> StatusReading {
    let supported = body
        .pointer("/details/supportedModels")
        .or_else(|| body.get("supportedModels"))
        .cloned();
    let issues = body.pointer("/details/issues").cloned();
    if let Some(issues) = issues {
        details.insert("issues".into(), issues);
    }
    let code = server_code(body);
    match supported {
        Some(models) => {
            details.insert("supportedModels".into(), models.clone());
            let list: Vec<&str> = models
                .as_array()
                .map(|m| m.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            StatusReading {
                hint: Some(format!(
                    "Unsupported model; use one of: {}.",
                    list.join(", ")
                )),
                ..StatusReading::default()
            }
        }
        None if code.as_deref() == Some("model_not_available") => StatusReading {
            hint: Some("`model` must be a catalogue model id (e.g. openai/gpt-4o-mini, see elizacloud.models.list), not an agent id.".to_owned()),
            ..StatusReading::default()
        },
        None => StatusReading::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(status: u16, body: &str, headers: &[(&str, &str)]) -> StatusReading {
        let owned: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let header = move |name: &str| {
            owned
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        read_status(&UpstreamAnswer {
            status,
            body,
            header: &header,
        })
        .unwrap_or_default()
    }

    /// Issue 17, defect 6: "not processed" is read from codes and fields, never from text.
    #[test]
    fn only_codes_and_fields_say_a_503_was_not_processed() {
        for body in [
            r#"{"error":{"message":"Auth cache warming; retry shortly","type":"service_unavailable","code":"auth_cache_warming"}}"#,
            r#"{"error":{"message":"x","type":"service_unavailable","code":"RATE_LIMIT_CACHE_WARMING"}}"#,
            r#"{"success":false,"error":"Service temporarily unavailable","code":"rate_limit_unavailable","message":"m"}"#,
            r#"{"success":false,"error":"Unavailable","code":"service_unavailable","details":{"retryAfterSeconds":1}}"#,
            r#"{"success":false,"error":"Unavailable","retryAfterSeconds":"2"}"#,
            r#"{"jsonrpc":"2.0","error":{"code":-32004,"message":"Agent cache is warming; retry shortly"},"id":null}"#,
        ] {
            assert!(not_processed(body), "{body}");
        }
        for body in [
            r#"{"error":{"message":"the user asked about global warming","type":"service_unavailable"}}"#,
            r#"{"success":false,"error":"warming; retryAfterSeconds: 1; rate_limit_unavailable","code":"service_unavailable"}"#,
            r#"{"message":"rate_limit_unavailable"}"#,
            r#"{"code":"warming_up_done"}"#,
            r#"{"details":{"retryAfterSeconds":null}}"#,
            r#"{"details":{"retryAfterSeconds":"soon"}}"#,
            r#"{"jsonrpc":"2.0","error":{"code":-32603,"message":"warming"},"id":null}"#,
            "service warming up, retry shortly",
            "",
        ] {
            assert!(!not_processed(body), "{body}");
        }
    }

    /// Issue 17, defect 15: the `error` string leads, the `message` details it.
    #[test]
    fn the_server_text_leads_with_the_error_string() {
        let detail = |body: &str| read(400, body, &[]).detail;
        assert_eq!(
            detail(
                r#"{"error":"Invalid activeOnly","message":"activeOnly must be true or false"}"#
            )
            .as_deref(),
            Some("Invalid activeOnly (activeOnly must be true or false)")
        );
        assert_eq!(
            detail(r#"{"success":false,"error":"Validation failed","code":"validation_error","details":{"issues":[]}}"#)
                .as_deref(),
            Some("Validation failed")
        );
        assert_eq!(
            detail(r#"{"error":{"message":"Missing required fields: model and messages","type":"invalid_request_error"}}"#)
                .as_deref(),
            Some("Missing required fields: model and messages")
        );
        assert_eq!(
            detail(r#"{"error":"Same","message":"Same"}"#).as_deref(),
            Some("Same")
        );
        assert_eq!(
            detail(r#"{"error":"","message":"only the message"}"#).as_deref(),
            Some("only the message")
        );
        assert_eq!(detail("not json"), None);
    }

    #[test]
    fn a_402_names_credits_and_the_required_balance_in_every_shape() {
        for body in [
            r#"{"error":{"message":"Insufficient credits. Required: $0.0123","type":"insufficient_quota","code":"insufficient_credits"}}"#,
            r#"{"success":false,"error":"Insufficient credits","required":0.0123}"#,
            r#"{"success":false,"code":"insufficient_credits","error":"x","requiredBalance":0.0123,"currentBalance":0.005}"#,
        ] {
            let reading = read(402, body, &[]);
            assert_eq!(reading.code, Some(codes::INSUFFICIENT_CREDITS));
            assert_eq!(
                reading.details.unwrap()["requiredBalanceUsd"],
                json!(0.0123)
            );
            assert!(reading.message.unwrap().contains("$0.0123"));
        }
    }

    #[test]
    fn a_429_hint_carries_retry_after_and_the_limit_headers() {
        let reading = read(
            429,
            r#"{"success":false,"error":"Too many requests","code":"rate_limit_exceeded","message":"Rate limit exceeded. Maximum 10 requests per 60 seconds.","retryAfter":42}"#,
            &[
                ("Retry-After", "42"),
                ("X-RateLimit-Limit", "10"),
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset", "2026-01-01T00:01:00.000Z"),
            ],
        );
        let hint = reading.hint.unwrap();
        assert!(hint.contains("Retry-After: 42 s"), "{hint}");
        assert!(hint.contains("limit=10"), "{hint}");
        assert!(hint.contains("reset=2026-01-01T00:01:00.000Z"), "{hint}");
        assert_eq!(reading.code, None, "stays HTTP_429");
    }

    #[test]
    fn image_rules_and_price_confirmation_have_their_codes() {
        let reading = read(
            403,
            r#"{"success":false,"code":"CONTAINER_IMAGE_NOT_ALLOWED","error":"Image 'x' is not permitted"}"#,
            &[],
        );
        assert_eq!(reading.code, Some(codes::IMAGE_NOT_ALLOWED));
        let reading = read(403, r#"{"code":"agent_image_not_digest_pinned"}"#, &[]);
        assert_eq!(reading.code, Some(codes::IMAGE_NOT_DIGEST_PINNED));
        let reading = read(
            428,
            r#"{"success":false,"code":"DEDICATED_PRICE_CONFIRMATION_REQUIRED","error":"confirm","pricing":{"currency":"USD","hourlyRateUsd":0.01,"minimumActivationChargeUsd":0.02,"acceptanceHeader":"X-Eliza-Dedicated-Price","acceptanceValue":"dedicated-compute-v1:USD:0.010000:0.020000"}}"#,
            &[],
        );
        assert_eq!(reading.code, Some(codes::PRICE_CONFIRMATION_REQUIRED));
        assert!(
            reading
                .hint
                .unwrap()
                .contains("acceptDedicatedPrice: \"dedicated-compute-v1:USD:0.010000:0.020000\"")
        );
    }
}
