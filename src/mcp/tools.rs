//! The MCP tool list, built once from the command registry: one tool per command (aliases
//! are not listed), named with the provider-safe [`registry::tool_name`], described by the
//! command's summary and effect, with the command's published input schema and annotations
//! derived from its declarations.
//!
//! A call may name a tool by its listed name, its command's id, or any alias of the command
//! (an upstream's own MCP server's tool names), so prompts and configurations written for that
//! server keep working (issue 17, defect 12).

use std::collections::HashMap;
use std::sync::Arc;

use rmcp::model::{JsonObject, MetaObject, Tool, ToolAnnotations};
use serde_json::{Value, json};

use crate::command::{DynCommand, Effect, caution};
use crate::pack::Pack;
use crate::runtime::registry;

/// The argument a gated tool accepts on top of its command's schema, as the plugin's tools do.
pub const DRY_RUN_ARG: &str = "dryRun";

/// A command a call reaches, and the alias it was called by (when it was).
pub type Resolved = (&'static dyn DynCommand, Option<&'static str>);

/// Every tool, in registry order, and every name a call may use.
#[derive(Debug)]
pub struct ToolSet {
    tools: Vec<Tool>,
    by_name: HashMap<String, Resolved>,
}

impl ToolSet {
    /// The tools of every command of `pack`.
    pub fn from_pack(pack: &Pack) -> Self {
        let mut by_name = HashMap::new();
        let tools = pack
            .commands()
            .map(|command| {
                by_name.insert(registry::tool_name(command.id()), (command, None));
                by_name.insert(command.id().to_owned(), (command, None));
                for alias in command.aliases() {
                    by_name.insert((*alias).to_owned(), (command, Some(*alias)));
                }
                tool(command)
            })
            .collect();
        Self { tools, by_name }
    }

    /// The tools, as `tools/list` sends them.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// The command behind a name a call used: a listed tool name, a command id, or an alias
    /// (then also the alias, whose arguments the dispatcher maps as it does for any caller).
    pub fn resolve(&self, name: &str) -> Option<Resolved> {
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

/// The description the model reads: the summary, then what calling it does to the world
/// ([`caution`], the same sentence the plugin's tools carry).
pub fn description(command: &dyn DynCommand) -> String {
    format!(
        "{} {}",
        command.summary(),
        caution(command).unwrap_or("Read-only.")
    )
}

/// Hints from the declarations: read-only tools are read-only, idempotent and never
/// destructive; gated tools are destructive ([`DynCommand::destructive`], the one declaration
/// the previews and docs read too) and idempotent as the command declares. Every command
/// talks to a cloud (or reports on one), so all four hints are always sent (MCP's defaults
/// assume the worst).
pub fn annotations(command: &dyn DynCommand) -> ToolAnnotations {
    ToolAnnotations::new()
        .read_only(command.effect() == Effect::ReadOnly)
        .destructive(command.destructive())
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
    fn one_tool_per_command_reached_by_its_name_id_and_aliases() {
        let set = ToolSet::from_pack(&DEMO);
        assert_eq!(set.tools().len(), DEMO.commands().count());
        for tool in set.tools() {
            let (command, alias) = set.resolve(&tool.name).expect("listed tools resolve");
            assert_eq!(registry::tool_name(command.id()), tool.name);
            assert_eq!(alias, None);
            assert!(!tool.name.contains('.'));
        }
        let (command, alias) = set.resolve("make_widget").expect("an alias resolves");
        assert_eq!(
            (command.id(), alias),
            ("demo.widgets.create", Some("make_widget"))
        );
        let (command, _) = set.resolve("demo.widgets.list").expect("an id resolves");
        assert_eq!(command.id(), "demo.widgets.list");
        assert!(set.resolve("demo_widgets_nope").is_none());
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
