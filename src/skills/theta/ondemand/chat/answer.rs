//! What a chat turn brought back — an aggregated event stream, a whole chat completion or a
//! job-route answer — shaped into one [`ChatOutput`].

use serde_json::{Value, json};

use super::super::response::{self, Decoded, aggregate_output, first_infer_request, infer_shape};
use super::ChatOutput;
use super::plan::Plan;
use crate::error::{Error, ErrorCode};
use crate::http::sse::{self, ChatAggregate};
use crate::http::{ApiRequest, ServiceClient};

/// What came back, before it is shaped into a [`ChatOutput`].
pub(super) enum Answer {
    /// An aggregated stream.
    Stream(ChatAggregate),
    /// A whole OpenAI chat completion.
    Completion(Value),
    /// A job-style answer `{status, body: {infer_requests: [...]}}`.
    Job(Value),
}

impl Answer {
    pub(super) fn from_decoded(decoded: Decoded) -> Result<Self, Error> {
        match decoded {
            Decoded::Stream(aggregate) => Ok(Answer::Stream(aggregate)),
            Decoded::Json(value) if value.get("choices").is_some() => Ok(Answer::Completion(value)),
            Decoded::Json(value) if first_infer_request(&value).is_some() => Ok(Answer::Job(value)),
            Decoded::Json(value) => Err(Error::new(
                ErrorCode::InvalidResponse,
                format!(
                    "the chat answer has neither `choices` nor `body.infer_requests`: {}",
                    crate::secrets::excerpt(&value.to_string(), 200)
                ),
            )),
            Decoded::Text(text) => Err(Error::new(
                ErrorCode::InvalidResponse,
                format!(
                    "the chat answer is neither JSON nor an event stream: {}",
                    crate::secrets::excerpt(&text, 200)
                ),
            )),
        }
    }

    pub(super) fn into_output(self, plan: &Plan) -> Result<ChatOutput, Error> {
        let (aggregate, state, request_id, streamed, body) = match self {
            Answer::Stream(aggregate) => {
                let body = infer_shape(&aggregate, true, None)["body"].take();
                let id = aggregate.id.clone();
                (aggregate, "success".to_owned(), id, true, body)
            }
            Answer::Completion(raw) => {
                let aggregate = sse::aggregate_completion(&raw)?;
                let body = infer_shape(&aggregate, false, Some(raw))["body"].take();
                let id = aggregate.id.clone();
                (aggregate, "success".to_owned(), id, false, body)
            }
            Answer::Job(mut raw) => {
                let first = first_infer_request(&raw).cloned().unwrap_or(Value::Null);
                // An answer without a state but with an output is a finished one.
                let stateless = if first.get("output").is_some_and(|o| !o.is_null()) {
                    "success"
                } else {
                    "unknown"
                };
                let state = first
                    .get("state")
                    .and_then(Value::as_str)
                    .unwrap_or(stateless)
                    .to_owned();
                let id = first.get("id").and_then(Value::as_str).map(str::to_owned);
                if matches!(
                    state.as_str(),
                    "error" | "failed" | "cancelled" | "canceled"
                ) {
                    let reason = first
                        .get("error")
                        .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned))
                        .unwrap_or_else(|| "no reason given".to_owned());
                    return Err(Error::new(
                        ErrorCode::OperationFailed,
                        format!(
                            "the chat request {} ended in state {state}: {reason}",
                            id.as_deref().unwrap_or("(no id)")
                        ),
                    )
                    .with_details(json!({"requestId": id, "state": state})));
                }
                let aggregate = aggregate_output(&first)?;
                let body = match raw.get_mut("body") {
                    Some(body) => body.take(),
                    None => raw,
                };
                (aggregate, state, id, false, body)
            }
        };
        Ok(ChatOutput {
            state,
            service: plan.service.clone(),
            route: plan.route.as_str(),
            request_id: request_id.or(aggregate.id.clone()),
            text: aggregate.text,
            reasoning: aggregate.reasoning,
            finish_reason: aggregate.finish_reason,
            usage: aggregate.usage,
            tool_calls: aggregate.tool_calls,
            model: aggregate.model,
            streamed,
            body,
        })
    }
}

/// Sends a streamed chat/completions request. A server that answers JSON anyway is read
/// whole; an event stream is aggregated as it arrives.
pub(super) async fn send_streaming(
    client: &ServiceClient<'_>,
    request: &ApiRequest,
) -> Result<Answer, Error> {
    let mut response = client.send_streaming(request).await?;
    let is_json = response
        .content_type()
        .is_some_and(|ct| ct.contains("json"));
    if !is_json {
        return sse::aggregate_response(response).await.map(Answer::Stream);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.next_chunk().await? {
        body.extend_from_slice(&chunk);
    }
    let text = String::from_utf8_lossy(&body);
    Answer::from_decoded(response::decode_text(&text).await?)
}
