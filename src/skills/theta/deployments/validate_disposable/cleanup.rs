//! Fail-closed cleanup: which deployment the create answer names, deleting it (retried, over
//! every handle and both routes), checking the project's list no longer shows it, and a guard
//! that still deletes it when the run is dropped half-way (cancelled, or a panic unwinding).

use crate::skills::theta;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::{Config, is_identifier};
use crate::error::{Error, ErrorCode};
use crate::http::{Auth, ServiceClient, Transport, retry};
use crate::secrets::Secrets;
use crate::skills::theta::controller::{
    PLURAL, SINGULAR, find_value, get_ci, listed_items, route_missing, scalar_text,
};

use super::super::{DeleteTarget, list_request};

/// Rounds of delete attempts before giving up. Deleting is idempotent, so unlike ordinary
/// mutating calls it is worth repeating after a 5xx, a timeout or a 409 (still provisioning).
const DELETE_ROUNDS: u32 = 4;
/// How many times the list is read to see the deployment gone.
const VERIFY_CHECKS: u32 = 3;
/// The longest wait between two list reads.
const MAX_VERIFY_WAIT: Duration = Duration::from_secs(10);

/// What the create answer says about the new deployment. None of it is secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Handles {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) shard: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) suffix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) deployment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) endpoint: Option<String>,
}

impl Handles {
    /// Reads the handles from a create answer. The deployment is the first object (depth
    /// first) with a `suffix` key; its `shard`, `suffix` and id (`id`, `deployment_id`,
    /// `base_id`) are taken from it. Without such an object only an explicit
    /// `deployment_id`/`base_id` anywhere counts (a bare `id` could be anything's). Values that
    /// are not identifiers are ignored: they would not address a deployment.
    pub(crate) fn from_create(answer: &Value) -> Self {
        let id = |v: Option<&Value>| v.and_then(scalar_text).filter(|s| is_identifier(s));
        let deployment = find_object_with(answer, "suffix");
        let deployment_id = deployment
            .and_then(|d| {
                ["id", "deployment_id", "base_id", "baseid"]
                    .iter()
                    .find_map(|k| id(get_ci(d, k)))
            })
            .or_else(|| id(find_value(answer, &["deployment_id", "base_id", "baseid"])));
        Self {
            shard: deployment.and_then(|d| id(get_ci(d, "shard"))),
            suffix: deployment.and_then(|d| id(get_ci(d, "suffix"))),
            deployment_id,
            endpoint: endpoint_of(deployment, answer),
        }
    }

    /// The ways to delete the deployment, preferred first.
    pub(crate) fn targets(&self) -> Vec<DeleteTarget> {
        let mut targets = Vec::new();
        if let (Some(shard), Some(suffix)) = (&self.shard, &self.suffix) {
            targets.push(DeleteTarget::ShardSuffix {
                shard: shard.clone(),
                suffix: suffix.clone(),
            });
        }
        if let Some(id) = &self.deployment_id {
            targets.push(DeleteTarget::Base(id.clone()));
        }
        targets
    }

    /// Whether a listed deployment is this one.
    fn matches(&self, listed: &Map<String, Value>) -> bool {
        let text = |k: &str| get_ci(listed, k).and_then(scalar_text);
        let same_pair = self.suffix.is_some()
            && text("suffix") == self.suffix
            && (self.shard.is_none() || text("shard") == self.shard);
        let same_id = self.deployment_id.as_ref().is_some_and(|id| {
            ["id", "deployment_id", "base_id", "baseid"]
                .iter()
                .any(|k| text(k).as_ref() == Some(id))
        });
        same_pair || same_id
    }
}

