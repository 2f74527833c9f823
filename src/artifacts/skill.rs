//! The skill as OpenClaw and ClawHub read it: `SKILL.md` and `references/commands.md`,
//! generated from the pack: its families and commands, its secrets and its variables.

use serde_json::{Value, json};

use super::release::{Download, install_specs};
use crate::command::{DynCommand, Effect};
use crate::pack::Pack;
use crate::runtime::registry::tool_name;

/// Every variable the skill reads, secrets first: (name, required, description).
pub fn declared_variables(pack: &Pack) -> Vec<(String, bool, String)> {
    let mut out = Vec::new();
    for secret in pack.secrets {
        for name in secret.env_names() {
            let required = *name == pack.skill.primary.canonical();
            out.push((
                (*name).to_owned(),
                required,
                secret.description().to_owned(),
            ));
        }
    }
    for (name, description) in pack.variables() {
        out.push((name.into_owned(), false, description.into_owned()));
    }
    out.push((
        pack.var("LOG"),
        false,
        "Log level for JSON logs on stderr (e.g. debug); off by default.".to_owned(),
    ));
    out
}

fn frontmatter(pack: &Pack, downloads: &[Download]) -> String {
    let meta = &pack.skill;
    let env_vars: Vec<Value> = declared_variables(pack)
        .into_iter()
        .map(|(name, required, description)| json!({"name": name, "required": required, "description": description}))
        .collect();
    let binary = pack.binary;
    let metadata = json!({
        "openclaw": {
            "emoji": meta.emoji,
            "homepage": meta.homepage,
            "primaryEnv": meta.primary.canonical(),
            "requires": {"bins": [binary], "env": [meta.primary.canonical()]},
            "envVars": env_vars,
            "install": install_specs(pack, downloads),
        }
    });
    // `metadata` stays on one line: older OpenClaw hosts only parse single-line JSON there.
    format!(
        "---\nname: {}\ndescription: {}\nhomepage: {}\nversion: {}\nmetadata: {}\n---\n",
        meta.name,
        meta.description,
        meta.homepage,
        env!("CARGO_PKG_VERSION"),
        serde_json::to_string(&metadata).unwrap_or_default()
    )
}

/// `<binary> run …` for a command's example, shell-quoted.
fn invocation(pack: &Pack, command: &dyn DynCommand) -> String {
    let args = command.example();
    let dry = if command.effect() == Effect::ReadOnly {
        ""
    } else {
        " --dry-run"
    };
    let empty = args.as_object().is_some_and(serde_json::Map::is_empty);
    if empty {
        format!("{} run {}{dry}", pack.binary, command.id())
    } else {
        let json = serde_json::to_string(&args)
            .unwrap_or_default()
            .replace('\'', "'\\''");
        format!("{} run {} '{json}'{dry}", pack.binary, command.id())
    }
}

/// The effect as the skill shows it, with destructiveness (its one declaration) and whether
/// the command reads local files the caller names.
fn effect_label(command: &dyn DynCommand) -> String {
    let effect = match (command.effect(), command.destructive()) {
        (Effect::ReadOnly, _) => "read-only",
        (Effect::Mutating, false) => "**mutating**",
        (Effect::Mutating, true) => "**mutating, destructive**",
        (Effect::Paid, false) => "**paid**",
        (Effect::Paid, true) => "**paid, destructive**",
    };
    if command.reads_local_files() {
        format!("{effect}, reads local files")
    } else {
        effect.to_owned()
    }
}

fn families_section(pack: &Pack) -> String {
    let mut out = String::new();
    for family in pack.families {
        let commands = family.commands;
        if commands.is_empty() {
            continue;
        }
        out.push_str(&format!("### {}\n\n{}\n\n", family.title, family.blurb));
        for command in commands {
            out.push_str(&format!(
                "- `{}` ({}): {}\n",
                command.id(),
                effect_label(*command),
                command.summary()
            ));
        }
        if let Some(example) = commands
            .iter()
            .find(|c| c.id() == family.example)
            .or(commands.first())
        {
            out.push_str(&format!("\n```sh\n{}\n```\n\n", invocation(pack, *example)));
        }
    }
    out.trim_end().to_owned()
}

