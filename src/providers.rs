//! OpenClaw provider capabilities: which of a pack's commands fills which of OpenClaw's own
//! slots — image and video generation, speech, audio transcription, embeddings — and which
//! OpenAI-compatible API serves the agent's chat model.
//!
//! A pack declares them once, as data ([`crate::pack::Pack::providers`]): one provider id,
//! and per slot the command that serves it (or, for the chat model, the API OpenClaw's own
//! transport calls) and the models it offers. The plugin generator
//! (`crate::artifacts::providers`) derives everything OpenClaw reads from that one
//! declaration: the registrations in `index.js`, the manifest's `contracts.*`, `providers`,
//! `modelCatalog`, `setup.providers` and config signals, and the README's selection lines.
//! OpenClaw fails silently when a registration and its contract disagree
//! (`spec/openclaw-providers.md` §1), so both come from here.
//!
//! All network stays in the binary: a media slot is served by a command that runs the paid
//! generation, waits for it under its own deadline and returns the finished output as bytes
//! (base64 in the answer), within the caps OpenClaw stores ([`Slot::max_bytes`]).
//!
//! This module is a leaf besides [`crate::vocab`].

use crate::vocab::{SecretName, Service};

/// OpenClaw's cap on a stored image (`agents.defaults.mediaMaxMb` unset): 6 MiB.
pub const IMAGE_MAX_BYTES: usize = 6 * 1024 * 1024;
/// OpenClaw's cap on a stored video: 16 MiB.
pub const VIDEO_MAX_BYTES: usize = 16 * 1024 * 1024;
/// OpenClaw's cap on a stored audio file (speech, and the recordings it transcribes): 16 MiB.
pub const AUDIO_MAX_BYTES: usize = 16 * 1024 * 1024;

/// One of OpenClaw's provider slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    /// Text to image (`image_generate`, `openclaw infer image generate`).
    Image,
    /// Text to video (`video_generate`, `openclaw infer video generate`).
    Video,
    /// Text to speech (`tts`, voice notes).
    Speech,
    /// Audio transcription (media understanding, `openclaw infer audio transcribe`).
    Transcription,
    /// Embeddings (memory search, `openclaw infer embedding create`).
    Embedding,
    /// The agent's own chat model.
    Chat,
}

impl Slot {
    /// Every slot, in the order documentation lists them.
    pub const ALL: [Slot; 6] = [
        Slot::Image,
        Slot::Video,
        Slot::Speech,
        Slot::Transcription,
        Slot::Embedding,
        Slot::Chat,
    ];

    /// The slot's name in generated tables (`image`, `video`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Image => "image",
            Slot::Video => "video",
            Slot::Speech => "speech",
            Slot::Transcription => "transcription",
            Slot::Embedding => "embedding",
            Slot::Chat => "chat",
        }
    }

    /// What the slot does, for people.
    pub fn title(self) -> &'static str {
        match self {
            Slot::Image => "Image generation",
            Slot::Video => "Video generation",
            Slot::Speech => "Speech (TTS)",
            Slot::Transcription => "Audio transcription",
            Slot::Embedding => "Embeddings (memory search)",
            Slot::Chat => "The agent's chat model",
        }
    }

    /// The plugin API method that registers a provider of this slot.
    pub fn registrar(self) -> &'static str {
        match self {
            Slot::Image => "registerImageGenerationProvider",
            Slot::Video => "registerVideoGenerationProvider",
            Slot::Speech => "registerSpeechProvider",
            Slot::Transcription => "registerMediaUnderstandingProvider",
            Slot::Embedding => "registerEmbeddingProvider",
            Slot::Chat => "registerProvider",
        }
    }

    /// The manifest `contracts.*` list a provider of this slot must be named in; `None` for
    /// the chat model, which the manifest's top-level `providers` names instead.
    pub fn contract(self) -> Option<&'static str> {
        match self {
            Slot::Image => Some("imageGenerationProviders"),
            Slot::Video => Some("videoGenerationProviders"),
            Slot::Speech => Some("speechProviders"),
            Slot::Transcription => Some("mediaUnderstandingProviders"),
            Slot::Embedding => Some("embeddingProviders"),
            Slot::Chat => None,
        }
    }

    /// The largest output (or, for transcription, input) OpenClaw stores for this slot;
    /// `None` for slots that carry no media.
    pub fn max_bytes(self) -> Option<usize> {
        match self {
            Slot::Image => Some(IMAGE_MAX_BYTES),
            Slot::Video => Some(VIDEO_MAX_BYTES),
            Slot::Speech | Slot::Transcription => Some(AUDIO_MAX_BYTES),
            Slot::Embedding | Slot::Chat => None,
        }
    }

    /// The arguments a command serving this slot must take: the plugin maps OpenClaw's
    /// request onto them (and onto any of the optional ones the command's schema names:
    /// `count`, `width`/`height`, `aspectRatio`, `durationSeconds`, `resolution`, `audio`,
    /// `variant`, `voiceId`, `modelId`, `audioFormat`, `fileName`, `mimeType`, `language`,
    /// `dimensions`, `timeoutMs`). What it must answer:
    /// - image, video: [`crate::media::GeneratedMedia`] (`media[].base64`, `mimeType`,
    ///   `fileName`);
    /// - speech: `{contentType, audioBase64}`;
    /// - transcription: `{text, model?}`;
    /// - embedding: the OpenAI list `{data: [{index, embedding}]}`.
    pub fn command_args(self) -> &'static [&'static str] {
        match self {
            Slot::Image | Slot::Video => &["model", "prompt"],
            Slot::Speech => &["text"],
            Slot::Transcription => &["model", "audioBase64"],
            Slot::Embedding => &["model", "input"],
            Slot::Chat => &[],
        }
    }

    /// How long OpenClaw lets one call run when neither the call nor the config says
    /// (`defaultTimeoutMs`): generations wait for a job, videos for minutes.
    pub fn default_timeout_ms(self) -> u64 {
        match self {
            Slot::Image => 300_000,
            Slot::Video => 900_000,
            Slot::Speech | Slot::Transcription => 180_000,
            Slot::Embedding | Slot::Chat => 120_000,
        }
    }
}

