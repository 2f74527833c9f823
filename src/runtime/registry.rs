//! Every command, in one list. Adding a command is one new file and one new line here;
//! `tests/registry.rs` checks the invariants (unique ids and aliases, provider-safe schemas,
//! previews for gated commands, examples that validate).

use serde_json::{Value, json};

use crate::command::DynCommand;
use crate::commands::theta::{ai, billing, deployments, inference, meta, ondemand, video};
use crate::error::{Error, ErrorCode};

/// The registry.
pub static COMMANDS: &[&dyn DynCommand] = &[
    // First run and diagnostics.
    &meta::Setup,
    &meta::Health,
    &meta::Capabilities,
    // On-demand models: discover, infer, chat, poll, upload URLs.
    &ondemand::ListServices,
    &ondemand::Infer,
    &ondemand::Chat,
    &ondemand::Status,
    &ondemand::PollUntilDone,
    &ondemand::InputPresignedUrls,
    // Controller: deployments, templates, AI resources, agents; platform: billing.
    &deployments::List,
    &deployments::ListVm,
    &deployments::ListStandard,
    &deployments::ListCustom,
    &deployments::RouteProbe,
    &deployments::Create,
    &deployments::Start,
    &deployments::Stop,
    &deployments::Delete,
    &deployments::ValidateDisposable,
    &ai::DedicatedDeploymentsList,
    &ai::JupyterList,
    &ai::GpuNodeList,
    &ai::GpuClusterList,
    &ai::StorageList,
    &ai::agent::AgentList,
    &ai::agent::AgentGet,
    &ai::agent::AgentCreate,
    &ai::agent::AgentUpdate,
    &ai::agent::document::DocumentCreate,
    &ai::agent::document::DocumentUpdate,
    &ai::agent::document::DocumentGet,
    &ai::agent::document::DocumentList,
    &billing::Balance,
    &billing::BalanceSnapshot,
    // Dedicated inference endpoint (THETA_INFERENCE_ENDPOINT).
    &inference::Models,
    &inference::Chat,
    &inference::Ready,
    // Theta Video API (THETA_VIDEO_SA_ID / THETA_VIDEO_SA_SECRET).
    &video::List,
    &video::UploadCreate,
    &video::VideoCreate,
    &video::VideoGet,
    &video::StreamCreate,
    &video::StreamGet,
    &video::IngestorList,
    &video::IngestorSelect,
];

/// The command with this id or alias. The provider-safe tool name (`theta_ondemand_infer`)
/// is accepted too, so a caller can use what the model saw.
pub fn find(name: &str) -> Option<&'static dyn DynCommand> {
    resolve(name).map(|(command, _)| command)
}

/// Like [`find`], also saying which alias matched (when one did).
pub fn resolve(name: &str) -> Option<(&'static dyn DynCommand, Option<&'static str>)> {
    COMMANDS.iter().copied().find_map(|c| {
        if c.id() == name || tool_name(c.id()) == name {
            Some((c, None))
        } else {
            c.aliases()
                .iter()
                .find(|a| **a == name)
                .map(|a| (c, Some(*a)))
        }
    })
}

/// The provider-safe tool name of a command id: dots become underscores.
pub fn tool_name(id: &str) -> String {
    id.replace('.', "_")
}

/// Names longer than this (in bytes) get no suggestions, and are cut in the message: every id
/// and alias is far shorter, and comparing a 10 MB name with every id cost seconds of CPU
/// (issue 13, defect 5).
const MAX_SUGGESTED_NAME_BYTES: usize = 128;

/// The `UNKNOWN_COMMAND` error, listing the closest ids.
pub fn unknown_command(name: &str) -> Error {
    let suggestions = suggestions(name);
    let name = if name.len() > MAX_SUGGESTED_NAME_BYTES {
        let mut cut = MAX_SUGGESTED_NAME_BYTES;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}… ({} bytes)", &name[..cut], name.len())
    } else {
        name.to_owned()
    };
    let hint = if suggestions.is_empty() {
        "Run `theta-skill list` to see every command.".to_owned()
    } else {
        format!(
            "Did you mean {}? Run `theta-skill list` to see every command.",
            suggestions.join(", ")
        )
    };
    Error::new(
        ErrorCode::UnknownCommand,
        format!("Unknown command `{name}`."),
    )
    .with_hint(hint)
    .with_details(json!({ "suggestions": suggestions }))
}

