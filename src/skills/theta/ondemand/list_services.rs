//! `theta.ondemand.listServices` (alias `list_services`): the on-demand models, live when the
//! service list answers, from the embedded catalog when it does not. Read-only and free.
//!
//! `GET https://ondemand.thetaedgecloud.com/service/list?expand=template_id`, public; the
//! Bearer token is sent when one is configured but not required. Each public service
//! (`state` absent or `public`, as the official MCP server keeps) is summarised with the
//! fields an agent needs to call it: `alias` (the slug `infer` takes), `category`,
//! `defaultPrediction`, `inputFields`, `inputExample`, `variants`, `pricing`; the list is
//! sorted by `rank`, then filtered by `category`.
//!
//! When the live list is empty, unreachable, unreadable or answers an HTTP error, the
//! embedded catalog answers instead, with `source: "catalog"`, a `fallbackReason`
//! (`live-empty`, `network-or-parse-error`, `live-http-error`), a `warning` (also in the
//! envelope's `warnings`) and the `error` that caused it. A configuration error (an unusable
//! `THETA_ONDEMAND_API_BASE_URL`) is reported, not hidden behind the catalog.

use crate::command::prelude::*;
use crate::skills::theta;
use crate::skills::theta::codes;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::catalog::{self, CatalogEntry, Category, InputVar};
use crate::error::{Error, ErrorCode};

/// Arguments of `theta.ondemand.listServices`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListServicesArgs {
    /// Only services of this kind. Chat models (GLM, Qwen, Llama, GPT OSS, …) are `text`.
    pub category: Option<Category>,
}

/// The listing.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListServicesOutput {
    /// `live` or `catalog`.
    source: &'static str,
    /// The category filter, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'static str>,
    /// How many services are listed.
    count: usize,
    /// The services.
    services: Vec<Value>,
    /// Live answers: the embedded catalog exists as a fallback.
    #[serde(skip_serializing_if = "Option::is_none")]
    catalog_fallback_available: Option<bool>,
    /// Catalog answers: why the live list was not used.
    #[serde(skip_serializing_if = "Option::is_none")]
    fallback_reason: Option<&'static str>,
    /// Catalog answers: what the caller should know.
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
    /// Catalog answers: the live failure, summarised.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Value>,
    /// Catalog answers: when the catalog was last checked against the live list.
    #[serde(skip_serializing_if = "Option::is_none")]
    catalog_as_of: Option<String>,
}

impl ListServicesOutput {
    /// Whether the live list answered (rather than the embedded catalog).
    pub fn is_live(&self) -> bool {
        self.source == "live"
    }
    /// Why the embedded catalog answered, when it did.
    pub fn fallback_reason(&self) -> Option<&'static str> {
        self.fallback_reason
    }
    /// The live failure behind a fallback, summarised.
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }
    /// The services listed.
    pub fn services(&self) -> &[Value] {
        &self.services
    }
}

/// `theta.ondemand.listServices`.
#[derive(Debug, Clone, Copy)]
pub struct ListServices;

impl Command for ListServices {
    const ID: &'static str = "theta.ondemand.listServices";
    const ALIASES: &'static [&'static str] = &["list_services"];
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the on-demand models with their inputs, an example input, variants and pricing, falling back to the embedded catalog when the live list is unavailable.";
    const SERVICE: Service = theta::ONDEMAND;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::optional(theta::ONDEMAND_TOKEN)];
    type Args = ListServicesArgs;
    type Output = ListServicesOutput;

    async fn run(
        &self,
        ctx: &Ctx<'_>,
        args: ListServicesArgs,
    ) -> Result<ListServicesOutput, Error> {
        let client = ctx.client(theta::ONDEMAND)?;
        let live = async {
            let value = client.send(&request()).await?.json_value()?;
            live_services(&value)
        };
        let outcome = match live.await {
            Ok(services) if !services.is_empty() => {
                return Ok(listing("live", args.category, services, |output| {
                    output.catalog_fallback_available = Some(true)
                }));
            }
            Ok(_) => Fallback::Empty,
            Err(error) => match error.code() {
                ErrorCode::ConfigError | codes::INVALID_THETA_BASE_URL | ErrorCode::Internal => {
                    return Err(error);
                }
                ErrorCode::Http(_)
                | codes::THETA_ONDEMAND_CAPACITY_EXHAUSTED
                | ErrorCode::RedirectRefused => Fallback::Http(error),
                _ => Fallback::Unavailable(error),
            },
        };
        let catalog = catalog::catalog()?;
        let warning = outcome.warning(&catalog.as_of);
        ctx.warn(warning.clone());
        let services = catalog.services.iter().map(catalog_summary).collect();
        Ok(listing("catalog", args.category, services, |output| {
            output.fallback_reason = Some(outcome.reason());
            output.warning = Some(warning);
            output.error = outcome.error_summary();
            output.catalog_as_of = Some(catalog.as_of.clone());
        }))
    }
}