/// The endpoint URL: from the deployment object when it names one (`endpoint`, then
/// `endpoint_url`, then `url`), else the first such key anywhere, a bare `url` last (it could
/// be any link).
fn endpoint_of(deployment: Option<&Map<String, Value>>, answer: &Value) -> Option<String> {
    const NAMES: [&str; 4] = ["endpoint", "endpoint_url", "endpointurl", "url"];
    let text = |v: &Value| {
        v.as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    deployment
        .and_then(|d| NAMES.iter().find_map(|k| get_ci(d, k).and_then(text)))
        .or_else(|| find_value(answer, &NAMES[..3]).and_then(text))
        .or_else(|| find_value(answer, &NAMES[3..]).and_then(text))
}

fn find_object_with<'a>(value: &'a Value, key: &str) -> Option<&'a Map<String, Value>> {
    match value {
        Value::Object(map) if get_ci(map, key).is_some_and(|v| scalar_text(v).is_some()) => {
            Some(map)
        }
        Value::Object(map) => map.values().find_map(|v| find_object_with(v, key)),
        Value::Array(items) => items.iter().find_map(|v| find_object_with(v, key)),
        _ => None,
    }
}

/// The delete step of the report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeleteStep {
    /// `deleted`, `notFound` (every handle answered 404), `failed`, `noHandle`, or `pending`.
    pub(crate) status: &'static str,
    /// Every DELETE sent, in order.
    pub(crate) requests: Vec<DeleteRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

impl DeleteStep {
    pub(crate) fn pending() -> Self {
        Self {
            status: "pending",
            requests: Vec::new(),
            error: None,
        }
    }
}

/// One DELETE request and its answer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeleteRequest {
    pub(crate) url: String,
    pub(crate) ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
}

/// How one target fared.
enum TargetOutcome {
    Deleted,
    /// Both routes answered 404/405.
    NotFound,
    /// Retrying cannot help (400, 401, 403, 422, a refused endpoint…).
    Final(Error),
    /// May succeed later (5xx, timeout, network, 409, 429).
    Transient(Error),
}

/// Deletes the deployment: each round tries every target (shard/suffix first, then the id),
/// each on the singular route and, on 404/405, the plural one; rounds repeat with backoff
/// while failures may be temporary. Every request is recorded in `step` as it is answered.
pub(crate) async fn delete_deployment(
    client: &ServiceClient<'_>,
    project: &str,
    targets: &[DeleteTarget],
    backoff_base: Duration,
    step: &mut DeleteStep,
) {
    if targets.is_empty() {
        step.status = "noHandle";
        step.error = Some(
            "the create answer names neither a shard and suffix nor a deployment id".to_owned(),
        );
        return;
    }
    for round in 0..DELETE_ROUNDS {
        if round > 0 {
            tokio::time::sleep(retry::backoff(backoff_base, round - 1)).await;
        }
        let mut transient = None;
        for target in targets {
            match delete_target(client, project, target, step).await {
                TargetOutcome::Deleted => {
                    step.status = "deleted";
                    step.error = None;
                    return;
                }
                TargetOutcome::NotFound => {}
                TargetOutcome::Final(error) => {
                    step.status = "failed";
                    step.error = Some(crate::secrets::summary(&error, 300));
                    return;
                }
                TargetOutcome::Transient(error) => transient = Some(error),
            }
        }
        match transient {
            None => {
                step.status = "notFound";
                return;
            }
            Some(error) => step.error = Some(crate::secrets::summary(&error, 300)),
        }
    }
    step.status = "failed";
}

async fn delete_target(
    client: &ServiceClient<'_>,
    project: &str,
    target: &DeleteTarget,
    step: &mut DeleteStep,
) -> TargetOutcome {
    for route in [SINGULAR, PLURAL] {
        let request = target.request(route, project);
        let url = client
            .url(&request)
            .map(|u| u.to_string())
            .unwrap_or_default();
        match client.send(&request).await {
            Ok(_) => {
                step.requests.push(DeleteRequest {
                    url,
                    ok: true,
                    status: None,
                    code: None,
                    message: None,
                });
                return TargetOutcome::Deleted;
            }
            Err(error) => {
                step.requests.push(DeleteRequest {
                    url,
                    ok: false,
                    status: error.status(),
                    code: Some(error.code().to_string()),
                    message: Some(crate::secrets::summary(&error, 200)),
                });
                if !route_missing(&error) {
                    return classify(error);
                }
            }
        }
    }
    TargetOutcome::NotFound
}

