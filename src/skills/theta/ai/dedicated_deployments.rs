//! `theta.ai.dedicatedDeployments.list`: the project's serving (inference) deployments.
//!
//! Three controller calls at once, with `x-api-key` (`spec/theta-api.md` §2.6.2):
//! (a) the project's deployments (`GET /deployment/list?project_id=`, route fallback on
//! 404/405) — its failure fails the command; (b) Theta's standard `serving` templates
//! (`GET /deployment_template/list_standard_templates?category=serving&page=&number=50`),
//! pages fetched four at a time until a page holds fewer than 50 (at most 20 pages);
//! (c) the project's custom templates (`GET /deployment_template/list_custom_templates`),
//! keeping those without a category or of category `serving`. A failed catalog fetch is
//! remembered and counts as empty.
//!
//! The allow-list is the lower-cased, trimmed template names; deployments whose
//! `TemplateName` is in it are kept. When the allow-list is empty but deployments exist, the
//! list is returned unfiltered (`filter.mode: "unfiltered-fallback"`) rather than hiding
//! everything. The list answer comes back with `body` replaced, plus `filter: {mode,
//! templateCount, degraded}` and `warnings` (omitted when empty; also added to the response
//! envelope). Read-only and free.

use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use std::collections::BTreeSet;

use futures_util::future::join_all;
use serde_json::{Map, Value, json};

use crate::command::prelude::*;
use crate::error::{Error, ErrorCode};
use crate::skills::theta::controller::{ProjectArgs, get_ci, listed_items};
use crate::skills::theta::deployments::{
    custom_templates_request, list_deployments, standard_templates_request,
};

/// Standard templates per page.
const PAGE_SIZE: u32 = 50;
/// Pages fetched at once.
const PAGES_AT_ONCE: u32 = 4;
/// Pages fetched at most (1000 templates).
const MAX_PAGES: u32 = 20;
/// The category of templates that serve inference.
const SERVING: &str = "serving";

/// `theta.ai.dedicatedDeployments.list`.
#[derive(Debug, Clone, Copy)]
pub struct DedicatedDeploymentsList;

impl Command for DedicatedDeploymentsList {
    const ID: &'static str = "theta.ai.dedicatedDeployments.list";
    const EFFECT: Effect = Effect::ReadOnly;
    const SUMMARY: &'static str = "Lists the project's dedicated inference deployments, filtered by the serving templates (standard and custom).";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = ProjectArgs;
    type Output = Value;

    async fn run(&self, ctx: &Ctx<'_>, args: ProjectArgs) -> Result<Value, Error> {
        let project = ctx.config().project_id(args.project_id.as_deref())?;
        let (listed, standard, custom) = tokio::join!(
            list_deployments(ctx, &project, &[]),
            standard_serving_names(ctx),
            custom_serving_names(ctx, &project),
        );
        let listed = listed?;
        let mut warnings = Vec::new();
        let mut allowed = BTreeSet::new();
        for (names, which) in [(standard, "standard"), (custom, "custom")] {
            match names {
                Ok(names) => allowed.extend(names),
                Err(error) => warnings.push(format!(
                    "Failed to fetch {which} serving templates: {}",
                    crate::secrets::summary(&error, 220)
                )),
            }
        }
        let degraded = !warnings.is_empty();
        let output = filter(listed, &allowed, degraded, &mut warnings);
        for warning in &warnings {
            ctx.warn(warning.clone());
        }
        Ok(output)
    }

    fn example() -> Value {
        json!({"projectId": "prj_example"})
    }
}

/// The lower-cased, trimmed names of Theta's standard serving templates, every page.
async fn standard_serving_names(ctx: &Ctx<'_>) -> Result<Vec<String>, Error> {
    let client = ctx.client(theta::CONTROLLER)?;
    let mut names = Vec::new();
    for first in (0..MAX_PAGES).step_by(PAGES_AT_ONCE as usize) {
        let pages = first..(first + PAGES_AT_ONCE).min(MAX_PAGES);
        let answers = join_all(pages.map(|page| {
            let request = standard_templates_request(SERVING, page, PAGE_SIZE);
            let client = &client;
            async move { client.send(&request).await?.json_value() }
        }))
        .await;
        // In page order: the first short page is the last one.
        for answer in answers {
            let answer = answer?;
            let templates = listed_items(&answer, &["templates"]).ok_or_else(unexpected_shape)?;
            names.extend(templates.iter().filter_map(template_name));
            if templates.len() < PAGE_SIZE as usize {
                return Ok(names);
            }
        }
    }
    Ok(names)
}

/// The lower-cased, trimmed names of the project's custom templates without a category or of
/// category `serving`.
async fn custom_serving_names(ctx: &Ctx<'_>, project: &str) -> Result<Vec<String>, Error> {
    let answer = ctx
        .client(theta::CONTROLLER)?
        .send(&custom_templates_request(project))
        .await?
        .json_value()?;
    let templates = listed_items(&answer, &["templates"]).ok_or_else(unexpected_shape)?;
    Ok(templates
        .iter()
        .filter(|t| {
            let category = t
                .as_object()
                .and_then(|t| get_ci(t, "category"))
                .and_then(Value::as_str)
                .map(str::trim)
                .unwrap_or_default();
            category.is_empty() || category.eq_ignore_ascii_case(SERVING)
        })
        .filter_map(template_name)
        .collect())
}

