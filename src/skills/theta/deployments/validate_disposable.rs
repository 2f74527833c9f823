//! `theta.deployments.validateDisposable`: proves a deployment works end to end, then removes
//! it — create → readiness → smoke → delete → verify → balance delta (`spec/theta-api.md`
//! §2.6.1). **Paid and mutating.**
//!
//! 1. Balance before (`GET https://api.thetaedgecloud.com/balance?orgID=`), skipped without an
//!    organization.
//! 2. `POST https://controller.thetaedgecloud.com/deployment` with the payload, `project_id`,
//!    and Basic-auth credentials for the endpoint: the payload's `auth_username` /
//!    `auth_password`, or fresh ones from the system's secure random source. Credentials are
//!    masked in every output.
//! 3. Readiness: `GET <endpoint>/v1/models` (`probe: openai`) or `GET <endpoint>/config`
//!    (`probe: gradio`) with those credentials, every `intervalMs` until `readyTimeoutMs`. The
//!    endpoint must be an https Theta EdgeCloud host.
//! 4. Smoke (openai, ready, `smokeMessage` given): one `POST <endpoint>/v1/chat/completions`
//!    with `max_tokens: 32`.
//! 5. Delete — **always**, whatever happened after the create answered: a refused endpoint, a
//!    readiness timeout, a failed smoke call, an error, SIGINT/SIGTERM, the caller cancelling
//!    the call (MCP `notifications/cancelled`), or the run being dropped (a guard deletes on
//!    its own thread). By shard and suffix, else by id, each on
//!    `/deployment/...` then `/deployments/...`; repeated with backoff while failures may be
//!    temporary (a DELETE is idempotent).
//! 6. Verify: the project's deployment list no longer shows it (read up to three times).
//! 7. Balance after, and the difference.
//!
//! The result is a report with one entry per step (`status` in each). It is an error
//! (`OPERATION_FAILED`, the report in `details`) when the deployment could not be deleted or
//! its absence not verified — with the arguments to delete it by hand — or when the run was
//! interrupted. A deployment that never became ready, or a failed smoke call, is a verdict:
//! `passed: false` with `failedStep`. A failed create is that call's error, with
//! `details.deploymentMayExist` when the answer leaves it open.

mod cleanup;
mod credentials;
mod readiness;

use crate::skills::theta;
use crate::skills::theta::ThetaConfig;
use crate::skills::theta::codes;
use crate::skills::theta::default_field_code;
use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use crate::command::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorCode};
use crate::hooks::seconds;
use crate::http::Auth;
use crate::pack::sample_of;
use crate::schema::{IDENTIFIER_PATTERN, PROJECT_ID_PATTERN};
use crate::skills::theta::billing::{Snapshot, balance_delta, balance_request, snapshot};
use crate::skills::theta::controller::{SINGULAR, payload_with_project};

use super::create::{billing_hint, deployment_create_request};
use super::{DeleteTarget, list_request};
use cleanup::{CleanupGuard, DeleteStep, Handles, VerifyStep, delete_deployment, verify_absent};
use credentials::{EndpointCredentials, Origin};
pub use readiness::Probe;
use readiness::{Readiness, Smoke, endpoint_url, has_choices, poll, smoke_model, smoke_request};

/// Default `readyTimeoutMs`.
const DEFAULT_READY_TIMEOUT_MS: u64 = 120_000;
/// Default `intervalMs`.
const DEFAULT_INTERVAL_MS: u64 = 10_000;

