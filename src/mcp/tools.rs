//! The MCP tool list, built once from the command registry: one tool per command (aliases
//! are not tools), named with the provider-safe [`registry::tool_name`], described by the
//! command's summary and effect, with the command's published input schema and annotations
//! derived from its effect.

use std::collections::HashMap;
use std::sync::Arc;

use rmcp::model::{JsonObject, MetaObject, Tool, ToolAnnotations};
use serde_json::{Value, json};

use crate::command::{DynCommand, Effect};
use crate::pack::Pack;
use crate::runtime::registry;

/// The argument a gated tool accepts on top of its command's schema, as the plugin's tools do.
pub const DRY_RUN_ARG: &str = "dryRun";

/// Every tool, in registry order, with the command each one runs.
#[derive(Debug)]
pub struct ToolSet {
    tools: Vec<Tool>,
    by_name: HashMap<String, &'static dyn DynCommand>,
}

impl ToolSet {
    /// The tools of every command of `pack`.
    pub fn from_pack(pack: &Pack) -> Self {
        let mut by_name = HashMap::new();
        let tools = pack
            .commands()
            .map(|command| {
                by_name.insert(registry::tool_name(command.id()), command);
                tool(command)
            })
            .collect();
        Self { tools, by_name }
    }

    /// The tools, as `tools/list` sends them.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// The command behind a tool name (exactly as listed; ids and aliases are not tools).
    pub fn command(&self, name: &str) -> Option<&'static dyn DynCommand> {
        self.by_name.get(name).copied()
    }
}

/// Whether the dry-run gate can stop `command` (it then takes a `dryRun` argument).
pub fn gated(command: &dyn DynCommand) -> bool {
    command.effect() != Effect::ReadOnly
}

/// The MCP input schema of `command`: its published schema, plus an optional `dryRun`
/// boolean for gated commands (stripped before dispatch).
pub fn input_schema(command: &dyn DynCommand) -> JsonObject {
    let mut schema = match command.input_schema() {
        Value::Object(map) => map,
        // Every published schema is an object; never send a tool without one.
        _ => JsonObject::from_iter([("type".to_owned(), json!("object"))]),
    };
    if gated(command)
        && let Some(Value::Object(properties)) = schema.get_mut("properties")
    {
        properties.insert(
            DRY_RUN_ARG.into(),
            json!({
                "type": "boolean",
                "description": "Preview the exact request without sending it (recommended before any paid or mutating call)."
            }),
        );
    }
    schema
}

/// The description the model reads: the summary, then what calling it does to the world.
pub fn description(command: &dyn DynCommand) -> String {
    let effect = match command.effect() {
        Effect::ReadOnly => "Read-only.",
        Effect::Mutating => {
            "Mutating (changes state, spends no credits): call it with dryRun true first and confirm with the user."
        }
        Effect::Paid => {
            "Paid (spends credits): call it with dryRun true first and confirm with the user."
        }
    };
    format!("{} {effect}", command.summary())
}

/// Hints from the effect: read-only tools are read-only and idempotent; gated tools are
/// destructive or idempotent as the command declares. Every command talks to a cloud (or
/// reports on one), so all four hints are always sent (MCP's defaults assume the worst).
pub fn annotations(command: &dyn DynCommand) -> ToolAnnotations {
    let read_only = command.effect() == Effect::ReadOnly;
    ToolAnnotations::new()
        .read_only(read_only)
        .destructive(!read_only && command.destructive())
        .idempotent(command.idempotent())
        .open_world(true)
}

fn tool(command: &'static dyn DynCommand) -> Tool {
    let mut meta = MetaObject::new();
    meta.0.insert("skill/id".into(), json!(command.id()));
    meta.0
        .insert("skill/effect".into(), json!(command.effect()));
    Tool::new(
        registry::tool_name(command.id()),
        description(command),
        Arc::new(input_schema(command)),
    )
    .with_title(command.id())
    .with_annotations(annotations(command))
    .with_meta(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::DEMO;

    #[test]
    fn one_tool_per_command_resolving_back() {
        let set = ToolSet::from_pack(&DEMO);
        assert_eq!(set.tools().len(), DEMO.commands().count());
        for tool in set.tools() {
            let command = set.command(&tool.name).expect("listed tools resolve");
            assert_eq!(registry::tool_name(command.id()), tool.name);
            assert!(!tool.name.contains('.'));
        }
        assert!(
            set.command("demo.widgets.list").is_none(),
            "ids are not tool names"
        );
    }

    #[test]
    fn gated_tools_take_dry_run_and_read_only_tools_do_not() {
        for command in DEMO.commands() {
            let schema = input_schema(command);
            let has = schema
                .get("properties")
                .and_then(|p| p.get(DRY_RUN_ARG))
                .is_some();
            assert_eq!(has, gated(command), "{}", command.id());
        }
    }
}
