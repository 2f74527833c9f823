//! Media for OpenClaw's own providers (`theta.media.*`): the commands the plugin's image
//! generation, video generation and audio transcription providers run. Each sends one paid
//! on-demand job (the request `theta.ondemand.infer` sends, [`job`]), waits for it under the
//! call's own deadline, and returns the finished output — as bytes (base64), downloaded with
//! no credentials from https public hosts within OpenClaw's caps, or as text.
//!
//! - Base URL and credential: the on-demand family's (`THETA_ONDEMAND_API_TOKEN`, Bearer).
//! - Money: every command is paid and stopped by dry-run (the preview shows the request and
//!   the catalog's price). A job is sent once; after it was sent, every failure names its id.
//! - Not agent tools: their answers carry media bytes, which belong in OpenClaw's media
//!   store, not in a model's context. Agents use `theta.ondemand.infer` (or OpenClaw's
//!   `image_generate`, which runs these).
//!
//! Which command serves which slot, and with which models, is declared in
//! [`crate::skills::theta::providers`].

mod generate_image;
mod generate_video;
mod job;
mod transcribe;

pub use generate_image::{GenerateImage, GenerateImageArgs};
pub use generate_video::{GenerateVideo, GenerateVideoArgs};
pub use transcribe::{Transcribe, TranscribeArgs, TranscribeOutput};

use crate::error::ErrorCode;
use crate::skills::theta::{codes, default_field_code};

/// Field codes shared by the family: a bad `model` is a bad on-demand service.
fn field_code(field: &str) -> Option<ErrorCode> {
    match field {
        "model" => Some(codes::INVALID_ONDEMAND_SERVICE),
        _ => default_field_code(field),
    }
}