/// Arguments.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ValidateDisposableArgs {
    /// The deployment to create, as for `theta.deployments.create` (template, VM type, …).
    /// `project_id` is filled in; `auth_username` / `auth_password` are generated when absent.
    pub payload: Map<String, Value>,
    /// Project id (`prj_...`); defaults to `payload.project_id`, then THETA_EC_PROJECT_ID.
    #[schemars(regex(pattern = PROJECT_ID_PATTERN), length(max = 128))]
    pub project_id: Option<String>,
    /// Organization id for the balance before and after; defaults to THETA_ORG_ID (without
    /// one, the balance steps are skipped).
    #[schemars(regex(pattern = IDENTIFIER_PATTERN), length(min = 1, max = 128))]
    pub org_id: Option<String>,
    /// How readiness is probed (default `openai`).
    pub probe: Option<Probe>,
    /// How long to wait for the endpoint to answer, in ms (default 120000).
    #[schemars(range(min = 1_000, max = 1_800_000))]
    pub ready_timeout_ms: Option<u64>,
    /// Pause between readiness probes, in ms (default 10000).
    #[schemars(range(min = 500, max = 60_000))]
    pub interval_ms: Option<u64>,
    /// A user message for one smoke chat call once ready (`openai` probe only; no smoke call
    /// without it).
    #[schemars(length(min = 1, max = 2_000))]
    pub smoke_message: Option<String>,
    /// The model for the smoke call; defaults to the first model the endpoint lists.
    #[schemars(length(min = 1, max = 256))]
    pub model: Option<String>,
}

