//! The OpenClaw provider of a pack's plugin, generated from its one declaration
//! ([`crate::pack::Pack::providers`]): the table `index.js` registers providers from
//! ([`registrations`]), the manifest fields OpenClaw reads before it loads the plugin
//! ([`manifest_fields`]: `providers`, `contracts.*`, generation metadata with config signals,
//! media-understanding metadata, `modelCatalog`, `setup.providers`, `syntheticAuthRefs`) and the
//! README's section on picking each capability ([`readme_section`]).
//!
//! OpenClaw fails silently when a registered id is missing from its contract, or a contract
//! names an id nothing registers (`spec/openclaw-providers.md` §1, pitfall 1); both are derived
//! here from the same declaration, and [`contract_mismatches`] (run by the tests and by
//! `tests/e2e/plugin_contract.mjs` against the real `index.js`) says where they would part.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::command::DynCommand;
use crate::pack::Pack;
use crate::providers::{Capability, ProviderModel, Route, Slot};
use crate::vocab::{Origin, SecretName};

/// The context window assumed for a chat model whose declaration names none.
const DEFAULT_CONTEXT_WINDOW: u32 = 128_000;
/// The output tokens assumed for a chat model whose declaration names none.
const DEFAULT_MAX_TOKENS: u32 = 8_192;

/// The command a capability runs, if it is served by one of the pack's commands.
fn command(pack: &Pack, capability: &Capability) -> Option<&'static dyn DynCommand> {
    match capability.route {
        Route::Command(id) => pack.commands().find(|c| c.id() == id),
        Route::OpenAiCompletions { .. } => None,
    }
}

/// The credentials a capability needs: the command's required secrets, or the chat key.
fn secrets(pack: &Pack, capability: &Capability) -> Vec<SecretName> {
    match capability.route {
        Route::Command(_) => command(pack, capability)
            .map(|c| {
                c.secrets()
                    .iter()
                    .filter(|need| need.required)
                    .map(|need| need.name)
                    .collect()
            })
            .unwrap_or_default(),
        Route::OpenAiCompletions { key, .. } => vec![key],
    }
}

/// The base URL OpenClaw's own transport calls for a chat capability: the service's default
/// origin and the path.
pub fn chat_base_url(capability: &Capability) -> Option<String> {
    match capability.route {
        Route::OpenAiCompletions { service, path, .. } => match service.origin {
            Origin::Fixed { default, .. } => {
                Some(format!("{}{path}", default.trim_end_matches('/')))
            }
            Origin::None | Origin::Configured { .. } => None,
        },
        Route::Command(_) => None,
    }
}

/// What the command's schema says a provider may offer: `count` → `maxCount`, `width` and
/// `height` → sizes, `aspectRatio`, `durationSeconds` → `maxDurationSeconds`, `resolution`,
/// `audio`.
fn limits(schema: &Value) -> Value {
    let props = schema.get("properties").and_then(Value::as_object);
    let has = |name: &str| props.is_some_and(|p| p.contains_key(name));
    let max = |name: &str| {
        props
            .and_then(|p| p.get(name))
            .and_then(|p| p.get("maximum"))
            .and_then(Value::as_u64)
    };
    json!({
        "maxCount": max("count").unwrap_or(1),
        "supportsSize": has("width") && has("height"),
        "supportsAspectRatio": has("aspectRatio"),
        "supportsResolution": has("resolution"),
        "supportsAudio": has("audio"),
        "maxDurationSeconds": max("durationSeconds"),
    })
}

fn model_ids(models: &[ProviderModel]) -> Vec<&str> {
    models.iter().map(|m| m.id.as_str()).collect()
}

/// A chat model's catalog row, as the manifest's `modelCatalog` and `resolveDynamicModel`
/// give it.
fn chat_row(model: &ProviderModel) -> Value {
    json!({
        "id": model.id,
        "name": model.name,
        "input": ["text"],
        "reasoning": false,
        "contextWindow": model.context_window.unwrap_or(DEFAULT_CONTEXT_WINDOW),
        "maxTokens": model.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
    })
}