fn gated_section(pack: &Pack) -> String {
    let gated: Vec<String> = pack
        .commands()
        .filter(|c| c.effect() != Effect::ReadOnly)
        .map(|c| {
            let destructive = if c.destructive() { ", destructive" } else { "" };
            format!("`{}` ({}{destructive})", c.id(), c.effect().as_str())
        })
        .collect();
    if gated.is_empty() {
        return "This build has no paid or mutating commands.".to_owned();
    }
    format!("Paid or mutating: {}.", gated.join(", "))
}

/// `SKILL.md`: the frontmatter, then the pack's body with its families and gated commands.
pub fn skill_md(pack: &Pack) -> String {
    skill_md_for(pack, &[])
}

/// [`skill_md`] whose install specs add the release's `downloads`.
pub fn skill_md_for(pack: &Pack, downloads: &[Download]) -> String {
    let body = pack
        .skill
        .body
        .replace("{{GATED}}", &gated_section(pack))
        .replace("{{FAMILIES}}", &families_section(pack));
    format!("{}\n{body}", frontmatter(pack, downloads))
}

/// `references/commands.md`: every command with its arguments, credentials and an example.
pub fn commands_md(pack: &Pack) -> String {
    let mut out = format!(
        "# {binary} command reference\n\nGenerated by `{binary} bundle` from the command registry; the JSON Schema of each command is in `schemas/` and printed by `{binary} schema <command>`.\n",
        binary = pack.binary
    );
    for family in pack.families {
        if family.commands.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {}\n", family.title));
        for command in family.commands {
            out.push_str(&command_section(pack, *command));
        }
    }
    out
}

fn command_section(pack: &Pack, command: &dyn DynCommand) -> String {
    let mut out = format!("\n### `{}`\n\n{}\n\n", command.id(), command.summary());
    out.push_str(&format!("- Effect: {}\n", effect_label(command)));
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
    out.push_str(&format!("\n```sh\n{}\n```\n", invocation(pack, command)));
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
    use crate::testing::DEMO;

    #[test]
    fn the_skill_lists_every_family_with_its_commands() {
        let skill = skill_md(&DEMO);
        for family in DEMO.families {
            assert!(
                skill.contains(&format!("### {}", family.title)),
                "{}",
                family.title
            );
            for command in family.commands {
                assert!(skill.contains(&format!("`{}`", command.id())));
            }
        }
        assert!(skill.contains("Paid or mutating: `demo.widgets.create` (paid)."));
        assert!(skill.contains("demo-skill run demo.widgets.create '{\"name\":\"w1\"}' --dry-run"));
        let reference = commands_md(&DEMO);
        assert!(reference.starts_with("# demo-skill command reference"));
        assert!(reference.contains("- OpenClaw tool: `demo_widgets_create`"));
        assert!(reference.contains("- Aliases: `make_widget`"));
    }

    #[test]
    fn frontmatter_declares_every_variable_and_the_primary_key() {
        let skill = skill_md(&DEMO);
        let metadata_line = skill.lines().find(|l| l.starts_with("metadata: ")).unwrap();
        let metadata: Value =
            serde_json::from_str(metadata_line.trim_start_matches("metadata: ")).unwrap();
        let openclaw = &metadata["openclaw"];
        assert_eq!(openclaw["requires"]["bins"], json!(["demo-skill"]));
        assert_eq!(openclaw["requires"]["env"], json!(["DEMO_TOKEN"]));
        assert_eq!(openclaw["primaryEnv"], json!("DEMO_TOKEN"));
        let declared: Vec<&str> = openclaw["envVars"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        for secret in DEMO.secrets {
            for name in secret.env_names() {
                assert!(declared.contains(name), "{name} is read but not declared");
            }
        }
        for name in [
            "DEMO_DRY_RUN",
            "DEMO_LOG",
            "DEMO_API_BASE_URL",
            "DEMO_ENDPOINT",
            "DEMO_ORG",
        ] {
            assert!(declared.contains(&name), "{name}");
        }
        let required: Vec<&Value> = openclaw["envVars"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["required"] == json!(true))
            .collect();
        assert_eq!(required.len(), 1);
    }
}
