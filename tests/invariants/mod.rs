//! Invariants every command of a pack must keep, shared by the registry tests of each pack
//! (`tests/registry.rs`, `tests/elizacloud_registry.rs`). Adding a command adds it to every
//! check.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashSet;

use serde_json::Value;
use theta_skill::Pack;
use theta_skill::runtime::registry::tool_name;
use theta_skill::schema::{compile, provider_safety_problems};

pub fn ids_aliases_and_tool_names_are_unique(pack: &Pack) {
    let mut seen = HashSet::new();
    for command in pack.commands() {
        let names = std::iter::once(command.id().to_owned())
            .chain(command.aliases().iter().map(|a| (*a).to_owned()))
            .chain(std::iter::once(tool_name(command.id())));
        for name in names {
            assert!(seen.insert(name.clone()), "`{name}` is used twice");
        }
    }
}

pub fn ids_and_aliases_are_well_formed(pack: &Pack) {
    let segment = |s: &str| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_alphanumeric())
    };
    for command in pack.commands() {
        let id = command.id();
        let mut parts = id.split('.');
        assert_eq!(parts.next(), Some(pack.name), "{id}");
        assert!(parts.clone().count() >= 1 && parts.all(segment), "{id}");
        let tool = tool_name(id);
        assert!(tool.len() <= 64, "{tool} is too long for providers");
        for alias in command.aliases() {
            let mut chars = alias.chars();
            assert!(
                chars.next().is_some_and(|c| c.is_ascii_lowercase())
                    && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "alias {alias}"
            );
        }
    }
}

pub fn summaries_are_one_sentence(pack: &Pack) {
    for command in pack.commands() {
        let summary = command.summary();
        assert!(summary.ends_with('.'), "{}: {summary}", command.id());
        assert!(
            !summary.trim_end_matches('.').contains(". "),
            "{}: {summary}",
            command.id()
        );
        assert!(summary.len() <= 200, "{}: summary too long", command.id());
    }
}

pub fn every_schema_is_provider_safe_and_compiles(pack: &Pack) {
    for command in pack.commands() {
        let schema = command.input_schema();
        assert_eq!(
            provider_safety_problems(&schema),
            Vec::<String>::new(),
            "{}: {schema:#}",
            command.id()
        );
        compile(&schema).unwrap_or_else(|e| panic!("{}: {e}", command.id()));
    }
}

pub fn every_property_is_documented(pack: &Pack) {
    fn walk(id: &str, path: &str, schema: &Value) {
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                assert!(
                    prop.get("description")
                        .and_then(Value::as_str)
                        .is_some_and(|d| !d.is_empty()),
                    "{id}: property {path}/{name} has no description"
                );
                walk(id, &format!("{path}/{name}"), prop);
            }
        }
    }
    for command in pack.commands() {
        walk(command.id(), "", &command.input_schema());
    }
}

pub fn every_example_validates(pack: &Pack) {
    for command in pack.commands() {
        let schema = command.input_schema();
        let validator = compile(&schema).unwrap();
        let example = command.example();
        let errors: Vec<String> = validator
            .iter_errors(&example)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{}: example {example} fails: {errors:?}",
            command.id()
        );
    }
}
