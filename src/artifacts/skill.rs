//! The skill as OpenClaw and ClawHub read it: `SKILL.md` and `references/commands.md`,
//! generated from the command registry, the secret list and the configuration table.

use serde_json::{Value, json};

use crate::command::{DynCommand, Effect};
use crate::config::VARIABLES;
use crate::runtime::registry::{COMMANDS, tool_name};
use crate::secrets::SecretName;

/// The skill's name: its folder name, its `skills.entries` key and its ClawHub slug.
pub const SKILL_NAME: &str = "theta-edgecloud";

/// Where the project lives (the skill's homepage and the release downloads).
pub const REPOSITORY_URL: &str = "https://github.com/theta-skill/theta-skill";

/// One line, under 160 characters (OpenClaw's advice; ClawHub allows 300).
pub const DESCRIPTION: &str = "Theta EdgeCloud from OpenClaw: on-demand AI models, dedicated endpoints, GPU deployments, video and billing, with dry-run previews.";

/// A command family as the skill presents it.
struct Family {
    prefix: &'static str,
    title: &'static str,
    blurb: &'static str,
    /// The command whose example the skill shows.
    example: &'static str,
}

const FAMILIES: &[Family] = &[
    Family {
        prefix: "theta.setup|theta.health|theta.auth.",
        title: "First run and diagnostics",
        blurb: "Configuration checklist, platform health, and which families the credentials unlock.",
        example: "theta.auth.capabilities",
    },
    Family {
        prefix: "theta.ondemand.",
        title: "On-demand models",
        blurb: "Serverless models billed per call (image, video, speech, chat): discover them, run them, poll long jobs. Needs THETA_ONDEMAND_API_TOKEN (the catalog is public).",
        example: "theta.ondemand.infer",
    },
    Family {
        prefix: "theta.deployments.",
        title: "Deployments",
        blurb: "GPU deployments of the project: templates, VM types, create, start, stop, delete. Needs THETA_EC_API_KEY and THETA_EC_PROJECT_ID.",
        example: "theta.deployments.list",
    },
    Family {
        prefix: "theta.ai.",
        title: "AI services",
        blurb: "The project's dedicated model deployments, Jupyter notebooks, GPU nodes and clusters, storage, and RAG agents with their documents.",
        example: "theta.ai.dedicatedDeployments.list",
    },
    Family {
        prefix: "theta.billing.",
        title: "Billing",
        blurb: "The organization's credit balance. Needs THETA_EC_API_KEY and THETA_ORG_ID.",
        example: "theta.billing.balance",
    },
    Family {
        prefix: "theta.inference.",
        title: "Dedicated inference endpoints",
        blurb: "An OpenAI-compatible dedicated deployment at THETA_INFERENCE_ENDPOINT: list models, wait until ready, chat.",
        example: "theta.inference.chat",
    },
    Family {
        prefix: "theta.video.",
        title: "Video API",
        blurb: "Theta Video API: videos, uploads, live streams and ingestors. Needs THETA_VIDEO_SA_ID and THETA_VIDEO_SA_SECRET.",
        example: "theta.video.list",
    },
];

impl Family {
    fn contains(&self, id: &str) -> bool {
        self.prefix.split('|').any(|p| {
            if p.ends_with('.') {
                id.starts_with(p)
            } else {
                id == p
            }
        })
    }

    fn commands(&self) -> Vec<&'static dyn DynCommand> {
        COMMANDS
            .iter()
            .copied()
            .filter(|c| self.contains(c.id()))
            .collect()
    }
}

/// Every variable the skill reads, secrets first: (name, required, description).
pub fn declared_variables() -> Vec<(&'static str, bool, &'static str)> {
    let mut out = Vec::new();
    for secret in SecretName::ALL {
        for name in secret.env_names() {
            let required = *name == "THETA_EC_API_KEY";
            out.push((*name, required, secret.description()));
        }
    }
    for (name, description) in VARIABLES {
        out.push((*name, false, *description));
    }
    out.push((
        "THETA_LOG",
        false,
        "Log level for JSON logs on stderr (e.g. debug); off by default.",
    ));
    out
}

