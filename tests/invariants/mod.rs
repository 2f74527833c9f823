//! Invariants every command of a pack must keep, shared by the registry tests of each pack
//! (`tests/registry.rs`, `tests/elizacloud_registry.rs`). Adding a command adds it to every
//! check.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashSet;

use serde_json::{Value, json};
use theta_skill::Pack;
use theta_skill::artifacts::skill::{commands_md, skill_md};
use theta_skill::runtime::registry::{find, tool_name};
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

/// Destructiveness is one declaration (`Command::DESTRUCTIVE`, issue 17 defect 13): a
/// command declared destructive says so first in its summary, the skill's reference and its
/// `list --json` entry; a command that is not never says it is irreversible.
pub fn destructive_commands_say_so_and_only_they(pack: &Pack) {
    let reference = commands_md(pack);
    let catalog = theta_skill::runtime::registry::catalog(pack);
    for (command, listed) in pack.commands().zip(&catalog) {
        let id = command.id();
        let summary = command.summary();
        assert_eq!(listed["destructive"], json!(command.destructive()), "{id}");
        if command.destructive() {
            assert!(summary.starts_with("Destructive: "), "{id}: {summary}");
            assert_ne!(command.effect(), theta_skill::Effect::ReadOnly, "{id}");
        } else {
            let lower = summary.to_lowercase();
            for word in ["destructive", "irreversib", "cannot be undone"] {
                assert!(
                    !lower.contains(word),
                    "{id} is not declared destructive: {summary}"
                );
            }
        }
        let section = reference
            .split("\n### ")
            .find(|s| s.starts_with(&format!("`{id}`")))
            .unwrap_or_else(|| panic!("{id} is not in the reference"));
        assert_eq!(
            section.contains("destructive**"),
            command.destructive(),
            "{id}: {section}"
        );
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

/// Every command is in exactly one family, with the pack's prefix; every family has commands
/// and an example among them. `count` is the number of commands the pack has.
pub fn every_command_belongs_to_exactly_one_family(pack: &Pack, count: usize) {
    let mut seen = HashSet::new();
    for family in pack.families {
        assert!(
            !family.commands.is_empty(),
            "{} has no command",
            family.name
        );
        assert!(
            family.commands.iter().any(|c| c.id() == family.example),
            "{}: its example {} is not one of its commands",
            family.name,
            family.example
        );
        for command in family.commands {
            assert!(
                seen.insert(command.id()),
                "{} is in two families",
                command.id()
            );
            assert!(command.id().starts_with(&format!("{}.", pack.name)));
        }
    }
    assert_eq!(seen.len(), pack.commands().count());
    assert_eq!(seen.len(), count);
}

/// Every `<pack>.…` word of SKILL.md and the command reference is a command; at least
/// `at_least` are mentioned.
pub fn the_skill_only_mentions_commands_that_exist(pack: &Pack, at_least: usize) {
    let text = format!("{}\n{}", skill_md(pack), commands_md(pack));
    let prefix = format!("{}.", pack.name);
    let mut mentioned = 0;
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')) {
        let word = word.trim_end_matches('.');
        if word.starts_with(&prefix) && word.split('.').count() >= 2 {
            mentioned += 1;
            assert!(
                find(pack, word).is_some(),
                "the skill mentions `{word}`, which is not a command"
            );
        }
    }
    assert!(mentioned >= at_least, "{mentioned}");
}

/// The skill's metadata requires the pack's binary and `env` only; no example line of the
/// binary carries a secret variable.
pub fn the_skill_requires_only_its_own_binary_and_key(pack: &Pack, env: &[&str]) {
    let skill = skill_md(pack);
    let line = skill.lines().find(|l| l.starts_with("metadata: ")).unwrap();
    let metadata: Value = serde_json::from_str(line.trim_start_matches("metadata: ")).unwrap();
    let openclaw = &metadata["openclaw"];
    assert_eq!(openclaw["requires"]["bins"], json!([pack.binary]));
    assert_eq!(openclaw["requires"]["env"], json!(env));
    let example = format!("{} ", pack.binary);
    for line in skill.lines().filter(|l| l.starts_with(&example)) {
        for secret in pack.secrets {
            for name in secret.env_names() {
                assert!(!line.contains(name), "{line}");
            }
        }
    }
}
