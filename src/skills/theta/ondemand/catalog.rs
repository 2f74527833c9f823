//! The embedded on-demand catalog (`spec/theta-api.md` §3.6, the 2026-08-31 refresh with the
//! GLM models), and the category and input-example rules shared with the live listing.
//!
//! The data lives in `catalog.json` next to this file and is parsed on first use only, by
//! the commands that need it (the listing's fallback, chat's allow-list and defaults, cost
//! hints in previews), so commands that do not need it pay nothing at start-up.
//!
//! Besides the listing, the catalog drives `theta.ondemand.chat`: an entry with a `chat`
//! profile is a chat service, and the profile says which route it takes (the
//! OpenAI-compatible `chat/completions` or the job-style `infer_request/<slug>`) and its
//! defaults.

use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::Error;

const CATALOG_JSON: &str = include_str!("catalog.json");

/// The catalog document.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Catalog {
    /// When the entries were last checked against the live list (`YYYY-MM-DD`).
    pub as_of: String,
    /// Where the data comes from.
    pub origin: String,
    /// The services, newest first.
    pub services: Vec<CatalogEntry>,
}

/// One service of the embedded catalog.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CatalogEntry {
    /// The service slug used in URLs (`flux`, `glm_5_3`).
    pub slug: String,
    /// Display name.
    pub name: String,
    /// The catalog's own category (`LLM`, `ImageGen`, `SpeechRec`, …).
    pub category: String,
    /// The input fields a request needs.
    pub inputs: Vec<String>,
    /// Whether input files can be uploaded through presigned URLs.
    pub presigned_uploads: bool,
    /// The prediction used when none is given.
    #[serde(default)]
    pub default_prediction: Option<String>,
    /// Known variants.
    #[serde(default)]
    pub variants: Vec<String>,
    /// Observed price, in words.
    #[serde(default)]
    pub pricing: Option<String>,
    /// When and how the service was last seen.
    pub live_status: String,
    /// Anything worth knowing before calling it.
    #[serde(default)]
    pub notes: Option<String>,
    /// Present for chat services.
    #[serde(default)]
    pub chat: Option<ChatProfile>,
}

/// How `theta.ondemand.chat` calls a chat service, and its defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatProfile {
    /// Which endpoint the service answers chats on.
    pub route: ChatRoute,
    /// Default `max_tokens` (500 when absent).
    #[serde(default)]
    pub max_tokens: Option<u32>,
    /// Default `stream` (false when absent).
    #[serde(default)]
    pub stream: Option<bool>,
    /// Default `wait` in seconds for the job route (30 when absent).
    #[serde(default)]
    pub wait: Option<u32>,
    /// Default `reasoning_effort` (none when absent).
    #[serde(default)]
    pub reasoning_effort: Option<String>,
    /// Whether structured tool calls are known to work.
    #[serde(default)]
    pub tools: bool,
}

/// The endpoint a chat goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChatRoute {
    /// OpenAI-compatible `POST /infer_request/chat/completions` with `model: <slug>`, the only
    /// route that returns structured tool calls
    Completions,
    /// job-style `POST /infer_request/<slug>?wait=&prediction=` with `{input: {...}}`
    Infer,
}

impl ChatRoute {
    /// How the route is named in results and previews.
    pub fn as_str(self) -> &'static str {
        match self {
            ChatRoute::Completions => "chat/completions",
            ChatRoute::Infer => "infer_request",
        }
    }
}

static PARSED: OnceLock<Result<Catalog, String>> = OnceLock::new();

/// The catalog, parsed on first use.
pub fn catalog() -> Result<&'static Catalog, Error> {
    PARSED
        .get_or_init(|| serde_json::from_str(CATALOG_JSON).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| Error::internal(format!("the embedded on-demand catalog is invalid: {e}")))
}

/// The catalog entry for `slug`, if there is one.
pub fn entry(slug: &str) -> Option<&'static CatalogEntry> {
    catalog()
        .ok()?
        .services
        .iter()
        .find(|e| e.slug.eq_ignore_ascii_case(slug))
}

/// The slugs `theta.ondemand.chat` accepts without `allowUnknownService`.
pub fn chat_slugs() -> Vec<&'static str> {
    catalog()
        .map(|c| {
            c.services
                .iter()
                .filter(|e| e.chat.is_some())
                .map(|e| e.slug.as_str())
                .collect()
        })
        .unwrap_or_default()
}

