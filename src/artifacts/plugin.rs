//! The OpenClaw plugin: `openclaw.plugin.json`, `package.json`, `index.js`, `README.md`,
//! generated from the command registry. One tool per command, named with underscores
//! (`theta_ondemand_infer`), whose parameters are the command's provider-safe schema.

use serde_json::{Map, Value, json};

use crate::command::Effect;
use crate::config::VARIABLES;
use crate::runtime::registry::{COMMANDS, tool_name};
use crate::secrets::SecretName;

/// The plugin id (`plugins.entries.<id>`).
pub const PLUGIN_ID: &str = "theta-edgecloud";
/// The npm package name.
pub const PACKAGE_NAME: &str = "theta-edgecloud-openclaw-plugin";
/// The OpenClaw release the plugin was built and tested against (the e2e test installs it).
pub const OPENCLAW_VERSION: &str = "2026.9.6";

/// The plugin config key holding each secret.
fn config_key(secret: SecretName) -> &'static str {
    match secret {
        SecretName::EcApiKey => "ecApiKey",
        SecretName::OndemandToken => "ondemandApiToken",
        SecretName::InferenceToken => "inferenceAuthToken",
        SecretName::InferenceUser => "inferenceAuthUser",
        SecretName::InferencePass => "inferenceAuthPass",
        SecretName::VideoSaId => "videoSaId",
        SecretName::VideoSaSecret => "videoSaSecret",
    }
}

/// Non-secret settings the plugin config can carry, passed to the child as environment.
const SETTINGS: &[(&str, &str, &str)] = &[
    (
        "THETA_EC_PROJECT_ID",
        "ecProjectId",
        "Project id (prj_...).",
    ),
    ("THETA_ORG_ID", "orgId", "Organization id, for billing."),
    (
        "THETA_INFERENCE_ENDPOINT",
        "inferenceEndpoint",
        "URL of a dedicated inference deployment.",
    ),
];

/// Environment variables the child inherits from the gateway: no secrets, only what the
/// binary needs to run and reach Theta (proxy, CA bundle) and its non-secret knobs.
fn pass_env() -> Vec<&'static str> {
    let mut names = vec![
        "PATH",
        "HOME",
        "LANG",
        "LC_ALL",
        "TZ",
        "TMPDIR",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "THETA_LOG",
    ];
    names.extend(VARIABLES.iter().map(|(name, _)| *name));
    names
}

fn secret_ref_schema(description: &str) -> Value {
    json!({
        "description": description,
        "anyOf": [
            {"type": "string", "minLength": 1},
            {
                "type": "object",
                "additionalProperties": false,
                "required": ["source", "provider", "id"],
                "properties": {
                    "source": {"type": "string", "enum": ["env", "file", "exec", "store"]},
                    "provider": {"type": "string"},
                    "id": {"type": "string"}
                }
            }
        ]
    })
}

fn config_schema() -> Value {
    let mut properties = Map::new();
    for secret in SecretName::ALL {
        properties.insert(
            config_key(secret).to_owned(),
            secret_ref_schema(&format!(
                "{} A string or a SecretRef.",
                secret.description()
            )),
        );
    }
    for (_, key, description) in SETTINGS {
        properties.insert(
            (*key).to_owned(),
            json!({"type": "string", "description": description}),
        );
    }
    properties.insert(
        "dryRun".into(),
        json!({"type": "boolean", "description": "Preview every paid or mutating call instead of sending it."}),
    );
    properties.insert(
        "binaryPath".into(),
        json!({"type": "string", "description": "Path of the theta-skill binary (default: theta-skill on PATH)."}),
    );
    properties.insert(
        "timeoutMs".into(),
        json!({"type": "integer", "minimum": 1000, "description": "Longest wait for one call, default 3900000 (65 minutes)."}),
    );
    json!({"type": "object", "additionalProperties": false, "properties": properties})
}

fn tools() -> Vec<Value> {
    COMMANDS
        .iter()
        .map(|command| {
            let gated = command.effect() != Effect::ReadOnly;
            let mut parameters = command.input_schema();
            let mut description = command.summary().to_owned();
            if gated {
                if let Some(props) = parameters.get_mut("properties").and_then(Value::as_object_mut) {
                    props.insert(
                        "dryRun".into(),
                        json!({"type": "boolean", "description": "Preview the exact request without sending it (recommended before any paid or mutating call)."}),
                    );
                }
                description.push_str(&format!(
                    " {} command: call it with dryRun true first and confirm with the user.",
                    if command.effect() == Effect::Paid { "Paid" } else { "Mutating" }
                ));
            }
            let secrets: Vec<&str> = command.secrets().iter().map(|n| n.name.canonical()).collect();
            json!({
                "name": tool_name(command.id()),
                "label": command.id(),
                "command": command.id(),
                "description": description,
                "parameters": parameters,
                "gated": gated,
                "secrets": secrets,
            })
        })
        .collect()
}