/// A model one slot offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderModel {
    /// The model id after `<provider>/` (a service slug, a catalogue id).
    pub id: String,
    /// Its display name.
    pub name: String,
    /// What one call costs, in the cloud's own words, when it says.
    pub cost: Option<String>,
    /// Chat models: the context window in tokens, when known.
    pub context_window: Option<u32>,
    /// Chat models: the most output tokens, when known.
    pub max_tokens: Option<u32>,
}

impl ProviderModel {
    /// A model known by id and name only.
    pub fn named(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            ..Self::default()
        }
    }
}

/// How a slot is served.
#[derive(Debug, Clone, Copy)]
pub enum Route {
    /// By one of the pack's commands, run through the plugin's `serve` process: the command
    /// sends the paid request (once), waits, and returns the result (media as base64).
    Command(&'static str),
    /// By OpenClaw's own OpenAI-compatible transport (`api: "openai-completions"`), which
    /// posts to `<base>/chat/completions` with `Authorization: Bearer <key>`. The base is the
    /// service's default origin followed by `path`.
    OpenAiCompletions {
        /// The service whose default origin the base URL starts with.
        service: Service,
        /// The path after the origin (`/api/v1`), without a trailing slash.
        path: &'static str,
        /// The credential OpenClaw sends as the Bearer token.
        key: SecretName,
    },
}

/// One slot a pack fills.
#[derive(Debug, Clone, Copy)]
pub struct Capability {
    /// Which slot.
    pub slot: Slot,
    /// What serves it.
    pub route: Route,
    /// The models it offers; the first is the default.
    pub models: fn() -> Vec<ProviderModel>,
    /// What a call costs where the cloud says so as a rule (not per model), for the README;
    /// per-model prices go in [`ProviderModel::cost`].
    pub pricing: Option<&'static str>,
}

/// The provider a pack registers in OpenClaw: one id for every slot it fills.
#[derive(Debug, Clone, Copy)]
pub struct Providers {
    /// The provider id: the `<id>` of `<id>/<model>` model references.
    pub id: &'static str,
    /// Its display name.
    pub label: &'static str,
    /// The slots it fills, each once.
    pub capabilities: &'static [Capability],
}

impl Providers {
    /// No provider: a pack that only offers tools.
    pub const NONE: Providers = Providers {
        id: "",
        label: "",
        capabilities: &[],
    };

    /// Whether the pack registers no provider.
    pub fn is_empty(&self) -> bool {
        self.capabilities.is_empty()
    }

    /// The capability filling `slot`, if any.
    pub fn get(&self, slot: Slot) -> Option<&Capability> {
        self.capabilities.iter().find(|c| c.slot == slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_media_slot_has_a_contract_and_a_cap() {
        for slot in Slot::ALL {
            assert!(slot.registrar().starts_with("register"), "{slot:?}");
            match slot {
                Slot::Chat => assert_eq!(slot.contract(), None),
                _ => assert!(slot.contract().is_some_and(|c| c.ends_with("Providers"))),
            }
        }
        assert_eq!(Slot::Image.max_bytes(), Some(6 * 1024 * 1024));
        assert_eq!(Slot::Video.max_bytes(), Some(16 * 1024 * 1024));
        assert_eq!(Slot::Speech.max_bytes(), Some(16 * 1024 * 1024));
        assert_eq!(Slot::Embedding.max_bytes(), None);
    }
}