fn classify(error: Error) -> TargetOutcome {
    let transient = match error.status() {
        Some(status) => matches!(status, 408 | 409 | 425 | 429 | 500..=599),
        // No status: a timeout or a broken connection may pass; a refused or unbuildable
        // request will not.
        None => matches!(error.code(), ErrorCode::Timeout | ErrorCode::NetworkError),
    };
    if transient {
        TargetOutcome::Transient(error)
    } else {
        TargetOutcome::Final(error)
    }
}

/// The verification step of the report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VerifyStep {
    /// `absent`, `stillListed`, `failed` (the list could not be read or understood),
    /// `skipped` (nothing to look for), or `pending`.
    pub(crate) status: &'static str,
    pub(crate) checks: u32,
    /// The listed entry that still matches, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) listed: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

impl VerifyStep {
    pub(crate) fn pending() -> Self {
        Self {
            status: "pending",
            checks: 0,
            listed: None,
            error: None,
        }
    }
}

/// Reads the project's deployments (with the route fallback) until the deployment is absent,
/// at most [`VERIFY_CHECKS`] times, `wait` apart.
pub(crate) async fn verify_absent(
    client: &ServiceClient<'_>,
    project: &str,
    handles: &Handles,
    wait: Duration,
    step: &mut VerifyStep,
) {
    if handles.targets().is_empty() {
        step.status = "skipped";
        step.error = Some("nothing identifies the deployment in the list".to_owned());
        return;
    }
    for check in 0..VERIFY_CHECKS {
        if check > 0 {
            tokio::time::sleep(wait.min(MAX_VERIFY_WAIT)).await;
        }
        step.checks += 1;
        match read_list(client, project).await {
            Ok(answer) => match listed_items(&answer, &["deployments", "items"]) {
                Some(items) => {
                    let found = items
                        .iter()
                        .filter_map(Value::as_object)
                        .find(|d| handles.matches(d));
                    match found {
                        None => {
                            step.status = "absent";
                            step.listed = None;
                            step.error = None;
                            return;
                        }
                        Some(entry) => {
                            step.status = "stillListed";
                            step.listed = Some(Value::Object(entry.clone()));
                        }
                    }
                }
                None => {
                    step.status = "failed";
                    step.error = Some("the deployment list has an unexpected shape".to_owned());
                }
            },
            Err(error) => {
                step.status = "failed";
                step.error = Some(crate::secrets::summary(&error, 300));
            }
        }
    }
}

async fn read_list(client: &ServiceClient<'_>, project: &str) -> Result<Value, Error> {
    let response = match client.send(&list_request(SINGULAR, project, &[])).await {
        Err(error) if route_missing(&error) => {
            client.send(&list_request(PLURAL, project, &[])).await?
        }
        other => other?,
    };
    response.json_value()
}

/// Deletes the deployment if the run is dropped before its cleanup finished: a cancelled
/// future, or a panic unwinding through the flow. Async code cannot run in `Drop`, so the
/// guard deletes on a thread of its own with a fresh HTTP transport, and waits for it.
#[derive(Debug)]
pub(crate) struct CleanupGuard {
    job: Option<OrphanCleanup>,
}

#[derive(Debug)]
struct OrphanCleanup {
    config: Config,
    secrets: Secrets,
    project: String,
    targets: Vec<DeleteTarget>,
}

impl CleanupGuard {
    /// Armed for the deployment `targets` name (nothing to do without a target).
    pub(crate) fn arm(
        config: &Config,
        secrets: &Secrets,
        project: &str,
        targets: Vec<DeleteTarget>,
    ) -> Self {
        let job = (!targets.is_empty()).then(|| OrphanCleanup {
            config: config.clone(),
            secrets: secrets.clone(),
            project: project.to_owned(),
            targets,
        });
        Self { job }
    }

    /// The run's own cleanup finished: nothing left to do on drop.
    pub(crate) fn disarm(mut self) {
        self.job = None;
    }
}

