//! The Theta EdgeCloud provider in OpenClaw (`theta/<service>`): which command fills which of
//! OpenClaw's own slots, with the on-demand services of each kind from the embedded catalog
//! ([`super::ondemand::catalog`]) as its models. The plugin's registrations, its manifest
//! `contracts.*`, `modelCatalog` and config signals are generated from this one declaration
//! (`crate::artifacts::providers`).
//!
//! | Slot | Served by | Models |
//! |---|---|---|
//! | image | `theta.media.generateImage` | image services that take a prompt alone (flux, stable_diffusion_xl_turbo) |
//! | video | `theta.media.generateVideo` | video services that take a prompt alone (step_video) |
//! | transcription | `theta.media.transcribe` | speech-recognition services that take a recording (whisper) |
//! | chat | OpenClaw's OpenAI transport at `https://ondemand.thetaedgecloud.com/infer_request` | the chat services on the OpenAI-compatible route (GLM 5.3, GPT OSS 120B, …) |
//!
//! Not filled: speech (the catalog's only voice service, voice_cloning, needs a reference
//! voice file) and embeddings (none on the catalog). Services that need an input file besides
//! the prompt (instant_id, talking_head) need uploads OpenClaw's requests do not carry.

use super::ondemand::catalog::{self, Category, ChatRoute};
use super::{ONDEMAND, ONDEMAND_TOKEN};
use crate::providers::{Capability, ProviderModel, Providers, Route, Slot};

/// The catalog's services of `category` whose inputs are exactly `inputs`.
fn services(category: Category, inputs: &[&str]) -> Vec<ProviderModel> {
    catalog::catalog()
        .map(|c| {
            c.services
                .iter()
                .filter(|e| Category::of_catalog(&e.category) == category && e.inputs == inputs)
                .map(|e| ProviderModel {
                    id: e.slug.clone(),
                    name: e.name.clone(),
                    cost: e.pricing.clone(),
                    ..ProviderModel::default()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn image_models() -> Vec<ProviderModel> {
    services(Category::Image, &["prompt"])
}

fn video_models() -> Vec<ProviderModel> {
    services(Category::Video, &["prompt"])
}

fn transcription_models() -> Vec<ProviderModel> {
    services(Category::Audio, &["audio_filename"])
}

/// The chat services on the OpenAI-compatible route (`POST /infer_request/chat/completions`
/// with `model: <slug>`), the only route OpenClaw's own transport can call.
fn chat_models() -> Vec<ProviderModel> {
    catalog::catalog()
        .map(|c| {
            c.services
                .iter()
                .filter_map(|e| {
                    let chat = e
                        .chat
                        .as_ref()
                        .filter(|p| p.route == ChatRoute::Completions)?;
                    Some(ProviderModel {
                        id: e.slug.clone(),
                        name: e.name.clone(),
                        cost: e.pricing.clone(),
                        context_window: None,
                        max_tokens: chat.max_tokens,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The Theta EdgeCloud provider.
pub const PROVIDERS: Providers = Providers {
    id: "theta",
    label: "Theta EdgeCloud",
    capabilities: &[
        Capability {
            slot: Slot::Image,
            route: Route::Command("theta.media.generateImage"),
            models: image_models,
            pricing: None,
        },
        Capability {
            slot: Slot::Video,
            route: Route::Command("theta.media.generateVideo"),
            models: video_models,
            pricing: None,
        },
        Capability {
            slot: Slot::Transcription,
            route: Route::Command("theta.media.transcribe"),
            models: transcription_models,
            pricing: None,
        },
        Capability {
            slot: Slot::Chat,
            route: Route::OpenAiCompletions {
                service: ONDEMAND,
                path: "/infer_request",
                key: ONDEMAND_TOKEN,
            },
            models: chat_models,
            pricing: Some(
                "Billed per token at the service's split price (input/output per 1M tokens, as the on-demand list states).",
            ),
        },
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_models_come_from_the_catalog() {
        let ids = |models: Vec<ProviderModel>| -> Vec<String> {
            models.into_iter().map(|m| m.id).collect()
        };
        assert_eq!(ids(image_models()), ["flux", "stable_diffusion_xl_turbo"]);
        assert_eq!(ids(video_models()), ["step_video"]);
        assert_eq!(ids(transcription_models()), ["whisper"]);
        let chat = ids(chat_models());
        assert!(chat.contains(&"glm_5_3".to_owned()), "{chat:?}");
        assert!(chat.contains(&"gpt_oss_120b".to_owned()), "{chat:?}");
        assert!(
            !chat.contains(&"qwen3".to_owned()),
            "job-style chat needs a transport"
        );
        for model in image_models() {
            assert!(model.cost.is_some(), "{} has a price", model.id);
        }
    }
}
