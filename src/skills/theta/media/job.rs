//! One paid on-demand job, as the media commands run it: submitted once
//! (`POST /infer_request/<service>`, the request `theta.ondemand.infer` sends), waited for
//! (`GET /infer_request/<id>`, free, on the adaptive schedule of `theta.ondemand.pollUntilDone`)
//! until it ends or the call's deadline passes, and its finished outputs found and downloaded.
//!
//! Theta has no cancel route: at the deadline the command stops waiting and says the job may
//! still run and be charged, with its id. Every failure after the submission carries the id
//! (`details.requestId`) and says how to look the job up instead of generating again.

use serde_json::{Map, Value, json};
use tokio::time::Instant;

use crate::command::{Ctx, Preview};
use crate::error::{Error, ErrorCode};
use crate::http::ServiceClient;
use crate::media::{self, GeneratedMedia, MediaFile};
use crate::providers::Slot;
use crate::skills::theta;
use crate::skills::theta::ondemand::response::{decode, first_infer_request};
use crate::skills::theta::ondemand::{
    InferArgs, PollPlan, Progress, TerminalState, catalog, infer_request, poll_loop,
    progress_message, status_request,
};

/// The most files one job returns to the caller.
const MAX_FILES: usize = 4;

/// A job that ended in `success`: its id and its final infer request.
#[derive(Debug)]
pub(super) struct Finished {
    pub(super) id: String,
    pub(super) request: Value,
}

/// The `wait` a job is submitted with: the official tool's 30 s, or half the call's time when
/// that is shorter.
pub(super) fn wait_secs(timeout_ms: Option<u64>, slot: Slot) -> u32 {
    let timeout = timeout_ms.unwrap_or_else(|| slot.default_timeout_ms());
    u32::try_from((timeout / 2_000).min(30)).unwrap_or(30)
}

/// The `theta.ondemand.infer` arguments of a job with `input`.
pub(super) fn infer_args(
    model: &str,
    input: Map<String, Value>,
    variant: Option<&String>,
    wait: u32,
) -> InferArgs {
    InferArgs {
        service: model.to_owned(),
        input: Some(input),
        payload: None,
        wait: Some(wait),
        prediction: None,
        variant: variant.cloned(),
        webhook: None,
        options: None,
    }
}

/// The preview of a job: its submission, what follows, and its price where the catalog has
/// one.
pub(super) fn preview(ctx: &Ctx<'_>, args: &InferArgs, then: &str) -> Result<Preview, Error> {
    let client = ctx.client(theta::ONDEMAND)?;
    let request = infer_request(args, client.settings().timeout)?;
    let mut preview = Preview::request(client.preview(&request)?).note(format!(
        "Then checks GET /infer_request/<id> until the job ends (free), {then}"
    ));
    if let Some(hint) = catalog::cost_hint(&args.service) {
        preview = preview.cost_hint(hint);
    }
    Ok(preview)
}

/// Adds the job's id to a failure after its submission, and how to look it up.
pub(super) fn with_id(error: Error, id: &str) -> Error {
    let note = format!(
        "The job {id} was submitted and may have been charged: look it up with theta.ondemand.status {{\"requestId\": \"{id}\"}} instead of generating again."
    );
    let hint = match error.hint() {
        Some(hint) => format!("{hint} {note}"),
        None => note,
    };
    error.with_detail("requestId", json!(id)).with_hint(hint)
}

fn state(request: &Value) -> &str {
    request.get("state").and_then(Value::as_str).unwrap_or("")
}

fn is_terminal(state: &str) -> bool {
    matches!(
        state.to_ascii_lowercase().as_str(),
        "success" | "error" | "failed" | "cancelled" | "canceled"
    )
}

/// Submits the job and waits until it ends, by `deadline`.
pub(super) async fn run(
    ctx: &Ctx<'_>,
    args: &InferArgs,
    deadline: Instant,
) -> Result<Finished, Error> {
    let client = ctx.client(theta::ONDEMAND)?;
    let request = infer_request(args, client.settings().timeout)?;
    let response = tokio::time::timeout_at(deadline, client.send(&request))
        .await
        .map_err(|_| {
            Error::new(
                ErrorCode::Timeout,
                "the job was sent but not answered before the call's deadline",
            )
            .with_hint("It may run and be charged: check the Theta dashboard (On-demand Model APIs) before generating again, or give the call more time (timeoutMs).")
        })??;
    let answer = decode(&response).await?.into_infer_result();
    let no_request = || {
        Error::new(
            ErrorCode::InvalidResponse,
            "the on-demand answer names no infer request (no id)",
        )
        .with_hint("The job may have been created and charged: check the Theta dashboard before generating again.")
    };
    let first = first_infer_request(&answer).ok_or_else(no_request)?;
    let id = first
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or_else(no_request)?
        .to_owned();
    let finished = if is_terminal(state(first)) {
        first.clone()
    } else {
        wait(ctx, &client, &id, deadline)
            .await
            .map_err(|e| with_id(e, &id))?
    };
    match state(&finished) {
        "success" => Ok(Finished {
            id,
            request: finished,
        }),
        other => {
            let detail = finished
                .get("error")
                .map(|e| match e {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .map(|e| format!(": {}", crate::secrets::excerpt(&e, 300)))
                .unwrap_or_default();
            Err(with_id(
                Error::new(
                    ErrorCode::UpstreamError,
                    format!("the on-demand job ended in state `{other}`{detail}"),
                ),
                &id,
            ))
        }
    }
}

/// Checks the job until it ends or `deadline` passes.
async fn wait(
    ctx: &Ctx<'_>,
    client: &ServiceClient<'_>,
    id: &str,
    deadline: Instant,
) -> Result<Value, Error> {
    let plan = PollPlan {
        interval: None,
        timeout: Some(deadline.saturating_duration_since(Instant::now())),
        max_attempts: 20_000,
    };
    let status = status_request(id);
    let fetch = || {
        let (client, status) = (client, &status);
        async move {
            match tokio::time::timeout_at(deadline, client.send(status)).await {
                Ok(sent) => sent?.json_value(),
                Err(_) => Err(Error::new(
                    ErrorCode::Timeout,
                    "a status check did not answer before the call's deadline",
                )),
            }
        }
    };
    let mut progress = |p: &Progress| ctx.progress(progress_message(p));
    let outcome = poll_loop(plan, fetch, &mut progress).await?;
    let last = first_infer_request(&outcome.result);
    match outcome.terminal_state {
        TerminalState::Finished(_) => last.cloned().ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidResponse,
                "the status answer names no infer request",
            )
        }),
        TerminalState::Timeout | TerminalState::MaxAttempts => Err(Error::new(
            ErrorCode::Timeout,
            format!(
                "the on-demand job is still `{}` after {} s, the call's deadline",
                last.map_or("unknown", state),
                outcome.elapsed_ms / 1_000
            ),
        )
        .with_hint(format!(
            "It keeps running on Theta and is billed either way: fetch its result with theta.ondemand.pollUntilDone {{\"requestId\": \"{id}\"}}, or give the call more time (timeoutMs)."
        ))),
    }
}

