//! The registry invariants of `tests/registry.rs`, over the elizaOS Cloud pack: ids, schemas
//! (provider-safe, documented, examples valid), zero-request dry-run previews for every gated
//! command, families, and the generated skill.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod elizacloud_fake;
mod invariants;
mod local_files;

use serde_json::json;
use theta_skill::Effect;
use theta_skill::runtime::registry::find;
use theta_skill::skills::elizacloud::PACK;
use wiremock::MockServer;

use elizacloud_fake::Env;

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
fn destructive_commands_say_so_and_only_they() {
    invariants::destructive_commands_say_so_and_only_they(&PACK);
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
    let env = Env::new().set("ELIZACLOUD_BASE_URL", &server.uri());
    let mut gated = 0;
    for command in PACK.commands().filter(|c| c.effect() != Effect::ReadOnly) {
        gated += 1;
        let response = env
            .dry_run(command.id(), local_files::runnable_example(command))
            .await;
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
    assert!(gated >= 26, "only {gated} gated command(s) checked");
}

#[test]
fn every_command_belongs_to_exactly_one_family() {
    invariants::every_command_belongs_to_exactly_one_family(&PACK, 55);
}

#[test]
fn the_skill_only_mentions_commands_that_exist() {
    invariants::the_skill_only_mentions_commands_that_exist(&PACK, 55);
}

#[test]
fn the_skill_requires_only_its_own_binary_and_key() {
    invariants::the_skill_requires_only_its_own_binary_and_key(&PACK, &["ELIZACLOUD_API_KEY"]);
}

#[test]
fn destructive_commands_say_so_and_the_ids_are_the_issues() {
    for id in [
        "elizacloud.keys.revokeCurrent",
        "elizacloud.agents.delete",
        "elizacloud.containers.delete",
        "elizacloud.voice.delete",
        "elizacloud.characters.delete",
    ] {
        let command = find(&PACK, id).unwrap();
        assert!(command.summary().starts_with("Destructive"), "{id}");
        assert_ne!(command.effect(), Effect::ReadOnly);
    }
    for (id, effect) in [
        ("elizacloud.chat", Effect::Paid),
        ("elizacloud.embeddings", Effect::Paid),
        ("elizacloud.images.generate", Effect::Paid),
        ("elizacloud.video.generate", Effect::Paid),
        ("elizacloud.voice.tts", Effect::Paid),
        ("elizacloud.containers.deploy", Effect::Paid),
        ("elizacloud.agents.resume", Effect::Paid),
        ("elizacloud.credits.checkout", Effect::Mutating),
        ("elizacloud.billing.set", Effect::Mutating),
        ("elizacloud.documents.add", Effect::Mutating),
        ("elizacloud.setup", Effect::ReadOnly),
        ("elizacloud.jobs.pollUntilDone", Effect::ReadOnly),
        ("elizacloud.voice.clone", Effect::Paid),
        ("elizacloud.voice.transcribe", Effect::Paid),
        ("elizacloud.voice.update", Effect::Mutating),
        ("elizacloud.voice.jobs", Effect::ReadOnly),
        ("elizacloud.voice.get", Effect::ReadOnly),
        ("elizacloud.characters.create", Effect::Mutating),
        ("elizacloud.characters.update", Effect::Mutating),
        ("elizacloud.characters.list", Effect::ReadOnly),
        ("elizacloud.characters.get", Effect::ReadOnly),
        ("elizacloud.a2a.card", Effect::ReadOnly),
        ("elizacloud.a2a.send", Effect::Paid),
        ("elizacloud.a2a.tasks.get", Effect::ReadOnly),
        ("elizacloud.a2a.tasks.cancel", Effect::Mutating),
        ("elizacloud.agents.a2a.card", Effect::ReadOnly),
        ("elizacloud.agents.a2a.info", Effect::ReadOnly),
        ("elizacloud.agents.a2a.chat", Effect::Paid),
    ] {
        assert_eq!(find(&PACK, id).unwrap().effect(), effect, "{id}");
    }
}