fn unexpected_shape() -> Error {
    Error::new(
        ErrorCode::InvalidResponse,
        "the template list has no `templates` array",
    )
}

fn template_name(template: &Value) -> Option<String> {
    template
        .as_object()
        .and_then(|t| get_ci(t, "name"))
        .and_then(Value::as_str)
        .map(normalize)
        .filter(|n| !n.is_empty())
}

fn normalize(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The list answer with `body` filtered by `allowed`, plus `filter` and `warnings`.
fn filter(
    listed: Value,
    allowed: &BTreeSet<String>,
    degraded: bool,
    warnings: &mut Vec<String>,
) -> Value {
    let (mut answer, deployments) = match listed {
        Value::Object(mut map) => match map.remove("body") {
            Some(Value::Array(items)) => (map, items),
            other => {
                // Not the documented shape: show it untouched rather than guess.
                if let Some(body) = other {
                    map.insert("body".into(), body);
                }
                warnings.push(
                    "The deployment list has no `body` array; returning it unfiltered.".into(),
                );
                return finish(
                    map,
                    "unfiltered-fallback",
                    allowed.len(),
                    degraded,
                    warnings,
                );
            }
        },
        Value::Array(items) => (Map::new(), items),
        other => {
            warnings
                .push("The deployment list is not a JSON object; returning it unfiltered.".into());
            let mut map = Map::new();
            map.insert("body".into(), other);
            return finish(
                map,
                "unfiltered-fallback",
                allowed.len(),
                degraded,
                warnings,
            );
        }
    };
    let mode = if allowed.is_empty() && !deployments.is_empty() {
        warnings.push(
            "Template allowlist unavailable; returning unfiltered deployment list for visibility."
                .into(),
        );
        answer.insert("body".into(), Value::Array(deployments));
        "unfiltered-fallback"
    } else {
        let kept: Vec<Value> = deployments
            .into_iter()
            .filter(|d| {
                d.as_object()
                    .and_then(|d| get_ci(d, "TemplateName").or_else(|| get_ci(d, "template_name")))
                    .and_then(Value::as_str)
                    .is_some_and(|name| allowed.contains(&normalize(name)))
            })
            .collect();
        answer.insert("body".into(), Value::Array(kept));
        "serving-template-allowlist"
    };
    finish(answer, mode, allowed.len(), degraded, warnings)
}

fn finish(
    mut answer: Map<String, Value>,
    mode: &str,
    template_count: usize,
    degraded: bool,
    warnings: &[String],
) -> Value {
    answer.insert(
        "filter".into(),
        json!({"mode": mode, "templateCount": template_count, "degraded": degraded}),
    );
    if !warnings.is_empty() {
        answer.insert("warnings".into(), json!(warnings));
    }
    Value::Object(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|n| normalize(n)).collect()
    }

    fn listed() -> Value {
        json!({"status": "success", "body": [
            {"TemplateName": " vLLM Llama ", "Suffix": "a"},
            {"TemplateName": "Jupyter Notebook", "Suffix": "b"},
            {"Suffix": "c"}
        ]})
    }

    #[test]
    fn keeps_only_allowed_templates_case_insensitively() {
        let mut warnings = Vec::new();
        let out = filter(listed(), &names(&["VLLM llama"]), false, &mut warnings);
        assert_eq!(
            out["body"],
            json!([{"TemplateName": " vLLM Llama ", "Suffix": "a"}])
        );
        assert_eq!(out["status"], "success");
        assert_eq!(
            out["filter"],
            json!({"mode": "serving-template-allowlist", "templateCount": 1, "degraded": false})
        );
        assert!(out.get("warnings").is_none());
    }

    #[test]
    fn an_empty_allow_list_returns_everything_with_a_warning() {
        let mut warnings = vec!["Failed to fetch standard serving templates: x".to_owned()];
        let out = filter(listed(), &BTreeSet::new(), true, &mut warnings);
        assert_eq!(out["body"].as_array().map(Vec::len), Some(3));
        assert_eq!(out["filter"]["mode"], "unfiltered-fallback");
        assert_eq!(out["filter"]["degraded"], true);
        assert_eq!(out["warnings"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn unexpected_shapes_are_returned_untouched() {
        let mut warnings = Vec::new();
        let out = filter(
            json!({"body": {"odd": 1}}),
            &names(&["x"]),
            false,
            &mut warnings,
        );
        assert_eq!(out["body"], json!({"odd": 1}));
        assert_eq!(out["filter"]["mode"], "unfiltered-fallback");
        assert_eq!(warnings.len(), 1);
    }
}
