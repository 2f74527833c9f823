//! Invariants every registered command must keep. Adding a command adds it to every check.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;
mod invariants;

use serde_json::json;
use theta_skill::Effect;
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
    invariants::every_command_belongs_to_exactly_one_family(&PACK, 60);
}

#[test]
fn the_skill_only_mentions_commands_that_exist() {
    invariants::the_skill_only_mentions_commands_that_exist(&PACK, 45);
}

#[test]
fn the_skill_requires_only_its_own_binary_and_key() {
    invariants::the_skill_requires_only_its_own_binary_and_key(&PACK, &["THETA_EC_API_KEY"]);
}

/// The Theta skill promises to read no local file (uploads come from the arguments): the pack
/// declares none, no command declares one, and no Theta source asks for file access, so the
/// dispatcher could never grant it (`src/files.rs`).
#[test]
fn the_theta_skill_reads_no_local_file() {
    assert!(!PACK.reads_local_files);
    for command in PACK.commands() {
        assert!(!command.reads_local_files(), "{}", command.id());
    }
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/skills/theta"),
        &mut files,
    );
    assert!(files.len() > 20, "{} sources", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for word in [
            "file_access",
            "READS_LOCAL_FILES",
            "crate::files",
            "std::fs::",
        ] {
            assert!(!text.contains(word), "{} uses {word}", file.display());
        }
    }
}