fn frontmatter() -> String {
    let env_vars: Vec<Value> = declared_variables()
        .into_iter()
        .map(|(name, required, description)| json!({"name": name, "required": required, "description": description}))
        .collect();
    let metadata = json!({
        "openclaw": {
            "emoji": "🟣",
            "homepage": REPOSITORY_URL,
            "primaryEnv": "THETA_EC_API_KEY",
            "requires": {"bins": ["theta-skill"], "env": ["THETA_EC_API_KEY"]},
            "envVars": env_vars,
            "install": [{
                "id": "download-linux-x64",
                "kind": "download",
                "label": "Download theta-skill (Linux x86_64)",
                "os": ["linux"],
                "url": format!("{REPOSITORY_URL}/releases/download/v{}/theta-skill-x86_64-unknown-linux-gnu.tar.gz", env!("CARGO_PKG_VERSION")),
                "archive": "tar.gz",
                "bins": ["theta-skill"],
            }],
        }
    });
    // `metadata` stays on one line: older OpenClaw hosts only parse single-line JSON there.
    format!(
        "---\nname: {SKILL_NAME}\ndescription: {DESCRIPTION}\nhomepage: {REPOSITORY_URL}\nversion: {}\nmetadata: {}\n---\n",
        env!("CARGO_PKG_VERSION"),
        serde_json::to_string(&metadata).unwrap_or_default()
    )
}

/// `theta-skill run …` for a command's example, shell-quoted.
fn invocation(command: &dyn DynCommand) -> String {
    let args = command.example();
    let dry = if command.effect() == Effect::ReadOnly {
        ""
    } else {
        " --dry-run"
    };
    let empty = args.as_object().is_some_and(serde_json::Map::is_empty);
    if empty {
        format!("theta-skill run {}{dry}", command.id())
    } else {
        let json = serde_json::to_string(&args)
            .unwrap_or_default()
            .replace('\'', "'\\''");
        format!("theta-skill run {} '{json}'{dry}", command.id())
    }
}

fn effect_label(effect: Effect) -> &'static str {
    match effect {
        Effect::ReadOnly => "read-only",
        Effect::Mutating => "**mutating**",
        Effect::Paid => "**paid**",
    }
}

fn families_section() -> String {
    let mut out = String::new();
    for family in FAMILIES {
        let commands = family.commands();
        if commands.is_empty() {
            continue;
        }
        out.push_str(&format!("### {}\n\n{}\n\n", family.title, family.blurb));
        for command in &commands {
            out.push_str(&format!(
                "- `{}` ({}): {}\n",
                command.id(),
                effect_label(command.effect()),
                command.summary()
            ));
        }
        if let Some(example) = commands
            .iter()
            .find(|c| c.id() == family.example)
            .or(commands.first())
        {
            out.push_str(&format!("\n```sh\n{}\n```\n\n", invocation(*example)));
        }
    }
    out.trim_end().to_owned()
}

fn gated_section() -> String {
    let gated: Vec<String> = COMMANDS
        .iter()
        .filter(|c| c.effect() != Effect::ReadOnly)
        .map(|c| format!("`{}` ({})", c.id(), c.effect().as_str()))
        .collect();
    if gated.is_empty() {
        return "This build has no paid or mutating commands.".to_owned();
    }
    format!("Paid or mutating: {}.", gated.join(", "))
}

/// `SKILL.md`.
pub fn skill_md() -> String {
    let body = include_str!("templates/skill_body.md")
        .replace("{{GATED}}", &gated_section())
        .replace("{{FAMILIES}}", &families_section());
    format!("{}\n{body}", frontmatter())
}

/// `references/commands.md`: every command with its arguments, credentials and an example.
pub fn commands_md() -> String {
    let mut out = String::from(
        "# theta-skill command reference\n\nGenerated by `theta-skill bundle` from the command registry; the JSON Schema of each command is in `schemas/` and printed by `theta-skill schema <command>`.\n",
    );
    for family in FAMILIES {
        let commands = family.commands();
        if commands.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {}\n", family.title));
        for command in commands {
            out.push_str(&command_section(command));
        }
    }
    out
}

fn command_section(command: &dyn DynCommand) -> String {
    let mut out = format!("\n### `{}`\n\n{}\n\n", command.id(), command.summary());
    out.push_str(&format!("- Effect: {}\n", effect_label(command.effect())));
    out.push_str(&format!("- OpenClaw tool: `{}`\n", tool_name(command.id())));
    if !command.aliases().is_empty() {
        let aliases: Vec<String> = command.aliases().iter().map(|a| format!("`{a}`")).collect();
        out.push_str(&format!("- Aliases: {}\n", aliases.join(", ")));
    }
    let credentials: Vec<String> = command
        .secrets()
        .iter()
        .map(|need| {
            let names = need.name.env_names().join(" or ");
            if need.required {
                format!("{names} (required)")
            } else {
                format!("{names} (optional)")
            }
        })
        .collect();
    let credentials = if credentials.is_empty() {
        "none".to_owned()
    } else {
        credentials.join("; ")
    };
    out.push_str(&format!("- Credentials: {credentials}\n"));
    let schema = command.input_schema();
    let rows = argument_rows(&schema, "");
    if rows.is_empty() {
        out.push_str("- Arguments: none\n");
    } else {
        out.push_str("\n| Argument | Type | Required | Description |\n|---|---|---|---|\n");
        for row in rows {
            out.push_str(&row);
        }
    }
    out.push_str(&format!("\n```sh\n{}\n```\n", invocation(command)));
    out
}

