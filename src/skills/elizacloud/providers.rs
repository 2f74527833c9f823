//! The elizaOS Cloud provider in OpenClaw (`elizacloud/<model>`): which command fills which of
//! OpenClaw's own slots, and the models each offers. The plugin's registrations, its manifest
//! `contracts.*`, `modelCatalog` and config signals are generated from this one declaration
//! (`crate::artifacts::providers`).
//!
//! | Slot | Served by |
//! |---|---|
//! | image | `elizacloud.media.generateImage` (`POST /api/v1/generate-image`) |
//! | video | `elizacloud.media.generateVideo` (`POST /api/v1/generate-video`) |
//! | speech | `elizacloud.voice.tts` (`POST /api/v1/voice/tts`) |
//! | embedding | `elizacloud.embeddings` (`POST /api/v1/embeddings`) |
//! | chat | OpenClaw's OpenAI transport at `https://api.eliza.app/api/v1` (Bearer `eliza_…` key) |
//!
//! Not filled: transcription (speech to text is a multipart upload of a local file,
//! `elizacloud.voice.transcribe`; OpenClaw hands providers bytes). The model lists are the
//! ones `spec/elizacloud.md` §6 names; a model id not listed is passed through, and the server
//! answers an unsupported one with the list it supports.

use super::{API, API_KEY};
use crate::providers::{Capability, ProviderModel, Providers, Route, Slot};

const PRICING: &str = "Billed to the organization's USD balance at the catalogue price: `elizacloud-skill run elizacloud.pricing` lists it (e.g. generate-image per image, voice-tts per 1k characters).";

fn models(list: &[(&str, &str)]) -> Vec<ProviderModel> {
    list.iter()
        .map(|(id, name)| ProviderModel::named(*id, *name))
        .collect()
}

fn image_models() -> Vec<ProviderModel> {
    models(&[
        ("google/nano-banana-2/text-to-image", "Nano Banana 2"),
        ("openai/gpt-image-2/text-to-image", "GPT Image 2"),
        ("bytedance/seedream-v5.0-lite", "Seedream 5.0 Lite"),
        ("qwen/qwen-image-2.0/text-to-image", "Qwen Image 2.0"),
        ("fal-ai/flux/schnell", "FLUX.1 schnell"),
        ("fal-ai/flux/dev", "FLUX.1 dev"),
        ("fal-ai/recraft/v3/text-to-image", "Recraft V3"),
        ("fal-ai/ideogram/v3", "Ideogram V3"),
    ])
}

fn video_models() -> Vec<ProviderModel> {
    models(&[
        ("vidu/q3-turbo/text-to-video", "Vidu Q3 Turbo"),
        ("fal-ai/veo3/fast", "Veo 3 Fast"),
        ("fal-ai/veo3", "Veo 3"),
        ("fal-ai/veo3.1/fast", "Veo 3.1 Fast"),
        ("fal-ai/veo3.1/lite", "Veo 3.1 Lite"),
        ("fal-ai/veo3.1", "Veo 3.1"),
    ])
}

/// Speech picks its provider by voice (`tts.providers.elizacloud.voice`); no model needed.
fn speech_models() -> Vec<ProviderModel> {
    Vec::new()
}

fn embedding_models() -> Vec<ProviderModel> {
    models(&[
        ("openai/text-embedding-3-small", "text-embedding-3-small"),
        ("openai/text-embedding-3-large", "text-embedding-3-large"),
    ])
}

fn chat_models() -> Vec<ProviderModel> {
    vec![
        ProviderModel {
            context_window: Some(128_000),
            max_tokens: Some(16_384),
            ..ProviderModel::named("openai/gpt-4o-mini", "GPT-4o mini")
        },
        ProviderModel {
            context_window: Some(200_000),
            max_tokens: Some(64_000),
            ..ProviderModel::named("anthropic/claude-sonnet-4", "Claude Sonnet 4")
        },
    ]
}

/// The elizaOS Cloud provider.
pub const PROVIDERS: Providers = Providers {
    id: "elizacloud",
    label: "elizaOS Cloud",
    capabilities: &[
        Capability {
            slot: Slot::Image,
            route: Route::Command("elizacloud.media.generateImage"),
            models: image_models,
            pricing: Some(PRICING),
        },
        Capability {
            slot: Slot::Video,
            route: Route::Command("elizacloud.media.generateVideo"),
            models: video_models,
            pricing: Some(PRICING),
        },
        Capability {
            slot: Slot::Speech,
            route: Route::Command("elizacloud.voice.tts"),
            models: speech_models,
            pricing: Some(
                "Billed per 1k characters (free on the self-hosted Kokoro voices); `elizacloud.pricing` lists it.",
            ),
        },
        Capability {
            slot: Slot::Embedding,
            route: Route::Command("elizacloud.embeddings"),
            models: embedding_models,
            pricing: Some(PRICING),
        },
        Capability {
            slot: Slot::Chat,
            route: Route::OpenAiCompletions {
                service: API,
                path: "/api/v1",
                key: API_KEY,
            },
            models: chat_models,
            pricing: Some(
                "Billed per token at the catalogue price, reserved before the call and settled after (`elizacloud.pricing`).",
            ),
        },
    ],
};