/// What the run did, step by step.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateDisposableReport {
    /// True when the deployment became ready, answered the smoke call (when one was asked
    /// for), and was deleted with its absence verified.
    passed: bool,
    /// The first step that did not go as hoped: `readiness`, `smoke`, `delete`, `verify` or
    /// `cancelled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    failed_step: Option<&'static str>,
    /// One sentence: what happened.
    summary: String,
    /// Whether the deployment was deleted and the project's list no longer shows it.
    cleanup_confirmed: bool,
    project_id: String,
    /// `SIGINT` / `SIGTERM` / `cancellation` (the caller cancelled the call) when the run was
    /// interrupted (the cleanup still ran).
    #[serde(skip_serializing_if = "Option::is_none")]
    cancelled: Option<&'static str>,
    /// The deployment this run created, as the create answer named it.
    #[serde(skip_serializing_if = "Option::is_none")]
    deployment: Option<Handles>,
    /// Where the endpoint's Basic-auth credentials came from (`generated` or `payload`);
    /// their values are never shown.
    endpoint_auth: Value,
    steps: Steps,
    /// Balance before, after, and `after - before` (`null` when either is unknown).
    balance: Value,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Steps {
    balance_before: Option<Snapshot>,
    create: CreateStep,
    readiness: Readiness,
    smoke: Smoke,
    delete: DeleteStep,
    verify: VerifyStep,
    balance_after: Option<Snapshot>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateStep {
    /// `ok`, `failed`, or `pending`.
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<Value>,
}

/// `theta.deployments.validateDisposable`.
#[derive(Debug, Clone, Copy)]
pub struct ValidateDisposable;

impl Command for ValidateDisposable {
    const ID: &'static str = "theta.deployments.validateDisposable";
    const EFFECT: Effect = Effect::Paid;
    const SUMMARY: &'static str = "Creates a throwaway deployment, waits until its endpoint answers, optionally sends one chat message, then always deletes it and verifies it is gone.";
    const SERVICE: Service = theta::CONTROLLER;
    const SECRETS: &'static [SecretNeed] = &[SecretNeed::required(theta::EC_API_KEY)];
    type Args = ValidateDisposableArgs;
    type Output = ValidateDisposableReport;

    async fn run(
        &self,
        ctx: &Ctx<'_>,
        args: ValidateDisposableArgs,
    ) -> Result<ValidateDisposableReport, Error> {
        let mut plan = Plan::new(ctx, args)?;
        let credentials = credentials::resolve(&mut plan.payload)?;
        // A signal, or the caller cancelling the call (MCP): either way the cleanup runs.
        let caller = ctx.cancelled();
        let cancel = async move {
            tokio::select! {
                signal = interrupted() => signal,
                () = caller => "cancellation",
            }
        };
        execute(ctx, plan, &credentials, cancel).await
    }

    fn preview(&self, ctx: &Ctx<'_>, args: &ValidateDisposableArgs) -> Result<Preview, Error> {
        let mut plan = Plan::new(ctx, args.clone())?;
        let (user, pass) = credentials::check_payload(&plan.payload)?;
        if user == Origin::Generated {
            plan.payload.insert(
                "auth_username".into(),
                json!("openclaw_<8 random hex characters, generated at run time>"),
            );
        }
        if pass == Origin::Generated {
            plan.payload
                .insert("auth_password".into(), json!("<generated at run time>"));
        }
        let controller = ctx.client(theta::CONTROLLER)?;
        let create = controller.preview(&deployment_create_request(plan.payload.clone()))?;
        let base = controller
            .base_url()
            .as_str()
            .trim_end_matches('/')
            .to_owned();
        let org = ctx.config().org_id(plan.org.as_deref()).ok();
        let (balance_before, balance_after) = match &org {
            Some(org) => {
                let url = ctx.client(theta::PLATFORM)?.url(&balance_request(org))?;
                (
                    format!("GET {url}: balance before"),
                    format!("GET {url}: balance after, and the difference"),
                )
            }
            None => (
                "Balance before: skipped (no organization id)".to_owned(),
                "Balance after: skipped (no organization id)".to_owned(),
            ),
        };
        let project = &plan.project;
        let list_url = controller.url(&list_request(SINGULAR, project, &[]))?;
        let smoke = plan.probe == Probe::Openai && plan.smoke_message.is_some();
        let mut steps = vec![
            balance_before,
            format!(
                "POST {base}/deployment with the payload above, including Basic-auth credentials for the endpoint"
            ),
            format!(
                "GET <endpoint from the create answer>{} with those credentials every {} ms for up to {} ms",
                plan.probe.path(),
                plan.interval.as_millis(),
                plan.ready_timeout.as_millis()
            ),
        ];
        if smoke {
            steps.push(
                "POST <endpoint>/v1/chat/completions: one smoke call, max_tokens 32".to_owned(),
            );
        }
        steps.extend([
            format!("DELETE {base}/deployment/<shard>/<suffix>?project_id={project} (or /deployment/base/<id>; /deployments/... on 404/405), always, even after a failure or an interruption, repeated while it may succeed"),
            format!("GET {list_url}: check the deployment is no longer listed"),
            balance_after,
        ]);
        let mut preview = Preview::request(create)
            .cost_hint(billing_hint())
            .note("Only the create request is known in advance; the later steps use the endpoint, shard and suffix it answers with.")
            .note("The deployment is billed from creation until the cleanup deletes it: up to readyTimeoutMs plus the cleanup.");
        if plan.probe == Probe::Gradio && plan.smoke_message.is_some() {
            preview = preview.note("smokeMessage is ignored with the gradio probe.");
        }
        preview.details = Some(json!({
            "plan": steps,
            "probe": plan.probe,
            "readyTimeoutMs": plan.ready_timeout.as_millis(),
            "intervalMs": plan.interval.as_millis(),
            "smokeCall": smoke,
            "orgIdConfigured": org.is_some(),
        }));
        Ok(preview)
    }

    fn example() -> Value {
        json!({
            "projectId": "prj_example",
            "payload": {"deployment_template_id": "tpl_example", "vm_id": "vm_gt1"},
            "probe": "openai",
            "readyTimeoutMs": 600_000,
            "smokeMessage": "Say OK."
        })
    }

    fn field_code(field: &str) -> Option<ErrorCode> {
        match field {
            "payload" => Some(codes::INVALID_DEPLOYMENT_PAYLOAD),
            "readyTimeoutMs" | "intervalMs" => Some(ErrorCode::InvalidPollOptions),
            other => default_field_code(other),
        }
    }
}

/// Everything decided before the first request.
#[derive(Debug)]
struct Plan {
    project: String,
    org: Option<String>,
    payload: Map<String, Value>,
    probe: Probe,
    ready_timeout: Duration,
    interval: Duration,
    smoke_message: Option<String>,
    model: Option<String>,
}

impl Plan {
    fn new(ctx: &Ctx<'_>, args: ValidateDisposableArgs) -> Result<Self, Error> {
        let (payload, project) = payload_with_project(
            ctx,
            &args.payload,
            args.project_id.as_deref(),
            codes::INVALID_DEPLOYMENT_PAYLOAD,
        )?;
        credentials::check_payload(&payload)?;
        Ok(Self {
            project,
            org: args.org_id,
            payload,
            probe: args.probe.unwrap_or_default(),
            ready_timeout: Duration::from_millis(
                args.ready_timeout_ms.unwrap_or(DEFAULT_READY_TIMEOUT_MS),
            ),
            interval: Duration::from_millis(args.interval_ms.unwrap_or(DEFAULT_INTERVAL_MS)),
            smoke_message: args.smoke_message,
            model: args.model,
        })
    }
}

/// Resolves with the signal's name on SIGINT or SIGTERM. Listening replaces the default
/// action (ending the process) for the rest of the process, which is what lets the cleanup
/// run; the process ends when the command returns.
async fn interrupted() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                r = tokio::signal::ctrl_c() => match r {
                    Ok(()) => "SIGINT",
                    Err(_) => { term.recv().await; "SIGTERM" }
                },
                _ = term.recv() => "SIGTERM",
            },
            Err(_) => ctrl_c_or_never().await,
        }
    }
    #[cfg(not(unix))]
    {
        ctrl_c_or_never().await
    }
}