/// Table rows for the properties of `schema` (one level of nesting is expanded as `a.b`).
fn argument_rows(schema: &Value, prefix: &str) -> Vec<String> {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut rows = Vec::new();
    for (name, property) in properties {
        let full = format!("{prefix}{name}");
        rows.push(format!(
            "| `{full}` | {} | {} | {} |\n",
            type_of(property),
            if required.contains(&name.as_str()) {
                "yes"
            } else {
                "no"
            },
            describe(property)
        ));
        if prefix.is_empty() && property.get("properties").is_some() {
            rows.extend(argument_rows(property, &format!("{full}.")));
        }
    }
    rows
}

fn type_of(property: &Value) -> String {
    match property.get("type") {
        Some(Value::String(t)) if t == "array" => {
            let item = property
                .get("items")
                .map(type_of)
                .unwrap_or_else(|| "any".into());
            format!("array of {item}")
        }
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_owned(),
    }
}

fn describe(property: &Value) -> String {
    let mut text = property
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .replace('\n', " ");
    let mut facts = Vec::new();
    if let Some(values) = property.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values
            .iter()
            .map(|v| {
                format!(
                    "`{}`",
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                )
            })
            .collect();
        facts.push(format!("one of {}", values.join(", ")));
    }
    match (property.get("minimum"), property.get("maximum")) {
        (Some(min), Some(max)) => facts.push(format!("{min}..{max}")),
        (Some(min), None) => facts.push(format!("≥ {min}")),
        (None, Some(max)) => facts.push(format!("≤ {max}")),
        (None, None) => {}
    }
    if let Some(default) = property.get("default") {
        facts.push(format!("default `{default}`"));
    }
    if let Some(pattern) = property.get("pattern").and_then(Value::as_str) {
        facts.push(format!("pattern `{pattern}`"));
    }
    if !facts.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("({})", facts.join("; ")));
    }
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_belongs_to_a_family() {
        for command in COMMANDS {
            let family = FAMILIES.iter().find(|f| f.contains(command.id()));
            assert!(
                family.is_some(),
                "{} has no family in the skill",
                command.id()
            );
        }
    }

    #[test]
    fn the_description_fits_openclaw_advice() {
        assert!(
            DESCRIPTION.chars().count() < 160,
            "{}",
            DESCRIPTION.chars().count()
        );
    }

    #[test]
    fn the_skill_only_mentions_commands_that_exist() {
        let text = format!("{}\n{}", skill_md(), commands_md());
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')) {
            let word = word.trim_end_matches('.');
            if word.starts_with("theta.") && word.split('.').count() >= 2 {
                assert!(
                    crate::runtime::registry::find(word).is_some(),
                    "the skill mentions `{word}`, which is not a command"
                );
            }
        }
    }

    #[test]
    fn frontmatter_declares_every_variable_and_one_required_key() {
        let skill = skill_md();
        let metadata_line = skill.lines().find(|l| l.starts_with("metadata: ")).unwrap();
        let metadata: Value =
            serde_json::from_str(metadata_line.trim_start_matches("metadata: ")).unwrap();
        let openclaw = &metadata["openclaw"];
        assert_eq!(openclaw["requires"]["bins"], json!(["theta-skill"]));
        assert_eq!(openclaw["requires"]["env"], json!(["THETA_EC_API_KEY"]));
        assert_eq!(openclaw["primaryEnv"], json!("THETA_EC_API_KEY"));
        let declared: Vec<&str> = openclaw["envVars"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        for secret in SecretName::ALL {
            for name in secret.env_names() {
                assert!(declared.contains(name), "{name} is read but not declared");
            }
        }
        let required: Vec<&Value> = openclaw["envVars"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["required"] == json!(true))
            .collect();
        assert_eq!(required.len(), 1);
    }

    #[test]
    fn no_secret_ever_appears_in_an_example_invocation() {
        let text = skill_md();
        for line in text.lines().filter(|l| l.starts_with("theta-skill ")) {
            for secret in SecretName::ALL {
                for name in secret.env_names() {
                    assert!(!line.contains(name), "{line}");
                }
            }
            assert!(
                !line.contains("--token")
                    && !line.contains("--password")
                    && !line.contains("--key"),
                "{line}"
            );
        }
    }
}