/// `GET /service/list?expand=template_id`.
fn request() -> ApiRequest {
    ApiRequest::get(&["service", "list"]).query("expand", "template_id")
}

/// Why the catalog answered.
enum Fallback {
    Empty,
    Unavailable(Error),
    Http(Error),
}

impl Fallback {
    fn reason(&self) -> &'static str {
        match self {
            Fallback::Empty => "live-empty",
            Fallback::Unavailable(_) => "network-or-parse-error",
            Fallback::Http(_) => "live-http-error",
        }
    }

    fn warning(&self, as_of: &str) -> String {
        match self {
            Fallback::Empty => format!(
                "The live on-demand service list returned no services; showing the embedded catalog (as of {as_of})."
            ),
            Fallback::Unavailable(e) => format!(
                "The live on-demand service list is unavailable ({}); showing the embedded catalog (as of {as_of}).",
                crate::secrets::summary(e, 200)
            ),
            Fallback::Http(e) => format!(
                "The live on-demand service list answered with an error ({}); showing the embedded catalog (as of {as_of}).",
                crate::secrets::summary(e, 200)
            ),
        }
    }

    fn error_summary(&self) -> Option<Value> {
        let (Fallback::Unavailable(e) | Fallback::Http(e)) = self else {
            return None;
        };
        let mut summary = json!({
            "code": e.code(),
            "message": e.message(),
            "retriable": e.retriable(),
        });
        if let (Some(status), Value::Object(map)) = (e.status(), &mut summary) {
            map.insert("status".into(), json!(status));
        }
        Some(summary)
    }
}

fn listing(
    source: &'static str,
    category: Option<Category>,
    services: Vec<Value>,
    finish: impl FnOnce(&mut ListServicesOutput),
) -> ListServicesOutput {
    let services: Vec<Value> = services
        .into_iter()
        .filter(|s| category.is_none_or(|c| s["category"] == c.as_str()))
        .collect();
    let mut output = ListServicesOutput {
        source,
        category: category.map(Category::as_str),
        count: services.len(),
        services,
        catalog_fallback_available: None,
        fallback_reason: None,
        warning: None,
        error: None,
        catalog_as_of: None,
    };
    finish(&mut output);
    output
}

/// The public services of a live answer, summarised and sorted by rank. An answer without a
/// `services` array is a decode error (the API changed), not an empty list.
fn live_services(answer: &Value) -> Result<Vec<Value>, Error> {
    let services = answer
        .pointer("/body/services")
        .or_else(|| answer.get("services"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidResponse,
                "the service list has no `body.services` array",
            )
        })?;
    let mut ranked: Vec<(f64, Value)> = services
        .iter()
        .filter(|s| s.is_object())
        .filter(|s| {
            s.get("state")
                .and_then(Value::as_str)
                .is_none_or(|state| state.eq_ignore_ascii_case("public"))
        })
        .map(|s| {
            let rank = s.get("rank").and_then(Value::as_f64).unwrap_or(0.0);
            (rank, live_summary(s))
        })
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(ranked.into_iter().map(|(_, s)| s).collect())
}