async fn ctrl_c_or_never() -> &'static str {
    match tokio::signal::ctrl_c().await {
        Ok(()) => "SIGINT",
        Err(_) => std::future::pending().await,
    }
}

/// The flow, with `cancel` resolving when the run should stop early (a signal in a real run).
async fn execute(
    ctx: &Ctx<'_>,
    plan: Plan,
    credentials: &EndpointCredentials,
    cancel: impl Future<Output = &'static str>,
) -> Result<ValidateDisposableReport, Error> {
    let mut cancel = pin!(cancel);
    let mut report = ValidateDisposableReport {
        passed: false,
        failed_step: None,
        summary: String::new(),
        cleanup_confirmed: false,
        project_id: plan.project.clone(),
        cancelled: None,
        deployment: None,
        endpoint_auth: json!({
            "scheme": "basic",
            "userFrom": credentials.user_origin.as_str(),
            "passwordFrom": credentials.pass_origin.as_str(),
        }),
        steps: Steps {
            balance_before: None,
            create: CreateStep {
                status: "pending",
                response: None,
            },
            readiness: Readiness::pending(plan.probe, plan.ready_timeout, plan.interval),
            smoke: Smoke::with_status("pending", None),
            delete: DeleteStep::pending(),
            verify: VerifyStep::pending(),
            balance_after: None,
        },
        balance: Value::Null,
    };

    // Before anything is created, an interruption simply ends the run.
    let before = tokio::select! {
        biased;
        signal = &mut cancel => {
            return Err(Error::new(
                ErrorCode::OperationFailed,
                format!("Interrupted by {signal} before the deployment was created; nothing was created."),
            ));
        }
        before = snapshot(ctx, plan.org.as_deref()) => before,
    };
    report.steps.balance_before = Some(before);

    // The create is never abandoned half-way: once sent it may be processed, and only its
    // answer says what to delete. An interruption meanwhile is honoured right after it.
    let controller = ctx.client(theta::CONTROLLER)?;
    let mut cancelled = None;
    ctx.progress("Creating the deployment.");
    let create_request = deployment_create_request(plan.payload.clone());
    let mut create = pin!(controller.send(&create_request));
    let sent = tokio::select! {
        biased;
        answer = &mut create => answer,
        signal = &mut cancel => {
            cancelled = Some(signal);
            create.await
        }
    };
    let answer = match sent {
        // Any success status means the deployment exists, whatever the body looks like.
        Ok(response) => response
            .json_or_status()
            .unwrap_or_else(|_| json!({"status": "success", "raw": response.text()})),
        Err(error) => {
            report.steps.create.status = "failed";
            report.cancelled = cancelled;
            return Err(create_failed(error, &report));
        }
    };
    let handles = Handles::from_create(&answer);
    report.steps.create = CreateStep {
        status: "ok",
        response: Some(answer),
    };
    report.deployment = Some(handles.clone());
    let targets = handles.targets();
    ctx.progress(format!(
        "Deployment created; waiting up to {} for its endpoint.",
        seconds(plan.ready_timeout)
    ));
    let guard = CleanupGuard::arm(ctx.config(), ctx.secrets(), &plan.project, targets.clone());

    if cancelled.is_none() {
        let work = exercise(
            ctx,
            &plan,
            credentials,
            &handles,
            &mut report.steps.readiness,
            &mut report.steps.smoke,
        );
        tokio::select! {
            biased;
            signal = &mut cancel => cancelled = Some(signal),
            () = work => {}
        }
    }
    if cancelled.is_some() {
        for status in [
            &mut report.steps.readiness.status,
            &mut report.steps.smoke.status,
        ] {
            if *status == "pending" {
                *status = "cancelled";
            }
        }
    }

    // Cleanup: never interrupted.
    ctx.progress("Deleting the deployment.");
    let backoff = ctx.config().http.retry_backoff * 8;
    delete_deployment(
        &controller,
        &plan.project,
        &targets,
        backoff,
        &mut report.steps.delete,
    )
    .await;
    ctx.progress("Checking that the deployment is gone.");
    verify_absent(
        &controller,
        &plan.project,
        &handles,
        plan.interval,
        &mut report.steps.verify,
    )
    .await;
    guard.disarm();

    let after = snapshot(ctx, plan.org.as_deref()).await;
    if let Some(before) = &report.steps.balance_before {
        report.balance = balance_delta(before, &after);
    }
    report.steps.balance_after = Some(after);
    report.cancelled = cancelled;
    finish(report, &targets)
}