/// Up to five command ids closest to `name` (by id, alias or a shared word); none for a name
/// longer than any id could be.
pub fn suggestions(name: &str) -> Vec<&'static str> {
    if name.len() > MAX_SUGGESTED_NAME_BYTES {
        return Vec::new();
    }
    let needle = name.to_ascii_lowercase().replace('_', ".");
    let last_word = needle.rsplit('.').next().unwrap_or_default().to_owned();
    let mut scored: Vec<(f64, &'static str)> = COMMANDS
        .iter()
        .map(|c| {
            let names = std::iter::once(c.id()).chain(c.aliases().iter().copied());
            let best = names
                .map(|n| {
                    let n = n.to_ascii_lowercase().replace('_', ".");
                    let mut score = strsim::jaro_winkler(&needle, &n);
                    if !last_word.is_empty() && n.rsplit('.').next() == Some(last_word.as_str()) {
                        score = score.max(0.9);
                    }
                    score
                })
                .fold(0.0, f64::max);
            (best, c.id())
        })
        .filter(|(score, _)| *score >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(5).map(|(_, id)| id).collect()
}

/// One command's public description: what `list --json` prints and `schemas/index.json`
/// holds.
pub fn describe(command: &dyn DynCommand) -> Value {
    let credentials: Vec<Value> = command
        .secrets()
        .iter()
        .map(|need| {
            json!({
                "name": need.name.canonical(),
                "envNames": need.name.env_names(),
                "required": need.required,
            })
        })
        .collect();
    json!({
        "id": command.id(),
        "toolName": tool_name(command.id()),
        "aliases": command.aliases(),
        "summary": command.summary(),
        "effect": command.effect(),
        "service": command.service().as_str(),
        "credentials": credentials,
    })
}

/// Every command's description, in registry order.
pub fn catalog() -> Vec<Value> {
    COMMANDS.iter().map(|c| describe(*c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_accepts_ids_and_tool_names() {
        assert_eq!(find("theta.setup").map(|c| c.id()), Some("theta.setup"));
        assert_eq!(
            find("theta_auth_capabilities").map(|c| c.id()),
            Some("theta.auth.capabilities")
        );
        assert!(find("theta.nope").is_none());
    }

    #[test]
    fn unknown_commands_suggest_close_ids() {
        let error = unknown_command("theta.setpu");
        assert_eq!(error.code(), ErrorCode::UnknownCommand);
        assert!(error.hint().unwrap_or_default().contains("theta.setup"));
        assert_eq!(
            suggestions("theta.auth.capabilites").first(),
            Some(&"theta.auth.capabilities")
        );
        assert!(suggestions("zzzzzzzz").is_empty());
    }

    /// Issue 13, defect 5: a huge name costs no suggestion work and is not echoed whole.
    #[test]
    fn huge_names_are_cut_before_suggestions() {
        let near = format!("theta.setup{}", "p".repeat(MAX_SUGGESTED_NAME_BYTES));
        assert!(suggestions(&near).is_empty());
        let huge = format!("theta.setup{}", "é".repeat(5_000_000));
        let started = std::time::Instant::now();
        let error = unknown_command(&huge);
        assert!(
            started.elapsed() < std::time::Duration::from_millis(500),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(error.code(), ErrorCode::UnknownCommand);
        assert!(error.message().len() < 300, "{}", error.message());
        assert!(
            error.message().contains("(10000011 bytes)"),
            "{}",
            error.message()
        );
        assert_eq!(
            error.hint(),
            Some("Run `theta-skill list` to see every command.")
        );
        // At the limit, suggestions still work.
        let typo = "theta.auth.capabilites";
        assert!(typo.len() <= MAX_SUGGESTED_NAME_BYTES);
        assert_eq!(suggestions(typo).first(), Some(&"theta.auth.capabilities"));
    }
}