/// A cost hint for a preview, when the catalog knows the service's price.
pub fn cost_hint(slug: &str) -> Option<Value> {
    let catalog = catalog().ok()?;
    let entry = entry(slug)?;
    let pricing = entry.pricing.as_deref()?;
    Some(json!({
        "service": entry.slug,
        "pricing": pricing,
        "source": format!("embedded catalog, {}", catalog.as_of),
        "note": "Observed prices; the live list (theta.ondemand.listServices) and the Theta dashboard are authoritative.",
    }))
}

/// The categories the listing filters by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// image generation and restoration
    Image,
    /// speech recognition and synthesis
    Audio,
    /// chat and text generation
    Text,
    /// video generation
    Video,
    /// captioning, detection, visual question answering
    Vision,
    /// anything else
    Other,
}

impl Category {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Image => "image",
            Category::Audio => "audio",
            Category::Text => "text",
            Category::Video => "video",
            Category::Vision => "vision",
            Category::Other => "other",
        }
    }

    /// The category of a live service, from its alias and name, and from its inputs: a
    /// service that takes `messages` (or a `chat_array`) is a chat model whatever its name,
    /// so GLM, MiniMax and future chat models land in `text` (the JavaScript skill's
    /// name-only rule put GLM in `other`).
    pub fn of_live(alias: &str, name: &str, inputs: &[InputVar]) -> Category {
        let text = format!("{alias} {name}").to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
        if has(&["whisper", "audio", "voice", "speech"]) {
            Category::Audio
        } else if has(&["video", "talking_head", "talking head"]) {
            Category::Video
        } else if has(&[
            "llava",
            "vision",
            "blip",
            "grounding",
            "dino",
            "caption",
            "detect",
        ]) {
            Category::Vision
        } else if has(&[
            "flux",
            "stable",
            "sdxl",
            "diffusion",
            "image",
            "upscale",
            "esrgan",
            "instant_id",
            "viton",
        ]) {
            Category::Image
        } else if inputs.iter().any(InputVar::is_chat)
            || has(&[
                "qwen", "gpt", "llama", "mistral", "chat", "glm", "minimax", "deepseek", "llm",
                "kimi", "gemma",
            ])
        {
            Category::Text
        } else {
            Category::Other
        }
    }

    /// The category of a catalog entry, from the catalog's own category name.
    pub fn of_catalog(category: &str) -> Category {
        let c = category.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| c.contains(w));
        if has(&["speech", "audio", "voice"]) {
            Category::Audio
        } else if has(&["video"]) {
            Category::Video
        } else if has(&["vision", "caption", "detection"]) {
            Category::Vision
        } else if has(&["image"]) {
            Category::Image
        } else if has(&["llm", "text", "chat"]) {
            Category::Text
        } else {
            Category::Other
        }
    }
}

/// One input variable of a service's prediction, as far as the example builder cares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputVar {
    /// Field name.
    pub name: String,
    /// Declared type (`string`, `integer`, `chat_array`, `filename`, …), lower-cased.
    pub kind: String,
    /// Declared default, if any.
    pub default: Option<Value>,
}

impl InputVar {
    /// A variable known only by name (catalog entries).
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            ..Self::default()
        }
    }

    fn is_chat(&self) -> bool {
        self.name == "messages" || self.kind == "chat_array"
    }

    /// A plausible example value (`spec/theta-api.md` §2.5).
    pub fn example(&self) -> Value {
        if let Some(default) = self.default.as_ref().filter(|d| !d.is_null()) {
            return default.clone();
        }
        let name = self.name.to_ascii_lowercase();
        let kind = self.kind.as_str();
        if self.is_chat() {
            json!([{"role": "user", "content": "Hello"}])
        } else if name.contains("filename")
            || name.contains("input_img")
            || name.ends_with("_img")
            || name == "img"
            || name.contains("url")
            || kind == "filename"
        {
            json!("https://example.com/file")
        } else if name == "prompt" {
            json!("Your prompt here")
        } else if matches!(kind, "integer" | "int" | "number" | "float") {
            json!(1)
        } else if matches!(kind, "bool" | "boolean") {
            json!(false)
        } else {
            json!("string value")
        }
    }
}