/// Readiness, then the smoke call; progress is written into the report as it happens.
async fn exercise(
    ctx: &Ctx<'_>,
    plan: &Plan,
    credentials: &EndpointCredentials,
    handles: &Handles,
    readiness: &mut Readiness,
    smoke: &mut Smoke,
) {
    let endpoint = match handles.endpoint.as_deref().map(endpoint_url) {
        None => Err("the create answer names no endpoint".to_owned()),
        Some(checked) => checked,
    };
    let url = match endpoint {
        Ok(url) => url,
        Err(reason) => {
            readiness.status = "skipped";
            readiness.reason = Some(reason);
            *smoke = Smoke::with_status("skipped", Some("readiness was not probed".into()));
            return;
        }
    };
    readiness.endpoint = Some(url.as_str().to_owned());
    let client = ctx.client_at(
        theta::DEDICATED,
        url,
        Auth::Basic {
            user: &credentials.user,
            pass: &credentials.pass,
        },
    );
    let http_timeout = ctx.config().http.timeout;
    let probe = plan.probe;
    let started = tokio::time::Instant::now();
    let mut attempts = 0u32;
    poll(readiness, plan.ready_timeout, plan.interval, |left| {
        let request = probe.request().timeout(http_timeout.min(left));
        let client = &client;
        attempts += 1;
        let attempt = attempts;
        async move {
            let outcome = match client.send(&request).await {
                Ok(response) => match probe {
                    Probe::Openai => response.json_value(),
                    // A Gradio config can be large; its keys say enough.
                    Probe::Gradio => response.json_or_status().map(|v| sample_of(&v)),
                },
                Err(error) => Err(error),
            };
            let elapsed = started.elapsed();
            ctx.progress(match &outcome {
                Ok(_) => format!("Endpoint ready after {} (probe {attempt}).", seconds(elapsed)),
                Err(error) => format!(
                    "Endpoint not ready after {} (probe {attempt}: {}); next probe in {}, gives up at {}.",
                    seconds(elapsed),
                    error.code(),
                    seconds(plan.interval.min(plan.ready_timeout.saturating_sub(elapsed))),
                    seconds(plan.ready_timeout),
                ),
            });
            outcome
        }
    })
    .await;

    let Some(message) = plan.smoke_message.as_deref() else {
        *smoke = Smoke::with_status("skipped", Some("no smokeMessage was given".into()));
        return;
    };
    if probe != Probe::Openai {
        *smoke = Smoke::with_status("skipped", Some("smoke calls need the openai probe".into()));
        return;
    }
    if readiness.status != "ready" {
        *smoke = Smoke::with_status("skipped", Some("the endpoint never became ready".into()));
        return;
    }
    ctx.progress("Sending the smoke chat call.");
    let model = smoke_model(plan.model.as_deref(), readiness.response.as_ref());
    smoke.model = Some(model.clone());
    let timeout = http_timeout.max(Duration::from_secs(60));
    match client.send(&smoke_request(&model, message, timeout)).await {
        Ok(response) => match response.json_value() {
            Ok(answer) if has_choices(&answer) => {
                smoke.status = "ok";
                smoke.response = Some(answer);
            }
            Ok(answer) => {
                smoke.status = "failed";
                smoke.reason = Some("the answer has no choices".into());
                smoke.response = Some(answer);
            }
            Err(error) => {
                smoke.status = "failed";
                smoke.error = Some(crate::secrets::summary(&error, 300));
            }
        },
        Err(error) => {
            smoke.status = "failed";
            smoke.error = Some(crate::secrets::summary(&error, 300));
        }
    }
}

