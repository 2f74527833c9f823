//! Invariants every registered command must keep. Adding a command adds it to every check.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;
mod invariants;

use std::collections::HashSet;

use serde_json::{Value, json};
use theta_skill::Effect;
use theta_skill::runtime::registry::find;
use theta_skill::skills::theta::PACK;
use wiremock::MockServer;

use common::Env;

#[test]
fn ids_aliases_and_tool_names_are_unique() {
    invariants::ids_aliases_and_tool_names_are_unique(&PACK);
}

#[test]
fn ids_and_aliases_are_well_formed() {
    invariants::ids_and_aliases_are_well_formed(&PACK);
}

#[test]
fn summaries_are_one_sentence() {
    invariants::summaries_are_one_sentence(&PACK);
}

#[test]
fn every_schema_is_provider_safe_and_compiles() {
    invariants::every_schema_is_provider_safe_and_compiles(&PACK);
}

#[test]
fn every_property_is_documented() {
    invariants::every_property_is_documented(&PACK);
}

#[test]
fn every_example_validates() {
    invariants::every_example_validates(&PACK);
}

/// Every gated command, run on its example in dry-run with no credentials at all, answers
/// with a preview and sends nothing: fake servers for every service expect zero requests.
#[tokio::test]
async fn every_gated_command_previews_without_network_or_secrets() {
    let server = MockServer::start().await;
    let env = Env::all_services(&server);
    let mut gated = 0;
    let mut previewed = Vec::new();
    for command in PACK.commands().filter(|c| c.effect() != Effect::ReadOnly) {
        gated += 1;
        previewed.push(command.id());
        let response = env.dry_run(command.id(), command.example()).await;
        assert_eq!(
            response["ok"],
            json!(true),
            "{}: {response:#}",
            command.id()
        );
        assert_eq!(response["dryRun"], json!(true));
        let result = &response["result"];
        let requests = result["requests"].as_array().cloned().unwrap_or_default();
        assert!(
            !requests.is_empty(),
            "{}: preview lists no request: {result:#}",
            command.id()
        );
        for request in &requests {
            assert!(
                request["method"].is_string() && request["url"].is_string(),
                "{request:#}"
            );
        }
        for need in command.secrets().iter().filter(|n| n.required) {
            let listed = result["credentials"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["name"] == need.name.canonical() && c["present"] == json!(false));
            assert!(
                listed,
                "{}: preview does not report {} missing",
                command.id(),
                need.name
            );
        }
    }
    let received = server.received_requests().await.unwrap_or_default();
    assert!(
        received.is_empty(),
        "dry-run sent {} request(s)",
        received.len()
    );
    // The assertions above are vacuous without gated commands: require the ones the Theta
    // pack declares (paid and mutating), counted from the registry itself.
    assert!(gated >= 10, "only {gated} gated command(s) previewed");
    for id in [
        "theta.ondemand.infer",
        "theta.ondemand.chat",
        "theta.deployments.create",
        "theta.deployments.delete",
        "theta.inference.chat",
        "theta.video.ingestor.select",
    ] {
        assert!(
            previewed.contains(&id),
            "{id} was not previewed: {previewed:?}"
        );
    }
}

#[test]
fn every_command_belongs_to_exactly_one_family() {
    let mut seen = HashSet::new();
    for family in PACK.families {
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
            assert!(command.id().starts_with(&format!("{}.", PACK.name)));
        }
    }
    assert_eq!(seen.len(), PACK.commands().count());
    assert_eq!(seen.len(), 60);
}

#[test]
fn the_skill_only_mentions_commands_that_exist() {
    use theta_skill::artifacts::skill::{commands_md, skill_md};
    let text = format!("{}\n{}", skill_md(&PACK), commands_md(&PACK));
    let mut mentioned = 0;
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')) {
        let word = word.trim_end_matches('.');
        if word.starts_with("theta.") && word.split('.').count() >= 2 {
            mentioned += 1;
            assert!(
                find(&PACK, word).is_some(),
                "the skill mentions `{word}`, which is not a command"
            );
        }
    }
    assert!(mentioned >= 45, "{mentioned}");
}

#[test]
fn the_skill_requires_only_its_own_binary_and_key() {
    use theta_skill::artifacts::skill::skill_md;
    let skill = skill_md(&PACK);
    let line = skill.lines().find(|l| l.starts_with("metadata: ")).unwrap();
    let metadata: Value = serde_json::from_str(line.trim_start_matches("metadata: ")).unwrap();
    let openclaw = &metadata["openclaw"];
    assert_eq!(openclaw["requires"]["bins"], json!(["theta-skill"]));
    assert_eq!(openclaw["requires"]["env"], json!(["THETA_EC_API_KEY"]));
    for line in skill.lines().filter(|l| l.starts_with("theta-skill ")) {
        for secret in PACK.secrets {
            for name in secret.env_names() {
                assert!(!line.contains(name), "{line}");
            }
        }
    }
}