/// One live service, summarised.
fn live_summary(service: &Value) -> Value {
    let text = |key: &str| {
        service
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let alias = text("alias").or(text("name")).unwrap_or("unknown");
    let name = text("name").unwrap_or(alias);
    let predictions = service.get("predictions").and_then(Value::as_object);
    let default_prediction = text("default_prediction")
        .map(str::to_owned)
        .or_else(|| predictions.and_then(|p| p.keys().next().cloned()));
    let prediction = default_prediction
        .as_deref()
        .and_then(|d| predictions.and_then(|p| p.get(d)));
    let vars = prediction
        .and_then(|p| p.get("input_vars"))
        .map(input_vars)
        .unwrap_or_default();

    let mut out = Map::new();
    out.insert("source".into(), json!("live"));
    out.insert("alias".into(), json!(alias));
    out.insert("name".into(), json!(name));
    out.insert(
        "category".into(),
        json!(Category::of_live(alias, name, &vars).as_str()),
    );
    let mut copy = |from: &str, to: &str| {
        if let Some(value) = service.get(from).filter(|v| !v.is_null()) {
            out.insert(to.into(), value.clone());
        }
    };
    copy("state", "state");
    copy("workload_type", "workloadType");
    copy("rank", "rank");
    copy("template_id", "templateId");
    copy("workers", "workers");
    copy("update_time", "updateTime");
    if let Some(d) = &default_prediction {
        out.insert("defaultPrediction".into(), json!(d));
    }
    if let Some(p) = predictions.filter(|p| p.len() > 1) {
        out.insert("predictions".into(), json!(p.keys().collect::<Vec<_>>()));
    }
    out.insert(
        "inputFields".into(),
        json!(vars.iter().map(|v| &v.name).collect::<Vec<_>>()),
    );
    out.insert("inputExample".into(), catalog::input_example(&vars));
    if let Some(prediction) = prediction {
        if let Some(description) = prediction.get("instructions").and_then(Value::as_str) {
            out.insert("description".into(), json!(description));
        }
        if let Some(variants) = prediction.get("variants").filter(|v| v.is_array()) {
            out.insert("variants".into(), variants.clone());
        }
        let pricing: Map<String, Value> = [
            ("cost", "cost"),
            ("cost_divisor", "costDivisor"),
            ("external_price_tier", "externalPriceTier"),
        ]
        .into_iter()
        .filter_map(|(from, to)| {
            prediction
                .get(from)
                .filter(|v| !v.is_null())
                .map(|v| (to.to_owned(), v.clone()))
        })
        .collect();
        if !pricing.is_empty() {
            out.insert("pricing".into(), Value::Object(pricing));
        }
        if let Some(meta) = prediction
            .get("openrouter_metadata")
            .filter(|v| !v.is_null())
        {
            out.insert("openrouter".into(), meta.clone());
        }
    }
    Value::Object(out)
}

/// A prediction's input variables: a map `{name: {type, index, default, …}}` (what the live
/// list sends) or a list `[{name, type, default}]` (the official MCP server's types). Map
/// entries are ordered by `index` when they have one.
fn input_vars(value: &Value) -> Vec<InputVar> {
    let var = |name: &str, spec: &Value| InputVar {
        name: name.to_owned(),
        kind: spec
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase(),
        default: spec
            .get("default_value")
            .or_else(|| spec.get("default"))
            .filter(|d| !d.is_null())
            .cloned(),
    };
    match value {
        Value::Object(map) => {
            let mut vars: Vec<(f64, InputVar)> = map
                .iter()
                .enumerate()
                .map(|(position, (name, spec))| {
                    #[expect(clippy::cast_precision_loss, reason = "a position in a short list")]
                    let fallback = position as f64;
                    let index = spec
                        .get("index")
                        .and_then(Value::as_f64)
                        .unwrap_or(fallback);
                    (index, var(name, spec))
                })
                .collect();
            vars.sort_by(|a, b| a.0.total_cmp(&b.0));
            vars.into_iter().map(|(_, v)| v).collect()
        }
        Value::Array(items) => items
            .iter()
            .filter_map(|spec| {
                let name = spec.get("name").and_then(Value::as_str)?;
                Some(var(name, spec))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// One catalog entry, in the same shape as a live summary where the fields exist.
fn catalog_summary(entry: &CatalogEntry) -> Value {
    let vars: Vec<InputVar> = entry.inputs.iter().map(|i| InputVar::named(i)).collect();
    let mut out = Map::new();
    out.insert("source".into(), json!("catalog"));
    out.insert("alias".into(), json!(entry.slug));
    out.insert("name".into(), json!(entry.name));
    out.insert(
        "category".into(),
        json!(Category::of_catalog(&entry.category).as_str()),
    );
    out.insert("catalogCategory".into(), json!(entry.category));
    if let Some(d) = &entry.default_prediction {
        out.insert("defaultPrediction".into(), json!(d));
    }
    out.insert("inputFields".into(), json!(entry.inputs));
    out.insert("inputExample".into(), catalog::input_example(&vars));
    if !entry.variants.is_empty() {
        out.insert("variants".into(), json!(entry.variants));
    }
    if let Some(pricing) = &entry.pricing {
        out.insert("pricing".into(), json!(pricing));
    }
    out.insert(
        "supportsInputPresignedUrls".into(),
        json!(entry.presigned_uploads),
    );
    out.insert("liveStatus".into(), json!(entry.live_status));
    if let Some(chat) = &entry.chat {
        out.insert(
            "chat".into(),
            json!({"route": chat.route.as_str(), "tools": chat.tools}),
        );
    }
    if let Some(notes) = &entry.notes {
        out.insert("notes".into(), json!(notes));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_services_are_summarised_filtered_and_ranked() {
        let answer = json!({"status": "success", "body": {"services": [
            {"alias": "flux", "name": "FLUX", "state": "public", "rank": 5, "default_prediction": "generate_image",
             "predictions": {"generate_image": {"instructions": "Draws", "cost": 10, "cost_divisor": 1000,
                "variants": ["default", "quantized"],
                "input_vars": {"steps": {"type": "integer", "index": 1}, "prompt": {"type": "string", "index": 0}}}}},
            {"alias": "secret_tool", "name": "Internal", "state": "internal", "rank": 0},
            {"alias": "glm_5_3", "name": "GLM 5.3", "state": "public", "rank": 1,
             "predictions": {"completions": {"input_vars": [{"name": "messages", "type": "chat_array"}]}}}
        ]}});
        let services = live_services(&answer).unwrap();
        let aliases: Vec<_> = services.iter().map(|s| s["alias"].clone()).collect();
        assert_eq!(aliases, [json!("glm_5_3"), json!("flux")]);
        let glm = &services[0];
        assert_eq!(glm["category"], json!("text"));
        assert_eq!(glm["defaultPrediction"], json!("completions"));
        assert_eq!(
            glm["inputExample"],
            json!({"messages": [{"role": "user", "content": "Hello"}]})
        );
        let flux = &services[1];
        assert_eq!(flux["inputFields"], json!(["prompt", "steps"]));
        assert_eq!(
            flux["inputExample"],
            json!({"prompt": "Your prompt here", "steps": 1})
        );
        assert_eq!(flux["pricing"], json!({"cost": 10, "costDivisor": 1000}));
        assert_eq!(flux["variants"], json!(["default", "quantized"]));
        assert_eq!(flux["description"], json!("Draws"));
    }

    #[test]
    fn an_answer_without_services_is_a_decode_error() {
        let error = live_services(&json!({"body": {}})).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidResponse);
        assert!(
            live_services(&json!({"body": {"services": []}}))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn catalog_entries_look_like_live_ones() {
        let entry = catalog::entry("whisper").unwrap();
        let summary = catalog_summary(entry);
        assert_eq!(summary["category"], json!("audio"));
        assert_eq!(
            summary["inputExample"],
            json!({"audio_filename": "https://example.com/file"})
        );
        assert_eq!(summary["supportsInputPresignedUrls"], json!(true));
        let glm = catalog_summary(catalog::entry("glm_5_3").unwrap());
        assert_eq!(glm["category"], json!("text"));
        assert_eq!(glm["chat"]["route"], json!("chat/completions"));
    }
}