/// The create call's own error, saying whether a deployment may exist anyway.
fn create_failed(error: Error, report: &ValidateDisposableReport) -> Error {
    // A paid request is only `retriable` when it provably was not processed; a 4xx other
    // than 408/425 is a refusal. Anything else (5xx, timeout, broken connection) leaves open
    // whether the controller created the deployment.
    let refused =
        matches!(error.status(), Some(s) if (400..500).contains(&s) && s != 408 && s != 425);
    let may_exist = !error.retriable() && !refused;
    let message = format!(
        "Creating the disposable deployment failed: {}",
        error.message()
    );
    let code = error.code();
    let details = json!({
        "deploymentMayExist": may_exist,
        "report": serde_json::to_value(report).unwrap_or(Value::Null),
    });
    let error = error.recode(code, message).with_details(details);
    if may_exist {
        error.with_hint("The create request may have been processed: check theta.deployments.list and delete any deployment this run created (it is billed until deleted).")
    } else {
        error
    }
}

/// The verdict: the report, or an error carrying it.
fn finish(
    mut report: ValidateDisposableReport,
    targets: &[DeleteTarget],
) -> Result<ValidateDisposableReport, Error> {
    let steps = &report.steps;
    let deleted = matches!(steps.delete.status, "deleted" | "notFound");
    let cleaned = deleted && steps.verify.status == "absent";
    let failed_step = if report.cancelled.is_some() {
        Some("cancelled")
    } else if steps.readiness.status != "ready" {
        Some("readiness")
    } else if steps.smoke.status == "failed" {
        Some("smoke")
    } else if !deleted {
        Some("delete")
    } else if !cleaned {
        Some("verify")
    } else {
        None
    };
    report.cleanup_confirmed = cleaned;
    report.failed_step = failed_step;
    report.passed = failed_step.is_none();
    report.summary = summary(&report);
    let details =
        |report: &ValidateDisposableReport| serde_json::to_value(report).unwrap_or(Value::Null);
    if !cleaned {
        let manual: Vec<Value> = targets
            .iter()
            .map(|t| t.as_args(&report.project_id))
            .collect();
        let by_hand = manual
            .first()
            .map(|args| format!("theta.deployments.delete {args}"))
            .unwrap_or_else(|| {
                "find it with theta.deployments.list, then theta.deployments.delete".to_owned()
            });
        let message = match report.steps.delete.status {
            "noHandle" => format!(
                "The disposable deployment may still exist: the create answer names no shard, suffix or id to delete it by. Delete it by hand: {by_hand}."
            ),
            "failed" => format!(
                "The disposable deployment could not be deleted ({}). Delete it by hand: {by_hand}.",
                report.steps.delete.error.as_deref().unwrap_or("no detail")
            ),
            _ => format!(
                "The disposable deployment was deleted but its absence could not be verified ({}). Check theta.deployments.list and, if it is still there, delete it by hand: {by_hand}.",
                report
                    .steps
                    .verify
                    .error
                    .as_deref()
                    .unwrap_or("it is still listed")
            ),
        };
        return Err(Error::new(ErrorCode::OperationFailed, message)
            .with_hint("A deployment is billed until it is deleted; details.manualDelete holds the arguments for theta.deployments.delete.")
            .with_details(json!({"manualDelete": manual, "report": details(&report)})));
    }
    if let Some(signal) = report.cancelled {
        return Err(Error::new(
            ErrorCode::OperationFailed,
            format!(
                "Interrupted by {signal}; the deployment was deleted and its absence verified."
            ),
        )
        .with_details(json!({"report": details(&report)})));
    }
    Ok(report)
}