impl Drop for CleanupGuard {
    fn drop(&mut self) {
        let Some(job) = self.job.take() else {
            return;
        };
        tracing::error!(
            project = %job.project,
            handles = ?job.targets,
            "validateDisposable stopped before its cleanup; deleting the deployment now"
        );
        let worker = std::thread::Builder::new()
            .name("theta-orphan-cleanup".into())
            .spawn(move || job.run());
        match worker.map(std::thread::JoinHandle::join) {
            Ok(Ok(step)) => tracing::error!(
                status = step.status,
                requests = step.requests.len(),
                error = step.error.as_deref().unwrap_or_default(),
                "orphan cleanup finished"
            ),
            Ok(Err(_)) => tracing::error!("orphan cleanup panicked; delete the deployment by hand"),
            Err(e) => tracing::error!(
                error = %e,
                "no thread for the orphan cleanup; delete the deployment by hand"
            ),
        }
    }
}

impl OrphanCleanup {
    fn run(self) -> DeleteStep {
        let mut step = DeleteStep::pending();
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => {
                step.status = "failed";
                step.error = Some(format!("no runtime for the cleanup: {e}"));
                return step;
            }
        };
        runtime.block_on(async {
            let base = match self.config.base_url(theta::CONTROLLER) {
                Ok(base) => base.clone(),
                Err(error) => {
                    step.status = "failed";
                    step.error = Some(crate::secrets::summary(&error, 300));
                    return;
                }
            };
            let transport = Transport::new();
            let client = ServiceClient::new(
                theta::CONTROLLER,
                base,
                &transport,
                Auth::for_service(theta::CONTROLLER, &self.secrets),
                self.config.http,
            );
            let backoff = self.config.http.retry_backoff * 8;
            delete_deployment(&client, &self.project, &self.targets, backoff, &mut step).await;
        });
        step
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn handles_come_from_the_deployment_object() {
        let answer = json!({
            "status": "success",
            "body": {
                "template": {"id": "tpl_1", "name": "vLLM", "url": "https://docs.example.com/vllm"},
                "deployment": {
                    "ID": "dpl_9", "Shard": 3, "Suffix": "q1w2e3",
                    "Endpoint": "https://q1w2e3.onthetaedgecloud.com"
                }
            }
        });
        let handles = Handles::from_create(&answer);
        assert_eq!(
            handles,
            Handles {
                shard: Some("3".into()),
                suffix: Some("q1w2e3".into()),
                deployment_id: Some("dpl_9".into()),
                endpoint: Some("https://q1w2e3.onthetaedgecloud.com".into()),
            }
        );
        assert_eq!(handles.targets().len(), 2);
    }

    #[test]
    fn a_bare_id_elsewhere_is_not_a_deployment_handle() {
        let answer = json!({"body": {"template": {"id": "tpl_1"}}});
        assert!(Handles::from_create(&answer).targets().is_empty());
        let answer = json!({"body": {"deployment_id": "dpl_2"}});
        assert_eq!(
            Handles::from_create(&answer).targets(),
            [DeleteTarget::Base("dpl_2".into())]
        );
        // Values that cannot address anything are dropped, not sent.
        let answer = json!({"body": {"shard": "1", "suffix": "../x"}});
        assert!(Handles::from_create(&answer).targets().is_empty());
    }

    #[test]
    fn listed_entries_match_by_pair_or_id() {
        let handles = Handles {
            shard: Some("3".into()),
            suffix: Some("abc".into()),
            deployment_id: Some("dpl_9".into()),
            endpoint: None,
        };
        let entry = |v: Value| match v {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        };
        assert!(handles.matches(&entry(json!({"Shard": 3, "Suffix": "abc"}))));
        assert!(handles.matches(&entry(json!({"ID": "dpl_9"}))));
        assert!(!handles.matches(&entry(json!({"Shard": 4, "Suffix": "abc"}))));
        assert!(!handles.matches(&entry(json!({"Shard": 3, "Suffix": "abcd", "ID": "x"}))));
    }
}