/// An example input object for `vars`.
pub fn input_example(vars: &[InputVar]) -> Value {
    Value::Object(
        vars.iter()
            .map(|v| (v.name.clone(), v.example()))
            .collect::<Map<String, Value>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_parses_and_is_consistent() {
        let catalog = catalog().unwrap();
        assert!(catalog.services.len() >= 19);
        assert_eq!(catalog.services[0].slug, "glm_5_3_flash", "newest first");
        let mut slugs: Vec<_> = catalog.services.iter().map(|e| &e.slug).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), catalog.services.len(), "slugs are unique");
        for entry in &catalog.services {
            assert!(!entry.inputs.is_empty(), "{}", entry.slug);
            if entry.chat.is_some() {
                assert_eq!(entry.inputs, ["messages"], "{}", entry.slug);
                assert_eq!(
                    Category::of_catalog(&entry.category),
                    Category::Text,
                    "{}",
                    entry.slug
                );
            }
        }
    }

    #[test]
    fn chat_profiles_follow_the_spec() {
        let route = |s: &str| entry(s).and_then(|e| e.chat.as_ref()).map(|c| c.route);
        for glm in ["glm_5_3", "glm_5_3_flash", "glm_5_2", "gpt_oss_120b"] {
            assert_eq!(route(glm), Some(ChatRoute::Completions), "{glm}");
        }
        for job in ["qwen3", "minimax_m2_5", "llama_3_1_70b", "llama_3_8b"] {
            assert_eq!(route(job), Some(ChatRoute::Infer), "{job}");
        }
        let qwen = entry("qwen3").and_then(|e| e.chat.clone()).unwrap();
        assert_eq!((qwen.stream, qwen.wait), (Some(true), Some(60)));
        let gpt = entry("gpt_oss_120b").and_then(|e| e.chat.clone()).unwrap();
        assert_eq!(gpt.max_tokens, Some(1800));
        assert_eq!(gpt.reasoning_effort.as_deref(), Some("low"));
        let glm = entry("glm_5_3").and_then(|e| e.chat.clone()).unwrap();
        assert_eq!(glm.max_tokens, Some(5000));
        assert!(glm.tools);
        assert_eq!(chat_slugs().len(), 8);
        assert!(entry("FLUX").is_some(), "lookups ignore case");
        assert!(entry("nope").is_none());
    }

    #[test]
    fn categories_put_chat_models_in_text() {
        let messages = [InputVar::named("messages")];
        assert_eq!(
            Category::of_live("glm_5_3", "GLM 5.3", &messages),
            Category::Text
        );
        assert_eq!(
            Category::of_live("some_new_model", "Some New Model", &messages),
            Category::Text
        );
        assert_eq!(Category::of_live("glm_5_3", "GLM 5.3", &[]), Category::Text);
        assert_eq!(
            Category::of_live("whisper", "Whisper", &[]),
            Category::Audio
        );
        assert_eq!(
            Category::of_live("llava", "LLaVA", &messages),
            Category::Vision,
            "vision names win over chat inputs"
        );
        assert_eq!(Category::of_live("flux", "FLUX", &[]), Category::Image);
        assert_eq!(
            Category::of_live("step_video", "Step Video", &[]),
            Category::Video
        );
        assert_eq!(
            Category::of_live("mystery", "Mystery", &[]),
            Category::Other
        );
        assert_eq!(Category::of_catalog("TextToSpeech"), Category::Audio);
        assert_eq!(Category::of_catalog("ImageCaption"), Category::Vision);
        assert_eq!(Category::of_catalog("ImageRestore"), Category::Image);
        assert_eq!(Category::of_catalog("VisionLanguage"), Category::Vision);
        assert_eq!(Category::of_catalog("LLM"), Category::Text);
        assert_eq!(Category::of_catalog("VirtualTryOn"), Category::Other);
    }

    #[test]
    fn examples_follow_names_types_and_defaults() {
        let var = |name: &str, kind: &str, default: Option<Value>| InputVar {
            name: name.into(),
            kind: kind.into(),
            default,
        };
        let example = input_example(&[
            var("messages", "", None),
            var("history", "chat_array", None),
            var("audio_filename", "string", None),
            var("input_img", "", None),
            var("prompt", "string", None),
            var("steps", "integer", None),
            var("guidance", "float", Some(json!(3.5))),
            var("safe", "boolean", None),
            var("language", "string", None),
            var("file", "filename", None),
        ]);
        assert_eq!(
            example,
            json!({
                "messages": [{"role": "user", "content": "Hello"}],
                "history": [{"role": "user", "content": "Hello"}],
                "audio_filename": "https://example.com/file",
                "input_img": "https://example.com/file",
                "prompt": "Your prompt here",
                "steps": 1,
                "guidance": 3.5,
                "safe": false,
                "language": "string value",
                "file": "https://example.com/file",
            })
        );
    }

    #[test]
    fn cost_hints_come_from_the_catalog() {
        let hint = cost_hint("flux").unwrap();
        assert_eq!(hint["pricing"], json!("0.01 USD / image (observed)"));
        assert!(hint["source"].as_str().unwrap().contains("2026-08-31"));
        assert!(cost_hint("unknown_service").is_none());
    }
}