fn summary(report: &ValidateDisposableReport) -> String {
    let steps = &report.steps;
    let readiness = match steps.readiness.status {
        "ready" => format!("became ready after {} ms", steps.readiness.elapsed_ms),
        "notReady" => format!(
            "did not become ready within {} ms",
            steps.readiness.timeout_ms
        ),
        "skipped" => format!(
            "was not probed ({})",
            steps.readiness.reason.as_deref().unwrap_or("no endpoint")
        ),
        _ => "was interrupted before it was ready".to_owned(),
    };
    let smoke = match steps.smoke.status {
        "ok" => ", answered the smoke call",
        "failed" => ", failed the smoke call",
        _ => "",
    };
    let cleanup = if report.cleanup_confirmed {
        "; it was deleted and its absence verified"
    } else if matches!(steps.delete.status, "deleted" | "notFound") {
        "; it was deleted but its absence could not be verified"
    } else {
        "; it could NOT be deleted and must be deleted by hand"
    };
    let interrupted = report
        .cancelled
        .map(|s| format!(" (interrupted by {s})"))
        .unwrap_or_default();
    format!("The deployment {readiness}{smoke}{cleanup}{interrupted}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::runtime::Runtime;
    use crate::secrets::{EnvSecrets, Secrets};
    use secrecy::SecretString;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// A fake controller and endpoint: the create answers (after `create_delay`) with a
    /// deployment whose endpoint is the fake, which never becomes ready; deletes succeed and
    /// the list no longer shows it.
    async fn fake(create_delay: Duration) -> MockServer {
        let server = MockServer::start().await;
        let created = json!({"status": "success", "body": {
            "ID": "dpl_1", "Shard": 3, "Suffix": "q1w2e3", "Endpoint": server.uri()
        }});
        Mock::given(method("POST"))
            .and(path("/deployment"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(created)
                    .set_delay(create_delay),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1/models"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .and(path("/deployment/3/q1w2e3"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/deployment/list"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"body": []})))
            .mount(&server)
            .await;
        server
    }

    fn runtime(server: &MockServer) -> Runtime {
        let uri = server.uri();
        let config = Config::from_lookup(&theta::PACK, move |name| match name {
            "THETA_CONTROLLER_BASE_URL" | "THETA_PLATFORM_BASE_URL" => Some(uri.clone()),
            "THETA_EC_PROJECT_ID" => Some("prj_test".into()),
            "THETA_HTTP_MAX_RETRIES" => Some("0".into()),
            "THETA_HTTP_RETRY_BACKOFF_MS" => Some("25".into()),
            _ => None,
        });
        Runtime::new(
            &theta::PACK,
            config,
            EnvSecrets::from_pairs([("THETA_EC_API_KEY", "k-test-123456")]),
        )
    }

    async fn count(server: &MockServer, verb: &str, at: &str) -> usize {
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.method.as_str() == verb && r.url.path() == at)
            .count()
    }

    /// Runs the flow with `cancel` standing in for SIGTERM; returns the error's body.
    async fn interrupted_run(server: &MockServer, cancel_after: Duration) -> Value {
        let runtime = runtime(server);
        let secrets =
            Secrets::from_values([(theta::EC_API_KEY, SecretString::from("k-test-123456"))]);
        let transport = crate::http::Transport::new();
        let ctx = Ctx::new(
            runtime.config(),
            &transport,
            secrets,
            crate::gate::Gate::default(),
        );
        let args: ValidateDisposableArgs = serde_json::from_value(json!({
            "payload": {"vm_id": "vm_gt1"},
            "readyTimeoutMs": 60_000,
            "intervalMs": 500
        }))
        .unwrap();
        let mut plan = Plan::new(&ctx, args).unwrap();
        let credentials = credentials::resolve(&mut plan.payload).unwrap();
        let cancel = async move {
            if !cancel_after.is_zero() {
                tokio::time::sleep(cancel_after).await;
            }
            "SIGTERM"
        };
        let error = execute(&ctx, plan, &credentials, cancel)
            .await
            .map(|_| ())
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::OperationFailed);
        serde_json::to_value(error.to_body()).unwrap()
    }

    #[tokio::test]
    async fn an_interrupted_probe_still_deletes_and_says_so() {
        let server = fake(Duration::ZERO).await;
        let error = interrupted_run(&server, Duration::from_millis(1_200)).await;
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("Interrupted by SIGTERM"), "{message}");
        assert!(
            message.contains("deleted and its absence verified"),
            "{message}"
        );
        let report = &error["details"]["report"];
        assert_eq!(report["cancelled"], "SIGTERM");
        assert_eq!(report["failedStep"], "cancelled");
        assert_eq!(report["steps"]["readiness"]["status"], "cancelled");
        assert!(
            report["steps"]["readiness"]["attemptCount"]
                .as_u64()
                .unwrap()
                >= 2
        );
        assert_eq!(report["steps"]["smoke"]["status"], "cancelled");
        assert_eq!(report["steps"]["delete"]["status"], "deleted");
        assert_eq!(report["steps"]["verify"]["status"], "absent");
        assert_eq!(count(&server, "DELETE", "/deployment/3/q1w2e3").await, 1);
    }

    /// A signal during the create does not abandon it: its answer is awaited, then the
    /// deployment is deleted without probing it.
    #[tokio::test]
    async fn an_interruption_during_the_create_waits_for_it_then_cleans_up() {
        let server = fake(Duration::from_millis(600)).await;
        let error = interrupted_run(&server, Duration::from_millis(100)).await;
        let report = &error["details"]["report"];
        assert_eq!(report["steps"]["create"]["status"], "ok");
        assert_eq!(report["steps"]["readiness"]["status"], "cancelled");
        assert_eq!(report["steps"]["readiness"]["attemptCount"], 0);
        assert_eq!(count(&server, "GET", "/v1/models").await, 0);
        assert_eq!(count(&server, "DELETE", "/deployment/3/q1w2e3").await, 1);
    }

    #[tokio::test]
    async fn an_interruption_before_the_create_creates_nothing() {
        let server = fake(Duration::ZERO).await;
        let error = interrupted_run(&server, Duration::ZERO).await;
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("nothing was created")
        );
        assert_eq!(count(&server, "POST", "/deployment").await, 0);
        assert_eq!(count(&server, "DELETE", "/deployment/3/q1w2e3").await, 0);
    }
}