/// `openclaw.plugin.json`.
pub fn manifest() -> Value {
    let names: Vec<String> = COMMANDS.iter().map(|c| tool_name(c.id())).collect();
    let metadata: Map<String, Value> = COMMANDS
        .iter()
        .map(|c| {
            let entry = if c.effect() == Effect::ReadOnly {
                json!({"replaySafe": true})
            } else {
                json!({"sideEffecting": true, "replaySafe": false})
            };
            (tool_name(c.id()), entry)
        })
        .collect();
    let secret_paths: Vec<Value> = SecretName::ALL
        .iter()
        .map(|s| json!({"path": config_key(*s), "expected": "string", "ownerKind": "capability"}))
        .collect();
    json!({
        "id": PLUGIN_ID,
        "name": "Theta EdgeCloud",
        "description": "Theta EdgeCloud tools for OpenClaw agents, run by the theta-skill binary.",
        "version": env!("CARGO_PKG_VERSION"),
        "activation": {"onStartup": true},
        "contracts": {"tools": names},
        "toolMetadata": metadata,
        "configSchema": config_schema(),
        "configContracts": {"secretInputs": {"paths": secret_paths}},
    })
}

/// `package.json`.
pub fn package_json() -> Value {
    json!({
        "name": PACKAGE_NAME,
        "version": env!("CARGO_PKG_VERSION"),
        "description": "OpenClaw plugin for Theta EdgeCloud, backed by the theta-skill binary.",
        "type": "module",
        "license": "MIT-0",
        "main": "index.js",
        "files": ["index.js", "openclaw.plugin.json", "README.md"],
        "engines": {"node": ">=24.16"},
        "openclaw": {
            "extensions": ["./index.js"],
            "compat": {"pluginApi": format!(">={OPENCLAW_VERSION}")},
            "build": {"openclawVersion": OPENCLAW_VERSION},
        }
    })
}

/// `index.js`: the runtime template with the generated tables inlined.
pub fn index_js() -> String {
    let secrets: Map<String, Value> = SecretName::ALL
        .iter()
        .map(|s| {
            (
                s.canonical().to_owned(),
                json!({"configKey": config_key(*s), "envNames": s.env_names()}),
            )
        })
        .collect();
    let settings: Map<String, Value> = SETTINGS
        .iter()
        .map(|(var, key, _)| ((*var).to_owned(), json!(key)))
        .collect();
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    include_str!("templates/plugin_index.js")
        .replace("/*TOOLS*/", &pretty(&Value::Array(tools())))
        .replace("/*SECRETS*/", &pretty(&Value::Object(secrets)))
        .replace("/*SETTINGS*/", &pretty(&Value::Object(settings)))
        .replace("/*PASS_ENV*/", &pretty(&json!(pass_env())))
}

/// The plugin's `README.md`.
pub fn readme() -> String {
    let mut out = format!(
        "# Theta EdgeCloud for OpenClaw\n\nGenerated by `theta-skill bundle`. Registers {} tools, one per theta-skill command, and runs them through one `theta-skill serve` process per gateway. The `theta-skill` binary must be on the gateway's PATH (or set `binaryPath`).\n\n## Config (`plugins.entries.{PLUGIN_ID}.config`)\n\n| Key | Value |\n|---|---|\n",
        COMMANDS.len()
    );
    for secret in SecretName::ALL {
        out.push_str(&format!(
            "| `{}` | {} String or SecretRef; sent as {} only to the commands that need it. |\n",
            config_key(secret),
            secret.description(),
            secret.canonical()
        ));
    }
    for (var, key, description) in SETTINGS {
        out.push_str(&format!("| `{key}` | {description} Passed as {var}. |\n"));
    }
    out.push_str("| `dryRun` | `true` previews every paid or mutating call. |\n| `binaryPath` | Path of the theta-skill binary. |\n| `timeoutMs` | Longest wait for one call. |\n\nPaid and mutating tools accept `dryRun: true` and are marked side-effecting in `toolMetadata`.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_is_declared_and_provider_safe() {
        let manifest = manifest();
        let declared = manifest["contracts"]["tools"].as_array().unwrap();
        let tools = tools();
        assert_eq!(declared.len(), tools.len());
        for tool in &tools {
            let name = tool["name"].as_str().unwrap();
            assert!(declared.contains(&json!(name)));
            assert!(
                name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            );
            assert_eq!(
                crate::schema::provider_safety_problems(&tool["parameters"]),
                Vec::<String>::new(),
                "{name}"
            );
        }
    }

    #[test]
    fn side_effects_are_marked_and_secret_fields_accept_refs() {
        let manifest = manifest();
        for command in COMMANDS {
            let meta = &manifest["toolMetadata"][tool_name(command.id())];
            assert_eq!(
                meta["sideEffecting"] == json!(true),
                command.effect() != Effect::ReadOnly
            );
        }
        let paths: Vec<&str> = manifest["configContracts"]["secretInputs"]["paths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["path"].as_str().unwrap())
            .collect();
        for path in paths {
            let field = &manifest["configSchema"]["properties"][path];
            assert_eq!(
                field["anyOf"][1]["required"],
                json!(["source", "provider", "id"]),
                "{path}"
            );
        }
    }

    #[test]
    fn the_child_environment_carries_no_secret() {
        for name in pass_env() {
            for secret in SecretName::ALL {
                assert!(!secret.env_names().contains(&name), "{name}");
            }
        }
    }

    #[test]
    fn index_js_has_every_table_filled() {
        let js = index_js();
        assert!(!js.contains("/*"), "a placeholder is left");
        assert!(js.contains("\"theta_setup\""));
    }
}
