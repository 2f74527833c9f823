//! The OpenClaw plugin: `openclaw.plugin.json`, `package.json`, `index.js`, `README.md`,
//! generated from the command registry. One tool per command offered to agents
//! ([`crate::command::Command::AGENT_TOOL`]), named with underscores
//! (`<pack>_<family>_<verb>`), whose parameters are the command's provider-safe schema; and
//! the pack's OpenClaw provider, from its declaration ([`super::providers`]).

use serde_json::{Map, Value, json};

use super::release;
use crate::command::Effect;
use crate::pack::Pack;
use crate::runtime::registry::tool_name;

/// The OpenClaw release the plugin was built and tested against (the e2e test installs it).
pub const OPENCLAW_VERSION: &str = "2026.9.6";

/// The plugin folder under `dist/`: `<skill>-plugin`, beside the skill folder.
pub fn plugin_dir(pack: &Pack) -> String {
    format!("{}-plugin", pack.skill.name)
}

/// Non-secret settings the plugin config can carry, passed to the child as environment.
fn plugin_settings(
    pack: &Pack,
) -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    pack.settings
        .iter()
        .filter_map(|s| s.plugin_key.map(|key| (s.name, key, s.description)))
}

/// Environment variables the child inherits from the gateway: no secrets, only what the
/// binary needs to run and reach its APIs (proxy, CA bundle) and its non-secret knobs.
fn pass_env(pack: &Pack) -> Vec<String> {
    let mut names: Vec<String> = [
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
    ]
    .iter()
    .map(|name| (*name).to_owned())
    .collect();
    names.push(pack.var("LOG"));
    names.extend(
        pack.variables()
            .into_iter()
            .map(|(name, _)| name.into_owned()),
    );
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

fn config_schema(pack: &Pack) -> Value {
    let mut properties = Map::new();
    for secret in pack.secrets {
        properties.insert(
            secret.def().plugin_key.to_owned(),
            secret_ref_schema(&format!(
                "{} A string or a SecretRef.",
                secret.description()
            )),
        );
    }
    for (_, key, description) in plugin_settings(pack) {
        properties.insert(
            key.to_owned(),
            json!({"type": "string", "description": description}),
        );
    }
    properties.insert(
        "dryRun".into(),
        json!({"type": "boolean", "description": "Preview every paid or mutating call instead of sending it."}),
    );
    properties.insert(
        "binaryPath".into(),
        json!({"type": "string", "description": format!("Path of the {0} binary (default: the one the plugin's npm dependency carries, else {0} on PATH).", pack.binary)}),
    );
    properties.insert(
        "timeoutMs".into(),
        json!({"type": "integer", "minimum": 1000, "description": "Longest wait for one call, default 3900000 (65 minutes)."}),
    );
    json!({"type": "object", "additionalProperties": false, "properties": properties})
}

/// The commands the plugin registers as agent tools.
fn tool_commands(
    pack: &Pack,
) -> impl Iterator<Item = &'static dyn crate::command::DynCommand> + '_ {
    pack.commands().filter(|c| c.agent_tool())
}

fn tools(pack: &Pack) -> Vec<Value> {
    tool_commands(pack)
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
                if let Some(caution) = crate::command::caution(command) {
                    description.push(' ');
                    description.push_str(caution);
                }
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
pub fn manifest(pack: &Pack) -> Value {
    let names: Vec<String> = tool_commands(pack).map(|c| tool_name(c.id())).collect();
    let metadata: Map<String, Value> = tool_commands(pack)
        .map(|c| {
            let entry = if c.effect() == Effect::ReadOnly {
                json!({"replaySafe": true})
            } else {
                json!({"sideEffecting": true, "replaySafe": false})
            };
            (tool_name(c.id()), entry)
        })
        .collect();
    let secret_paths: Vec<Value> = pack
        .secrets
        .iter()
        .map(|s| json!({"path": s.def().plugin_key, "expected": "string", "ownerKind": "capability"}))
        .collect();
    let description = if pack.providers.is_empty() {
        format!(
            "{} tools for OpenClaw agents, run by the {} binary.",
            pack.title, pack.binary
        )
    } else {
        format!(
            "{} tools for OpenClaw agents, and {} as an OpenClaw provider (`{}/<model>`), run by the {} binary.",
            pack.title, pack.title, pack.providers.id, pack.binary
        )
    };
    let mut manifest = json!({
        "id": pack.skill.name,
        "name": pack.skill.plugin_name,
        "description": description,
        "version": env!("CARGO_PKG_VERSION"),
        "activation": {"onStartup": true},
        "contracts": {"tools": names},
        "toolMetadata": metadata,
        "configSchema": config_schema(pack),
        "configContracts": {"secretInputs": {"paths": secret_paths}},
    });
    for (key, value) in super::providers::manifest_fields(pack) {
        match (key.as_str(), value) {
            ("contracts", Value::Object(contracts)) => {
                for (contract, ids) in contracts {
                    manifest["contracts"][contract] = ids;
                }
            }
            (_, value) => manifest[key] = value,
        }
    }
    manifest
}

/// `package.json`: the plugin's npm package, which depends on the pack's binary package (see
/// [`super::npm`]) so that installing the plugin brings the binary for the host's platform.
pub fn package_json(pack: &Pack) -> Value {
    let mut package = json!({
        "name": release::npm_name(pack.skill.package_name),
        "version": release::VERSION,
        "description": format!("OpenClaw plugin for {}, backed by the {} binary.", pack.title, pack.binary),
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
    });
    super::npm::add_binary_dependency(pack, &mut package);
    package
}

/// `index.js`: the runtime template with the generated tables inlined.
pub fn index_js(pack: &Pack) -> String {
    let secrets: Map<String, Value> = pack
        .secrets
        .iter()
        .map(|s| {
            (
                s.canonical().to_owned(),
                json!({"configKey": s.def().plugin_key, "envNames": s.env_names(), "missingCode": s.def().missing_code.as_str()}),
            )
        })
        .collect();
    let settings: Map<String, Value> = plugin_settings(pack)
        .map(|(var, key, _)| (var.to_owned(), json!(key)))
        .collect();
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let meta = json!({
        "id": pack.skill.name,
        "name": pack.skill.plugin_name,
        "description": pack.skill.plugin_description,
        "binary": pack.binary,
        "dryRunVar": pack.var("DRY_RUN"),
    });
    let providers = json!({
        "id": pack.providers.id,
        "label": pack.providers.label,
        "capabilities": super::providers::registrations(pack),
    });
    include_str!("templates/plugin_index.js")
        .replace(
            "/*BINARY_PACKAGE*/",
            &pretty(&json!(release::npm_name(pack.binary))),
        )
        .replace("/*PLUGIN*/", &pretty(&meta))
        .replace("/*TOOLS*/", &pretty(&Value::Array(tools(pack))))
        .replace("/*SECRETS*/", &pretty(&Value::Object(secrets)))
        .replace("/*SETTINGS*/", &pretty(&Value::Object(settings)))
        .replace("/*PASS_ENV*/", &pretty(&json!(pass_env(pack))))
        .replace("/*PROVIDERS*/", &pretty(&providers))
}

/// The plugin's `README.md`.
pub fn readme(pack: &Pack) -> String {
    let binary = pack.binary;
    let mut out = format!(
        "# {} for OpenClaw\n\nGenerated by `{binary} bundle`. Registers {} tools, one per {binary} command offered to agents, and runs them through one `{binary} serve` process per gateway. The `{binary}` binary comes with the plugin (its npm dependency carries it for the gateway's platform); `binaryPath` picks another one, and without either it is looked up on the gateway's PATH.\n\n## Config (`plugins.entries.{}.config`)\n\n| Key | Value |\n|---|---|\n",
        pack.title,
        tool_commands(pack).count(),
        pack.skill.name,
    );
    for secret in pack.secrets {
        out.push_str(&format!(
            "| `{}` | {} String or SecretRef; sent as {} only to the commands that need it. |\n",
            secret.def().plugin_key,
            secret.description(),
            secret.canonical()
        ));
    }
    for (var, key, description) in plugin_settings(pack) {
        out.push_str(&format!("| `{key}` | {description} Passed as {var}. |\n"));
    }
    out.push_str(&format!("| `dryRun` | `true` previews every paid or mutating call. |\n| `binaryPath` | Path of the {binary} binary. |\n| `timeoutMs` | Longest wait for one call. |\n\nPaid and mutating tools accept `dryRun: true` and are marked side-effecting in `toolMetadata`.\n"));
    out.push_str(&super::providers::readme_section(pack));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::DEMO;

    #[test]
    fn every_tool_is_declared_and_provider_safe() {
        let manifest = manifest(&DEMO);
        let declared = manifest["contracts"]["tools"].as_array().unwrap();
        let tools = tools(&DEMO);
        assert_eq!(declared.len(), tools.len());
        assert_eq!(
            tools.len(),
            DEMO.commands().filter(|c| c.agent_tool()).count()
        );
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
        let manifest = manifest(&DEMO);
        assert_eq!(manifest["id"], json!("demo-skill-pack"));
        for command in DEMO.commands() {
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
        assert_eq!(paths.len(), DEMO.secrets.len());
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
        let names = pass_env(&DEMO);
        assert!(names.iter().any(|n| n == "DEMO_LOG"));
        assert!(names.iter().any(|n| n == "DEMO_DRY_RUN"));
        for name in &names {
            for secret in DEMO.secrets {
                assert!(!secret.env_names().contains(&name.as_str()), "{name}");
            }
        }
    }

    #[test]
    fn index_js_has_every_table_filled() {
        let js = index_js(&DEMO);
        assert!(!js.contains("/*"), "a placeholder is left");
        assert!(js.contains("\"demo_widgets_list\""));
        assert!(js.contains("\"demo-skill\""));
    }
}
