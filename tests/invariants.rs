//! Invariants every command of every pack keeps, for each pack of `skills::PACKS` (the
//! example pack of the test build included): names, schemas, examples, families, the
//! generated skill, the MCP annotations, and zero-request dry-runs. Nothing here names a pack
//! or counts its commands: a new pack is checked on its first run, and a new command in every
//! check. Pack-specific promises stay in each pack's suite (`tests/registry.rs`,
//! `tests/elizacloud_registry.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod local_files;
mod upstream_fault;

use std::collections::HashSet;

use serde_json::{Value, json};
use skill_runtime::artifacts::skill::{commands_md, skill_md};
use skill_runtime::config::Config;
use skill_runtime::runtime::registry::{find, tool_name};
use skill_runtime::schema::{compile, provider_safety_problems};
use skill_runtime::secrets::EnvSecrets;
use skill_runtime::{Effect, Pack, Runtime};
use wiremock::MockServer;

use upstream_fault::{packs, services_at};

/// Runs `check` on every pack, naming the pack in the failure.
fn for_every_pack(check: fn(&Pack)) {
    assert!(!packs().is_empty());
    for pack in packs() {
        check(pack);
    }
}

fn ids_aliases_and_tool_names_are_unique(pack: &Pack) {
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

fn ids_and_aliases_are_well_formed(pack: &Pack) {
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

fn summaries_are_one_sentence(pack: &Pack) {
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
fn destructive_commands_say_so_and_only_they(pack: &Pack) {
    let reference = commands_md(pack);
    let catalog = skill_runtime::runtime::registry::catalog(pack);
    for (command, listed) in pack.commands().zip(&catalog) {
        let id = command.id();
        let summary = command.summary();
        assert_eq!(listed["destructive"], json!(command.destructive()), "{id}");
        if command.destructive() {
            assert!(summary.starts_with("Destructive: "), "{id}: {summary}");
            assert_ne!(command.effect(), skill_runtime::Effect::ReadOnly, "{id}");
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

fn every_schema_is_provider_safe_and_compiles(pack: &Pack) {
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

fn every_property_is_documented(pack: &Pack) {
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

fn every_example_validates(pack: &Pack) {
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
/// and an example among them; the registry (what `list` and the dispatcher see) and the
/// published schemas are exactly the families' commands.
fn every_command_belongs_to_exactly_one_family(pack: &Pack) {
    assert!(!pack.families.is_empty(), "{} has no family", pack.name);
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
            let family_of = pack.family_of(command.id()).map(|f| f.name);
            assert_eq!(family_of, Some(family.name), "{}", command.id());
        }
    }
    let catalog = skill_runtime::runtime::registry::catalog(pack);
    let listed: Vec<&str> = catalog
        .iter()
        .map(|entry| entry["id"].as_str().unwrap())
        .collect();
    let declared: Vec<&str> = pack.commands().map(|c| c.id()).collect();
    assert_eq!(
        listed, declared,
        "{}: the catalog is the families' commands",
        pack.name
    );
    let published: HashSet<String> = skill_runtime::artifacts::schema_files(pack)
        .into_keys()
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            name.strip_suffix(".json").map(str::to_owned)
        })
        .filter(|name| name != "index")
        .collect();
    let ids: HashSet<String> = declared.iter().map(|id| (*id).to_owned()).collect();
    assert_eq!(
        published, ids,
        "{}: one published schema per command",
        pack.name
    );
}

/// The text with its URLs taken out: a host (`github.com`, `tiny.example`) is not a command.
fn without_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        // Back to the scheme's start, then forward to the URL's end.
        let start = rest[..at]
            .rfind(|c: char| !c.is_ascii_alphanumeric())
            .map_or(0, |i| i + 1);
        out.push_str(&rest[..start]);
        let tail = &rest[at + 3..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | '`' | ']'))
            .unwrap_or(tail.len());
        out.push(' ');
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The `<pack>.…` words of `text` outside URLs.
fn mentions<'t>(pack: &Pack, text: &'t str) -> Vec<&'t str> {
    let prefix = format!("{}.", pack.name);
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
        .map(|word| word.trim_end_matches('.'))
        .filter(|word| word.starts_with(&prefix) && word.split('.').count() >= 2)
        .collect()
}

/// Every `<pack>.…` word of SKILL.md and the command reference is a command (a URL's host
/// is not a word), and every family's example command is mentioned.
fn the_skill_only_mentions_commands_that_exist(pack: &Pack) {
    let text = without_urls(&format!("{}\n{}", skill_md(pack), commands_md(pack)));
    let mentioned = mentions(pack, &text);
    for word in &mentioned {
        assert!(
            find(pack, word).is_some(),
            "the skill mentions `{word}`, which is not a command"
        );
    }
    for family in pack.families {
        assert!(
            mentioned.contains(&family.example),
            "{}: the skill never mentions {}",
            family.name,
            family.example
        );
    }
}

/// The skill's metadata requires the pack's binary and its primary credential only; no
/// example line of the binary carries a secret variable.
fn the_skill_requires_only_its_own_binary_and_key(pack: &Pack) {
    // CI and the release workflow find a release's binaries by this suffix.
    assert!(
        pack.binary.ends_with("-skill"),
        "{}: the binary `{}` must end in -skill",
        pack.name,
        pack.binary
    );
    let skill = skill_md(pack);
    let line = skill.lines().find(|l| l.starts_with("metadata: ")).unwrap();
    let metadata: Value = serde_json::from_str(line.trim_start_matches("metadata: ")).unwrap();
    let openclaw = &metadata["openclaw"];
    assert_eq!(openclaw["requires"]["bins"], json!([pack.binary]));
    assert_eq!(
        openclaw["requires"]["env"],
        json!([pack.skill.primary.canonical()])
    );
    assert!(
        pack.secrets.contains(&pack.skill.primary),
        "{}: the primary credential is not one of its secrets",
        pack.name
    );
    let example = format!("{} ", pack.binary);
    for line in skill.lines().filter(|l| l.starts_with(&example)) {
        for secret in pack.secrets {
            for name in secret.env_names() {
                assert!(!line.contains(name), "{line}");
            }
        }
    }
}

/// The MCP tools say what the declarations say: read-only tools are read-only, idempotent
/// and never destructive; a gated tool is not read-only, destructive exactly when declared,
/// idempotent as declared; every tool talks to the world; one tool per command, in order.
fn annotations_match_effects(pack: &Pack) {
    let tools = skill_runtime::mcp::tools::ToolSet::from_pack(pack);
    let tools = tools.tools();
    assert_eq!(tools.len(), pack.commands().count(), "{}", pack.name);
    for (tool, command) in tools.iter().zip(pack.commands()) {
        let id = command.id();
        assert_eq!(tool.name, tool_name(id), "{id}");
        let hints = tool
            .annotations
            .as_ref()
            .unwrap_or_else(|| panic!("{id}: no hints"));
        let read_only = command.effect() == Effect::ReadOnly;
        assert_eq!(hints.read_only_hint, Some(read_only), "{id}");
        assert_eq!(hints.open_world_hint, Some(true), "{id}");
        assert_eq!(hints.destructive_hint, Some(command.destructive()), "{id}");
        assert_eq!(hints.idempotent_hint, Some(command.idempotent()), "{id}");
        if read_only {
            assert_eq!(hints.destructive_hint, Some(false), "{id}");
            assert_eq!(hints.idempotent_hint, Some(true), "{id}");
        }
        let schema = serde_json::Value::Object((*tool.input_schema).clone());
        assert_eq!(
            schema["properties"]["dryRun"]["type"] == json!("boolean"),
            !read_only,
            "{id}: only gated tools take dryRun"
        );
    }
}

/// Every gated command (and every read-only one declared offline in dry-run), run on its
/// example in dry-run with no credentials at all, answers without a request: every service
/// of the pack points at one fake that must receive nothing. A gated one answers with a
/// preview of at least one request, and lists each secret it requires as missing.
async fn every_gated_command_previews_offline(pack: &'static Pack) {
    let server = MockServer::start().await;
    let mut vars = services_at(pack, &server.uri());
    vars.push((pack.var("HTTP_RETRY_BACKOFF_MS"), "25".to_owned()));
    let lookup = vars.clone();
    let runtime = Runtime::new(
        pack,
        Config::from_lookup(pack, move |k| {
            lookup.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        }),
        EnvSecrets::from_pairs(vars),
    );
    let offline = pack
        .commands()
        .filter(|c| c.effect() != Effect::ReadOnly || c.offline_in_dry_run());
    for command in offline {
        let id = command.id();
        let response = runtime
            .run(id, local_files::runnable_example(command), true)
            .await
            .to_json();
        assert_eq!(response["ok"], json!(true), "{id}: {response:#}");
        assert_eq!(response["dryRun"], json!(true), "{id}");
        if command.effect() == Effect::ReadOnly {
            continue;
        }
        let result = &response["result"];
        let requests = result["requests"].as_array().cloned().unwrap_or_default();
        assert!(
            !requests.is_empty(),
            "{id}: preview lists no request: {result:#}"
        );
        for request in &requests {
            assert!(
                request["method"].is_string() && request["url"].is_string(),
                "{id}: {request:#}"
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
                "{id}: preview does not report {} missing",
                need.name
            );
        }
    }
    let received = server.received_requests().await.unwrap_or_default();
    assert!(
        received.is_empty(),
        "{}: dry-run sent {} request(s): {:?}",
        pack.name,
        received.len(),
        received
            .iter()
            .map(|r| r.url.to_string())
            .collect::<Vec<_>>()
    );
    upstream_fault::stop(server).await;
}

#[test]
fn ids_aliases_and_tool_names_are_unique_in_every_pack() {
    for_every_pack(ids_aliases_and_tool_names_are_unique);
}

#[test]
fn ids_and_aliases_are_well_formed_in_every_pack() {
    for_every_pack(ids_and_aliases_are_well_formed);
}

#[test]
fn summaries_are_one_sentence_in_every_pack() {
    for_every_pack(summaries_are_one_sentence);
}

#[test]
fn destructive_commands_say_so_and_only_they_in_every_pack() {
    for_every_pack(destructive_commands_say_so_and_only_they);
}

#[test]
fn every_schema_is_provider_safe_and_compiles_in_every_pack() {
    for_every_pack(every_schema_is_provider_safe_and_compiles);
}

#[test]
fn every_property_is_documented_in_every_pack() {
    for_every_pack(every_property_is_documented);
}

#[test]
fn every_example_validates_in_every_pack() {
    for_every_pack(every_example_validates);
}

#[test]
fn every_command_belongs_to_exactly_one_family_in_every_pack() {
    for_every_pack(every_command_belongs_to_exactly_one_family);
}

#[test]
fn the_skill_only_mentions_commands_that_exist_in_every_pack() {
    for_every_pack(the_skill_only_mentions_commands_that_exist);
}

#[test]
fn the_skill_requires_only_its_own_binary_and_key_in_every_pack() {
    for_every_pack(the_skill_requires_only_its_own_binary_and_key);
}

#[test]
fn annotations_match_effects_in_every_pack() {
    for_every_pack(annotations_match_effects);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_gated_command_previews_offline_in_every_pack() {
    for pack in packs() {
        every_gated_command_previews_offline(pack).await;
    }
}

/// Issue 19: a URL's host (`https://github.com/…`, `https://tiny.example`) was read as a
/// command id of a pack named like its first label.
#[test]
fn a_url_is_not_a_command_mention() {
    for pack in packs() {
        let text = format!(
            "See https://{name}.example.com/{name}.x and <http://{name}.io>; run `{name}.y`.",
            name = pack.name
        );
        let text = without_urls(&text);
        let expected = format!("{}.y", pack.name);
        assert_eq!(mentions(pack, &text), [expected.as_str()], "{text}");
    }
}