/// The table `index.js` registers the pack's provider from: one entry per capability, with
/// the plugin API method, the command and the arguments it takes, the credentials, the models
/// and what the command's schema allows.
pub fn registrations(pack: &Pack) -> Vec<Value> {
    let providers = &pack.providers;
    providers
        .capabilities
        .iter()
        .map(|capability| {
            let slot = capability.slot;
            let models = (capability.models)();
            let secrets: Vec<&str> = secrets(pack, capability)
                .into_iter()
                .map(SecretName::canonical)
                .collect();
            let mut entry = json!({
                "slot": slot.as_str(),
                "registrar": slot.registrar(),
                "secrets": secrets,
                "models": model_ids(&models),
                "defaultModel": models.first().map(|m| m.id.clone()),
                "defaultTimeoutMs": slot.default_timeout_ms(),
                "maxBytes": slot.max_bytes(),
            });
            if let Some(command) = command(pack, capability) {
                let schema = command.input_schema();
                let args: Vec<&str> = schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|p| p.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                entry["command"] = json!(command.id());
                entry["args"] = json!(args);
                entry["limits"] = limits(&schema);
            }
            if slot == Slot::Transcription {
                entry["maxInputBytes"] = json!(crate::media::MAX_INLINE_BYTES);
            }
            if let Some(base) = chat_base_url(capability) {
                entry["api"] = json!("openai-completions");
                entry["baseUrl"] = json!(base);
                entry["rows"] = Value::Array(models.iter().map(chat_row).collect());
            }
            entry
        })
        .collect()
}

/// The manifest fields of the pack's provider (none for a pack without one), to be merged
/// into `openclaw.plugin.json`; `contracts` holds only the provider lists.
pub fn manifest_fields(pack: &Pack) -> Map<String, Value> {
    let providers = &pack.providers;
    let mut out = Map::new();
    if providers.is_empty() {
        return out;
    }
    let id = providers.id;
    let root = format!("plugins.entries.{}.config", pack.skill.name);
    let mut contracts = Map::new();
    for capability in providers.capabilities {
        if let Some(contract) = capability.slot.contract() {
            contracts.insert(contract.to_owned(), json!([id]));
        }
        let signals = || {
            let required: Vec<&str> = secrets(pack, capability)
                .iter()
                .map(|s| s.def().plugin_key)
                .collect();
            json!({id: {"configSignals": [{"rootPath": root, "required": required}]}})
        };
        match capability.slot {
            Slot::Image => {
                out.insert("imageGenerationProviderMetadata".into(), signals());
            }
            Slot::Video => {
                out.insert("videoGenerationProviderMetadata".into(), signals());
            }
            Slot::Transcription => {
                let default = (capability.models)().first().map(|m| m.id.clone());
                out.insert(
                    "mediaUnderstandingProviderMetadata".into(),
                    json!({id: {"capabilities": ["audio"], "defaultModels": {"audio": default}}}),
                );
            }
            Slot::Chat => {
                if let Some(base) = chat_base_url(capability) {
                    let rows: Vec<Value> = (capability.models)().iter().map(chat_row).collect();
                    out.insert(
                        "modelCatalog".into(),
                        json!({
                            "providers": {id: {"baseUrl": base, "api": "openai-completions", "models": rows}},
                            "discovery": {id: "static"},
                        }),
                    );
                    out.insert("syntheticAuthRefs".into(), json!([id]));
                }
            }
            Slot::Speech | Slot::Embedding => {}
        }
    }
    let mut env_vars: Vec<&str> = Vec::new();
    for capability in providers.capabilities {
        for secret in secrets(pack, capability) {
            for name in secret.env_names() {
                if !env_vars.contains(name) {
                    env_vars.push(name);
                }
            }
        }
    }
    out.insert("providers".into(), json!([id]));
    out.insert("contracts".into(), Value::Object(contracts));
    out.insert(
        "setup".into(),
        json!({"providers": [{"id": id, "envVars": env_vars}]}),
    );
    out
}

/// Where the registrations of `index.js` and the manifest's contracts disagree, as
/// sentences (empty: they agree). `registered` maps each plugin API method called to the
/// provider ids it registered; `manifest` is the whole `openclaw.plugin.json`. A media
/// registration needs its id in its `contracts.*` list, the chat model its id in `providers`;
/// and every id a contract names must be registered by that contract's method.
pub fn contract_mismatches(
    registered: &BTreeMap<String, Vec<String>>,
    manifest: &Value,
) -> Vec<String> {
    let mut problems = Vec::new();
    for slot in Slot::ALL {
        let ids = registered
            .get(slot.registrar())
            .cloned()
            .unwrap_or_default();
        let (field, declared) = match slot.contract() {
            Some(contract) => (
                format!("contracts.{contract}"),
                manifest["contracts"][contract].clone(),
            ),
            None => ("providers".to_owned(), manifest["providers"].clone()),
        };
        let declared: Vec<String> = declared
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        for id in &ids {
            if !declared.contains(id) {
                problems.push(format!(
                    "{} registers `{id}` but {field} does not name it",
                    slot.registrar()
                ));
            }
        }
        for id in &declared {
            if !ids.contains(id) {
                problems.push(format!(
                    "{field} names `{id}` but nothing calls {} with it",
                    slot.registrar()
                ));
            }
        }
    }
    problems
}

