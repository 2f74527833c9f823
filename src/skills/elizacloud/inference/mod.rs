//! `elizacloud.chat`: one OpenAI-style chat completion. Paid.
//!
//! `POST /api/v1/chat/completions` with `X-API-Key`, an `Idempotency-Key` (the billing
//! record's key; generated when absent) and an OpenAI body: `model` (a catalogue id from
//! `elizacloud.models.list`, never an agent id), `messages`, sampling options, `tools`,
//! `tool_choice`, `response_format`, `reasoning_effort`, `prompt_cache_key`.
//!
//! Streaming is the default: the request asks for `stream_options.include_usage`, so the
//! stream ends with a usage chunk, and the chunks are aggregated into one answer (text, tool
//! calls assembled from their deltas, finish reason, usage). A stream is complete only with a
//! `finish_reason` or `[DONE]`; the server's mid-stream error chunk
//! (`data: {"error":{…}}`) is a `STREAM_ERROR` and a cut stream an `INCOMPLETE_STREAM`. Neither
//! is re-sent: the request may have been billed. Like every paid request, it is retried only
//! when provably not processed (connect failure, 429, 503 warming); a 502 is reported after
//! one POST.
//!
//! Paid generation besides chat: embeddings, images and video (`spec/elizacloud.md`
//! §6.2–6.4). Each is billed to the USD balance and sent once; a failure after the request
//! may have reached the server is reported, never re-sent.
//!
//! Voice: text to speech (paid; free on the self-hosted Kokoro voices,
//! `spec/elizacloud.md` §6.5). Audio comes back in the result as base64; nothing is written
//! to disk. The voices themselves (list, clone, transcribe, …) are the `voice` family.

mod chat;
mod embeddings;
mod images;
mod tts;
mod video;

pub use chat::{
    Chat, ChatArgs, ChatMessage, ChatOutput, FormatKind, ReasoningEffort, ResponseFormat, Role,
};
pub use embeddings::{Embeddings, EmbeddingsArgs};
pub use images::{ImagesArgs, ImagesGenerate};
// The requests the media commands (`crate::skills::elizacloud::media`) send.
pub(crate) use images::images_request;
pub use tts::{AudioFormat, Tts, TtsArgs, TtsOutput};
pub(crate) use video::video_request;
pub use video::{VideoArgs, VideoGenerate, VideoOutput};