/// The output files a finished job names: strings under keys that name a URL (`image_url`,
/// `video_urls`, `url`, …, at any depth of `output`), or `output` itself when it is one, and
/// inline `data:` URLs anywhere; each once, in order.
pub(super) fn output_urls(request: &Value) -> Vec<String> {
    fn collect(value: &Value, named: bool, out: &mut Vec<String>) {
        match value {
            Value::String(s) => {
                let s = s.trim();
                let web = s.starts_with("https://") || s.starts_with("http://");
                if ((named && web) || s.starts_with("data:")) && !out.iter().any(|o| o == s) {
                    out.push(s.to_owned());
                }
            }
            Value::Array(items) => items.iter().for_each(|item| collect(item, named, out)),
            Value::Object(map) => {
                for (key, value) in map {
                    collect(value, key.to_ascii_lowercase().contains("url"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(output) = request.get("output") {
        collect(output, true, &mut out);
    }
    out
}

/// Downloads the outputs of a finished job as files of `slot`, by `deadline`.
pub(super) async fn fetch_outputs(
    ctx: &Ctx<'_>,
    finished: &Finished,
    slot: Slot,
    deadline: Instant,
) -> Result<Vec<MediaFile>, Error> {
    let id = finished.id.as_str();
    let urls = output_urls(&finished.request);
    if urls.is_empty() {
        return Err(with_id(
            Error::new(
                ErrorCode::InvalidResponse,
                "the on-demand job succeeded but its output names no file",
            ),
            id,
        ));
    }
    let max = slot
        .max_bytes()
        .unwrap_or(crate::providers::VIDEO_MAX_BYTES);
    let mut files = Vec::new();
    for (i, url) in urls.iter().take(MAX_FILES).enumerate() {
        let downloaded = match media::data_url(url) {
            Some(inline) => media::capped(inline, max),
            None => ctx.media().fetch(url, max, deadline).await,
        };
        let file = downloaded
            .and_then(|media| media::media_file(&media, slot, &format!("{id}-{i}")))
            .map_err(|e| with_id(e, id))?;
        files.push(file);
    }
    Ok(files)
}

/// Runs a generation of `slot` end to end: the job, then its files.
pub(super) async fn generate(
    ctx: &Ctx<'_>,
    args: &InferArgs,
    slot: Slot,
    deadline: Instant,
) -> Result<GeneratedMedia, Error> {
    let finished = run(ctx, args, deadline).await?;
    let media = fetch_outputs(ctx, &finished, slot, deadline).await?;
    Ok(GeneratedMedia {
        model: args.service.clone(),
        cost: finished.request.get("cost").cloned(),
        request_id: Some(finished.id),
        media,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_found_under_url_keys_at_any_depth() {
        let request = json!({"output": {
            "image_url": "https://o.example/a.png",
            "more": {"urls": ["https://o.example/b.png", "https://o.example/a.png"]},
            "caption": "https://not-a-file.example",
            "inline": "data:image/png;base64,iVBORw0KGgo=",
            "seed": 7
        }});
        assert_eq!(
            output_urls(&request),
            [
                "https://o.example/a.png",
                "https://o.example/b.png",
                "data:image/png;base64,iVBORw0KGgo="
            ]
        );
        assert_eq!(
            output_urls(&json!({"output": "https://o.example/v.mp4"})),
            ["https://o.example/v.mp4"]
        );
        assert!(output_urls(&json!({"output": {"text": "hello"}})).is_empty());
        assert!(output_urls(&json!({})).is_empty());
    }

    #[test]
    fn the_wait_fits_the_call() {
        assert_eq!(wait_secs(None, Slot::Image), 30);
        assert_eq!(wait_secs(Some(10_000), Slot::Image), 5);
        assert_eq!(wait_secs(Some(3_600_000), Slot::Video), 30);
    }

    #[test]
    fn failures_after_the_submission_carry_the_id() {
        let error = with_id(
            Error::new(ErrorCode::Timeout, "late").with_hint("Wait."),
            "infr_1",
        );
        assert_eq!(error.details().unwrap()["requestId"], json!("infr_1"));
        let hint = error.hint().unwrap();
        assert!(hint.starts_with("Wait. The job infr_1"), "{hint}");
        assert!(hint.contains("may have been charged"), "{hint}");
    }
}