/// The README section: per capability, the config lines that pick it, its models and what
/// it costs where the cloud says so.
pub fn readme_section(pack: &Pack) -> String {
    let providers = &pack.providers;
    if providers.is_empty() {
        return String::new();
    }
    let id = providers.id;
    let plugin = pack.skill.name;
    let mut out = format!(
        "\n## OpenClaw's own media and models on {label}\n\nBesides its tools, the plugin registers {label} as an OpenClaw provider under the id `{id}`: OpenClaw's own tools and commands then run on it and deliver the media into the chat (inline images, videos, voice notes). Models are `{id}/<model>`. The network stays in `{binary}`: each call is one request to its `serve` process, which sends the paid request once, waits for it under the call's own timeout, and downloads the finished output (https, public hosts only, no credentials sent; image 6 MiB, video and audio 16 MiB at most).\n\nCredentials: the plugin config (`plugins.entries.{plugin}.config`, a string or a SecretRef), else the gateway's environment. Dry-run (`{dry}`, or `dryRun: true` in the plugin config) makes every paid generation fail with what it would have sent, sending nothing. After upgrading, re-accept the plugin's capabilities: `openclaw plugins enable {plugin} --accept-capabilities`.\n\n| Capability | Served by | Pick it with |\n|---|---|---|\n",
        label = providers.label,
        binary = pack.binary,
        dry = pack.var("DRY_RUN"),
    );
    for capability in providers.capabilities {
        let models = (capability.models)();
        let first = models.first().map_or("<model>", |m| m.id.as_str());
        let served = match capability.route {
            Route::Command(command) => format!("`{command}`"),
            Route::OpenAiCompletions { .. } => format!(
                "OpenClaw's OpenAI-compatible transport at `{}`",
                chat_base_url(capability).unwrap_or_default()
            ),
        };
        let pick = match capability.slot {
            Slot::Image => format!("`agents.defaults.mediaModels.image.primary: \"{id}/{first}\"`"),
            Slot::Video => format!("`agents.defaults.mediaModels.video.primary: \"{id}/{first}\"`"),
            Slot::Speech => format!("`tts.provider: \"{id}\"` (voice: `tts.providers.{id}.voice`)"),
            Slot::Transcription => format!(
                "`tools.media.models: [{{provider: \"{id}\", model: \"{first}\", capabilities: [\"audio\"]}}]` and `tools.media.audio.enabled: true`"
            ),
            Slot::Embedding => {
                format!("`memory.search.provider: \"{id}\"`, `memory.search.model: \"{first}\"`")
            }
            Slot::Chat => format!(
                "`agents.defaults.model.primary: \"{id}/{first}\"` (or `openclaw models set {id}/{first}`)"
            ),
        };
        out.push_str(&format!(
            "| {} | {served} | {pick} |\n",
            capability.slot.title()
        ));
    }
    for capability in providers.capabilities {
        let models = (capability.models)();
        out.push_str(&format!("\n### {}\n\n", capability.slot.title()));
        if models.is_empty() {
            out.push_str("Any model the cloud offers (none needs naming).\n");
        } else {
            for model in &models {
                let cost = model
                    .cost
                    .as_deref()
                    .map(|c| format!(" — {c}"))
                    .unwrap_or_default();
                out.push_str(&format!("- `{id}/{}` ({}){cost}\n", model.id, model.name));
            }
        }
        if let Some(pricing) = capability.pricing {
            out.push_str(&format!("\nCost: {pricing}\n"));
        } else if models.iter().any(|m| m.cost.is_some()) {
            out.push_str("\nCosts are the ones observed on the on-demand list; the live list and the dashboard are authoritative. A dry-run shows the price before anything is sent.\n");
        }
        if let Some(key) = secrets(pack, capability).first() {
            let names = key.env_names().join(", ");
            match capability.route {
                Route::Command(_) => out.push_str(&format!(
                    "\nKey: `plugins.entries.{plugin}.config.{}`, else {names} in the gateway's environment.\n",
                    key.def().plugin_key
                )),
                Route::OpenAiCompletions { .. } => out.push_str(&format!(
                    "\nKey: OpenClaw's own transport sends it. In the gateway set `models.providers.{id}.apiKey` (a SecretRef; the provider config also needs `baseUrl: \"{}\"`, `api: \"openai-completions\"`, `models: []`), or {names} in the gateway's environment; `openclaw infer model run --local` also takes `plugins.entries.{plugin}.config.{}`. Dry-run does not apply: OpenClaw sends the chat requests itself.\n",
                    chat_base_url(capability).unwrap_or_default(),
                    key.def().plugin_key
                )),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::DEMO;

    fn registered(pack: &Pack) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for entry in registrations(pack) {
            out.entry(entry["registrar"].as_str().unwrap().to_owned())
                .or_default()
                .push(pack.providers.id.to_owned());
        }
        out
    }

    #[test]
    fn every_registration_is_in_its_contract_and_the_reverse() {
        let manifest = crate::artifacts::plugin::manifest(&DEMO);
        let problems = contract_mismatches(&registered(&DEMO), &manifest);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(
            manifest["contracts"]["imageGenerationProviders"],
            json!(["demo"])
        );
        assert_eq!(manifest["providers"], json!(["demo"]));
    }

    /// The check fails in both directions: a registration with no contract (OpenClaw would
    /// load it and fail at generation time with "No image-generation provider registered"),
    /// and a contract nothing registers.
    #[test]
    fn the_contract_check_finds_both_kinds_of_mismatch() {
        let mut manifest = crate::artifacts::plugin::manifest(&DEMO);
        manifest["contracts"]
            .as_object_mut()
            .unwrap()
            .remove("imageGenerationProviders");
        manifest["contracts"]["speechProviders"] = json!(["ghost"]);
        let problems = contract_mismatches(&registered(&DEMO), &manifest);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("registerImageGenerationProvider registers `demo`"));
        assert!(problems[1].contains("contracts.speechProviders names `ghost`"));
    }

    #[test]
    fn the_manifest_declares_the_chat_models_and_the_config_signals() {
        let fields = manifest_fields(&DEMO);
        assert_eq!(fields["providers"], json!(["demo"]));
        assert_eq!(
            fields["modelCatalog"]["providers"]["demo"]["baseUrl"],
            json!("https://api.demo.example/v1")
        );
        assert_eq!(fields["modelCatalog"]["discovery"]["demo"], json!("static"));
        assert_eq!(
            fields["modelCatalog"]["providers"]["demo"]["models"][0],
            json!({"id": "w-1", "name": "Widget One", "input": ["text"], "reasoning": false, "contextWindow": 128000, "maxTokens": 8192})
        );
        assert_eq!(
            fields["imageGenerationProviderMetadata"]["demo"]["configSignals"][0],
            json!({"rootPath": "plugins.entries.demo-skill-pack.config", "required": ["token"]})
        );
        assert_eq!(
            fields["setup"]["providers"][0]["envVars"],
            json!(["DEMO_TOKEN", "DEMO_TOKEN_ALIAS"])
        );
        assert_eq!(fields["syntheticAuthRefs"], json!(["demo"]));
        assert!(manifest_fields(&crate::testing::FILES_OPEN).is_empty());
    }

    #[test]
    fn registrations_carry_the_command_its_arguments_and_its_key() {
        let table = registrations(&DEMO);
        assert_eq!(table.len(), 2);
        let image = &table[0];
        assert_eq!(image["command"], json!("demo.widgets.create"));
        assert_eq!(image["args"], json!(["name"]));
        assert_eq!(image["secrets"], json!(["DEMO_TOKEN"]));
        assert_eq!(image["defaultModel"], json!("w-1"));
        assert_eq!(image["maxBytes"], json!(6 * 1024 * 1024));
        assert_eq!(image["limits"]["maxCount"], json!(1));
        let chat = &table[1];
        assert_eq!(chat["registrar"], json!("registerProvider"));
        assert_eq!(chat["baseUrl"], json!("https://api.demo.example/v1"));
        assert!(chat.get("command").is_none());
    }

    #[test]
    fn the_readme_shows_how_to_pick_each_capability() {
        let readme = readme_section(&DEMO);
        for line in [
            "agents.defaults.mediaModels.image.primary: \"demo/w-1\"",
            "agents.defaults.model.primary: \"demo/w-1\"",
            "models.providers.demo.apiKey",
            "Cost: One widget per image.",
            "plugins.entries.demo-skill-pack.config.token",
        ] {
            assert!(readme.contains(line), "{line}");
        }
        assert!(readme_section(&crate::testing::FILES_OPEN).is_empty());
    }
}
