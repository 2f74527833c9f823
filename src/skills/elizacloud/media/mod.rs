//! Media for OpenClaw's own providers (`elizacloud.media.*`): the commands the plugin's image
//! and video generation providers run. Each sends the generation once (the request
//! `elizacloud.images.generate` / `elizacloud.video.generate` sends), under the call's own
//! deadline, and returns the finished output as bytes (base64): taken from the answer when it
//! carries them inline, otherwise downloaded with no credentials from an https public host,
//! within OpenClaw's caps (image 6 MiB, video 16 MiB).
//!
//! Speech and embeddings need no command of their own: `elizacloud.voice.tts` already answers
//! audio bytes and `elizacloud.embeddings` vectors. The chat model is OpenClaw's own
//! OpenAI-compatible transport. Which command serves which slot is declared in
//! [`crate::skills::elizacloud::providers`].
//!
//! Not agent tools: their answers carry media bytes, which belong in OpenClaw's media store,
//! not in a model's context.

mod generate_image;
mod generate_video;

pub use generate_image::{GenerateImage, GenerateImageArgs};
pub use generate_video::{GenerateVideo, GenerateVideoArgs};

use crate::error::Error;

/// Adds to a failure after the generation was answered that it ran and was charged.
fn charged(error: Error, what: &str) -> Error {
    let note = format!(
        "The {what} was generated (and charged) and is in the organization's gallery: do not generate it again."
    );
    let hint = match error.hint() {
        Some(hint) => format!("{hint} {note}"),
        None => note,
    };
    error.with_hint(hint)
}
